/**
 * A conversation session: user audio in, agent audio out, and a typed event timeline, with the duplex
 * predictor deciding every 32 ms window. ASR, dialogue and TTS overlap: the recogniser runs while the
 * user speaks, a reply is generated speculatively at a tentative end of turn, and speech starts with
 * the first synthesized clause.
 *
 * Time comes from an injected clock. On a VirtualClock the driver advances time window by window and
 * awaits `settle()`; every piece of agent audio is stamped with the window time plus the compute time
 * spent producing it: modelled per component by default (repeatable), or measured (compute-time.ts).
 *
 * The session owns the parts and is the application's hand on them (the control API below); each
 * window's plumbing, from the VAD to the predictor's decisions carried out, is decision-window.ts.
 */
import { FullduplexError, toFullduplexError } from '../errors.js';
import { lastUserText, type DialogueMessage } from '../dialogue/types.js';
import { TurnRecognizer } from './turn-recognizer.js';
import { AgentOutput, AgentUtterance } from './agent-output.js';
import { WindowEvidenceReader } from './window-evidence.js';
import { InputWindows } from './input-windows.js';
import type { ControlAction, EngineEvent } from './events.js';
import { DuplexPredictor } from './predictor.js';
import { defaultToolOptions, mergePredictorOverrides, resolvePredictorOptions, type PredictorOverrides } from './options.js';
import { ToolCalls, type SessionTools } from './tools.js';
import { defaultReplyOptions } from './reply.js';
import { Replies } from './replies.js';
import type { CancelReplyOptions, OutputUtterance, OutputView, PredictorView } from './control.js';
import type { SessionOptions } from './session-options.js';
import { BackchannelClips } from './backchannel-clips.js';
import { ComputeTiming } from './compute-time.js';
import { TurnLatencyTracker } from './turn-latency.js';
import { DecisionWindow } from './decision-window.js';

export type { CancelReplyOptions, OutputUtterance, OutputView, PredictorView } from './control.js';
export type { SessionOptions } from './session-options.js';

export const ENGINE_SAMPLE_RATE = 16000;
export const WINDOW_SAMPLES = 512;
const WINDOW_MS = (WINDOW_SAMPLES / ENGINE_SAMPLE_RATE) * 1000;

export class ConversationSession {
  readonly events: EngineEvent[] = [];
  private readonly messages: DialogueMessage[] = [];
  private readonly duplex: DuplexPredictor;
  private readonly speaker: AgentOutput;
  private readonly replies: Replies;
  private readonly toolCalls: ToolCalls;
  private readonly recognizer: TurnRecognizer;
  private readonly evidence = new WindowEvidenceReader(this.messages);
  private readonly turnLatency = new TurnLatencyTracker();
  private readonly input = new InputWindows(ENGINE_SAMPLE_RATE, WINDOW_SAMPLES);
  private chain: Promise<void> = Promise.resolve();
  /** Each window's decisions, and the turns taken whose text is on its way (`window.commits`). */
  private readonly window: DecisionWindow;
  /** Compute-time accounting for virtual clocks. */
  readonly timing: ComputeTiming;
  private closed = false;

  private constructor(
    private readonly o: SessionOptions,
    clips: BackchannelClips,
  ) {
    this.timing = new ComputeTiming(o.clock, o.computeTime, o.computeCosts);
    this.duplex = new DuplexPredictor(o.predictor);
    const recognition = { prerollWindows: Math.ceil((o.prerollMs ?? 320) / WINDOW_MS), maxSegmentS: o.maxAsrSegmentS ?? 30, sampleRate: ENGINE_SAMPLE_RATE };
    this.recognizer = new TurnRecognizer(this.timing.meterAsr(o.asr.createStream(), ENGINE_SAMPLE_RATE), recognition, {
      now: () => o.clock.now(),
      onText: (text) => this.emit({ type: 'transcript_partial', t: this.stamp(), text }),
      onError: (e, component) => this.error(component, e),
      // Runs in order with the audio, like everything that touches the replies.
      onCommittedText: (text) => {
        const run = this.chain.then(() => {
          if (!this.closed && !this.window.commits.pending) this.replies.respeculate(text);
        });
        this.chain = run.catch(() => undefined);
      },
    });
    this.speaker = new AgentOutput(
      ENGINE_SAMPLE_RATE,
      {
        started: (u, t) => this.emit({ type: 'agent_speech_start', t, kind: u.kind, text: u.fullText }),
        completed: (u, t) => this.replies.completed(u, t),
      },
      (samples, t) => this.evidence.played(samples, t),
    );
    const toolOptions = { ...defaultToolOptions, ...o.toolOptions };
    this.toolCalls = new ToolCalls(
      { clock: o.clock, options: toolOptions, history: this.messages, emit: (e) => this.emit(e), stamp: () => this.stamp() },
      o.tools,
    );
    this.replies = new Replies({
      tools: this.toolCalls,
      toolOptions,
      clock: o.clock,
      history: this.messages,
      output: this.speaker,
      sampleRate: ENGINE_SAMPLE_RATE,
      timing: this.timing,
      components: { dialogue: o.dialogue, tts: o.tts, voice: o.voice, options: { ...defaultReplyOptions, ...o.reply }, now: o.now },
      emit: (e) => this.emit(e),
      stamp: () => this.stamp(),
      error: (component, e) => this.error(component, e),
      heardSamples: (u) => o.heardSamples?.(u) ?? u.played,
    });
    this.window = new DecisionWindow({
      clock: o.clock,
      vad: o.vad,
      windowMs: WINDOW_MS,
      listenOnly: o.listenOnly ?? false,
      clips,
      timing: this.timing,
      duplex: this.duplex,
      recognizer: this.recognizer,
      evidence: this.evidence,
      speaker: this.speaker,
      replies: this.replies,
      isClosed: () => this.closed,
      emit: (e) => this.emit(e),
      stamp: () => this.stamp(),
      error: (component, e) => this.error(component, e),
    });
  }

  static async create(o: SessionOptions): Promise<ConversationSession> {
    if (o.vad.sampleRate !== ENGINE_SAMPLE_RATE || o.asr.sampleRate !== ENGINE_SAMPLE_RATE) {
      throw new FullduplexError('BAD_ARGUMENT', `the engine runs at ${ENGINE_SAMPLE_RATE} Hz; VAD and ASR must too`);
    }
    const clips = await BackchannelClips.create(o.tts, o.voice, ENGINE_SAMPLE_RATE, (o.predictor?.backchannel?.phrases ?? undefined));
    const s = new ConversationSession(o, clips);
    s.emit({ type: 'session_start', t: o.clock.now(), config: { predictor: structuredClone(s.duplex.options), dialogue: o.dialogue.name, tts: o.tts.name, asr: o.asr.name, vad: o.vad.name, voice: o.voice ?? o.tts.defaultVoice } });
    for (const e of clips.degradedBy) s.error('tts', new FullduplexError(e.code, `backchannel clips: ${e.message}`, { cause: e }));
    return s;
  }

  // ------------------------------------------------------------------ read-only views
  /** The conversation so far, as the dialogue model sees it. Written only by the session (see `addContext`). */
  get history(): readonly Readonly<DialogueMessage>[] {
    return this.messages;
  }

  /** The turn-taking state and live options (change them with `updateOptions`, `holdTurns`, `takeTurnNow`). */
  get predictor(): PredictorView {
    return this.duplex;
  }

  /** What the agent is saying now (stop it with `cancelReply`). */
  get output(): OutputView {
    return this.speaker;
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
    return this.speaker.pull(n, this.o.clock.now());
  }

  // ------------------------------------------------------------------ control API (the application's hand)
  /**
   * Answer without waiting for speech: `userText` (typed by the user, or a turn from another channel)
   * joins the history as the user's turn and the agent answers it aloud; without it the agent answers
   * the history as it stands. Whatever the agent was saying is cut, as a barge-in would, and a user
   * turn still being spoken is dropped. Runs in order with the audio pushed before it.
   */
  respond(userText?: string): Promise<void> {
    const run = this.chain.then(async () => {
      if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'the session is closed');
      // A turn taken whose text is on its way joins the history first, unanswered: this answers it.
      this.window.commits.withdraw();
      await this.window.commits.idle();
      const text = userText?.trim() ?? '';
      const t = this.stamp();
      this.replies.cut(t, 'interrupted');
      this.replies.discardSpeculation('the agent was asked to answer now');
      this.recognizer.cancel();
      this.duplex.turnTaken();
      if (text) {
        this.messages.push({ role: 'user', content: text });
        this.emit({ type: 'user_text', t, text });
      }
      this.replies.answerHistory(text || lastUserText(this.messages));
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Stop the agent's reply now (LiveKit's `interrupt()`, Realtime's `response.cancel`): the reply stops
   * being generated and synthesised, its speech stops, and only what the listener heard joins the
   * history (`heardSamples` of the utterance, by default what `SessionOptions.heardSamples` says, else
   * everything pulled). A turn asked for with `takeTurnNow` is withdrawn. Backchannels play on.
   * Returns whether a reply was stopped.
   */
  cancelReply(o: CancelReplyOptions = {}): boolean {
    if (o.heardSamples !== undefined && !Number.isFinite(o.heardSamples)) throw new FullduplexError('BAD_ARGUMENT', 'heardSamples must be a finite number of samples');
    const t = this.stamp();
    this.control(t, 'cancel_reply', o.reason ?? 'cancelled by the application');
    this.duplex.requestTurn(false);
    const withdrawn = this.window.commits.withdraw();
    return this.replies.cut(t, 'cancelled', o.heardSamples) || withdrawn;
  }

  /**
   * The listener heard only the first `heardSamples` of utterance `u` (Realtime's
   * `conversation.item.truncate`): its history entry keeps just the words heard (or goes). Returns them.
   */
  truncateHeard(u: OutputUtterance, heardSamples: number): string {
    if (!Number.isFinite(heardSamples)) throw new FullduplexError('BAD_ARGUMENT', 'heardSamples must be a finite number of samples');
    const t = this.stamp();
    this.control(t, 'truncate_heard', `${Math.round((heardSamples / ENGINE_SAMPLE_RATE) * 1000)} ms heard`);
    return this.replies.truncate(t, u as AgentUtterance, heardSamples);
  }

  /**
   * New turn-taking options from now on: the session's creation overrides with `overrides` on top,
   * resolved as at creation (eagerness scales the waits). Not cumulative: each call says everything it
   * changes; `{}` returns to the creation options.
   */
  updateOptions(overrides: PredictorOverrides): void {
    this.duplex.setOptions(resolvePredictorOptions(mergePredictorOverrides(this.o.predictor ?? {}, overrides)));
    this.control(this.stamp(), 'update_options', JSON.stringify(overrides));
  }

  /**
   * Hold the turns (Realtime's `turn_detection: null` / `create_response: false`): the engine keeps
   * listening, recognising and readying a speculative reply, but never answers by itself; the
   * application answers with `takeTurnNow` or `respond`. Barge-in still works.
   */
  holdTurns(on: boolean): void {
    if (this.duplex.turnsHeld === on) return;
    this.duplex.holdTurns(on);
    this.control(this.stamp(), on ? 'hold_turns' : 'release_turns', on ? 'the application takes the turns' : 'the engine takes the turns');
  }

  /**
   * The user's turn is over by the application's word (Realtime's `response.create`): the engine
   * answers at the user's first pause (at once if they have stopped), with no end-of-turn wait. The
   * request stands until a turn is taken or `cancelReply` withdraws it. With no user turn open, use
   * `respond()` to answer the history instead.
   */
  takeTurnNow(): void {
    this.duplex.requestTurn(true);
    this.control(this.stamp(), 'take_turn_now', this.duplex.inTurn || this.duplex.userSpeaking ? 'at the user\'s pause' : 'at the next user turn');
  }

  /**
   * Add to the conversation: a message at the end of the history (a typed turn, a client's item), or
   * with `where: 'instructions'` the leading system message (replaced; empty content removes it).
   * Context does not make the agent answer: `respond()` or the next spoken turn does.
   */
  addContext(message: DialogueMessage, where: 'end' | 'instructions' = 'end'): void {
    const content = this.replies.addContext(message, where);
    this.control(this.stamp(), 'add_context', `${where === 'instructions' ? 'instructions' : message.role}: ${content.slice(0, 80)}`);
  }

  /**
   * Say `text` now, verbatim, in the session's voice (a server's "I have to go now" before it closes
   * the session): whatever the agent was saying is cut, a speculative reply is dropped, and the turns
   * are held, so the user's speech does not start another reply. Barge-in still pauses it. Returns the
   * utterance: `isDone` once it has been played to its end.
   */
  say(text: string): OutputUtterance {
    const t = this.stamp();
    this.control(t, 'say', text.slice(0, 80));
    this.holdTurns(true);
    this.window.commits.withdraw();
    this.replies.discardSpeculation('the application spoke');
    this.replies.cut(t, 'cancelled');
    return this.replies.say(text);
  }

  /**
   * The tools the agent may call from the next reply on (`undefined` or no specs: none; a reply
   * readied in the user's pause with other tools is readied again when the turn is taken). Throws
   * BAD_ARGUMENT for a malformed declaration (bad name, duplicate, tool_choice naming no tool).
   */
  setTools(tools: SessionTools | undefined): void {
    this.toolCalls.set(tools);
    this.control(this.stamp(), 'set_tools', tools ? tools.specs.map((s) => s.name).join(', ') || 'none' : 'none');
  }

  /** How many tool calls were run for committed and for uncommitted turns (the latter is always 0). */
  get toolRuns(): Readonly<{ committed: number; uncommitted: number }> {
    return this.toolCalls.runs;
  }

  /**
   * The application's result for a `tool_call` event it runs itself (no handler): it joins the
   * history, and a reply waiting for it goes on to answer. Throws BAD_ARGUMENT for a call id that is
   * not waiting for a result (unknown, or already answered).
   */
  submitToolResult(callId: string, output: string, o: { isError?: boolean } = {}): void {
    this.toolCalls.submit(callId, output, o.isError ?? false);
    this.control(this.stamp(), 'tool_result', `${callId.slice(0, 40)}: ${output.slice(0, 80)}`);
  }

  /**
   * Resolves once all work triggered so far has finished: recognition, replies in flight (a
   * speculative reply counts once its first clause is synthesized and it waits for the commit).
   */
  async settle(): Promise<void> {
    await this.chain;
    await this.window.commits.idle();
    await this.replies.settle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain;
    // A finished turn is never lost: it joins the history (unanswered: nobody would hear the answer).
    this.window.commits.withdraw();
    await this.window.commits.idle();
    this.closed = true;
    await this.replies.close();
    this.toolCalls.close();
    this.recognizer.close();
    this.input.close();
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
      for (const win of await this.input.push(samples, sampleRate)) await this.window.process(win);
    } catch (e) {
      this.error('input', toFullduplexError(e));
    }
  }

  // ------------------------------------------------------------------ plumbing
  /** Session time for something that is happening now, including compute spent in this window. */
  private stamp(): number {
    return this.timing.input.stamp();
  }

  private control(t: number, action: ControlAction, detail: string): void {
    this.emit({ type: 'control', t, action, detail });
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
    const stages = this.turnLatency.observe(e, () => this.speaker.utterance?.firstReadyAt);
    if (stages) this.emit(stages);
  }
}
