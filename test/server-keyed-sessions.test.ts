/**
 * A key's session configuration on every transport, on a real server over loopback: a key minted over
 * HTTP with instructions, a voice and semantic_vad eagerness opens a native session (its `ready` says
 * the voice and eagerness, the instructions are on its timeline) and a Moshi session (its recording
 * says the same) configured by it; the client's own explicit settings (native `start` fields, Moshi's
 * text_prompt / voice_prompt) win over the key's; a voice the server lacks is ignored, not refused, and
 * logged (on Realtime once a session, for the key's or a session.update's, its name echoed back).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineEvent } from '../src/engine/events.js';
import type { FullduplexServer } from '../src/server/server.js';
import type { ServerMessage } from '../src/server/protocol.js';
import { closeSharedComponents, RawClient, tempDir, testServer, wsUrl } from './helpers/server.js';

const TOKEN = 'keyed-sessions-token';
const INSTRUCTIONS = 'You are Zed, a terse assistant at the harbour.';
let server: FullduplexServer;
let sessionsDir: string;
const logs: string[] = [];

before(async () => {
  sessionsDir = tempDir('keyed');
  server = await testServer({ token: TOKEN, warmSessions: 1, recording: { sessionsDir }, log: (line) => logs.push(line) });
});
after(async () => {
  await server?.close();
  await closeSharedComponents();
});

/** Mint a key over HTTP, as a token-holding backend would. */
async function mint(session: Record<string, unknown>): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ session }),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { value: string }).value;
}

const keyedSession = (voice: string) => ({
  type: 'realtime',
  instructions: INSTRUCTIONS,
  audio: { output: { voice }, input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } },
});

/** The instructions the engine was given, from its timeline (the `control` add_context event). */
function instructionsOn(events: readonly EngineEvent[]): string[] {
  return events.filter((e) => e.type === 'control' && e.action === 'add_context').map((e) => (e.type === 'control' ? e.detail : ''));
}

/** A native session with `key`: its `ready`, and the instructions on its timeline (`expectInstructions`: wait for them). */
async function nativeSession(key: string, start: Record<string, unknown> = {}, expectInstructions = true): Promise<{ ready: Extract<ServerMessage, { type: 'ready' }>; instructions: string[] }> {
  const c = await RawClient.connect(`${wsUrl(server)}?token=${encodeURIComponent(key)}`);
  try {
    const ready = await c.start(start);
    await c.next((m) => m.type === 'event' && m.event.type === 'session_start');
    // The start-up events go out together after `ready`; margin for their delivery when none is awaited.
    if (expectInstructions) await c.next((m) => m.type === 'event' && m.event.type === 'control' && m.event.action === 'add_context');
    else await new Promise((r) => setTimeout(r, 500));
    const events = c.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
    return { ready, instructions: instructionsOn(events) };
  } finally {
    await c.close();
  }
}

/** A Moshi session with `key` and `query`: what its recording says once it has ended. */
async function moshiSession(key: string, query = ''): Promise<{ voice: string; eagerness: string; instructions: string[] }> {
  const before = new Set(readdirSync(sessionsDir));
  const ws = new WebSocket(`${wsUrl(server, '/api/chat')}?token=${encodeURIComponent(key)}${query}`, { perMessageDeflate: false });
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject))); // the handshake: the session is open
  ws.close();
  await closed;
  let dir: string | undefined;
  for (let i = 0; i < 200 && !dir; i++) {
    dir = readdirSync(sessionsDir).find((d) => !before.has(d) && JSON.parse(readFileSync(join(sessionsDir, d, 'session.json'), 'utf8')).ended);
    if (!dir) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(dir, 'the Moshi session was recorded and finished');
  const meta = JSON.parse(readFileSync(join(sessionsDir, dir, 'session.json'), 'utf8')) as { voice: string; eagerness: string; client: string };
  assert.equal(meta.client, 'moshi');
  const events = readFileSync(join(sessionsDir, dir, 'events.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
  return { voice: meta.voice, eagerness: meta.eagerness, instructions: instructionsOn(events) };
}

test("a key's instructions, voice and eagerness configure a native session; the client's own settings win", async () => {
  const key = await mint(keyedSession('awb'));
  const keyed = await nativeSession(key);
  assert.deepEqual([keyed.ready.config.voice, keyed.ready.config.eagerness], ['awb', 'high']);
  assert.equal(keyed.instructions.length, 1);
  assert.ok(INSTRUCTIONS.startsWith(keyed.instructions[0]!.replace(/^instructions: /, '')), keyed.instructions[0]);
  // Explicit settings in `start` win, field by field.
  const own = await nativeSession(key, { voice: 'rms', eagerness: 'low', instructions: 'You are Ann.' });
  assert.deepEqual([own.ready.config.voice, own.ready.config.eagerness], ['rms', 'low']);
  assert.deepEqual(own.instructions, ['instructions: You are Ann.']);
  const some = await nativeSession(key, { eagerness: 'medium' });
  assert.deepEqual([some.ready.config.voice, some.ready.config.eagerness], ['awb', 'medium']);
  // Without a key: the server's defaults.
  const plain = await nativeSession(TOKEN, {}, false);
  assert.deepEqual([plain.ready.config.voice, plain.ready.config.eagerness], [server.options.engine.voice, server.options.engine.eagerness]);
  assert.deepEqual(plain.instructions, []);
});

test("a key's settings configure a Moshi session; text_prompt and voice_prompt win", async () => {
  const key = await mint(keyedSession('kal16'));
  const keyed = await moshiSession(key);
  assert.deepEqual([keyed.voice, keyed.eagerness], ['kal16', 'high']);
  assert.equal(keyed.instructions.length, 1);
  assert.ok(INSTRUCTIONS.startsWith(keyed.instructions[0]!.replace(/^instructions: /, '')), keyed.instructions[0]);
  const own = await moshiSession(key, `&text_prompt=${encodeURIComponent('You are Ann.')}&voice_prompt=rms.pt`);
  assert.deepEqual([own.voice, own.eagerness], ['rms', 'high']);
  assert.deepEqual(own.instructions, ['instructions: You are Ann.']);
});

test("a key naming a voice this server lacks (OpenAI's alloy) still opens sessions, with the default voice and a log line", async () => {
  const key = await mint(keyedSession('alloy'));
  const native = await nativeSession(key);
  assert.deepEqual([native.ready.config.voice, native.ready.config.eagerness], [server.options.engine.voice, 'high']);
  const moshi = await moshiSession(key);
  assert.equal(moshi.voice, server.options.engine.voice);
  assert.ok(logs.some((l) => /voice 'alloy' is not one of this server's/.test(l)), logs.join('\n'));
  // Realtime: the name is echoed back as the client named it, and logged once a session.
  const realtime = (line: string) => /\brealtime: .*voice '\w+' is not one of this server's/.test(line);
  const ws = new WebSocket(`${wsUrl(server, '/v1/realtime')}?model=gpt-realtime`, ['realtime', `openai-insecure-api-key.${key}`]);
  const events: { type: string; session?: { audio?: { output?: { voice?: string } } } }[] = [];
  ws.on('message', (d) => events.push(JSON.parse(String(d))));
  const seen = async (type: string, n = 1) => {
    for (let i = 0; i < 500 && events.filter((e) => e.type === type).length < n; i++) await new Promise((r) => setTimeout(r, 20));
    return events.filter((e) => e.type === type)[n - 1];
  };
  assert.equal((await seen('session.created'))?.session?.audio?.output?.voice, 'alloy');
  ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'echo' } } } }));
  assert.equal((await seen('session.updated'))?.session?.audio?.output?.voice, 'echo');
  ws.close();
  await new Promise((r) => ws.once('close', r));
  assert.deepEqual(logs.filter(realtime).map((l) => l.replace(/^\[[^\]]*\] /, '').replace(/ \(.*/, '')), ["realtime: the key's voice 'alloy' is not one of this server's"]);

  // A plain session: a session.update naming an unknown voice is logged too; the default name is not.
  const plain = new WebSocket(wsUrl(server, '/v1/realtime'), { headers: { Authorization: `Bearer ${TOKEN}` } });
  events.length = 0;
  plain.on('message', (d) => events.push(JSON.parse(String(d))));
  await seen('session.created');
  plain.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Hi.' } }));
  await seen('session.updated');
  assert.equal(logs.filter(realtime).length, 1, 'nothing for the default name');
  plain.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'shimmer' } } } }));
  assert.equal((await seen('session.updated', 2))?.session?.audio?.output?.voice, 'shimmer');
  plain.close();
  await new Promise((r) => plain.once('close', r));
  assert.match(logs.filter(realtime).at(-1)!, /\] realtime: a session.update's voice 'shimmer' is not one of this server's \(.*\); the engine's voice speaks/);
});
