/**
 * Every tunable of the live server, named, typed and defaulted in one place. The CLI (`fullduplex
 * talk --help`) and docs/protocol.md document the same names.
 */
import { defaultSpeechBackends, resolveSpeechBackends, type SpeechBackends, type SpeechChoice } from '../speech/registry.js';
import { availableParallelism } from 'node:os';
import type { Eagerness } from '../engine/options.js';
import type { LlmOptions } from '../engine/local.js';

export interface ServerLimits {
  /**
   * Hard cap on one WebSocket message, bytes. Anything larger closes the connection with 1009
   * (the socket layer refuses to buffer it), so it bounds memory per connection.
   */
  maxMessageBytes: number;
  /** Soft cap on one binary audio frame, bytes: larger frames are dropped with an error event. */
  maxAudioFrameBytes: number;
  /** Soft cap on one JSON control message, bytes: larger ones are dropped with an error event. */
  maxControlBytes: number;
  /**
   * Concurrent sessions over every transport (native, Realtime, Moshi). Past it a new connection is
   * refused at its upgrade (HTTP 503 with Retry-After); a native client already connected gets
   * SERVER_FULL and close 1013 at `start`. Default: SESSIONS_PER_CORE per core.
   */
  maxSessions: number;
  /** What a refused client is told to wait (`Retry-After`), s. */
  retryAfterSeconds: number;
  /** A session is ended (close code 4002) after this long, s. */
  maxSessionSeconds: number;
  /** A connection must send `start` within this long, or it is closed with 4001, s. */
  startTimeoutSeconds: number;
  /**
   * User audio may run ahead of real time by at most this much; the excess is dropped with an error
   * event, so one client cannot make the server decode faster than real time for everyone else, s.
   */
  maxInputAheadSeconds: number;
  /** At most this many error messages per second go back to one client; the rest are counted. */
  maxErrorsPerSecond: number;
  /**
   * A session's close (engine stopped, recording finished) gets this long, s. Past it the server logs
   * which session did not close, counts `server/SESSION_CLOSE_TIMEOUT` in /metrics' errors and stops
   * waiting for it, so one wedged engine or worker thread cannot hold up the shutdown (or a drain);
   * every other session's close and recording go on. A worker thread left with only such a session is
   * terminated (worker-host.ts).
   */
  sessionCloseTimeoutSeconds: number;
}

export interface PlaybackOptions {
  /** Agent audio is pulled from the engine and sent in frames of this length, ms. */
  frameMs: number;
  /**
   * When the server fell behind (a stalled event loop), it catches up by sending at most this much
   * audio at once; anything older is skipped (counted as late frames), ms.
   */
  maxCatchUpMs: number;
  /**
   * While the agent is audibly speaking, its audio is sent up to this far ahead of real time, so the
   * client's buffer rides out server stalls (a recogniser starting up blocks the event loop for
   * 0.1–0.25 s). Silence is never sent ahead, so this adds no latency to a reply's start, ms.
   */
  leadMs: number;
  /** Suggested client jitter-buffer prefill, sent in `ready` (the page uses it), ms. */
  clientPrefillMs: number;
  /** Suggested client jitter-buffer ceiling: beyond it the client drops audio to catch up, ms. */
  clientMaxBufferMs: number;
}

export interface RecordingOptions {
  /** Where each session's folder (WAV, transcript, event log) goes; '' disables recording. */
  sessionsDir: string;
  /** Recorded audio is written to disk at least this often, ms (a kill -9 loses at most this much). */
  flushMs: number;
  /** If one channel runs this far ahead of the other (a stalled client), the other is padded with silence, s. */
  maxChannelSkewSeconds: number;
}

/** Graceful drain (SIGTERM, `server.drain()`): stop taking sessions, let the running ones finish. */
export interface DrainOptions {
  /**
   * Running sessions may go on this long after the drain began, s. Default 20: with the goodbye
   * (`farewellMaxSeconds`) the process still exits within the 30 s most orchestrators wait
   * (Kubernetes' terminationGracePeriodSeconds, systemd's TimeoutStopSec is longer) before SIGKILL.
   */
  graceSeconds: number;
  /** What the agent says, in the session's own voice, to a session that outlasts the grace period. */
  farewell: string;
  /** The goodbye gets at most this long to play before the session closes anyway (a user talking over it pauses it), s. */
  farewellMaxSeconds: number;
}

export interface EngineChoice {
  voice: string;
  eagerness: Eagerness;
  /** 'embedded' or an OpenAI-compatible endpoint. */
  dialogue: 'embedded' | LlmOptions;
}

export interface ServerOptions {
  /** Interface to bind. Anything but loopback requires `token`. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Access token (query `?token=` or `Authorization: Bearer`); required for a non-loopback host. */
  token: string | undefined;
  /**
   * Extra browser origins allowed to connect (the server's own origin always is); '*' admits any.
   * A refused Origin is logged once with the `--allow-origin` flag that would admit it.
   */
  allowedOrigins: readonly string[];
  /** PEM certificate and key: the server speaks https/wss only (src/server/tls.ts makes or reads them). */
  tls: { cert: string; key: string } | undefined;
  /** Prebuilt web clients served under a path of their own, same-origin (`--serve-client DIR --at /moshi/`). */
  servedClients: readonly ServedClient[];
  /** Ephemeral client keys (POST /v1/realtime/client_secrets): how long they live. */
  clientSecrets: ClientSecretOptions;
  /**
   * Engine worker threads sessions are spread over (each with its own recogniser and beat), so a busy
   * recogniser uses another core instead of stalling the sockets; 0 runs sessions on the main thread.
   */
  workers: number;
  /** Speech component sets (decoder + VAD) created at start-up, so the first sessions start without stalling others. */
  warmSessions: number;
  /** Directory of the page's static files. */
  webRoot: string;
  engine: EngineChoice;
  /** Speech backends by name (src/speech/registry.ts); every thread that runs sessions creates its own. */
  speech: SpeechBackends;
  limits: ServerLimits;
  playback: PlaybackOptions;
  recording: RecordingOptions;
  drain: DrainOptions;
  /** Server log lines (connections, errors); default stderr. */
  log: (line: string) => void;
}

export interface ServedClient {
  /** Folder of a built web client (its index.html at the top). */
  dir: string;
  /** URL path prefix it is served under, with slashes at both ends ('/moshi/'). */
  at: string;
}

export interface ClientSecretOptions {
  /** Lifetime of a key when the request names none, s (OpenAI's default: 600). */
  defaultTtlSeconds: number;
  /** Shortest and longest lifetime a request may ask for, s (OpenAI: 10 … 7200). */
  minTtlSeconds: number;
  maxTtlSeconds: number;
  /** Milliseconds since the epoch; tests inject a clock to expire keys without waiting. */
  now: () => number;
}

export const defaultClientSecretOptions: Readonly<ClientSecretOptions> = Object.freeze({
  defaultTtlSeconds: 600,
  minTtlSeconds: 10,
  maxTtlSeconds: 7200,
  now: () => Date.now(),
});

export const VOICES = ['slt', 'rms', 'awb', 'kal16', 'kal'] as const;
export const EAGERNESS_LEVELS: readonly Eagerness[] = ['low', 'medium', 'high'];

/**
 * Sessions one core holds in real time. Measured by `npm run bench:load` (bench/results/load.json):
 * about 0.11 core per session (12 sessions on 2 cores held real time, 16 did not); 6 per core keeps
 * headroom for the main thread and for turn-end bursts.
 */
export const SESSIONS_PER_CORE = 6;

export const defaultServerLimits: Readonly<ServerLimits> = Object.freeze({
  maxMessageBytes: 1 << 20,
  maxAudioFrameBytes: 64 * 1024,
  maxControlBytes: 16 * 1024,
  maxSessions: Math.max(1, availableParallelism()) * SESSIONS_PER_CORE,
  retryAfterSeconds: 10,
  maxSessionSeconds: 30 * 60,
  startTimeoutSeconds: 10,
  maxInputAheadSeconds: 1,
  maxErrorsPerSecond: 20,
  sessionCloseTimeoutSeconds: 5,
});

export const defaultPlaybackOptions: Readonly<PlaybackOptions> = Object.freeze({
  frameMs: 20,
  maxCatchUpMs: 200,
  leadMs: 200,
  clientPrefillMs: 80,
  clientMaxBufferMs: 500,
});

export const defaultRecordingOptions: Readonly<RecordingOptions> = Object.freeze({
  sessionsDir: 'sessions',
  flushMs: 100,
  maxChannelSkewSeconds: 1,
});

export const defaultDrainOptions: Readonly<DrainOptions> = Object.freeze({
  graceSeconds: 20,
  farewell: 'I am sorry, I have to go now. Goodbye!',
  farewellMaxSeconds: 6,
});

export const defaultServerOptions: Readonly<Omit<ServerOptions, 'webRoot'>> = Object.freeze({
  host: '127.0.0.1',
  port: 8787,
  token: undefined,
  allowedOrigins: [],
  tls: undefined,
  servedClients: [],
  clientSecrets: defaultClientSecretOptions,
  workers: Math.max(1, availableParallelism()),
  warmSessions: 2,
  engine: { voice: 'slt', eagerness: 'medium', dialogue: 'embedded' } satisfies EngineChoice,
  speech: defaultSpeechBackends,
  limits: defaultServerLimits,
  playback: defaultPlaybackOptions,
  recording: defaultRecordingOptions,
  drain: defaultDrainOptions,
  log: (line: string) => void process.stderr.write(line + '\n'),
});

export type ServerOverrides = Partial<Omit<ServerOptions, 'limits' | 'playback' | 'recording' | 'engine' | 'speech' | 'drain' | 'clientSecrets'>> & {
  clientSecrets?: Partial<ClientSecretOptions>;
  speech?: SpeechChoice;
  limits?: Partial<ServerLimits>;
  playback?: Partial<PlaybackOptions>;
  recording?: Partial<RecordingOptions>;
  engine?: Partial<EngineChoice>;
  drain?: Partial<DrainOptions>;
};

export function resolveServerOptions(o: ServerOverrides, webRoot: string): ServerOptions {
  return {
    ...defaultServerOptions,
    webRoot,
    ...o,
    engine: { ...defaultServerOptions.engine, ...o.engine },
    speech: resolveSpeechBackends(o.speech),
    limits: { ...defaultServerLimits, ...o.limits },
    playback: { ...defaultPlaybackOptions, ...o.playback },
    recording: { ...defaultRecordingOptions, ...o.recording },
    drain: { ...defaultDrainOptions, ...o.drain },
    clientSecrets: { ...defaultClientSecretOptions, ...o.clientSecrets },
  };
}
