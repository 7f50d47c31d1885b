/**
 * Where live sessions run. A connection (the socket, the protocol) asks a host to open a session and
 * then talks to it through a SessionHandle; the host owns the engines, the real-time beat and the
 * recordings. Two hosts: this one runs sessions on the calling thread (tests, `--workers 0`), and
 * WorkerHost (worker-host.ts) spreads them over worker threads, so that the recognisers of many
 * sessions use every core while the main thread keeps the sockets responsive.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { TtsEngine, AsrEngine } from '../speech/types.js';
import { createVad, type SpeechBackends } from '../speech/registry.js';
import { EnginePool } from './engine-pool.js';
import { LiveSession, type LiveSessionSink, type LiveSessionStats } from './live-session.js';
import { Metronome } from './metronome.js';
import type { ControlResult, SessionControl } from './session-control.js';
import { ENGINE_SAMPLE_RATE, type ConversationSession } from '../engine/session.js';
import { threadResamplers } from '../audio/resampler-pool.js';

/** The input rate of the Realtime (PCM16) and Moshi (Opus) transports, Hz. */
const TRANSPORT_INPUT_RATE = 24000;
import type { EngineChoice, PlaybackOptions, RecordingOptions, ServerLimits } from './options.js';
import type { FlushedMessage, PlaybackMessage, ReadyMessage, StartMessage, TextMessage, ToolResultMessage } from './protocol.js';

/** What a host needs to know about sessions: plain data, so it can cross to a worker thread. */
export interface HostConfig {
  engine: EngineChoice;
  /** Which speech backends the host's thread creates (names only: this crosses to worker threads). */
  speech: SpeechBackends;
  limits: ServerLimits;
  playback: PlaybackOptions;
  recording: RecordingOptions;
  /** Engines (decoder + VAD) to load before the first session. */
  warmSessions: number;
}

export interface OpenRequest {
  id: string;
  start: StartMessage;
}

/** One live session as its connection sees it. */
export interface SessionHandle {
  readonly id: string;
  input(samples: Int16Array): void;
  playback(m: PlaybackMessage): void;
  flushed(m: FlushedMessage): void;
  /** A typed user turn, answered aloud. */
  text(m: TextMessage): void;
  /** A call of the engine's control API (cancel the reply, hold turns, …); resolves with its outcome. */
  control(m: SessionControl): Promise<ControlResult>;
  /** The client's result for a tool call. */
  toolResult(m: ToolResultMessage): void;
  stats(): Promise<LiveSessionStats | undefined>;
  /** Say `text` aloud and resolve once it has played (or after `maxMs`); the drain's goodbye. */
  farewell(text: string, maxMs: number): Promise<void>;
  /** End the session; resolves when its record is finished (with the recording's folder, if any). */
  close(reason: string): Promise<string | undefined>;
}

/** Timing health of one thread that runs sessions. */
export interface ThreadStats {
  sessions: number;
  /** Beat ticks more than one frame late, and the worst lateness, ms. */
  lateTicks: number;
  maxLateMs: number;
  /** Event-loop delay of the thread (the recogniser runs on it), ms. */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface HostStats {
  sessions: number;
  spareEngines: number;
  threads: ThreadStats[];
}

export interface SessionHost {
  readonly voices: readonly string[];
  /** Load the engines; the host is ready for sessions when this resolves. */
  start(): Promise<void>;
  /** Open a session; the output stream starts with the returned `ready`. */
  open(req: OpenRequest, sink: LiveSessionSink): Promise<{ handle: SessionHandle; ready: ReadyMessage }>;
  stats(reset: boolean): Promise<HostStats>;
  close(): Promise<void>;
  /**
   * The server stopped waiting for session `id`'s close (session-close.ts): free what can be freed
   * without harming other sessions. Optional: a host on the calling thread has nothing to free.
   */
  abandonClose?(id: string): void;
}

/** Sessions on this thread, on one shared beat. */
export class InProcessHost implements SessionHost {
  private readonly pool: EnginePool;
  private readonly metronome: Metronome;
  private readonly live = new Set<LiveSession>();
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(
    private readonly config: HostConfig,
    private readonly asr: AsrEngine,
    private readonly tts: TtsEngine,
    private readonly log: (line: string) => void,
    /** Tests and in-process tools that inspect the engine hear of each session's engine here. */
    private readonly observe?: (engine: ConversationSession) => void,
  ) {
    this.pool = new EnginePool(asr, config.warmSessions, () => createVad(config.speech.vad));
    this.metronome = new Metronome(config.playback.frameMs);
  }

  get voices(): readonly string[] {
    return this.tts.voices;
  }

  async start(): Promise<void> {
    this.loopDelay.enable();
    // Realtime and Moshi send 24 kHz: their sessions' input and recording resample it to the engine's rate.
    await Promise.all([this.pool.warm(), threadResamplers.warm(TRANSPORT_INPUT_RATE, ENGINE_SAMPLE_RATE)]);
  }

  async open(req: OpenRequest, sink: LiveSessionSink): Promise<{ handle: SessionHandle; ready: ReadyMessage }> {
    const c = this.config;
    const live = await LiveSession.create({
      id: req.id,
      start: req.start,
      engine: c.engine,
      limits: c.limits,
      playback: c.playback,
      recording: c.recording,
      pool: this.pool,
      tts: this.tts,
      sink,
      log: this.log,
    });
    this.observe?.(live.engine);
    const ready = live.goLive(this.metronome.currentFrame());
    this.live.add(live);
    this.metronome.add(live);
    const handle: SessionHandle = {
      id: live.id,
      input: (samples) => live.input(samples),
      playback: (m) => live.playback(m),
      flushed: (m) => live.flushed(m),
      text: (m) => live.text(m),
      control: async (m) => live.control(m),
      toolResult: (m) => live.toolResult(m),
      stats: async () => live.stats(),
      farewell: (text, maxMs) => live.farewell(text, maxMs),
      close: async (reason) => {
        this.metronome.delete(live);
        this.live.delete(live);
        await live.close(reason);
        return live.recordingDir;
      },
    };
    return { handle, ready };
  }

  async stats(reset: boolean): Promise<HostStats> {
    const thread: ThreadStats = {
      sessions: this.live.size,
      lateTicks: this.metronome.lateTicks,
      maxLateMs: Math.round(this.metronome.maxLateMs),
      loopDelayP99Ms: Math.round(this.loopDelay.percentile(99) / 1e6),
      loopDelayMaxMs: Math.round(this.loopDelay.max / 1e6),
    };
    if (reset) {
      this.metronome.lateTicks = 0;
      this.metronome.maxLateMs = 0;
      this.loopDelay.reset();
    }
    return { sessions: this.live.size, spareEngines: this.pool.available, threads: [thread] };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.live].map((l) => l.close('the server is shutting down')));
    this.metronome.stop();
    this.loopDelay.disable();
    await this.pool.close();
  }
}
