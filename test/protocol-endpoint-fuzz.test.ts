/**
 * Bad input on the protocol endpoints: each kind of damage is answered in the protocol's own error
 * form (Realtime `error` events naming the parameter; Moshi 0x05 messages; Gemini's close code 1007)
 * and the connection goes on. Then thousands of random frames from several connections while healthy
 * Realtime and Moshi conversations run alongside: no internal failure (1011), and both get answers.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { OggOpusStreamEncoder } from '../src/protocols/codecs/opus.js';
import { MoshiClient, moshiTranscript } from '../src/protocols/moshi/client.js';
import { MOSHI_KIND } from '../src/protocols/moshi/messages.js';
import { startGeminiFakeServer } from './helpers/gemini-fake-server.js';
import { localSessionFactory } from './helpers/local-sessions.js';
import { closeProtocolShared, paced, protocolServer, rng, track, waitFor } from './helpers/protocol-endpoints.js';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { concatBytes } from '../src/audio/frame.js';

const MAX_MESSAGE = 256 * 1024;
type Server = Awaited<ReturnType<typeof protocolServer>>;
let server: Server;
before(async () => {
  server = await protocolServer({ limits: { maxMessageBytes: MAX_MESSAGE } });
});
after(async () => {
  await server.close();
  await closeProtocolShared();
});

type Ev = { type: string; error?: { code: string; param: string | null; event_id: string | null; type: string } };

async function realtimeSocket(): Promise<{ ws: WebSocket; events: Ev[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${server.url}/v1/realtime`, { perMessageDeflate: false });
  const events: Ev[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Ev));
  ws.on('error', () => undefined);
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  await waitFor(() => events.some((e) => e.type === 'session.created'), 10_000, 'session.created');
  return { ws, events, closed };
}

test('Realtime endpoint: each bad client event gets an error event naming what is wrong; the session goes on', async () => {
  const { ws, events } = await realtimeSocket();
  const cases: { send: string | Buffer; code: string; param?: string | null }[] = [
    { send: '{"type": "session.update", ', code: 'invalid_json' },
    { send: '[1,2,3]', code: 'invalid_type' },
    { send: '{"event_id": "x"}', code: 'missing_required_parameter', param: 'type' },
    { send: '{"type": "response.explode"}', code: 'invalid_value', param: 'type' },
    { send: '{"type": "input_audio_buffer.append", "audio": "not base64!!"}', code: 'invalid_value', param: 'audio' },
    { send: '{"type": "input_audio_buffer.append", "audio": "AAAA"}', code: 'invalid_value', param: 'audio' }, // 3 bytes: half a sample
    { send: '{"type": "input_audio_buffer.append", "audio": 42}', code: 'invalid_type', param: 'audio' },
    { send: '{"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}}}', code: 'invalid_value', param: 'session.audio.input.format' },
    { send: '{"type": "session.update", "session": {"input_audio_format": "mp3"}}', code: 'invalid_value', param: 'session.input_audio_format' },
    { send: '{"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "magic_vad"}}}}}', code: 'invalid_value', param: 'session.audio.input.turn_detection' },
    { send: '{"type": "session.update", "session": {"type": "transcription"}}', code: 'invalid_value' },
    { send: '{"type": "conversation.item.truncate", "content_index": 0, "audio_end_ms": 10}', code: 'missing_required_parameter', param: 'item_id' },
    { send: '{"type": "conversation.item.truncate", "item_id": "nope", "content_index": 0, "audio_end_ms": 10}', code: 'item_not_found', param: 'item_id' },
    { send: '{"type": "conversation.item.create", "item": {"type": "message", "role": "robot", "content": []}}', code: 'invalid_value', param: 'item.role' },
    { send: '{"type": "conversation.item.create", "item": {"type": "function_call_output", "call_id": "c", "output": "{}"}}', code: 'invalid_value', param: 'item.call_id' },
    { send: '{"type": "conversation.item.create", "item": {"type": "function_call", "call_id": "c2", "name": "f", "arguments": "{nope"}}', code: 'invalid_value', param: 'item.arguments' },
    { send: '{"type": "conversation.item.create", "item": {"type": "mcp_call"}}', code: 'unsupported', param: 'item.type' },
    { send: '{"type": "session.update", "session": {"tools": [{"type": "function", "name": "bad name"}]}}', code: 'invalid_value', param: 'session.tools' },
    { send: '{"type": "conversation.item.retrieve", "item_id": "missing"}', code: 'item_not_found', param: 'item_id' },
    { send: '{"type": "input_audio_buffer.commit"}', code: 'input_audio_buffer_commit_empty' },
    { send: Buffer.from([0xff, 0xfe, 0x00, 0x7b]), code: 'invalid_json' },
  ];
  for (const [i, c] of cases.entries()) {
    const before = events.length;
    const withId = typeof c.send === 'string' && c.send.startsWith('{"type"') ? c.send.replace('{', `{"event_id": "case-${i}", `) : c.send;
    ws.send(withId);
    await waitFor(() => events.slice(before).some((e) => e.type === 'error'), 5000, `an error for case ${i}: ${String(c.send).slice(0, 60)}`);
    const err = events.slice(before).find((e) => e.type === 'error')!.error!;
    assert.equal(err.code, c.code, `case ${i} (${String(c.send).slice(0, 60)}): ${JSON.stringify(err)}`);
    if (c.param !== undefined) assert.equal(err.param, c.param, `case ${i}`);
    assert.equal(err.type, 'invalid_request_error');
    if (withId !== c.send && c.code !== 'invalid_json') assert.equal(err.event_id, `case-${i}`, 'the error names the client event');
  }
  // Still a working session.
  const before = events.length;
  ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } }));
  await waitFor(() => events.slice(before).some((e) => e.type === 'session.updated'), 5000, 'session.updated after the errors');
  assert.equal(ws.readyState, WebSocket.OPEN);
  ws.close();
});

test('Moshi endpoint: broken and split Ogg, text frames, empty and malformed messages get 0x05 errors; unknown kinds are discarded; the session goes on', async () => {
  const client = await MoshiClient.connect({ url: `${server.url}/api/chat` });
  const enc = new OggOpusStreamEncoder({ framesPerPage: 2 });
  const pages = enc.push(new Int16Array(24000).fill(0));
  const corrupt = pages[3]!.slice();
  corrupt[corrupt.length - 5]! ^= 0xff; // bad CRC
  const bad: (Uint8Array | string)[] = [
    'hello', // a text frame
    new Uint8Array(0), // no kind byte
    Uint8Array.of(MOSHI_KIND.control), // control without its action
    Uint8Array.of(MOSHI_KIND.metadata, 0x7b, 0x7b), // metadata that is not JSON
    Uint8Array.of(MOSHI_KIND.audio, ...Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff)), // not Ogg at all
  ];
  for (const b of bad) {
    const n = client.errors.length;
    client.sendRaw(b);
    await waitFor(() => client.errors.length > n, 5000, `an error for ${typeof b === 'string' ? b : `[${[...b.slice(0, 4)]}]`}`);
    await new Promise((r) => setTimeout(r, 1100)); // audio damage reports are rate-limited to one a second
  }
  const n = client.errors.length;
  client.sendRaw(Uint8Array.of(0x42, 1, 2, 3)); // unknown kind: discarded silently
  client.sendRaw(Uint8Array.of(MOSHI_KIND.ping));
  // A damaged page among whole ones, and pages split mid-header across messages.
  client.sendRaw(concatBytes([Uint8Array.of(MOSHI_KIND.audio), pages[0]!, pages[1]!, pages[2]!]));
  client.sendRaw(concatBytes([Uint8Array.of(MOSHI_KIND.audio), corrupt]));
  const p4 = pages[4]!;
  client.sendRaw(concatBytes([Uint8Array.of(MOSHI_KIND.audio), p4.subarray(0, 10)]));
  client.sendRaw(concatBytes([Uint8Array.of(MOSHI_KIND.audio), p4.subarray(10)]));
  await waitFor(() => client.errors.length > n, 5000, 'an error for the damaged page');
  assert.equal(client.errors.length, n + 1, `only the damaged page is reported: ${client.errors.slice(n).join(' | ')}`);
  assert.match(client.errors.at(-1)!, /audio/);

  // The session still listens and answers.
  const user = await track([0.3, 'What time is it?', 3.5], 24000);
  await paced(Math.ceil(user.samples.length / 480), 20, (k) => client.sendAudio(user.samples.subarray(k * 480, (k + 1) * 480)));
  await client.close();
  assert.match(moshiTranscript(client.text), /\w/, 'answered after the damage');
  assert.equal(client.closeCode, 1000, 'the client closed it (normally), not the server');
});

test('Gemini Live loopback server: bad requests close with 1007 and a reason, as the service does', async () => {
  const parts = { asr: new PocketsphinxAsr(), tts: new FliteTts() };
  const gemini = await startGeminiFakeServer({ createSession: localSessionFactory(parts) });
  const closeOf = async (messages: string[]) => {
    const ws = new WebSocket(gemini.url);
    ws.on('error', () => undefined);
    await new Promise((r) => ws.once('open', r));
    for (const m of messages) ws.send(m);
    return new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  };
  try {
    assert.equal((await closeOf(['{"setup": {"model": "m"'])).code, 1007);
    const notSetup = await closeOf(['{"realtimeInput": {"audio": {"data": "AAAA", "mimeType": "audio/pcm;rate=16000"}}}']);
    assert.deepEqual(notSetup, { code: 1007, reason: 'the first message must be setup' });
    const badRate = await closeOf(['{"setup": {"model": "m"}}', '{"realtimeInput": {"audio": {"data": "AAAA", "mimeType": "audio/pcm;rate=12345"}}}']);
    assert.equal(badRate.code, 1007);
    assert.match(badRate.reason, /audio/i);
  } finally {
    await gemini.close();
    await parts.asr.close();
    await parts.tts.close();
  }
});

// ---------------------------------------------------------------- random fuzzing alongside healthy sessions

const FRAMES_PER_PROTOCOL = 3000;

function realtimeFuzzFrame(r: () => number): string | Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const types = ['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'input_audio_buffer.clear', 'conversation.item.create', 'conversation.item.truncate', 'conversation.item.delete', 'conversation.item.retrieve', 'response.create', 'response.cancel', 'bogus', '', 7, null];
  const weird = [null, -1, 1e308, 'x', '', [], {}, true, 2 ** 53, 0.5, 'a'.repeat(300), { type: 'server_vad', threshold: 'high' }, 'AAAA', 'A'];
  const k = r();
  if (k < 0.15) return Buffer.from(Array.from({ length: Math.floor(r() * 500) }, () => Math.floor(r() * 256)));
  if (k < 0.25) return '{"type":"' + 'x'.repeat(Math.floor(r() * 100));
  if (k < 0.3) return '['.repeat(2000) + ']'.repeat(Math.floor(r() * 2000));
  if (k < 0.303) return JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(MAX_MESSAGE) }); // over the limit: 1009
  const m: Record<string, unknown> = { type: pick(types) };
  for (const key of ['audio', 'session', 'item', 'item_id', 'content_index', 'audio_end_ms', 'response', 'response_id', 'event_id', 'previous_item_id']) if (r() < 0.3) m[key] = pick(weird);
  if (r() < 0.2) m['session'] = { type: 'realtime', audio: { input: { format: pick(weird), turn_detection: pick(weird) }, output: { format: pick(['pcm16', 'g711_ulaw', 'audio/pcma', 'x']) } }, output_modalities: pick([['text'], ['audio'], ['video'], 'audio']) };
  if (r() < 0.2) m['audio'] = Buffer.from(Array.from({ length: Math.floor(r() * 64) * 2 }, () => Math.floor(r() * 256))).toString('base64');
  return JSON.stringify(m);
}

function moshiFuzzFrame(r: () => number, pages: readonly Uint8Array[]): Buffer | string {
  const k = r();
  const bytes = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 256));
  if (k < 0.05) return 'text ' + r();
  if (k < 0.35) return Buffer.from([MOSHI_KIND.audio, ...bytes(Math.floor(r() * 600))]);
  if (k < 0.6) {
    const p = pages[Math.floor(r() * pages.length)]!;
    const a = Math.floor(r() * p.length);
    const piece = Buffer.from(p.subarray(a, a + 1 + Math.floor(r() * 200)));
    if (r() < 0.3) piece[Math.floor(r() * piece.length)]! ^= 1 << Math.floor(r() * 8);
    return Buffer.concat([Buffer.of(MOSHI_KIND.audio), piece]);
  }
  if (k < 0.603) return Buffer.alloc(MAX_MESSAGE + 10, 1); // over the limit: 1009
  return Buffer.from([Math.floor(r() * 12), ...bytes(Math.floor(r() * 40))]);
}

async function fuzz(seed: number, frames: number, protocol: 'realtime' | 'moshi'): Promise<{ sent: number; closes: number[]; errors: number }> {
  const r = rng(seed);
  const enc = new OggOpusStreamEncoder({ framesPerPage: 2 });
  const pages = [...enc.start(), ...enc.push(Int16Array.from({ length: 24000 }, (_, i) => Math.round(3000 * Math.sin(i / 7))))];
  const out = { sent: 0, closes: [] as number[], errors: 0 };
  while (out.sent < frames) {
    const ws = new WebSocket(`${server.url}${protocol === 'realtime' ? '/v1/realtime' : '/api/chat'}`, { perMessageDeflate: false });
    ws.on('error', () => undefined);
    ws.on('message', (d: Buffer, isBinary) => {
      if (protocol === 'moshi' ? isBinary && d[0] === MOSHI_KIND.error : d.toString().includes('"type":"error"')) out.errors++;
    });
    const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)));
    await new Promise((res) => (ws.once('open', res), ws.once('close', res)));
    while (out.sent < frames && ws.readyState === WebSocket.OPEN) {
      for (let i = 0; i < 20 && ws.readyState === WebSocket.OPEN; i++, out.sent++) ws.send(protocol === 'realtime' ? realtimeFuzzFrame(r) : moshiFuzzFrame(r, pages));
      await new Promise((res) => setTimeout(res, 15));
      if (r() < 0.005) break; // reconnect now and then
    }
    if (ws.readyState === WebSocket.OPEN) ws.close();
    out.closes.push(await closed);
  }
  return out;
}

test(`${2 * FRAMES_PER_PROTOCOL} random frames on both endpoints: nothing fails internally, and healthy conversations alongside are answered`, async (t) => {
  const healthyMoshi = await MoshiClient.connect({ url: `${server.url}/api/chat` });
  const healthyRt = await realtimeSocket();
  const user24 = await track([0.5, 'What time is it?', 5], 24000);
  const healthy = paced(Math.ceil(user24.samples.length / 480), 20, (k) => {
    const chunk = user24.samples.subarray(k * 480, (k + 1) * 480);
    healthyMoshi.sendAudio(chunk);
    healthyRt.ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64') }));
  });
  const reports = await Promise.all([fuzz(11, FRAMES_PER_PROTOCOL, 'realtime'), fuzz(12, FRAMES_PER_PROTOCOL, 'moshi')]);
  await healthy;
  await waitFor(() => healthyRt.events.some((e) => e.type === 'response.done'), 20_000, 'the healthy Realtime answer');
  await healthyMoshi.close();
  healthyRt.ws.close();

  const closes = reports.flatMap((x) => x.closes);
  const histogram = closes.reduce<Record<number, number>>((h, c) => ((h[c] = (h[c] ?? 0) + 1), h), {});
  t.diagnostic(`realtime: ${reports[0]!.sent} frames, ${reports[0]!.errors} errors; moshi: ${reports[1]!.sent} frames, ${reports[1]!.errors} errors; closes ${JSON.stringify(histogram)}`);
  assert.ok(!closes.includes(1011), `a connection failed internally: ${JSON.stringify(histogram)}`);
  assert.ok(closes.includes(1009), 'oversized messages closed their connection with 1009');
  assert.ok(reports.every((x) => x.errors > 100), 'malformed input was answered with protocol errors');
  assert.match(moshiTranscript(healthyMoshi.text), /\w/, 'the healthy Moshi session was answered');
  assert.ok(healthyRt.events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'), 'the healthy Realtime session was heard');
  assert.equal(healthyMoshi.closeCode, 1000);
  // The server still serves.
  const again = await realtimeSocket();
  again.ws.close();
});

