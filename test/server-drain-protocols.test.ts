/**
 * The drain's spoken goodbye on the foreign protocols, on a real server over loopback with real speech:
 * a Realtime session whose answer is still playing hears it cancelled (`server_shutting_down`), then
 * the goodbye as a response of its own (audio + transcript), then an `error` server_shutting_down and
 * close 1001; a Moshi session hears the goodbye as Ogg Opus audio and 0x02 text, then close 1001; both
 * recordings say why they ended; in process and on a worker thread. A session whose goodbye hangs or
 * fails still closes within the goodbye's time limit. A plain shutdown closes both with 1001, recorded
 * as a shutdown.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { defaultDrainOptions } from '../src/server/options.js';
import { decodeMoshiMessage } from '../src/protocols/moshi/messages.js';
import { OggOpusStreamDecoder } from '../src/protocols/codecs/opus.js';
import { closeSharedComponents, tempDir, testServer, wsUrl } from './helpers/server.js';
import { closeProtocolShared, protocolServer } from './helpers/protocol-endpoints.js';

after(async () => {
  await closeSharedComponents();
  await closeProtocolShared();
});

type RealtimeEvent = { type: string; [key: string]: unknown };
type ResponseObject = { id: string; status: string; status_details: { reason?: string } | null };

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function peak(x: Int16Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

/** A plain WebSocket client speaking the Realtime wire protocol: every event kept, the close seen. */
async function realtimeClient(url: string) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const events: RealtimeEvent[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as RealtimeEvent));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  return { ws, events, closed, send: (e: unknown) => ws.send(JSON.stringify(e)) };
}

/** A Moshi client: the agent's audio decoded from its Ogg Opus stream, its text pieces, the close. */
async function moshiClient(url: string) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const decoder = new OggOpusStreamDecoder();
  const audio: Int16Array[] = [];
  const text: string[] = [];
  let handshake = false;
  ws.on('message', (d: Buffer) => {
    const m = decodeMoshiMessage(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    if (m.kind === 'handshake') handshake = true;
    else if (m.kind === 'audio') audio.push(decoder.push(m.data).pcm);
    else if (m.kind === 'text') text.push(m.text);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await until(() => handshake, 'the Moshi handshake');
  return { ws, audio, text, closed };
}

function recordings(dir: string): { client?: string; ended?: string; endReason?: string; dir: string }[] {
  return readdirSync(dir).map((d) => ({ dir: join(dir, d), ...(JSON.parse(readFileSync(join(dir, d, 'session.json'), 'utf8')) as object) }));
}

for (const workers of [0, 1]) {
  test(`a drain says goodbye on Realtime (cancel, response, error, 1001) and on Moshi (audio, text, 1001), recorded (${workers ? 'a worker thread' : 'in process'})`, async (t) => {
    const sessionsDir = tempDir('drain-protocols');
    const server = await testServer({ workers, warmSessions: 2, drain: { graceSeconds: 0 }, recording: { sessionsDir } });
    t.after(() => server.close()); // the drain closes it; this, if a check fails before
    const farewell = defaultDrainOptions.farewell;
    const rt = await realtimeClient(wsUrl(server, '/v1/realtime'));
    const moshi = await moshiClient(wsUrl(server, '/api/chat'));
    await until(() => rt.events.some((e) => e.type === 'session.created'), 'session.created');
    // An answer in progress when the drain starts.
    rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What time is it?' }] } });
    rt.send({ type: 'response.create' });
    await until(() => rt.events.some((e) => e.type === 'response.output_audio.delta'), 'the answer to start playing');
    const rtAt = rt.events.length;
    const moshiAt = moshi.audio.length;
    const moshiTextAt = moshi.text.length;
    const drained = server.drain();
    const [rtCode, moshiCode] = await Promise.all([rt.closed, moshi.closed]);
    await drained;

    // Realtime: the answer cancelled, the goodbye a whole response, then the error, then 1001.
    assert.equal(rtCode, 1001);
    const after = rt.events.slice(rtAt);
    const done = after.filter((e) => e.type === 'response.done').map((e) => e.response as ResponseObject);
    assert.equal(done.length, 2, after.map((e) => e.type).join(' '));
    assert.equal(done[0]!.status, 'cancelled');
    assert.equal(done[0]!.status_details?.reason, 'server_shutting_down');
    const goodbye = done[1]!;
    assert.equal(goodbye.status, 'completed', JSON.stringify(goodbye));
    const of = (type: string) => after.filter((e) => e.type === type && e.response_id === goodbye.id);
    assert.ok(after.some((e) => e.type === 'response.created' && (e.response as ResponseObject).id === goodbye.id), 'response.created for the goodbye');
    const pcm = of('response.output_audio.delta').map((e) => {
      const b = Buffer.from(String(e.delta), 'base64');
      return new Int16Array(b.buffer, b.byteOffset, b.byteLength >> 1);
    });
    assert.ok(pcm.length > 0 && Math.max(...pcm.map(peak)) > 3000, 'the goodbye was heard');
    assert.equal(of('response.output_audio_transcript.done')[0]?.transcript, farewell);
    const errorAt = after.findIndex((e) => e.type === 'error');
    assert.ok(errorAt > after.findIndex((e) => e.type === 'response.done' && (e.response as ResponseObject).id === goodbye.id), 'the error after the goodbye');
    assert.equal((after[errorAt]!.error as { code: string }).code, 'server_shutting_down');

    // Moshi: the goodbye's audio in the Ogg stream, its words as text pieces, then 1001.
    assert.equal(moshiCode, 1001);
    assert.ok(peak(Int16Array.from(moshi.audio.slice(moshiAt).flatMap((a) => [...a]))) > 3000, 'the goodbye was heard on Moshi');
    assert.equal(moshi.text.slice(moshiTextAt).join('').trim(), farewell);

    // Both recordings are finished and say why they ended.
    const recs = recordings(sessionsDir);
    for (const client of ['openai-realtime', 'moshi']) {
      const r = recs.find((x) => x.client === client);
      assert.ok(r?.ended, `${client} recording finished: ${JSON.stringify(recs)}`);
      assert.match(r.endReason ?? '', /shutting down/);
      assert.ok(readFileSync(join(r.dir, 'transcript.txt'), 'utf8').includes(`agent: ${farewell}`), `${client} transcript has the goodbye`);
    }
  });
}

test('a goodbye that hangs or fails still ends its session within the time limit, and the endpoints go on', async () => {
  for (const fault of ['hang', 'fail'] as const) {
    // The real runtime, with every session's goodbye made to hang (never resolve) or fail (reject).
    const server = await protocolServer({}, {}, (host) => ({
      voices: host.voices,
      start: () => host.start(),
      stats: (reset) => host.stats(reset),
      close: () => host.close(),
      open: async (req, sink) => {
        const opened = await host.open(req, sink);
        const farewell = () => (fault === 'hang' ? new Promise<void>(() => undefined) : Promise.reject(new Error('injected failure')));
        return { ...opened, handle: { ...opened.handle, farewell } };
      },
    }));
    try {
      const rt = await realtimeClient(`${server.url}/v1/realtime`);
      const moshi = await moshiClient(`${server.url}/api/chat`);
      await until(() => rt.events.some((e) => e.type === 'session.created'), 'session.created');
      await new Promise((r) => setTimeout(r, 300)); // both sessions open
      const t0 = Date.now();
      await server.endpoints.farewell('Goodbye.', 1500);
      assert.equal(await rt.closed, 1001, fault);
      assert.equal(await moshi.closed, 1001, fault);
      assert.ok(Date.now() - t0 < 1500 + 1500, `closed within the limit (${Date.now() - t0} ms, ${fault})`);
      assert.equal((rt.events.at(-1)?.error as { code?: string } | undefined)?.code, 'server_shutting_down');
      // The endpoints still take sessions afterwards.
      const again = await realtimeClient(`${server.url}/v1/realtime`);
      await until(() => again.events.some((e) => e.type === 'session.created'), 'a new session');
      again.ws.close();
      await again.closed;
    } finally {
      await server.close();
    }
  }
});

test('a plain shutdown (SIGINT, a second SIGTERM) closes Realtime and Moshi sessions with 1001, recorded as such', async () => {
  const sessionsDir = tempDir('close-protocols');
  const server = await testServer({ warmSessions: 2, recording: { sessionsDir } });
  const rt = await realtimeClient(wsUrl(server, '/v1/realtime'));
  const moshi = await moshiClient(wsUrl(server, '/api/chat'));
  await until(() => rt.events.some((e) => e.type === 'session.created'), 'session.created');
  await until(() => recordings(sessionsDir).length === 2, 'both sessions recording');
  await server.close();
  assert.deepEqual(await Promise.all([rt.closed, moshi.closed]), [1001, 1001]);
  const recs = recordings(sessionsDir);
  assert.deepEqual(recs.map((r) => r.client).sort(), ['moshi', 'openai-realtime']);
  for (const r of recs) assert.match(r.endReason ?? '', /shutting down/, JSON.stringify(r));
});
