/**
 * Mount the foreign-protocol endpoints on any HTTP server:
 *
 *   WS /v1/realtime   OpenAI Realtime (GA and beta)           → RealtimeConnection
 *   WS /api/chat      Moshi / PersonaPlex (binary, Ogg Opus)   → MoshiConnection
 *
 * `createProtocolEndpoints(deps).handleUpgrade(req, socket, head)` takes an upgrade on these paths
 * (call it from the server's own upgrade listener); `attachProtocolEndpoints(http, deps)` adds a
 * listener of its own. `startProtocolServer` is a tiny standalone server with just these endpoints
 * (tests, benchmarking the local engine through the protocols).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveLimits } from './endpoint-deps.js';
import { threadResamplers } from '../audio/resampler-pool.js';
import { ENGINE_SAMPLE_RATE } from '../engine/session.js';
import type { LiveSessionStats } from '../server/live-session.js';
import type { SessionHandle } from '../server/session-host.js';
import { refuseFull, refuseUpgrade, type AdmissionSlot, type SessionAdmission } from '../server/admission.js';
import { encodeMoshiMessage } from './moshi/messages.js';
import { realtimeErrorEvent } from './openai-realtime/events.js';
import { MoshiConnection, MOSHI_PATH, type MoshiEndpointDeps } from './moshi/endpoint.js';
import { RealtimeConnection, REALTIME_PATH, type RealtimeEndpointDeps } from './openai-realtime/endpoint.js';

export type ProtocolEndpointsDeps = RealtimeEndpointDeps & MoshiEndpointDeps;

export interface ProtocolEndpoints {
  /** Live protocol connections. */
  readonly connections: ReadonlySet<WebSocket>;
  /** Paths these endpoints answer. */
  readonly paths: readonly string[];
  /**
   * Take an HTTP upgrade if its path is one of `paths` (returns true), else leave it alone (false).
   * Call it from the server's own 'upgrade' listener, after its access checks.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The live-session stats of every protocol connection (the server's /v1/stats lists them with the native ones). */
  stats(): Promise<LiveSessionStats[]>;
  /**
   * The drain's goodbye: every live protocol session hears the agent say `text` in its transport's
   * own form (Realtime: a response, then an `error` server_shutting_down; Moshi: audio and text
   * frames), then closes 1001. Resolves when all have closed, or after `maxMs` (and a moment to close)
   * for any that hang, which are then closed regardless.
   */
  farewell(text: string, maxMs: number): Promise<void>;
  /** Close every protocol connection (1001) and wait for their sessions to end. */
  close(): Promise<void>;
}

/** Past the goodbye's `maxMs`, how long a connection gets to close before it is closed regardless, ms. */
const FAREWELL_CLOSE_MS = 1000;

/** A live protocol connection as the endpoints see it. */
interface LiveConnection {
  readonly finished: Promise<void>;
  farewell(text: string, maxMs: number): Promise<void>;
  /** Close the socket with `code`; `reason` is also what the session's recording says ended it. */
  close(code: number, reason: string): void;
}

export interface AttachOptions {
  /**
   * Checked before an upgrade is accepted (host, origin, token…): return an HTTP status to refuse
   * (e.g. 401), or undefined to accept. The live server passes its own access rules here.
   */
  authorize?: (req: IncomingMessage, url: URL) => number | undefined;
  /**
   * The server's session count, shared with its other transports: a connection takes a slot for
   * its lifetime; when none is free the upgrade is refused (503, Retry-After). Without it only
   * `limits.maxConnections` applies.
   */
  admission?: SessionAdmission;
}

/** WebSocket close code for a connection accepted and then refused for capacity (try again later). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * A connection whose handshake was accepted but that found no free slot: the transport's own error
 * (Realtime `error` event, Moshi 0x05 message), then close 1013. No audio has flowed.
 */
function refuseAccepted(ws: WebSocket, path: string, admission: SessionAdmission): void {
  const message = `the server is at its limit of ${admission.capacity} sessions; try again in ${admission.retryAfterS} s`;
  if (path === REALTIME_PATH) ws.send(JSON.stringify(realtimeErrorEvent({ type: 'server_error', code: 'server_full', message })));
  else ws.send(encodeMoshiMessage({ kind: 'error', message }), { binary: true });
  ws.close(CLOSE_TRY_AGAIN_LATER, 'server full');
}

/** Retry-After for a refusal by `maxConnections` alone (no shared admission), s. */
const DEFAULT_RETRY_AFTER_S = 10;

/** The endpoints as an upgrade handler, for a server that routes upgrades itself. */
export function createProtocolEndpoints(given: ProtocolEndpointsDeps, o: AttachOptions = {}): ProtocolEndpoints {
  const limits = resolveLimits(given.limits);
  // Every connection resamples the engine's 16 kHz output to 24 kHz (Realtime PCM, Moshi's Opus).
  const resamplers = given.resamplers ?? threadResamplers;
  void resamplers.warm(ENGINE_SAMPLE_RATE, 24000).catch((e: Error) => given.log?.(`resamplers could not be warmed: ${e.message}`));
  const liveSessions = new Set<SessionHandle>();
  const deps = { ...given, resamplers, liveSessions };
  const connections = new Set<WebSocket>();
  const finished = new Set<Promise<void>>();
  // The browser-style Realtime handshake offers subprotocols ('realtime', the key, the beta marker);
  // answering with 'realtime' keeps browsers happy, Node clients offer none.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxMessageBytes,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('realtime') ? 'realtime' : false),
  });
  const routes: Record<string, (ws: WebSocket, req: IncomingMessage) => LiveConnection> = {
    [REALTIME_PATH]: (ws, req) => new RealtimeConnection(ws, req, deps),
    [MOSHI_PATH]: (ws, req) => new MoshiConnection(ws, req, deps),
  };
  const live = new Map<WebSocket, LiveConnection>();
  let closing = false;
  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false; // not ours to judge; the server's own listener answers
    }
    const route = routes[url.pathname];
    if (!route) return false;
    const refusal = closing ? 503 : o.authorize?.(req, url);
    if (refusal !== undefined) {
      refuseUpgrade(socket, refusal, 'Refused');
      return true;
    }
    if (connections.size >= limits.maxConnections || o.admission?.full) {
      refuseFull(socket, o.admission?.retryAfterS ?? DEFAULT_RETRY_AFTER_S);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      let slot: AdmissionSlot | undefined;
      if (o.admission && !(slot = o.admission.tryAcquire())) return refuseAccepted(ws, url.pathname, o.admission);
      connections.add(ws);
      const c = route(ws, req);
      live.set(ws, c);
      const done = c.finished.finally(() => {
        slot?.release();
        connections.delete(ws);
        live.delete(ws);
        finished.delete(done);
      });
      finished.add(done);
    });
    return true;
  };
  return {
    connections,
    paths: Object.keys(routes),
    handleUpgrade,
    stats: async () => (await Promise.all([...liveSessions].map((h) => h.stats()))).filter((s): s is LiveSessionStats => s !== undefined),
    farewell: async (text, maxMs) => {
      await Promise.allSettled(
        [...live].map(async ([ws, c]) => {
          const said = c.farewell(text, maxMs).catch((e: Error) => given.log?.(`goodbye failed: ${e.message}`));
          await Promise.race([said, new Promise((r) => setTimeout(r, maxMs + FAREWELL_CLOSE_MS).unref())]);
          // One that hung: its socket closes now, and its session is released as the close is seen.
          if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) c.close(1001, 'the server is shutting down');
        }),
      );
    },
    close: async () => {
      closing = true;
      for (const ws of connections) (live.get(ws) ?? ws).close(1001, 'the server is shutting down');
      await Promise.allSettled([...finished]);
      wss.close();
    },
  };
}

/**
 * Mount the endpoints on `http` with an 'upgrade' listener of their own. The server's other upgrade
 * listeners must then leave `paths` alone (not answer them with 404).
 */
export function attachProtocolEndpoints(http: Server, deps: ProtocolEndpointsDeps, o: AttachOptions = {}): ProtocolEndpoints {
  const endpoints = createProtocolEndpoints(deps, o);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => void endpoints.handleUpgrade(req, socket, head);
  http.on('upgrade', onUpgrade);
  return {
    ...endpoints,
    close: async () => {
      http.off('upgrade', onUpgrade);
      await endpoints.close();
    },
  };
}

export interface ProtocolServer {
  readonly port: number;
  readonly http: Server;
  readonly endpoints: ProtocolEndpoints;
  /** ws://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/** A standalone HTTP server that answers only the protocol endpoints (every other request: 404). */
export async function startProtocolServer(deps: ProtocolEndpointsDeps, host = '127.0.0.1', port = 0): Promise<ProtocolServer> {
  const http = createServer((_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found'));
  const endpoints = attachProtocolEndpoints(http, deps);
  // Upgrades on other paths get a plain 404 (the attachment ignores them).
  http.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!endpoints.paths.includes(path ?? '')) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  http.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    port: actual,
    http,
    endpoints,
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    close: async () => {
      await endpoints.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
