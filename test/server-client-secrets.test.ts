/**
 * Ephemeral client keys (POST /v1/realtime/client_secrets) on a real server: minted only with the
 * server's token and shaped like OpenAI's; a key opens Realtime (subprotocol or bearer) and native
 * sessions with its session configuration applied; expired (an injected clock) and forged keys are
 * refused with the Realtime error event or a 401 at the upgrade.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import WebSocket from 'ws';
import type { FullduplexServer } from '../src/server/server.js';
import { closeSharedComponents, RawClient, testServer, wsUrl } from './helpers/server.js';

const TOKEN = 'server-token-for-tests';
let now = Date.parse('2026-01-01T00:00:00Z');
let server: FullduplexServer;

before(async () => {
  server = await testServer({ token: TOKEN, clientSecrets: { now: () => now } });
});
after(async () => {
  await server?.close();
  await closeSharedComponents();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function mint(body: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Json }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token && { Authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** A browser-style Realtime connection: the key as a subprotocol. Resolves with the first event and how it closed. */
function realtime(key: string, first = 1): Promise<{ events: Json[]; closed: Promise<number>; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${wsUrl(server, '/v1/realtime')}?model=gpt-realtime`, ['realtime', `openai-insecure-api-key.${key}`]);
    const events: Json[] = [];
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.on('message', (d) => {
      events.push(JSON.parse(d.toString()) as Json);
      if (events.length === first) resolve({ events, closed, ws });
    });
    ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

test('minting: OpenAI-shaped request and response, only with the server token', async () => {
  const session = { type: 'realtime', instructions: 'Answer like a pirate.', audio: { output: { voice: 'rms' } } };
  const ok = await mint({ expires_after: { anchor: 'created_at', seconds: 120 }, session });
  assert.equal(ok.status, 200);
  assert.match(ok.body.value, /^ek_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  assert.equal(ok.body.expires_at, now / 1000 + 120);
  assert.equal(ok.body.session.type, 'realtime');
  assert.equal(ok.body.session.instructions, 'Answer like a pirate.');
  assert.equal(ok.body.session.audio.output.voice, 'rms');
  assert.deepEqual(ok.body.session.audio.input.format, { type: 'audio/pcm', rate: 24000 }, 'defaults are filled in');

  const defaults = await mint({});
  assert.equal(defaults.body.expires_at, now / 1000 + 600, "OpenAI's default lifetime: 10 minutes");

  const noToken = await mint({}, null);
  assert.equal(noToken.status, 401);
  assert.equal(noToken.body.error.code, 'invalid_api_key');
  assert.equal(noToken.body.error.type, 'invalid_request_error');
  const keyMintsKey = await mint({}, ok.body.value as string);
  assert.equal(keyMintsKey.status, 401, 'a key cannot mint another');

  const tooLong = await mint({ expires_after: { anchor: 'created_at', seconds: 99_999 } });
  assert.equal(tooLong.status, 400);
  assert.equal(tooLong.body.error.param, 'expires_after.seconds');
  const badSession = await mint({ session: { type: 'transcription' } });
  assert.equal(badSession.status, 400);
  assert.equal(badSession.body.error.param, 'session');
  const get = await fetch(`http://127.0.0.1:${server.port}/v1/realtime/client_secrets`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(get.status, 405);
});

test('the unchanged openai package mints a key with client.realtime.clientSecrets.create', async () => {
  const client = new OpenAI({ apiKey: TOKEN, baseURL: `http://127.0.0.1:${server.port}/v1` });
  const secret = await client.realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 300 }, session: { type: 'realtime', instructions: 'Hello.' } });
  assert.match(secret.value, /^ek_/);
  assert.equal(secret.expires_at, now / 1000 + 300);
  assert.equal((secret.session as { instructions?: string }).instructions, 'Hello.');
  const wrong = new OpenAI({ apiKey: 'not-the-token', baseURL: `http://127.0.0.1:${server.port}/v1`, maxRetries: 0 });
  await assert.rejects(wrong.realtime.clientSecrets.create({}), (e: { status?: number; code?: string }) => e.status === 401 && e.code === 'invalid_api_key');
});

test("a key opens a Realtime session with the key's session configuration; bearer or subprotocol", async () => {
  const session = { type: 'realtime', instructions: 'Be brief.', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 700 } } } };
  const { body } = await mint({ expires_after: { anchor: 'created_at', seconds: 60 }, session });
  const { events, ws, closed } = await realtime(body.value as string);
  assert.equal(events[0]!.type, 'session.created');
  assert.equal(events[0]!.session.instructions, 'Be brief.');
  assert.equal(events[0]!.session.audio.input.turn_detection.type, 'server_vad');
  assert.equal(events[0]!.session.audio.input.turn_detection.silence_duration_ms, 700);
  ws.close();
  await closed;

  // The key as a bearer header (Node clients, the openai package) on the native protocol too.
  const native = await RawClient.connect(wsUrl(server), { Authorization: `Bearer ${body.value as string}` });
  const ready = await native.start();
  assert.equal(ready.type, 'ready');
  await native.close();
  // Without any credential the token-protected server still refuses.
  await assert.rejects(RawClient.connect(wsUrl(server)), /HTTP 401/);
});

test('an expired key is refused: Realtime error event then close 1008; 401 on the native protocol', async () => {
  const { body } = await mint({ expires_after: { anchor: 'created_at', seconds: 10 } });
  const key = body.value as string;
  const fresh = await realtime(key);
  assert.equal(fresh.events[0]!.type, 'session.created', 'valid before its expiry');
  fresh.ws.close();
  await fresh.closed;
  now += 10_000; // the injected clock: exactly at expires_at
  try {
    const { events, closed } = await realtime(key);
    assert.equal(events[0]!.type, 'error');
    assert.equal(events[0]!.error.type, 'invalid_request_error');
    assert.equal(events[0]!.error.code, 'expired_api_key');
    assert.equal(await closed, 1008);
    await assert.rejects(RawClient.connect(wsUrl(server), { Authorization: `Bearer ${key}` }), /HTTP 401/);
  } finally {
    now -= 10_000;
  }
});

test('forged keys are refused: a changed payload, a changed signature, a key signed with another token', async () => {
  const { body } = await mint({ session: { type: 'realtime', instructions: 'harmless' } });
  const key = body.value as string;
  const [payload, signature] = key.slice(3).split('.') as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Json;
  decoded.exp += 1_000_000;
  decoded.session.instructions = 'something else';
  const longer = `ek_${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
  const badSig = `ek_${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
  const other = await testServer({ token: 'another-token' });
  let foreign: string;
  try {
    foreign = (await (await fetch(`http://127.0.0.1:${other.port}/v1/realtime/client_secrets`, { method: 'POST', headers: { Authorization: 'Bearer another-token' } })).json() as Json).value as string;
  } finally {
    await other.close();
  }
  for (const forged of [longer, badSig, foreign, 'ek_nonsense']) {
    const { events, closed } = await realtime(forged);
    assert.equal(events[0]!.type, 'error', forged);
    assert.equal(events[0]!.error.code, 'invalid_api_key');
    assert.equal(await closed, 1008);
    await assert.rejects(RawClient.connect(wsUrl(server, '/api/chat'), { Authorization: `Bearer ${forged}` }), /HTTP 401/);
  }
});
