/**
 * OpenAI Realtime-compatible endpoint: one WebSocket connection ↔ one session on the server's live
 * runtime (a SessionHost: worker threads, the warm engine pool, the real-time beat, recordings). A thin
 * adapter: client events (GA or beta names) become the runtime's input and control calls
 * (endpoint-client-events.ts); the runtime's engine events and agent audio become server events in the
 * client's dialect and the session's output format (endpoint-engine-events.ts).
 *
 * Mount it with `handleRealtimeConnection(ws, req, deps)` after a WebSocket upgrade on /v1/realtime
 * (endpoints.ts does the routing for a whole HTTP server).
 */
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { RealClock } from '../../audio/clock.js';
import { LIVE_RESAMPLER_QUALITY, StreamingResampler } from '../../audio/resampler.js';
import type { ResamplerPool } from '../../audio/resampler-pool.js';
import { ENGINE_SAMPLE_RATE as ENGINE_OUTPUT_RATE } from '../../engine/session.js';
import { toFullduplexError } from '../../errors.js';
import type { LiveSessionSink } from '../../server/live-session.js';
import { PROTOCOL_VERSION, type ProtocolErrorCode } from '../../server/protocol.js';
import type { SessionHandle } from '../../server/session-host.js';
import { resolveLimits, type ProtocolEndpointDeps, type ProtocolEndpointLimits } from '../endpoint-deps.js';
import { newServerEventId, parseClientEvent, realtimeErrorEvent, serverEventToDialect } from './events.js';
import { sessionDialect, type RealtimeDialect } from './dialects.js';
import { OutputAudioEncoder } from './endpoint-audio.js';
import { handleClientEvent } from './endpoint-client-events.js';
import { defaultSessionConfig, RealtimeSessionState, type AudioFormatRow } from './endpoint-config.js';
import { Conversation, newId, type RealtimeOut } from './endpoint-conversation.js';
import { cancelResponses, handleEngineEvent, outputAudio, type PlayingUtterance } from './endpoint-engine-events.js';
import { defaultRealtimeEndpointOptions, ENDPOINT_ERROR_CODES, type RealtimeEndpointOptions } from './endpoint-options.js';
import type { ResponseStream } from './endpoint-response.js';
import { TurnControl } from './endpoint-turns.js';
import { RealtimeTools } from './endpoint-tools.js';

/** The rate the runtime session takes user audio at (the Realtime PCM rate; G.711 is resampled up to it). */
const SESSION_INPUT_RATE = 24000;

export const REALTIME_PATH = '/v1/realtime';
/** Subprotocols browsers use: 'realtime', the key, and the beta marker. */
const BETA_SUBPROTOCOL = 'openai-beta.realtime-v1';

export interface RealtimeEndpointDeps extends ProtocolEndpointDeps {
  realtime?: Partial<RealtimeEndpointOptions>;
  /**
   * The session configuration this connection starts with (the `session` of the ephemeral key it
   * presented, src/server/client-secrets.ts), applied before `session.created` as a `session.update` would be.
   */
  sessionFor?: (req: IncomingMessage) => Record<string, unknown> | undefined;
}

/** The client speaks the beta protocol if it says so in a header or a subprotocol. */
export function requestDialect(req: IncomingMessage): RealtimeDialect {
  const beta = String(req.headers['openai-beta'] ?? '').includes('realtime=v1');
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  return beta || protocols.includes(BETA_SUBPROTOCOL) ? 'beta' : 'ga';
}

/** Serve one Realtime connection; resolves when it has ended and its session is closed. */
export function handleRealtimeConnection(ws: WebSocket, req: IncomingMessage, deps: RealtimeEndpointDeps): Promise<void> {
  return new RealtimeConnection(ws, req, deps).finished;
}

/** The error code a drained session hears before its close (after its spoken goodbye). */
export const SERVER_SHUTTING_DOWN = 'server_shutting_down';

/** The user's audio turn being recorded (an input item not yet committed). */
export interface OpenUserItem {
  readonly id: string;
  /** speech_started was sent and speech_stopped not yet. */
  speaking: boolean;
}

export class RealtimeConnection implements RealtimeOut {
  dialect: RealtimeDialect;
  readonly options: RealtimeEndpointOptions;
  readonly limits: ProtocolEndpointLimits;
  readonly clock = new RealClock();
  readonly conversation: Conversation;
  readonly config: RealtimeSessionState;
  readonly finished: Promise<void>;
  handle!: SessionHandle;
  turns!: TurnControl;
  /** Function calling (endpoint-tools.ts). */
  tools!: RealtimeTools;
  encoder!: OutputAudioEncoder;
  readonly encoders: OutputAudioEncoder[] = [];
  /** Engine time is this connection's clock minus this, s (the engine's clock started on its own thread). */
  private engineClockOffset = 0;
  // -- input side
  /** Milliseconds of user audio received (the clock of audio_start_ms / audio_end_ms). */
  inputMs = 0;
  uncommittedMs = 0;
  /** Input in a format at another rate than the session's (G.711 at 8 kHz) is resampled by this. */
  private inputResampler: { rate: number; resampler: StreamingResampler } | undefined;
  userItem: OpenUserItem | undefined;
  /** Engine time at which the user started speaking over the agent (a barge-in not yet confirmed). */
  overlapOnset: number | undefined;
  /** A committed user item whose transcript the engine has not delivered yet. */
  awaitingTranscript: string | undefined;
  // -- output side
  /** Reply response announced (agent_reply_start or response.create) and not yet bound to audio. */
  pendingReply: ResponseStream | undefined;
  pendingTimer: NodeJS.Timeout | undefined;
  /** The response answering the history (response.create with no user turn open), until it fails or plays. */
  respondingTo: ResponseStream | undefined;
  /** The agent utterance the output stream is on (from the runtime's per-frame info). */
  playing: PlayingUtterance | undefined;
  readonly byUtterance = new Map<number, ResponseStream | null>();
  readonly byItem = new Map<string, ResponseStream>();
  private readonly queue: (Buffer | string)[] = [];
  private ready = false;
  private processing = false;
  private closed = false;
  private consecutiveErrors = 0;
  private expiry: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;
  /** Why the session ended, for its recording (the first reason given wins). */
  private endReason: string | undefined;
  /** A voice this server lacks was named (by the key or a session.update) and logged: once a session. */
  private voiceLogged = false;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly deps: RealtimeEndpointDeps,
  ) {
    this.options = { ...defaultRealtimeEndpointOptions, ...deps.realtime };
    this.limits = resolveLimits(deps.limits);
    this.dialect = requestDialect(req);
    this.conversation = new Conversation(this.options.maxItems);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const model = url.searchParams.get('model') || this.options.defaultModel;
    this.config = new RealtimeSessionState(defaultSessionConfig(newId('sess'), model, this.options.defaultVoice));
    const keyed = deps.sessionFor?.(req);
    if (keyed) {
      // Validated when the key was minted (a key from an instance of another version might not be:
      // then the session starts with the defaults, and says so); a beta-shaped one makes this a beta connection.
      try {
        this.config.update(keyed as Parameters<RealtimeSessionState['update']>[0]);
        if (sessionDialect(keyed) === 'beta') this.dialect = 'beta';
      } catch (e) {
        this.log(`the key's session configuration was not applied: ${toFullduplexError(e).message}`);
      }
      this.checkVoice("the key's");
    }
    this.finished = new Promise((r) => (this.resolveFinished = r));
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => {
      this.endReason ??= 'the client closed the connection';
      void this.shutdown();
    });
    ws.on('error', () => undefined);
    this.send({ type: 'session.created', session: this.config.current });
    void this.start();
  }

  get resamplers(): ResamplerPool | undefined {
    return this.deps.resamplers;
  }

  /** The engine's clock now, s (engine events are stamped on it). */
  engineNow(): number {
    return this.clock.now() - this.engineClockOffset;
  }

  /** Input audio position (ms) at engine time `t`: the audio arrived in real time up to now. */
  audioMsAt(t: number): number {
    return Math.max(0, Math.round(this.inputMs - (this.engineNow() - t) * 1000));
  }

  log(line: string): void {
    this.deps.log?.(`realtime: ${line}`);
  }

  send(event: { type: string; [key: string]: unknown }): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const withId = { ...event, event_id: newServerEventId() };
    this.ws.send(JSON.stringify(serverEventToDialect(withId, this.dialect)));
  }

  /** The protocol's error event; `clientEventId` ties it to the client event that caused it. */
  error(code: string, message: string, param: string | null = null, clientEventId: string | null = null, type = 'invalid_request_error'): void {
    const e = realtimeErrorEvent({ code, message, param, event_id: clientEventId, type });
    this.send(e as unknown as { type: string });
  }

  /** Close after a goodbye (session expiry, abuse, a failed engine). */
  close(code: number, reason: string): void {
    this.endReason ??= reason;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason.slice(0, 120));
    void this.shutdown();
  }

  /** User audio in the session's input format, decoded: to the runtime at the session's rate. */
  async input(samples: Int16Array, format: AudioFormatRow): Promise<void> {
    let pcm = samples;
    if (format.sampleRate !== SESSION_INPUT_RATE) {
      if (this.inputResampler?.rate !== format.sampleRate) {
        this.releaseInputResampler();
        this.inputResampler = { rate: format.sampleRate, resampler: await this.makeResampler(format.sampleRate, SESSION_INPUT_RATE) };
      }
      pcm = this.inputResampler.resampler.process(samples);
    }
    if (!this.closed && pcm.length > 0) this.handle.input(pcm);
  }

  /**
   * The server's drain (src/server/drain.ts): a response in progress ends `cancelled` with reason
   * `server_shutting_down`, the agent says `text` as a response of its own (created … audio and
   * transcript deltas … done), then an `error` event `server_shutting_down`, then close 1001. Bounded
   * by `maxMs` whatever the session does; resolves when the connection has closed.
   */
  async farewell(text: string, maxMs: number): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + maxMs;
    if (this.ready) {
      await this.guarded(async () => {
        cancelResponses(this, SERVER_SHUTTING_DOWN);
        await Promise.race([this.handle.farewell(text, maxMs), sleep(maxMs)]);
        // Cut short (the user spoke over it, or out of time): what was sent ends as cancelled.
        cancelResponses(this, SERVER_SHUTTING_DOWN);
      });
    }
    this.error(SERVER_SHUTTING_DOWN, 'The server is shutting down; connect again to reach another instance.', null, null, 'server_error');
    this.close(1001, 'the server is shutting down');
    await Promise.race([this.finished, sleep(Math.max(0, deadline - Date.now()))]);
  }

  /** `f`, whose failure is logged (a goodbye that fails must not keep the session open). */
  private async guarded(f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.log(`goodbye failed: ${toFullduplexError(e).message}`);
    }
  }

  private async start(): Promise<void> {
    try {
      this.encoder = await OutputAudioEncoder.create(this.config.outputFormat, ENGINE_OUTPUT_RATE, this.deps.resamplers);
      this.encoders.push(this.encoder);
      const { handle, ready } = await this.deps.host.open(
        { id: `realtime-${randomBytes(4).toString('hex')}`, start: { type: 'start', protocol: PROTOCOL_VERSION, inputSampleRate: SESSION_INPUT_RATE, client: 'openai-realtime', ...this.startVoice() } },
        this.sink(),
      );
      this.handle = handle;
      this.tools = new RealtimeTools(this);
      this.deps.liveSessions?.add(handle);
      // `ready.t` is the engine's clock when the session went live, just before `open` resolved (the
      // session's start-up before it can take long on a loaded machine; the hop back does not).
      this.engineClockOffset = this.clock.now() - ready.t;
      this.turns = new TurnControl(handle);
      this.turns.apply(this.config.turns);
      // An ephemeral key's instructions, applied before the first turn like a session.update's.
      if (this.config.instructions) void handle.control({ type: 'control', action: 'add_context', role: 'system', content: this.config.instructions, where: 'instructions' });
    } catch (e) {
      this.log(`session failed to start: ${toFullduplexError(e).message}`);
      this.error(ENDPOINT_ERROR_CODES.engine, `the engine could not start: ${toFullduplexError(e).message}`, null, null, 'server_error');
      return this.close(1011, 'engine failed to start');
    }
    // Closed while starting: shutdown() ran before the session existed, so it is released here.
    if (this.closed) return void (await this.release());
    this.ready = true;
    this.expiry = setTimeout(() => {
      this.error(ENDPOINT_ERROR_CODES.sessionExpired, `Your session hit the maximum duration of ${this.limits.maxSessionS} seconds.`);
      this.close(1000, 'session expired');
    }, this.limits.maxSessionS * 1000);
    void this.drain();
  }

  /**
   * Log (once a session, as native and Moshi sessions log a key's) a voice this server lacks, OpenAI's
   * `alloy` say, that `whose` (the key's, a session.update's) named: it is echoed back as named, and the
   * engine's voice speaks. The endpoint's own placeholder name is not a request and is not logged.
   */
  checkVoice(whose: string): void {
    const v = this.config.current.audio?.output?.voice;
    if (this.voiceLogged || typeof v !== 'string' || v === '' || v === this.options.defaultVoice) return;
    if (this.deps.host.voices.includes(v)) return;
    this.voiceLogged = true;
    this.log(`${whose} voice '${v.slice(0, 60)}' is not one of this server's (${this.deps.host.voices.join(', ')}); the engine's voice speaks and the name is echoed back`);
  }

  /** A voice the session starts with (an ephemeral key's), passed on only if it names one of ours. */
  private startVoice(): { voice?: string } {
    const v = this.config.current.audio?.output?.voice;
    return typeof v === 'string' && this.deps.host.voices.includes(v) ? { voice: v } : {};
  }

  /** Where the runtime's output for this session goes. */
  private sink(): LiveSessionSink {
    return {
      audio: (samples, info) => {
        if (this.ready && !this.closed) this.guard(() => outputAudio(this, samples, info));
      },
      message: (m) => {
        if (m.type === 'event' && !this.closed) this.guard(() => handleEngineEvent(this, m.event)); // flush, spoken: no Realtime equivalent
      },
      error: (code, message) => this.guard(() => this.runtimeError(code, message)),
      fatal: (message) => {
        this.error(ENDPOINT_ERROR_CODES.engine, message, null, null, 'server_error');
        this.close(1011, 'engine failed');
      },
    };
  }

  /** A problem the runtime reports: audio faster than real time, a reply that could not be made. */
  private runtimeError(code: ProtocolErrorCode, message: string): void {
    if (code === 'INPUT_TOO_FAST') return this.error(ENDPOINT_ERROR_CODES.inputOverflow, `${message}; stream input in real time.`, 'audio');
    const r = this.respondingTo;
    if (code === 'SESSION_FAILED' && r) {
      this.respondingTo = undefined;
      if (this.pendingReply === r) this.pendingReply = undefined;
      r.end('failed', 'engine_error');
    }
    this.error(ENDPOINT_ERROR_CODES.engine, message, null, null, 'server_error');
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.queue.push(isBinary ? data : data.toString('utf8'));
    void this.drain();
  }

  /** Client events are handled one at a time, in order (some handlers wait, e.g. for a new resampler). */
  private async drain(): Promise<void> {
    if (!this.ready || this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const frame = this.queue.shift()!;
        const parsed = parseClientEvent(frame);
        if (!parsed.ok) {
          this.send(parsed.error as unknown as { type: string });
          this.countError();
          continue;
        }
        const ok = await handleClientEvent(this, parsed.event).catch((e) => {
          this.error(ENDPOINT_ERROR_CODES.engine, toFullduplexError(e).message, null, parsed.event.event_id ?? null, 'server_error');
          return false;
        });
        if (ok) this.consecutiveErrors = 0;
        else this.countError();
      }
    } finally {
      this.processing = false;
    }
  }

  private countError(): void {
    if (++this.consecutiveErrors >= this.limits.maxConsecutiveErrors) this.close(1008, 'too many invalid client events');
  }

  /** Protocol bookkeeping must never take the process down: a bug ends this connection only. */
  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log(`internal error: ${toFullduplexError(e).message}`);
      this.error(ENDPOINT_ERROR_CODES.engine, `internal error: ${toFullduplexError(e).message}`, null, null, 'server_error');
      this.close(1011, 'internal error');
    }
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.expiry) clearTimeout(this.expiry);
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    if (this.ready) await this.release();
    this.resolveFinished();
  }

  private async release(): Promise<void> {
    this.deps.liveSessions?.delete(this.handle);
    try {
      await this.handle.close(this.endReason ?? 'the client closed the connection');
    } catch (e) {
      this.log(`session close failed: ${toFullduplexError(e).message}`);
    }
    for (const enc of this.encoders.splice(0)) enc.destroy();
    this.releaseInputResampler();
  }

  private makeResampler(from: number, to: number): Promise<StreamingResampler> {
    return this.deps.resamplers ? this.deps.resamplers.take(from, to) : StreamingResampler.create(from, to, { quality: LIVE_RESAMPLER_QUALITY });
  }

  private releaseInputResampler(): void {
    const r = this.inputResampler?.resampler;
    this.inputResampler = undefined;
    if (r && this.deps.resamplers) this.deps.resamplers.give(r);
    else r?.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
