/**
 * The recogniser's side of a user turn. Each speech segment is one recogniser utterance (started with
 * the audio just before the detected onset, finished when the segment ends), and a turn's words are
 * the finals of its segments, timed in session time. Between segments a short pre-roll is kept so the
 * next onset is not clipped.
 *
 * With a second recogniser behind the streaming one (an STT server: AsrResult.committed), the turn's
 * committed text — what the dialogue answers and the history keeps — is the second recogniser's,
 * segment by segment (the streaming text stands in for a segment whose server failed); the words,
 * partials and timing stay the streaming recogniser's, for the predictor.
 */
import { toFullduplexError, type FullduplexError } from '../errors.js';
import type { AsrStream, CommittedText, WordTiming } from '../speech/types.js';

/** A committed turn: what the dialogue answers, and what the streaming recogniser heard where that differs. */
export interface TakenTurn {
  readonly text: string;
  readonly words: WordTiming[];
  /** The streaming recogniser's text, when a second recogniser gave `text`. */
  readonly streamingText?: string;
  /** The recognisers `text` came from, when not the streaming one alone. */
  readonly textSource?: string;
}

/** A turn just taken: the streaming recogniser's part now, the committed text now or on its way. */
export interface TurnTaken {
  readonly streamingText: string;
  readonly words: WordTiming[];
  readonly text: TakenTurn | Promise<TakenTurn>;
}

type Segment = { readonly text: string; readonly committed?: Promise<CommittedText> };

export interface TurnRecognizerOptions {
  /** Windows of audio kept before an onset and handed to the recogniser with it. */
  readonly prerollWindows: number;
  /** A segment longer than this is cut and recognised in pieces (bounds the decoder's work), s. */
  readonly maxSegmentS: number;
  readonly sampleRate: number;
}

export interface TurnRecognizerHooks {
  now(): number;
  /** The turn's words so far changed (a partial while speaking, or a segment's final). */
  onText(text: string): void;
  /** `component`: 'asr' (the streaming recogniser) or 'stt' (the second recogniser, which fell back). */
  onError(e: FullduplexError, component: 'asr' | 'stt'): void;
  /** The second recogniser's text of every segment so far arrived while the turn is open (see `committedText`). */
  onCommittedText?(text: string): void;
}

export class TurnRecognizer {
  private active = false;
  private segmentSamples = 0;
  private segmentStart = 0;
  private text = '';
  private turnWords: WordTiming[] = [];
  /** Per finished segment: its streaming text, and the second recogniser's on its way (if any). */
  private segments: Segment[] = [];
  /** The second recogniser's text of the whole turn so far, once every segment's has arrived (none while speaking). */
  private serverText: string | undefined;
  private partial = '';
  private readonly preroll: Int16Array[] = [];

  constructor(
    private readonly stream: AsrStream,
    private readonly o: TurnRecognizerOptions,
    private readonly hooks: TurnRecognizerHooks,
  ) {
    stream.onPartial = (p) => {
      this.partial = p.text;
      hooks.onText(this.transcript());
    };
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Recognising, or holding words of an unfinished turn. */
  get holdsTurn(): boolean {
    return this.active || this.text !== '';
  }

  /** The turn's words so far with session times and confidences (segment finals only). */
  get words(): readonly WordTiming[] {
    return this.turnWords;
  }

  /**
   * The second recogniser's text of the turn so far, when it has arrived for every finished segment and
   * no segment is being recognised (a speculative reply should answer it, as the commit will).
   */
  get committedText(): string | undefined {
    return this.serverText;
  }

  /** Everything recognised in the turn so far, finals and the current partial. */
  transcript(): string {
    return [this.text, this.partial].filter(Boolean).join(' ');
  }

  /** Every window goes through here: to the recogniser during speech, to the pre-roll otherwise. */
  feed(win: Int16Array): void {
    if (!this.active) {
      this.preroll.push(win);
      while (this.preroll.length > this.o.prerollWindows) this.preroll.shift();
      return;
    }
    this.push(win);
    if (this.segmentSamples / this.o.sampleRate > this.o.maxSegmentS) {
      void this.finishSegment().then(() => this.start());
    }
  }

  /** A speech segment began: recognise it, starting with the pre-roll. */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.segmentSamples = 0;
    this.partial = '';
    this.serverText = undefined;
    const pre = this.preroll.splice(0);
    this.segmentStart = this.hooks.now() - pre.reduce((n, w) => n + w.length, 0) / this.o.sampleRate;
    for (const w of pre) this.push(w);
  }

  /** The segment ended: its final hypothesis joins the turn's words. */
  async finishSegment(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    this.partial = '';
    try {
      const r = await this.stream.finish();
      this.text = [this.text, r.text].filter(Boolean).join(' ');
      this.segments.push({ text: r.text, ...(r.committed && { committed: r.committed }) });
      if (r.committed) this.watchCommitted(this.segments);
      const t0 = this.segmentStart;
      this.turnWords.push(...r.words.map((w) => ({ ...w, start: t0 + w.start, end: t0 + w.end })));
      this.hooks.onText(this.text);
    } catch (e) {
      this.hooks.onError(toFullduplexError(e), 'asr');
    }
  }

  /**
   * The turn is over: finish recognising and hand over its words at once (the recogniser is ready for
   * the next turn), with `text` the turn's committed text: the streaming text itself, or — where a
   * second recogniser is behind it — a promise of its text (its requests began at each segment's end),
   * which the caller awaits without holding up the windows that follow.
   */
  async take(): Promise<TurnTaken> {
    await this.finishSegment();
    const streamingText = this.text.trim();
    const words = this.turnWords;
    const segments = this.segments;
    this.text = '';
    this.turnWords = [];
    this.segments = [];
    this.serverText = undefined;
    if (!segments.some((s) => s.committed)) return { streamingText, words, text: { text: streamingText, words } };
    return { streamingText, words, text: this.committedTurn(segments, streamingText, words) };
  }

  /** The second recogniser's text of a taken turn (the streaming text stands in for a segment whose server failed). */
  private async committedTurn(segments: readonly Segment[], streamingText: string, words: WordTiming[]): Promise<TakenTurn> {
    const texts = await Promise.all(segments.map(async (s) => (s.committed ? await s.committed : { text: s.text, source: '' })));
    for (const c of texts) if (c.error) this.hooks.onError(c.error, 'stt');
    const text = texts.map((c) => c.text).filter(Boolean).join(' ').trim();
    const sources = [...new Set(texts.map((c) => c.source).filter(Boolean))];
    return { text, words, streamingText, textSource: sources.join(' + ') };
  }

  /** Forget the current segment only (it was someone else's voice); the turn's earlier words stay. */
  dropSegment(): void {
    if (!this.active) return;
    this.stream.cancel();
    // Live cepstral mean normalisation adapted to the fragment (often a quiet, far voice) at its
    // end; the user's next words would be misheard with it ("what time is it" → "what planet and").
    this.stream.resetAdaptation?.();
    this.active = false;
    this.partial = '';
    this.hooks.onText(this.transcript());
  }

  /** Forget the turn (it was side talk, noise, or a backchannel over the agent). */
  cancel(): void {
    if (this.active) this.stream.cancel();
    this.active = false;
    this.text = '';
    this.turnWords = [];
    this.segments = [];
    this.serverText = undefined;
    this.partial = '';
  }

  close(): void {
    this.stream.close();
  }

  /** When every segment's second text is in and the turn is still this one, with no segment running: announce it. */
  private watchCommitted(segments: readonly Segment[]): void {
    const n = segments.length;
    void Promise.all(segments.map(async (s) => (s.committed ? await s.committed : { text: s.text, source: '' }))).then((texts) => {
      // A turn taken or dropped replaces the array; a later segment watches for itself.
      if (segments !== this.segments || segments.length !== n || this.active) return;
      if (texts.some((t) => t.error)) return; // the streaming text stands in: nothing new to answer
      this.serverText = texts.map((t) => t.text).filter(Boolean).join(' ').trim();
      this.hooks.onCommittedText?.(this.serverText);
    });
  }

  private push(win: Int16Array): void {
    try {
      // An asynchronous recogniser orders its own pushes (AsrStream.push); only its failures come back here.
      void this.stream.push(win)?.catch((e: unknown) => this.hooks.onError(toFullduplexError(e), 'asr'));
      this.segmentSamples += win.length;
    } catch (e) {
      this.hooks.onError(toFullduplexError(e), 'asr');
    }
  }
}
