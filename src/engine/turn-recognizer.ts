/**
 * The recogniser's side of a user turn. Each speech segment is one recogniser utterance (started with
 * the audio just before the detected onset, finished when the segment ends), and a turn's words are
 * the finals of its segments, timed in session time. Between segments a short pre-roll is kept so the
 * next onset is not clipped.
 */
import { toFullduplexError, type FullduplexError } from '../errors.js';
import type { AsrStream, WordTiming } from '../speech/types.js';

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
  onError(e: FullduplexError): void;
}

export class TurnRecognizer {
  private active = false;
  private segmentSamples = 0;
  private segmentStart = 0;
  private text = '';
  private turnWords: WordTiming[] = [];
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
      const t0 = this.segmentStart;
      this.turnWords.push(...r.words.map((w) => ({ ...w, start: t0 + w.start, end: t0 + w.end })));
      this.hooks.onText(this.text);
    } catch (e) {
      this.hooks.onError(toFullduplexError(e));
    }
  }

  /** The turn is over: finish recognising and hand over its words. */
  async take(): Promise<{ text: string; words: WordTiming[] }> {
    await this.finishSegment();
    const out = { text: this.text.trim(), words: this.turnWords };
    this.text = '';
    this.turnWords = [];
    return out;
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
    this.partial = '';
  }

  close(): void {
    this.stream.close();
  }

  private push(win: Int16Array): void {
    try {
      // An asynchronous recogniser orders its own pushes (AsrStream.push); only its failures come back here.
      void this.stream.push(win)?.catch((e: unknown) => this.hooks.onError(toFullduplexError(e)));
      this.segmentSamples += win.length;
    } catch (e) {
      this.hooks.onError(toFullduplexError(e));
    }
  }
}
