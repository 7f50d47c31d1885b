/**
 * Admission control over real loopback sockets: one count of sessions covers the native protocol,
 * OpenAI Realtime and Moshi; past it every transport is refused at its upgrade with HTTP 503 and
 * Retry-After, the sessions already running carry on, and a slot frees when one of them closes. A
 * client whose handshake was accepted but that finds no slot gets its transport's own error and 1013.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import WebSocket from 'ws';
import { createProtocolEndpoints } from '../src/protocols/endpoints.js';
import { decodeMoshiMessage } from '../src/protocols/moshi/messages.js';
import type { SessionAdmission } from '../src/server/admission.js';
import { CloseCode } from '../src/server/protocol.js';
import { closeSharedComponents, RawClient, testServer, wsUrl } from './helpers/server.js';

after(async () => {
  await closeSharedComponents();
});

interface Outcome {
  status?: number;
  retryAfter?: string;
  open?: WebSocket;
  /** The connection's first message (listened for from the start: it may come with the handshake). */
  first?: Promise<{ data: Buffer; isBinary: boolean }>;
  closed?: Promise<number>;
}

/** Connect and report either the refusal (status, Retry-After) or the open socket. */
function attempt(url: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const first = new Promise<{ data: Buffer; isBinary: boolean }>((r) => ws.once('message', (data, isBinary) => r({ data: data as Buffer, isBinary })));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.once('open', () => resolve({ open: ws, first, closed }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (e) => (ws.readyState === WebSocket.CLOSED ? undefined : reject(e)));
  });
}

/** The first message of a Realtime connection, parsed (session.created once its engine is ready). */
async function firstEvent(o: Outcome): Promise<Record<string, unknown>> {
  const m = await o.first!;
  assert.equal(m.isBinary, false);
  return JSON.parse(m.data.toString('utf8')) as Record<string, unknown>;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('past maxSessions every transport is refused at the upgrade (503, Retry-After); the running sessions go on; a closed one frees its slot', async () => {
  const s = await testServer({ limits: { maxSessions: 2, retryAfterSeconds: 7 } });
  const health = async () => (await (await fetch(`http://127.0.0.1:${s.port}/healthz`)).json()) as { sessions: number; maxSessions: number };
  try {
    // Fill the two slots with two transports: a native session and a Realtime one.
    const native = await RawClient.connect(wsUrl(s));
    await native.start();
    const rt = await attempt(wsUrl(s, '/v1/realtime'));
    assert.ok(rt.open, 'the Realtime connection was accepted');
    assert.equal((await firstEvent(rt)).type, 'session.created');
    assert.deepEqual(await health(), { ok: true, draining: false, sessions: 2, maxSessions: 2 });

    // Session 3, on each transport: refused before any audio flows.
    for (const path of ['/v1/session', '/v1/realtime', '/api/chat']) {
      const r = await attempt(wsUrl(s, path));
      assert.equal(r.open, undefined, `${path} was accepted past capacity`);
      assert.equal(r.status, 503, path);
      assert.equal(r.retryAfter, '7', path);
    }

    // The two running sessions are untouched: the native one still answers and streams its beat,
    // the Realtime one is still open.
    const framesBefore = native.audioFrames;
    native.send({ type: 'ping', id: 'still-there' });
    await native.next((m) => m.type === 'pong');
    await until(async () => native.audioFrames > framesBefore + 10, 'native audio frames to keep flowing');
    assert.equal(native.closeCode, undefined);
    assert.equal(rt.open.readyState, WebSocket.OPEN);

    // One closes: its slot frees, and a Moshi client now gets in (its handshake byte arrives).
    rt.open.close();
    await until(async () => (await health()).sessions === 1, 'the Realtime slot to be released');
    const moshi = await attempt(wsUrl(s, '/api/chat'));
    assert.ok(moshi.open, 'Moshi accepted once a slot was free');
    assert.equal(decodeMoshiMessage(new Uint8Array((await moshi.first!).data)).kind, 'handshake');
    assert.equal((await health()).sessions, 2);
    moshi.open.close();
    await native.close();
    await until(async () => (await health()).sessions === 0, 'every slot to be released');
  } finally {
    await s.close();
  }
});

test('native: a client connected before the server filled gets SERVER_FULL and close 1013 at start', async () => {
  const s = await testServer({ limits: { maxSessions: 1, retryAfterSeconds: 3 } });
  try {
    const early = await RawClient.connect(wsUrl(s)); // upgraded while a slot was free
    const first = await RawClient.connect(wsUrl(s));
    await first.start();
    early.send({ type: 'start', protocol: 1, inputSampleRate: 16000 });
    const e = await early.error('SERVER_FULL');
    assert.equal(e.fatal, true);
    assert.match(e.message, /limit of 1 sessions; try again in 3 s/);
    await early.closed;
    assert.equal(early.closeCode, CloseCode.TRY_AGAIN_LATER);
    assert.equal(first.closeCode, undefined, 'the running session was not touched');
    await first.close();
  } finally {
    await s.close();
  }
});

test('Realtime and Moshi: an accepted handshake that finds no slot gets the transport error and close 1013', async () => {
  // The slot was taken between the upgrade's check and the handshake (another transport's start).
  const raced: SessionAdmission = { capacity: 4, retryAfterS: 5, inUse: 4, full: false, tryAcquire: () => undefined };
  let opened = 0;
  const endpoints = createProtocolEndpoints(
    {
      // Both transports open their sessions on the live runtime: none may be opened there.
      host: {
        voices: [],
        start: () => Promise.resolve(),
        open: () => {
          opened++;
          return Promise.reject(new Error('no session may be opened past capacity'));
        },
        stats: () => Promise.reject(new Error('not used')),
        close: () => Promise.resolve(),
      },
    },
    { admission: raced },
  );
  const http = createServer((_q, res) => res.writeHead(404).end());
  http.on('upgrade', (req, socket, head) => void endpoints.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  try {
    const rt = await attempt(`ws://127.0.0.1:${port}/v1/realtime`);
    const [event, rtCode] = await Promise.all([firstEvent(rt), rt.closed!]);
    assert.equal(event.type, 'error');
    const detail = event.error as Record<string, unknown>;
    assert.equal(detail.type, 'server_error');
    assert.equal(detail.code, 'server_full');
    assert.match(String(detail.message), /limit of 4 sessions; try again in 5 s/);
    assert.match(String(event.event_id), /^event_/);
    assert.equal(rtCode, 1013);

    const mo = await attempt(`ws://127.0.0.1:${port}/api/chat`);
    const [msg, moCode] = await Promise.all([mo.first!, mo.closed!]);
    assert.equal(msg.isBinary, true);
    const decoded = decodeMoshiMessage(new Uint8Array(msg.data));
    assert.equal(decoded.kind, 'error');
    assert.equal(moCode, 1013);
    assert.equal(opened, 0, 'no engine session was opened');
  } finally {
    await endpoints.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  }
});
