/**
 * What the protocol endpoints (OpenAI Realtime on /v1/realtime, Moshi on /api/chat) need from the
 * process that mounts them: a way to open an engine session, and their limits. The endpoints are
 * standalone connection handlers; endpoints.ts routes HTTP upgrades to them.
 */
import type { Clock } from '../audio/clock.js';
import type { EngineEvent } from '../engine/events.js';
import type { PredictorOverrides } from '../engine/options.js';
import type { ConversationSession } from '../engine/session.js';
import { FrameCounter, sharedMetronome } from '../server/metronome.js';

export type EndpointProtocol = 'openai-realtime' | 'moshi' | 'gemini-live';

/** What an endpoint asks for when a client connects. */
export interface ProtocolSessionRequest {
  readonly protocol: EndpointProtocol;
  /** The session must run on this clock: the endpoint pulls agent audio on it in real time. */
  readonly clock: Clock;
  /** Every engine event, synchronously (the endpoint turns them into protocol events). */
  readonly onEvent: (e: EngineEvent) => void;
  readonly predictor?: PredictorOverrides;
  /**
   * The voice the client asked for, as the protocol spells it (an OpenAI voice name, PersonaPlex's
   * voice_prompt file name). A factory uses it only if it names one of its own voices.
   */
  readonly voice?: string;
}

export interface ProtocolEndpointLimits {
  /** Largest WebSocket message accepted, bytes (OpenAI allows 15 MiB of audio per append, base64 grows it by 4/3). */
  maxMessageBytes: number;
  /** A session ends after this long, s (Moshi's Rust server: 360 s; OpenAI: 60 min). */
  maxSessionS: number;
  /** User audio waiting for the engine beyond this is dropped (a client sending faster than real time), s. */
  maxInputBacklogS: number;
  /** Client messages that can be errors in a row before the connection is closed as abusive. */
  maxConsecutiveErrors: number;
  /** Output beat: one frame of agent audio is pulled from the engine every this many ms. */
  frameMs: number;
  /** Protocol connections open at once; more are refused with HTTP 503 (each holds an engine session). */
  maxConnections: number;
}

export const defaultEndpointLimits: Readonly<ProtocolEndpointLimits> = Object.freeze({
  maxMessageBytes: 21 * 1024 * 1024,
  maxSessionS: 3600,
  maxInputBacklogS: 5,
  maxConsecutiveErrors: 200,
  frameMs: 20,
  maxConnections: 32,
});

export interface ProtocolEndpointDeps {
  /** Open one engine session for one connection (closed by the endpoint when the connection ends). */
  createSession(req: ProtocolSessionRequest): Promise<ConversationSession>;
  limits?: Partial<ProtocolEndpointLimits>;
  /** One line per connection event (open, close, failures). Default: silent. */
  log?: (line: string) => void;
}

export function resolveLimits(l: Partial<ProtocolEndpointLimits> | undefined): ProtocolEndpointLimits {
  return { ...defaultEndpointLimits, ...l };
}

/** A connection's output beat: told how many frames are due, on the process's shared metronome. */
export function frameBeat(frameMs: number, onFrames: (count: number) => void): FrameCounter {
  return new FrameCounter(sharedMetronome(frameMs), onFrames);
}
