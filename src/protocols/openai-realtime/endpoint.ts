/**
 * OpenAI Realtime-compatible endpoint: one WebSocket connection ↔ one engine session. Client events
 * (GA or beta names) drive the session (endpoint-client-events.ts); engine events become server events
 * in the client's dialect (endpoint-engine-events.ts); agent audio is pulled from the engine on a
 * real-time beat and streamed as response.output_audio.delta in the session's output format.
 *
 * Mount it with `handleRealtimeConnection(ws, req, deps)` after a WebSocket upgrade on /v1/realtime
 * (endpoints.ts does the routing for a whole HTTP server).
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { RealClock } from '../../audio/clock.js';
import type { EngineEvent } from '../../engine/events.js';
import { ENGINE_SAMPLE_RATE, type ConversationSession } from '../../engine/session.js';
import type { OutputUtterance } from '../../engine/control.js';
import { toFullduplexError } from '../../errors.js';
import { frameBeat, resolveLimits, type ProtocolEndpointDeps, type ProtocolEndpointLimits } from '../endpoint-deps.js';
import type { FrameCounter } from '../../server/metronome.js';
import type { RealtimeDialect } from './dialects.js';
import { newServerEventId, parseClientEvent, realtimeErrorEvent, serverEventToDialect } from './events.js';
import { OutputAudioEncoder } from './endpoint-audio.js';
import { handleClientEvent } from './endpoint-client-events.js';
import { defaultSessionConfig, RealtimeSessionState } from './endpoint-config.js';
import { Conversation, newId, type RealtimeOut } from './endpoint-conversation.js';
import { handleEngineEvent, outputFrames } from './endpoint-engine-events.js';
import { defaultRealtimeEndpointOptions, ENDPOINT_ERROR_CODES, type RealtimeEndpointOptions } from './endpoint-options.js';
import type { ResponseStream } from './endpoint-response.js';
import { TurnControl } from './endpoint-turns.js';
import { RealtimeTools } from './endpoint-tools.js';

export const REALTIME_PATH = '/v1/realtime';
/** Subprotocols browsers use: 'realtime', the key, and the beta marker. */
const BETA_SUBPROTOCOL = 'openai-beta.realtime-v1';

export interface RealtimeEndpointDeps extends ProtocolEndpointDeps {
  realtime?: Partial<RealtimeEndpointOptions>;
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
  session!: ConversationSession;
  turns!: TurnControl;
  /** Function calling (endpoint-tools.ts). */
  tools!: RealtimeTools;
  encoder!: OutputAudioEncoder;
  readonly encoders: OutputAudioEncoder[] = [];
  // -- input side
  /** Milliseconds of user audio received (the clock of audio_start_ms / audio_end_ms). */
  inputMs = 0;
  uncommittedMs = 0;
  backlogSamples = 0;
  /** performance.now() of the last input audio received. */
  lastInputAt = 0;
  userItem: OpenUserItem | undefined;
  /** Engine time at which the user started speaking over the agent (a barge-in not yet confirmed). */
  overlapOnset: number | undefined;
  /** A committed user item whose transcript the engine has not delivered yet. */
  awaitingTranscript: string | undefined;
  // -- output side
  /** Reply response announced (agent_reply_start or response.create) and not yet bound to audio. */
  pendingReply: ResponseStream | undefined;
  pendingTimer: NodeJS.Timeout | undefined;
  readonly byUtterance = new Map<OutputUtterance, ResponseStream | null>();
  readonly byItem = new Map<string, ResponseStream>();
  lastUtterance: OutputUtterance | undefined;
  private readonly beat: FrameCounter;
  private readonly queue: (Buffer | string)[] = [];
  private ready = false;
  private processing = false;
  private closed = false;
  private consecutiveErrors = 0;
  private expiry: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;

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
    this.beat = frameBeat(this.limits.frameMs, (n) => this.guard(() => outputFrames(this, n)));
    this.finished = new Promise((r) => (this.resolveFinished = r));
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    ws.on('close', () => void this.shutdown());
    ws.on('error', () => undefined);
    this.send({ type: 'session.created', session: this.config.current });
    void this.start();
  }

  get frameSamples(): number {
    return Math.round((ENGINE_SAMPLE_RATE * this.limits.frameMs) / 1000);
  }

  /** Input audio position (ms) at engine time `t`: the audio arrived in real time up to now. */
  audioMsAt(t: number): number {
    return Math.max(0, Math.round(this.inputMs - (this.clock.now() - t) * 1000));
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
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason.slice(0, 120));
    void this.shutdown();
  }

  private async start(): Promise<void> {
    try {
      this.session = await this.deps.createSession({
        protocol: 'openai-realtime',
        clock: this.clock,
        onEvent: (e) => this.onEngineEvent(e),
        predictor: this.config.turns.predictor,
      });
      if (this.closed) return void (await this.session.close());
      this.turns = new TurnControl(this.session);
      this.tools = new RealtimeTools(this);
      this.turns.apply(this.config.turns);
      this.encoder = await OutputAudioEncoder.create(this.config.outputFormat, ENGINE_SAMPLE_RATE);
      this.encoders.push(this.encoder);
    } catch (e) {
      this.log(`session failed to start: ${toFullduplexError(e).message}`);
      this.error(ENDPOINT_ERROR_CODES.engine, `the engine could not start: ${toFullduplexError(e).message}`, null, null, 'server_error');
      return this.close(1011, 'engine failed to start');
    }
    // Closed while starting: shutdown() ran before the session existed, so it is released here.
    if (this.closed) return void (await this.release());
    this.ready = true;
    this.beat.start();
    this.expiry = setTimeout(() => {
      this.error(ENDPOINT_ERROR_CODES.sessionExpired, `Your session hit the maximum duration of ${this.limits.maxSessionS} seconds.`);
      this.close(1000, 'session expired');
    }, this.limits.maxSessionS * 1000);
    void this.drain();
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

  private onEngineEvent(e: EngineEvent): void {
    if (!this.ready || this.closed) return;
    this.guard(() => handleEngineEvent(this, e));
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
    this.beat.stop();
    if (this.expiry) clearTimeout(this.expiry);
    if (this.pendingTimer) clearTimeout(this.pendingTimer);
    if (this.ready) await this.release();
    this.resolveFinished();
  }

  private async release(): Promise<void> {
    try {
      await this.session.close();
    } catch (e) {
      this.log(`session close failed: ${toFullduplexError(e).message}`);
    }
    for (const enc of this.encoders.splice(0)) enc.destroy();
  }
}
