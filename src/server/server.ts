/**
 * The live server: one HTTP server for the page and the WebSocket protocol (docs/protocol.md) on
 * `/v1/session`, the shared speech components, and a graceful shutdown.
 *
 *   GET  /                the page (web/)
 *   GET  /v1/info         what a client may choose (voices, eagerness) and the server's defaults
 *   GET  /v1/stats        live sessions and the server's own timing health (?reset=1 restarts the
 *                         timing counters; for the load benchmark)
 *   GET  /healthz         liveness; GET /readyz readiness (health.ts); GET /metrics Prometheus (metrics.ts)
 *   WS   /v1/session      one conversation per connection
 *   POST /v1/realtime/client_secrets   an ephemeral client key (client-secrets.ts)
 *   GET  <at>…            a prebuilt foreign client (`--serve-client DIR --at /moshi/`, origins.ts)
 *
 * With `tls` set, all of it is https/wss (tls.ts).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { createAsr, createTts } from '../speech/registry.js';
import type { AsrEngine, TtsEngine } from '../speech/types.js';
import { FullduplexError } from '../errors.js';
import { hostAllowed, isLoopbackHost, requestToken, tokenMatches } from './access.js';
import { Connection, type ConnectionContext } from './connection.js';
import { InProcessHost, type HostConfig, type SessionHost } from './session-host.js';
import { WorkerHost } from './worker-host.js';
import { EAGERNESS_LEVELS, resolveServerOptions, type ServerOptions, type ServerOverrides } from './options.js';
import { CloseCode, PROTOCOL_VERSION, SESSION_PATH, SUBPROTOCOL } from './protocol.js';
import { SECURITY_HEADERS, serveStatic } from './static-files.js';
import { createProtocolEndpoints } from '../protocols/endpoints.js';
import { Admission, refuseFull, type AdmissionSlot } from './admission.js';
import { meterHost, ServerMetrics, type RefusalReason } from './metrics.js';
import { liveness, notReadyReason, readiness } from './health.js';
import { Drain } from './drain.js';
import { ClientSecrets, CLIENT_SECRETS_PATH, handleClientSecretsRequest, KEY_PREFIX, refuseRealtimeKey } from './client-secrets.js';
import { OriginGate, serveClient } from './origins.js';
import { keyedStartOptions } from './keyed-session.js';
import { boundSessionCloses } from './session-close.js';
import { REALTIME_PATH } from '../protocols/openai-realtime/endpoint.js';

export interface FullduplexServer {
  readonly options: ServerOptions;
  /** The page's address (with the token, when one is required). */
  readonly url: string;
  readonly port: number;
  /** Live connections (tests and the stats endpoint read it). */
  readonly connections: ReadonlySet<Connection>;
  stats(reset?: boolean): Promise<Record<string, unknown>>;
  /** Stop accepting, end every session with 1001, finish their records, release everything. */
  close(): Promise<void>;
  /**
   * Graceful drain (drain.ts): refuse new sessions, give the running ones `drain.graceSeconds`, say
   * goodbye to any left (native: close 4003; Realtime and Moshi in their own form, then 1001), then close. Resolves when closed; `close()` meanwhile cuts it short.
   */
  drain(): Promise<void>;
  readonly metrics: ServerMetrics;
}

export interface ServerComponents {
  asr?: AsrEngine;
  tts?: TtsEngine;
}

export async function startServer(overrides: ServerOverrides & { webRoot: string }, components: ServerComponents = {}): Promise<FullduplexServer> {
  const o = resolveServerOptions(overrides, overrides.webRoot);
  if (!isLoopbackHost(o.host) && !o.token) {
    throw new FullduplexError('BAD_ARGUMENT', `listening on ${o.host} (not loopback) requires an access token (--token)`);
  }
  const hostConfig: HostConfig = { engine: o.engine, speech: o.speech, limits: o.limits, playback: o.playback, recording: o.recording, warmSessions: o.warmSessions };
  // In-process sessions use the components given (tests share them) or their own; workers load their own.
  const ownAsr = o.workers === 0 && !components.asr ? createAsr(o.speech.asr, o.speech.servers) : undefined;
  const ownTts = o.workers === 0 && !components.tts ? createTts(o.speech.tts, o.speech.servers) : undefined;
  const host: SessionHost =
    o.workers > 0 ? new WorkerHost(hostConfig, o.workers, o.log) : new InProcessHost(hostConfig, (components.asr ?? ownAsr)!, (components.tts ?? ownTts)!, o.log);
  await host.start();
  // Each session's close is bounded: one wedged session must not hold up the others or the shutdown.
  const sessions = boundSessionCloses(host, o.limits.sessionCloseTimeoutSeconds * 1000, (id) => {
    o.log(`[${new Date().toISOString()}] session ${id} did not close within ${o.limits.sessionCloseTimeoutSeconds} s (a wedged engine or worker thread); no longer waiting for it, its recording may be unfinished`);
    metrics.error('server/SESSION_CLOSE_TIMEOUT');
  });
  const connections = new Set<Connection>();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // One count of sessions for every transport (native, Realtime, Moshi): past it, upgrades get 503.
  const admission = new Admission(o.limits.maxSessions, o.limits.retryAfterSeconds);
  let shuttingDown = false;
  const drain = new Drain(o.drain);
  const metrics = new ServerMetrics({
    capacity: () => admission.capacity,
    notReady: () => notReadyReason(admission, drain.draining || shuttingDown),
    hostStats: () => host.stats(false),
  });
  const refuseCounted = (reason: RefusalReason, socket: Duplex, status: number, text: string): void => {
    metrics.refused(reason);
    refuse(socket, status, text);
  };

  const ctx: ConnectionContext = {
    options: o,
    host: meterHost(sessions, metrics, 'native', { countErrors: false }), // the connection counts what it sends
    reserveSlot: (): AdmissionSlot | undefined => {
      const slot = admission.tryAcquire();
      if (!slot) metrics.refused('full');
      return slot;
    },
    newSessionId: () => randomBytes(4).toString('hex'),
    draining: () => {
      const refused = drain.draining || shuttingDown;
      if (refused) metrics.refused('draining'); // asked only when a `start` arrives
      return refused;
    },
    errorSent: (code) => metrics.error(`protocol/${code}`),
  };

  const stats = async (reset: boolean): Promise<Record<string, unknown>> => {
    const h = await host.stats(reset);
    const native = (await Promise.all([...connections].map((c) => c.stats()))).filter((s) => s !== undefined);
    const live = [...native, ...(await protocols.stats())]; // Realtime and Moshi sessions too
    const body = {
      protocol: PROTOCOL_VERSION,
      sessions: admission.inUse,
      maxSessions: admission.capacity,
      connections: connections.size,
      workers: o.workers,
      spareEngines: h.spareEngines,
      mainLoopDelayMs: { p99: Math.round(loopDelay.percentile(99) / 1e6), max: Math.round(loopDelay.max / 1e6) },
      engineThreads: h.threads,
      cpuUs: process.cpuUsage(),
      rssBytes: process.memoryUsage().rss,
      live,
    };
    if (reset) loopDelay.reset(); // the load benchmark reads each level's timing health on its own
    return body;
  };

  const info = {
    protocol: PROTOCOL_VERSION,
    sessionPath: SESSION_PATH,
    voices: host.voices,
    eagerness: EAGERNESS_LEVELS,
    defaults: { voice: o.engine.voice, eagerness: o.engine.eagerness },
    dialogue: o.engine.dialogue === 'embedded' ? 'embedded' : 'openai-compatible',
    tokenRequired: !!o.token,
  };

  const dialogueName = o.engine.dialogue === 'embedded' ? 'embedded' : (o.engine.dialogue.model ?? 'openai-compatible');
  const secrets = new ClientSecrets(o.token, o.clientSecrets, { model: 'fullduplex', voice: o.engine.voice });
  const origins = new OriginGate(o.allowedOrigins, o.log);
  /** The session configuration an upgrade's ephemeral key carries (every transport applies it: keyed-session.ts). */
  const keyedSessions = new WeakMap<IncomingMessage, Record<string, unknown>>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => void handleHttp(req, res).catch(() => answer(res, 500, { error: 'internal error' }));
  const http = o.tls ? createHttpsServer({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createHttpServer(onRequest);
  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req, o.host)) return answer(res, 403, { error: 'this server answers only to its loopback address' });
    if (url.pathname === CLIENT_SECRETS_PATH) return handleClientSecretsRequest(req, res, secrets, o.token);
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, { error: 'method not allowed' });
    if (url.pathname === '/healthz') return answer(res, 200, liveness(admission, drain.draining || shuttingDown));
    if (url.pathname === '/readyz') {
      const r = readiness(admission, drain.draining || shuttingDown);
      return answer(res, r.status, r.body);
    }
    if (url.pathname === '/metrics') {
      if (o.token && !tokenMatches(o.token, requestToken(req, url))) return answer(res, 401, { error: 'token required' });
      const text = await metrics.text();
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': metrics.contentType, 'Cache-Control': 'no-store' });
      return void res.end(text);
    }
    if (url.pathname === '/v1/info') return answer(res, 200, info);
    if (url.pathname === '/v1/stats') {
      if (o.token && !tokenMatches(o.token, requestToken(req, url))) return answer(res, 401, { error: 'token required' });
      const body = await stats(url.searchParams.get('reset') === '1');
      return answer(res, 200, body);
    }
    if (await serveClient(o.servedClients, url.pathname, res, req.method === 'HEAD')) return;
    if (!(await serveStatic(o.webRoot, url.pathname, res, req.method === 'HEAD'))) answer(res, 404, { error: 'not found' });
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.limits.maxMessageBytes,
    perMessageDeflate: false, // PCM barely compresses, and inflating untrusted input costs memory
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  // Other systems' protocols (OpenAI Realtime on /v1/realtime, Moshi on /api/chat) on the same
  // server, behind the same access rules, on the same live runtime (`host`: worker threads, warm
  // pool, recordings) and the same session count; metered per transport (metrics.ts).
  const protocols = createProtocolEndpoints({
    host: meterHost(sessions, metrics, (req) => (req.start.client === 'openai-realtime' ? 'realtime' : 'moshi')),
    moshi: { model: dialogueName },
    sessionFor: (req) => keyedSessions.get(req),
    log: (line) => o.log(`[${new Date().toISOString()}] ${line}`),
  }, { admission });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const isProtocol = protocols.paths.includes(url.pathname);
      if (url.pathname !== SESSION_PATH && !isProtocol) return refuse(socket, 404, 'Not Found');
      // Draining: 503 like a full server, so a balancer (or the client) tries another instance.
      if (shuttingDown || drain.draining) return refuseCounted('draining', socket, 503, 'Service Unavailable');
      if (!hostAllowed(req, o.host)) return refuseCounted('forbidden', socket, 403, 'Forbidden');
      if (!origins.admits(req)) return refuseCounted('forbidden', socket, 403, 'Forbidden');
      const credential = requestToken(req, url);
      if (credential?.startsWith(KEY_PREFIX)) {
        // An ephemeral key stands in for the token (and is checked even where no token is needed).
        const check = secrets.verify(credential);
        if (!check.ok) {
          metrics.refused('unauthorized');
          return url.pathname === REALTIME_PATH ? refuseRealtimeKey(req, socket, head, check) : refuse(socket, 401, 'Unauthorized');
        }
        if (check.session) keyedSessions.set(req, check.session);
      } else if (o.token && !tokenMatches(o.token, credential)) return refuseCounted('unauthorized', socket, 401, 'Unauthorized');
      if (admission.full) return (metrics.refused('full'), refuseFull(socket, admission.retryAfterS));
      if (isProtocol) return void protocols.handleUpgrade(req, socket, head);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
        const keyed = keyedStartOptions(keyedSessions.get(req), host.voices, (line) => o.log(`[${new Date().toISOString()}] ${remote}: ${line}`));
        const c = new Connection(ws, ctx, remote, keyed);
        connections.add(c);
        ws.once('close', () => connections.delete(c));
      });
    } catch {
      socket.destroy();
    }
  });
  http.on('clientError', (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    http.once('error', (e) => reject(new FullduplexError('BAD_ARGUMENT', `cannot listen on ${o.host}:${o.port}: ${e.message}`, { cause: e })));
    http.listen(o.port, o.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  const url = `${o.tls ? 'https' : 'http'}://${hostForUrl}:${port}/${o.token ? `?token=${encodeURIComponent(o.token)}` : ''}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      shuttingDown = true;
      http.close();
      // Every transport's sessions close together, each within sessionCloseTimeoutSeconds.
      await Promise.allSettled([...[...connections].map((c) => c.end(CloseCode.GOING_AWAY, 'the server is shutting down')), protocols.close()]);
      wss.close();
      http.closeAllConnections();
      loopDelay.disable();
      await host.close();
      await ownTts?.close();
      await ownAsr?.close();
    })());
  return {
    options: o,
    url,
    port,
    connections,
    metrics,
    stats: (reset = false) => stats(reset),
    close: () => {
      drain.cutShort();
      return close();
    },
    drain: () =>
      drain.run({
        activeSessions: () => admission.inUse,
        sayGoodbye: async (text, maxMs) => {
          const reason = 'the server is shutting down; connect again to reach another instance';
          // Native sessions close with 4003 (docs/protocol.md); Realtime and Moshi clients know 1001.
          await Promise.allSettled([...[...connections].map((c) => c.farewell(text, maxMs, CloseCode.DRAINED, reason)), protocols.farewell(text, maxMs)]);
        },
        close,
        log: (line) => o.log(`[${new Date().toISOString()}] ${line}`),
      }),
  };
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
