/**
 * One live conversation, independent of the transport: user audio in, agent audio out on the real-time
 * beat, engine events out, the client's playback reports in (so barge-ins commit only what was heard),
 * and the session's record on disk. The connection (connection.ts) owns the socket and the limits.
 */
import { performance } from 'node:perf_hooks';
import { RealClock } from '../audio/clock.js';
import { ConversationSession, ENGINE_SAMPLE_RATE } from '../engine/session.js';
import { makeDialogue } from '../engine/local.js';
import type { DialogueModel } from '../dialogue/types.js';
import type { FullduplexError } from '../errors.js';
import type { OutputUtterance } from '../engine/control.js';
import type { EngineEvent } from '../engine/events.js';
import { responseLatencies } from '../engine/summary.js';
import type { TtsEngine } from '../speech/types.js';
import type { EnginePool, Lease } from './engine-pool.js';
import type { Beat } from './metronome.js';
import type { EngineChoice, PlaybackOptions, RecordingOptions, ServerLimits } from './options.js';
import { PlaybackLedger } from './playback-ledger.js';
import type { FlushedMessage, PlaybackMessage, ProtocolErrorCode, ReadyMessage, ServerMessage, StartMessage, TextMessage, ToolResultMessage } from './protocol.js';
import { PROTOCOL_VERSION } from './protocol.js';
import { SessionRecorder } from './recorder.js';
import { applyControl, UtteranceIds, type ControlResult, type SessionControl } from './session-control.js';

/**
 * Which agent utterance a frame of output audio belongs to (absent: none is under way; `advanced` 0:
 * it is paused). A transport
 * that names the agent's speech (Realtime's response and item ids) ties its audio to it by this, and
 * names it back in `cancel_utterance` / `truncate_heard` controls.
 */
export interface OutputChunkInfo {
  utteranceId: number;
  kind: 'reply' | 'backchannel';
  /** Samples of the utterance played after this frame, and how many of them this frame carried. */
  played: number;
  advanced: number;
  /** The utterance stopped playing within this frame (completed or cut; `done` tells which). */
  ended: boolean;
  done: boolean;
}

/** Where a live session's output goes (the connection). */
export interface LiveSessionSink {
  audio(samples: Int16Array, info?: OutputChunkInfo): void;
  message(m: ServerMessage): void;
  error(code: ProtocolErrorCode, message: string): void;
  /** The session cannot go on (its worker thread died): end the connection. */
  fatal(message: string): void;
}

export interface LiveSessionDeps {
  id: string;
  start: StartMessage;
  engine: EngineChoice;
  limits: ServerLimits;
  playback: PlaybackOptions;
  recording: RecordingOptions;
  pool: EnginePool;
  tts: TtsEngine;
  sink: LiveSessionSink;
  log: (line: string) => void;
}

export interface LiveSessionStats {
  durationS: number;
  framesSent: number;
  /** Frames of agent speech the beat could not send in time (the event loop was stalled), skipped. */
  skippedFrames: number;
  /** Frames of silence not sent because they were late (harmless: the client played silence). */
  skippedSilentFrames: number;
  /** Largest amount of user audio waiting for the engine, s (the engine fell behind real time). */
  maxInputBacklogS: number;
  inputSeconds: number;
  droppedInputSeconds: number;
  clientUnderruns: number;
  responseLatenciesMs: number[];
}

/** When the agent is silent, a late beat sends at most this many frames (timer jitter, not a stall). */
const SILENT_CATCH_UP_FRAMES = 5;

/** Spoken-text progress is refreshed every this many frames. */
const SPOKEN_EVERY_FRAMES = 5;

export class LiveSession implements Beat {
  readonly id: string;
  private readonly ledger = new PlaybackLedger();
  private readonly frameSamples: number;
  private readonly startedAt = performance.now();
  private firstFrame = 0;
  /** Frames of the output stream accounted for: sent, or skipped because they were too late. */
  private streamFrames = 0;
  private framesSent = 0;
  private skippedFrames = 0;
  private skippedSilentFrames = 0;
  private inputSamples = 0;
  private droppedInput = 0;
  private backlog = 0;
  private maxBacklog = 0;
  private clientUnderruns = 0;
  private spokenOf: OutputUtterance | undefined;
  private spokenText = '';
  private closing: Promise<void> | undefined;
  /** Start-up events not yet sent (the client hears of the session first, in `ready`). */
  private unsent: EngineEvent[] = [];
  private readonly utterances = new UtteranceIds();
  /** performance.now() of the last user audio received. */
  private lastInputAt = performance.now();

  private constructor(
    private readonly d: LiveSessionDeps,
    private readonly clock: RealClock,
    private readonly session: ConversationSession,
    private readonly lease: Lease,
    private readonly recorder: SessionRecorder | undefined,
  ) {
    this.id = d.id;
    this.frameSamples = Math.round((d.playback.frameMs * ENGINE_SAMPLE_RATE) / 1000);
  }

  static async create(d: LiveSessionDeps): Promise<LiveSession> {
    const voice = d.start.voice ?? d.engine.voice;
    const eagerness = d.start.eagerness ?? d.engine.eagerness;
    const lease = await d.pool.acquire();
    let recorder: SessionRecorder | undefined;
    try {
      const meta = { protocol: PROTOCOL_VERSION, client: d.start.client ?? null, inputSampleRate: d.start.inputSampleRate, voice, eagerness, dialogue: dialogueName(d.engine) };
      recorder = await SessionRecorder.create(d.recording, d.id, d.start.inputSampleRate, meta, (m) => d.log(`session ${d.id}: ${m}`));
      const clock = new RealClock();
      let live: LiveSession | undefined;
      const early: EngineEvent[] = [];
      // The dialogue model is made for this session alone: the session owns (and closes) it.
      const dialogue = dialogueFor(d.engine, (e) => live?.componentError('dialogue', e));
      const session = await ConversationSession.create({
        clock,
        vad: lease.vad,
        asr: lease.asr,
        tts: d.tts,
        dialogue,
        owned: [dialogue],
        voice,
        predictor: { eagerness },
        // The client runs the tools it declared: each call goes out as `tool_call`, its result comes back.
        ...(d.start.tools?.length && { tools: { specs: d.start.tools, ...(d.start.toolChoice !== undefined && { choice: d.start.toolChoice }) } }),
        // The client reports what its speaker played: a cut reply keeps only those words.
        ...(d.start.playbackReports && { heardSamples: (u: OutputUtterance) => live?.ledger.heardOf(u) ?? u.played }),
        onEvent: (e) => (live ? live.onEngineEvent(e) : early.push(e)),
      });
      if (d.start.instructions) session.addContext({ role: 'system', content: d.start.instructions }, 'instructions');
      live = new LiveSession(d, clock, session, lease, recorder);
      // Events from start-up (session_start) go out after `ready`, with the first beat.
      for (const e of early) recorder?.event(e);
      live.unsent = early;
      return live;
    } catch (e) {
      lease.release();
      recorder?.close({ error: (e as Error).message });
      throw e;
    }
  }

  /** Open the output stream at the beat's frame `frame`; returns the `ready` message that announces it. */
  goLive(frame: number): ReadyMessage {
    this.firstFrame = frame;
    const p = this.d.playback;
    return {
      type: 'ready',
      protocol: PROTOCOL_VERSION,
      sessionId: this.id,
      outputSampleRate: ENGINE_SAMPLE_RATE,
      frameMs: p.frameMs,
      prefillMs: p.clientPrefillMs,
      leadMs: p.leadMs,
      maxBufferMs: p.clientMaxBufferMs,
      t: this.clock.now(),
      limits: { maxSessionSeconds: this.d.limits.maxSessionSeconds, maxMessageBytes: this.d.limits.maxMessageBytes, maxAudioFrameBytes: this.d.limits.maxAudioFrameBytes },
      config: { voice: this.d.start.voice ?? this.d.engine.voice, eagerness: this.d.start.eagerness ?? this.d.engine.eagerness, dialogue: dialogueName(this.d.engine), recording: this.recorder !== undefined },
    };
  }

  /** User audio at the declared input rate. */
  input(samples: Int16Array): void {
    if (this.closing || samples.length === 0) return;
    const rate = this.d.start.inputSampleRate;
    const allowed = ((performance.now() - this.startedAt) / 1000 + this.d.limits.maxInputAheadSeconds) * rate;
    if (this.inputSamples + samples.length > allowed) {
      this.droppedInput += samples.length;
      this.d.sink.error('INPUT_TOO_FAST', `audio is arriving faster than real time; ${samples.length} samples dropped`);
      return;
    }
    this.lastInputAt = performance.now();
    this.accept(samples);
  }

  private accept(samples: Int16Array): void {
    const rate = this.d.start.inputSampleRate;
    this.inputSamples += samples.length;
    this.recorder?.userAudio(samples);
    const seconds = samples.length / rate;
    this.backlog += seconds;
    this.maxBacklog = Math.max(this.maxBacklog, this.backlog);
    void this.session.pushAudio(samples, rate).finally(() => (this.backlog -= seconds));
  }

  playback(m: PlaybackMessage): void {
    this.ledger.advance(m.position);
    if (m.underruns !== undefined) this.clientUnderruns = Math.max(this.clientUnderruns, m.underruns);
  }

  flushed(m: FlushedMessage): void {
    this.ledger.recordDropped(m.position, m.dropped);
  }

  /** A typed user turn: the engine answers it aloud (its events and audio go out as for speech). */
  text(m: TextMessage): void {
    this.session.respond(m.text).catch((e: Error) => this.d.sink.error('SESSION_FAILED', `the typed turn could not be answered: ${e.message}`));
  }

  /** The application steers the engine (its control API); every call lands on the timeline. */
  control(m: SessionControl): ControlResult {
    try {
      return applyControl(this.session, m, this.utterances, (e) => this.d.sink.error('SESSION_FAILED', `the engine could not answer: ${e.message}`));
    } catch (e) {
      const message = `control '${m.action}' failed: ${(e as Error).message}`;
      this.d.sink.error('BAD_MESSAGE', message);
      return { error: message };
    }
  }

  /** The client's result for a tool call; an unknown or answered call id is refused, the session goes on. */
  toolResult(m: ToolResultMessage): void {
    try {
      this.session.submitToolResult(m.callId, m.output, { isError: m.isError ?? false });
    } catch (e) {
      this.d.sink.error('UNKNOWN_TOOL_CALL', (e as Error).message);
    }
  }

  /**
   * A client that asked for the turn and then stopped streaming (a Realtime client without turn
   * detection commits, sends response.create and goes quiet): the engine decides on windows of audio,
   * so it hears silence in real time until it answers.
   */
  private keepListening(frames: number): void {
    if (!this.session.predictor.turnRequested || performance.now() - this.lastInputAt < 2 * this.d.playback.frameMs) return;
    this.accept(new Int16Array(Math.round((frames * this.d.playback.frameMs * this.d.start.inputSampleRate) / 1000)));
  }

  /**
   * The beat. The output stream keeps pace with real time (frames due up to `frame`; what a stalled
   * event loop could not send in time beyond `maxCatchUpMs` is skipped), and while the agent is
   * audibly speaking it runs up to `leadMs` ahead: that audio is synthesized already, and a deeper
   * client buffer rides out the stalls a recogniser causes when someone starts talking. Silence is
   * never sent ahead, so a reply's first audio still waits behind only the client's prefill.
   */
  tick(frame: number): void {
    if (this.closing) return;
    for (const e of this.unsent.splice(0)) this.d.sink.message({ type: 'event', event: e });
    const p = this.d.playback;
    const realFrames = frame - this.firstFrame;
    let behind = realFrames - this.streamFrames;
    // Late silence is not worth sending: the client has played its own silence meanwhile, and sending
    // it now would only deepen the client's buffer, adding latency to the next reply for good.
    const speaking = this.audiblySpeaking();
    const maxFrames = speaking ? Math.max(1, Math.floor(p.maxCatchUpMs / p.frameMs)) : SILENT_CATCH_UP_FRAMES;
    if (behind > maxFrames) {
      const skip = behind - maxFrames;
      if (speaking) this.skippedFrames += skip;
      else this.skippedSilentFrames += skip;
      this.streamFrames += skip;
      this.recorder?.agentAudio(new Int16Array(skip * this.frameSamples));
      behind = maxFrames;
    }
    if (behind > 0) this.keepListening(behind);
    for (let i = 0; i < behind; i++) this.sendFrame();
    const leadFrames = Math.floor(p.leadMs / p.frameMs);
    while (this.streamFrames - realFrames < leadFrames && this.audiblySpeaking()) this.sendFrame();
    this.recorder?.maybeFlush(performance.now());
  }

  private audiblySpeaking(): boolean {
    const out = this.session.output;
    return out.utterance !== undefined && !out.isPaused && out.audible;
  }

  stats(): LiveSessionStats {
    return {
      durationS: (performance.now() - this.startedAt) / 1000,
      framesSent: this.framesSent,
      skippedFrames: this.skippedFrames,
      skippedSilentFrames: this.skippedSilentFrames,
      maxInputBacklogS: this.maxBacklog,
      inputSeconds: this.inputSamples / this.d.start.inputSampleRate,
      droppedInputSeconds: this.droppedInput / this.d.start.inputSampleRate,
      clientUnderruns: this.clientUnderruns,
      responseLatenciesMs: responseLatencies(this.session.events).map((l) => Math.round(l.responseS * 1000)),
    };
  }

  /**
   * Say `text` (the drain's goodbye) and resolve once it has been sent and had time to play out of
   * the client's buffer (`leadMs` + the client's prefill), or after `maxMs` (a user talking over it
   * pauses it).
   */
  async farewell(text: string, maxMs: number): Promise<void> {
    if (this.closing) return;
    const u = this.session.say(text);
    const deadline = performance.now() + maxMs;
    while (!u.isDone && !this.closing && performance.now() < deadline) await sleep(this.d.playback.frameMs);
    if (u.isDone) await sleep(this.d.playback.leadMs + this.d.playback.clientPrefillMs);
  }

  /** End the conversation: let the engine finish, give the components back, finalise the record. */
  close(reason: string): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.session.close();
      } catch (e) {
        this.d.log(`session ${this.id}: close failed: ${(e as Error).message}`);
      }
      this.lease.release();
      this.recorder?.close({ endReason: reason, stats: this.stats() });
    })();
    return this.closing;
  }

  /** The engine session, for in-process inspection (tests); the runtime alone writes to it. */
  get engine(): ConversationSession {
    return this.session;
  }

  get recordingDir(): string | undefined {
    return this.recorder?.dir;
  }

  private sendFrame(): void {
    const u = this.session.output.utterance;
    const before = u?.played ?? 0;
    const samples = this.session.pullAudio(this.frameSamples);
    this.ledger.recordSent(samples.length, u, (u?.played ?? 0) - before);
    if (!this.d.start.playbackReports) this.ledger.advance(this.ledger.sent);
    this.recorder?.agentAudio(samples);
    const advanced = (u?.played ?? 0) - before;
    const now = this.session.output.utterance;
    const info: OutputChunkInfo | undefined =
      u ? { utteranceId: this.utterances.idOf(u), kind: u.kind, played: u.played, advanced, ended: now !== u, done: u.isDone } : undefined;
    this.d.sink.audio(samples, info);
    this.framesSent++;
    this.streamFrames++;
    if (u && u !== this.spokenOf) {
      this.spokenOf = u;
      this.spokenText = '';
    }
    if (this.framesSent % SPOKEN_EVERY_FRAMES === 0) this.reportSpoken();
  }

  /** The words of the current (or last) utterance that have come out of the listener's speaker. */
  private reportSpoken(): void {
    const u = this.spokenOf;
    if (!u) return;
    const heard = this.d.start.playbackReports ? this.ledger.heardOf(u) : u.played;
    const text = u.heardText(heard);
    if (text !== this.spokenText) {
      this.spokenText = text;
      this.d.sink.message({ type: 'spoken', text, kind: u.kind });
    }
    if (u.isDone && heard >= u.played) this.spokenOf = undefined;
  }

  /** A failure a component handled itself (e.g. a model apologised) still belongs on the timeline. */
  componentError(component: string, e: FullduplexError): void {
    this.onEngineEvent({ type: 'error', t: this.clock.now(), component, code: e.code, message: e.message });
  }

  private onEngineEvent(e: EngineEvent): void {
    this.recorder?.event(e);
    this.d.sink.message({ type: 'event', event: e });
    if (e.type === 'tool_call') this.d.sink.message({ type: 'tool_call', callId: e.callId, name: e.name, arguments: e.arguments });
    // Barge-in: the agent's output paused (or was cut): whatever the client still buffers must not play.
    if (e.type === 'agent_paused' || (e.type === 'agent_speech_stop' && e.reason !== 'completed')) {
      this.d.sink.message({ type: 'flush', position: this.ledger.sent });
    }
    if (e.type === 'agent_speech_truncated') this.spokenOf = undefined;
  }
}

/** The dialogue model; an OpenAI-compatible one reports its failures (it speaks an apology for them). */
function dialogueFor(e: EngineChoice, onError: (err: FullduplexError) => void): DialogueModel {
  return makeDialogue(e.dialogue, {}, onError);
}

function dialogueName(e: EngineChoice): string {
  return e.dialogue === 'embedded' ? 'embedded' : `${e.dialogue.model ?? 'default model'} at ${e.dialogue.baseUrl ?? 'the configured endpoint'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
