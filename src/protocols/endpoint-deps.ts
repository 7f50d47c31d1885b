/**
 * What the protocol endpoints (OpenAI Realtime on /v1/realtime, Moshi on /api/chat) need from the
 * process that mounts them: the live runtime their sessions run on, and their limits. The endpoints
 * are standalone connection handlers; endpoints.ts routes HTTP upgrades to them.
 */
import type { ResamplerPool } from '../audio/resampler-pool.js';
import type { SessionHandle, SessionHost } from '../server/session-host.js';

export interface ProtocolEndpointLimits {
  /** Largest WebSocket message accepted, bytes (OpenAI allows 15 MiB of audio per append, base64 grows it by 4/3). */
  maxMessageBytes: number;
  /** A session ends after this long, s (Moshi's Rust server: 360 s; OpenAI: 60 min). */
  maxSessionS: number;
  /** Client messages that can be errors in a row before the connection is closed as abusive. */
  maxConsecutiveErrors: number;
  /** Protocol connections open at once; more are refused with HTTP 503 (each holds an engine session). */
  maxConnections: number;

}

export const defaultEndpointLimits: Readonly<ProtocolEndpointLimits> = Object.freeze({
  maxMessageBytes: 21 * 1024 * 1024,
  maxSessionS: 3600,
  maxConsecutiveErrors: 200,
  maxConnections: 32,
});

export interface ProtocolEndpointDeps {
  /** The live runtime the sessions run on (the native protocol's own: worker threads, warm pool, recordings). */
  host: SessionHost;
  /** Warm resamplers for the connections' audio (createProtocolEndpoints: this thread's pool; absent: each connection makes its own). */
  resamplers?: ResamplerPool;
  /** The live sessions of these endpoints (their stats join the server's); a connection adds its own while it lasts. */
  liveSessions?: Set<SessionHandle>;
  limits?: Partial<ProtocolEndpointLimits>;
  /** One line per connection event (open, close, failures). Default: silent. */
  log?: (line: string) => void;
}

export function resolveLimits(l: Partial<ProtocolEndpointLimits> | undefined): ProtocolEndpointLimits {
  return { ...defaultEndpointLimits, ...l };
}
