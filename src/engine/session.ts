/**
 * A conversation session: user audio in, agent audio out, and a typed event timeline, with the duplex
 * predictor deciding every 32 ms window. ASR, dialogue and TTS overlap: the recogniser runs while the
 * user speaks, a reply is generated speculatively at a tentative end of turn, and speech starts with
 * the first synthesized clause.
 *
 * Time comes from an injected clock. On a VirtualClock the driver advances time window by window and
 * awaits `settle()`; every piece of agent audio is stamped with the window time plus the compute time
 * spent producing it: modelled per component by default (repeatable), or measured (compute-time.ts).
 */
import { StreamingResampler } from '../audio/resampler.js';
import { assertSampleRate, rmsDbfs } from '../audio/frame.js';
import type { Clock } from '../audio/clock.js';
import { FullduplexError, toFullduplexError } from '../errors.js';
import type { DialogueMessage, DialogueModel } from '../dialogue/types.js';
import type { AsrEngine, TtsEngine, VoiceActivityDetector } from '../speech/types.js';
import { TurnRecognizer } from './turn-recognizer.js';
import { AgentOutput, AgentUtterance } from './agent-output.js';
import { CompletenessAssessor, type CompletenessResult } from './evidence/completeness.js';
import { EchoReference } from './evidence/echo.js';
import { isNarrativeTurn } from './evidence/narrative.js';
import { PitchContour, PitchTracker } from './evidence/pitch.js';
import { VoiceFeatures } from './evidence/voice-profile.js';
import type { EngineEvent } from './events.js';
import { DuplexPredictor, type AgentActivity, type Decision } from './predictor.js';
import type { PredictorOverrides } from './options.js';
import { defaultReplyOptions, ReplyTask, type ReplyOptions } from './reply.js';
import { BackchannelClips } from './backchannel-clips.js';
import { ComputeTiming, type ComputeCostModel, type ComputeTime } from './compute-time.js';
import { TurnLatencyTracker } from './turn-latency.js';

export const ENGINE_SAMPLE_RATE = 16000;
export const WINDOW_SAMPLES = 512;
const WINDOW_MS = (WINDOW_SAMPLES / ENGINE_SAMPLE_RATE) * 1000;

export interface SessionOptions {
  clock: Clock;
  vad: VoiceActivityDetector;
  asr: AsrEngine;
  tts: TtsEngine;
  dialogue: DialogueModel;
  voice?: string;
  predictor?: PredictorOverrides;
  reply?: Partial<ReplyOptions>;
  /** On a VirtualClock, how component work is charged to session time (compute-time.ts); default 'modelled'. */
  computeTime?: ComputeTime;
  /** Overrides of the modelled component costs (computeTime 'modelled'). */
  computeCosts?: Partial<ComputeCostModel>;
  /** Audio kept before detected speech onset and handed to the recogniser with it, ms. */
  prerollMs?: number;
  /** A user turn longer than this is recognised in pieces (keeps the decoder's work per chunk bounded), s. */
  maxAsrSegmentS?: number;
  /**
   * Listen without ever answering: the predictor still reads every window (its decisions and its
   * end-of-turn estimates stay observable), but no reply, speculation or backchannel is started.
   * The end-of-turn model's training and the benchmark's end-of-turn probe use it.
   */
  listenOnly?: boolean;
  onEvent?: (e: EngineEvent) => void;
  now?: () => Date;
  /**
   * Components the session was handed to own (whoever creates a component closes it: a caller that
   * creates components for this session alone passes them here): close() closes them, after its own work.
   */
  owned?: readonly { close?(): Promise<void> | void }[];
}

export class ConversationSession {
  readonly events: EngineEvent[] = [];
  readonly history: DialogueMessage[] = [];
  readonly predictor: DuplexPredictor;
  readonly output: AgentOutput;
  /**
   * When playback happens downstream of `pullAudio` (a client's jitter buffer that is flushed on
   * barge-in), how many of an utterance's pulled samples the listener actually heard. A barge-in then
   * commits only those words to the history. Unset: everything pulled counts as heard.
   */
  heardSamples: ((u: AgentUtterance) => number) | undefined;
  private readonly recognizer: TurnRecognizer;
  private readonly pitch = new PitchTracker();
  private readonly contour = new PitchContour();
  private readonly voiceFeatures = new VoiceFeatures();
  private readonly echo = new EchoReference();
  private readonly completeness = new CompletenessAssessor();
  private readonly replyOptions: ReplyOptions;
  private readonly clips: BackchannelClips;
  private readonly turnLatency = new TurnLatencyTracker();
  private inputResampler: StreamingResampler | undefined;
  private inputRate = ENGINE_SAMPLE_RATE;
  private pending = new Int16Array(0);
  private chain: Promise<void> = Promise.resolve();
  private lastAssessed: { text: string; result: CompletenessResult } | undefined;
  // -- replies
  private speculative: ReplyTask | undefined;
  private reply: ReplyTask | undefined;
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly replyPromises = new Set<Promise<unknown>>();
  private committing = false;
  private userSpeechOpen = false;
  // -- compute-time accounting for virtual clocks
  readonly timing: ComputeTiming;
  private closed = false;

  private constructor(
    private readonly o: SessionOptions,
    clips: BackchannelClips,
  ) {
    this.timing = new ComputeTiming(o.clock, o.computeTime, o.computeCosts);
    this.predictor = new DuplexPredictor(o.predictor);
    this.replyOptions = { ...defaultReplyOptions, ...o.reply };
    this.clips = clips;
    this.recognizer = new TurnRecognizer(
      this.timing.meterAsr(o.asr.createStream(), ENGINE_SAMPLE_RATE),
      {
        prerollWindows: Math.ceil((o.prerollMs ?? 320) / WINDOW_MS),
        maxSegmentS: o.maxAsrSegmentS ?? 30,
        sampleRate: ENGINE_SAMPLE_RATE,
      },
      {
        now: () => o.clock.now(),
        onText: (text) => this.emit({ type: 'transcript_partial', t: this.stamp(), text }),
        onError: (e) => this.error('asr', e),
      },
    );
    this.output = new AgentOutput(
      ENGINE_SAMPLE_RATE,
      {
        started: (u, t) => this.emit({ type: 'agent_speech_start', t, kind: u.kind, text: u.fullText }),
        completed: (u, t) => this.utteranceCompleted(u, t),
      },
      (samples, t) => this.echo.pushPlayed(samples, t),
    );
  }

  static async create(o: SessionOptions): Promise<ConversationSession> {
    if (o.vad.sampleRate !== ENGINE_SAMPLE_RATE || o.asr.sampleRate !== ENGINE_SAMPLE_RATE) {
      throw new FullduplexError('BAD_ARGUMENT', `the engine runs at ${ENGINE_SAMPLE_RATE} Hz; VAD and ASR must too`);
    }
    const clips = await BackchannelClips.create(o.tts, o.voice, ENGINE_SAMPLE_RATE, (o.predictor?.backchannel?.phrases ?? undefined));
    const s = new ConversationSession(o, clips);
    s.emit({ type: 'session_start', t: o.clock.now(), config: { predictor: s.predictor.options, dialogue: o.dialogue.name, tts: o.tts.name, asr: o.asr.name, vad: o.vad.name, voice: o.voice ?? o.tts.defaultVoice } });
    return s;
  }

  // ------------------------------------------------------------------ audio in / out
  /** Feed user audio (mono PCM16, any supported rate). Errors become timeline events, never throws. */
  pushAudio(samples: Int16Array, sampleRate: number = ENGINE_SAMPLE_RATE): Promise<void> {
    const run = this.chain.then(() => this.ingest(samples, sampleRate));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The next `n` samples of agent audio (16 kHz), as played from now. */
  pullAudio(n: number): Int16Array {
    return this.output.pull(n, this.o.clock.now());
  }

  /**
   * Answer without waiting for speech: `userText` (typed by the user, or a turn from another channel)
   * joins the history as the user's turn and the agent answers it aloud; without it the agent answers
   * the history as it stands. Whatever the agent was saying is cut, as a barge-in would, and a user
   * turn still being spoken is dropped. Runs in order with the audio pushed before it.
   */
  respond(userText?: string): Promise<void> {
    const run = this.chain.then(() => {
      if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'the session is closed');
      const text = userText?.trim() ?? '';
      const t = this.stamp();
      if (this.output.utterance) this.cutAgent(t);
      this.discardSpeculation('the agent was asked to answer now');
      this.recognizer.cancel();
      this.predictor.turnTaken();
      if (text) {
        this.history.push({ role: 'user', content: text });
        this.emit({ type: 'user_text', t, text });
      }
      const lastUser = [...this.history].reverse().find((m) => m.role === 'user')?.content ?? '';
      const task = new ReplyTask(this.replyContext(), [...this.history], text || lastUser);
      this.trackReply(task);
      this.startReply(task, text || lastUser);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Resolves once all work triggered so far has finished: recognition, replies in flight (a
   * speculative reply counts once its first clause is synthesized and it waits for the commit).
   */
  async settle(): Promise<void> {
    await this.chain;
    for (;;) {
      const replies = [this.speculative, this.reply].filter((r): r is ReplyTask => r !== undefined);
      const others = [...this.tasks].filter((p) => !this.replyPromises.has(p));
      if (others.length === 0 && replies.every((r) => r.isIdle)) return;
      await Promise.allSettled([...others, ...replies.map((r) => r.idle())]);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain;
    this.closed = true;
    this.speculative?.abort();
    this.reply?.abort();
    await Promise.allSettled([...this.tasks]);
    this.recognizer.close();
    this.inputResampler?.destroy();
    for (const c of this.o.owned ?? []) {
      try {
        await c.close?.();
      } catch (e) {
        this.error('engine', toFullduplexError(e));
      }
    }
    this.emit({ type: 'session_end', t: this.o.clock.now() });
  }

  private async ingest(samples: Int16Array, sampleRate: number): Promise<void> {
    if (this.closed) return this.error('input', new FullduplexError('BAD_ARGUMENT', 'session is closed'));
    try {
      if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'audio must be an Int16Array of mono PCM16');
      assertSampleRate(sampleRate, 'session input');
      let pcm = samples;
      if (sampleRate !== ENGINE_SAMPLE_RATE) {
        if (!this.inputResampler || this.inputRate !== sampleRate) {
          this.inputResampler?.destroy();
          this.inputResampler = await StreamingResampler.create(sampleRate, ENGINE_SAMPLE_RATE);
          this.inputRate = sampleRate;
        }
        pcm = this.inputResampler.process(samples);
      }
      const all = new Int16Array(this.pending.length + pcm.length);
      all.set(this.pending);
      all.set(pcm, this.pending.length);
      let i = 0;
      for (; i + WINDOW_SAMPLES <= all.length; i += WINDOW_SAMPLES) await this.processWindow(all.slice(i, i + WINDOW_SAMPLES));
      this.pending = all.slice(i);
    } catch (e) {
      this.error('input', toFullduplexError(e));
    }
  }

  // ------------------------------------------------------------------ one decision window
  private async processWindow(win: Int16Array): Promise<void> {
    this.timing.beginWindow();
    let probability = 0;
    try {
      probability = (await this.o.vad.push(win))[0]?.probability ?? 0;
      this.timing.input.charge(this.timing.costs.vadMsPerWindow);
    } catch (e) {
      this.error('vad', toFullduplexError(e));
    }
    const est = this.pitch.push(win);
    this.contour.push(est);
    const agent = this.agentActivity();
    const echoLikelihood = agent === 'speaking' || agent === 'backchannel' ? this.echo.echoLikelihood(win, this.o.clock.now()) : 0;
    this.recognizer.feed(win);
    const transcript = this.recognizer.transcript();
    const paused = !this.predictor.userSpeaking;
    const completeness = this.assess(transcript);
    const decisions = this.predictor.update({
      t: this.o.clock.now(),
      windowMs: WINDOW_MS,
      vadProbability: probability,
      levelDb: Number.isFinite(est.energyDb) ? est.energyDb : rmsDbfs(win),
      echoLikelihood,
      transcript,
      completeness,
      narrative: isNarrativeTurn(transcript),
      pitchShape: paused ? this.contour.final()?.shape : undefined,
      finalStretch: paused ? this.contour.final() : null,
      words: this.recognizer.words,
      agentAskedQuestion: this.agentAskedQuestion(),
      agent,
      voice: this.voiceFeatures.push(win, est.f0Hz),
    });
    // Output-affecting decisions first: they are time-critical and cheap, recognition work is not.
    for (const d of [...decisions].sort((a, b) => priority(a) - priority(b))) await this.act(d, agent);
    this.dropAbandonedRecognition();
  }

  private agentActivity(): AgentActivity {
    const u = this.output.utterance;
    if (!u) return 'idle';
    if (u.kind === 'backchannel') return 'backchannel';
    return this.output.isPaused ? 'paused' : 'speaking';
  }

  private async act(d: Decision, agent: AgentActivity): Promise<void> {
    const t = this.stamp();
    this.emit({ type: 'decision', t, action: d.action, reason: d.reason, agent });
    if (this.o.listenOnly && LISTEN_ONLY_SKIPS.has(d.action)) return;
    switch (d.action) {
      case 'user_start':
        this.emit({ type: 'user_speech_start', t, onset: t - this.predictor.segmentMs / 1000 });
        this.userSpeechOpen = true;
        this.recognizer.start();
        break;
      case 'user_stop':
        this.emit({ type: 'user_speech_stop', t });
        this.userSpeechOpen = false;
        // Each speech segment is one recogniser utterance: its final hypothesis (best path over the
        // whole segment) is what end-of-turn decisions read, not a partial still settling — partials
        // lag the last word and invent words ("huh") in the silence after it.
        await this.recognizer.finishSegment();
        break;
      case 'speculate':
        this.startSpeculation();
        break;
      case 'discard_speculation':
        this.discardSpeculation(d.reason);
        break;
      case 'take_turn':
        await this.commitTurn();
        break;
      case 'backchannel':
        this.playBackchannel();
        break;
      case 'yield':
        this.output.pause();
        this.emit({ type: 'agent_paused', t });
        break;
      case 'resume':
        this.output.resume();
        this.emit({ type: 'agent_resumed', t });
        this.recognizer.cancel();
        break;
      case 'cancel':
        this.cutAgent(t);
        break;
      case 'ignore':
        // Speech that had been taken for the user's is somebody else's after all. (If attention
        // judges it the user's again, its user_start restarts recognition with the pre-roll.)
        if (this.userSpeechOpen) this.emit({ type: 'user_speech_stop', t });
        this.userSpeechOpen = false;
        this.recognizer.dropSegment(); // its words must not join the user's turn
        break;
      case 'hold':
      case 'keep_talking':
        break;
    }
  }

  // ------------------------------------------------------------------ recognition
  /** The predictor dropped the turn (side talk, noise) or the overlap ended: forget its words. */
  private dropAbandonedRecognition(): void {
    if (this.recognizer.holdsTurn && !this.committing && !this.predictor.inTurn && !this.predictor.userSpeaking && this.agentActivity() !== 'paused') {
      this.recognizer.cancel();
    }
  }

  private assess(text: string): CompletenessResult {
    if (this.lastAssessed?.text !== text) {
      this.lastAssessed = { text, result: this.completeness.assess(text, { agentAskedQuestion: this.agentAskedQuestion() }) };
    }
    return this.lastAssessed.result;
  }

  private agentAskedQuestion(): boolean {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const m = this.history[i]!;
      if (m.role === 'assistant') return m.content.trim().endsWith('?');
    }
    return false;
  }

  // ------------------------------------------------------------------ replies
  /** Each reply gets its own compute lane (modelled time) and components that charge it. */
  private replyContext() {
    const lane = this.timing.replyLane();
    return {
      dialogue: this.timing.meterDialogue(this.o.dialogue, lane),
      tts: this.timing.meterTts(this.o.tts, lane),
      voice: this.o.voice,
      outputRate: ENGINE_SAMPLE_RATE,
      options: this.replyOptions,
      stamp: () => lane.stamp(),
      committed: () => lane.catchUp(this.stamp()),
      onError: (component: string, e: FullduplexError) => this.error(component, e),
      now: this.o.now,
    };
  }

  private startSpeculation(): void {
    const text = this.recognizer.transcript().trim();
    if (!text) return;
    this.speculative?.abort();
    const task = new ReplyTask(this.replyContext(), [...this.history, { role: 'user', content: text }], text, true);
    this.speculative = task;
    this.trackReply(task);
    this.emit({ type: 'speculation_start', t: this.stamp(), text });
  }

  private discardSpeculation(reason: string): void {
    if (!this.speculative) return;
    this.speculative.abort();
    this.speculative = undefined;
    this.emit({ type: 'speculation_discarded', t: this.stamp(), reason });
  }

  private async commitTurn(): Promise<void> {
    this.committing = true;
    try {
      const { text, words } = await this.recognizer.take();
      this.emit({ type: 'transcript_final', t: this.stamp(), text, words });
      this.predictor.turnTaken();
      const spec = this.speculative;
      this.speculative = undefined;
      this.history.push({ role: 'user', content: text });
      let task: ReplyTask;
      if (spec && !spec.aborted && normalize(spec.userText) === normalize(text)) {
        task = spec;
        this.emit({ type: 'speculation_used', t: this.stamp(), text });
      } else {
        if (spec) this.discardSpeculation('the final transcript differs from the speculated one');
        task = new ReplyTask(this.replyContext(), [...this.history], text);
        this.trackReply(task);
      }
      this.startReply(task, text);
    } finally {
      this.committing = false;
    }
  }

  /** The reply becomes the agent's turn: committed, announced, and played in place of any other. */
  private startReply(task: ReplyTask, userText: string): void {
    task.commit();
    this.emit({ type: 'agent_reply_start', t: this.stamp(), userText });
    task.attach((clause) => this.emit({ type: 'agent_text', t: this.stamp(), text: clause }));
    this.reply?.abort();
    this.reply = task;
    this.output.play(task.utterance, this.stamp());
  }

  private playBackchannel(): void {
    if (this.output.utterance) return;
    const clip = this.clips.next(this.stamp());
    if (!clip) return;
    this.emit({ type: 'backchannel', t: this.stamp(), text: clip.fullText });
    this.output.play(clip);
  }

  /** Barge-in confirmed: stop speaking, keep in history only what the user heard. */
  private cutAgent(t: number): void {
    this.reply?.abort();
    this.reply = undefined;
    const u = this.output.stop();
    if (!u) return;
    this.emit({ type: 'agent_speech_stop', t, kind: u.kind, reason: 'interrupted' });
    if (u.kind !== 'reply') return;
    const heardN = Math.max(0, Math.min(u.played, this.heardSamples?.(u) ?? u.played));
    const heard = u.heardText(heardN);
    this.emit({ type: 'agent_speech_truncated', t, heardText: heard, fullText: u.fullText, playedSeconds: heardN / ENGINE_SAMPLE_RATE });
    if (heard) this.history.push({ role: 'assistant', content: heard, interrupted: true });
  }

  private utteranceCompleted(u: AgentUtterance, t: number): void {
    this.emit({ type: 'agent_speech_stop', t, kind: u.kind, reason: 'completed' });
    if (u.kind === 'reply') {
      if (u.fullText) this.history.push({ role: 'assistant', content: u.fullText });
      this.reply = undefined;
    }
  }

  // ------------------------------------------------------------------ plumbing
  /** Session time for something that is happening now, including compute spent in this window. */
  private stamp(): number {
    return this.timing.input.stamp();
  }

  private trackReply(task: ReplyTask): void {
    const p = task.done.catch((e) => this.error('engine', toFullduplexError(e)));
    this.replyPromises.add(p);
    this.tasks.add(p);
    void p.finally(() => (this.tasks.delete(p), this.replyPromises.delete(p)));
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e) => this.error('engine', toFullduplexError(e))).finally(() => this.tasks.delete(q));
    this.tasks.add(q);
  }

  private error(component: string, e: FullduplexError): void {
    this.emit({ type: 'error', t: this.o.clock.now(), component, code: e.code, message: e.message });
  }

  private emit(e: EngineEvent): void {
    this.events.push(e);
    try {
      this.o.onEvent?.(e);
    } catch {
      // A listener's failure must not break the conversation.
    }
    const stages = this.turnLatency.observe(e, () => this.output.utterance?.firstReadyAt);
    if (stages) this.emit(stages);
  }
}

const URGENT = new Set(['yield', 'cancel', 'resume']);
/** Decisions a listen-only session observes but does not carry out. */
const LISTEN_ONLY_SKIPS = new Set(['speculate', 'take_turn', 'backchannel']);
function priority(d: Decision): number {
  return URGENT.has(d.action) ? 0 : 1;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9' ]/g, ' ').replace(/\s+/g, ' ').trim();
}
