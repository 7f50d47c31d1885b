/**
 * The WebSocket protocol over real sockets: a spoken question answered through the bench's
 * real-time target, a barge-in that commits only what the client played, every malformed or
 * oversized input answered by an error (session alive) or a clear close code, and the limits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import WebSocket from 'ws';
import { join } from 'node:path';
import type { FullduplexServer } from '../src/server/server.js';
import { CloseCode, MAX_TEXT_CHARS, parseClientMessage, type ServerMessage } from '../src/server/protocol.js';
import type { EngineEvent } from '../src/engine/events.js';
import { WebSocketTarget, WsConversation } from '../bench/runner/ws-target.js';
import { compose, synth } from './helpers/speech.js';
import { closeSharedComponents, RawClient, testServer, wsUrl } from './helpers/server.js';
import { audibleBounds } from './helpers/speech.js';

let server: FullduplexServer;

before(async () => {
  server = await testServer({ warmSessions: 1, limits: { maxAudioFrameBytes: 8192, maxControlBytes: 2048, maxMessageBytes: 65536 } });
});
after(async () => {
  await server.close();
  await closeSharedComponents();
});

function eventsOf<T extends EngineEvent['type']>(events: readonly EngineEvent[], type: T): Extract<EngineEvent, { type: T }>[] {
  return events.filter((e) => e.type === type) as Extract<EngineEvent, { type: T }>[];
}

test('the page, /v1/info and /healthz are served; paths outside web/ are not', async () => {
  const base = `http://127.0.0.1:${server.port}`;
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /fullduplex/);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  const info = (await (await fetch(`${base}/v1/info`)).json()) as { protocol: number; voices: string[] };
  assert.equal(info.protocol, 1);
  assert.ok(info.voices.includes('slt'));
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.equal((await fetch(`${base}/..%2fpackage.json`)).status, 404);
  assert.equal((await fetch(`${base}/%2e%2e/package.json`)).status, 404);
});

test('a spoken question is answered over the protocol, in real time, through the bench target', async () => {
  const { audio, spans } = compose([0.5, synth('What time is it?'), 3.5]);
  const target = new WebSocketTarget({ url: server.url, client: 'server-protocol test' });
  const r = await target.run(audio, { clock: 'realtime' });
  const events = r.events ?? [];
  assert.equal(r.output.samples.length, Math.round((audio.samples.length / audio.sampleRate) * r.output.sampleRate), 'output is exactly as long as the input');
  assert.match(eventsOf(events, 'transcript_final')[0]?.text ?? '', /time/, JSON.stringify(events.map((e) => e.type)));
  assert.ok(eventsOf(events, 'agent_text').length > 0);
  const heard = audibleBounds({ samples: r.output.samples.subarray(Math.round(spans[0]!.end * 16000)), sampleRate: 16000 });
  assert.ok(heard.end > heard.start, 'the client played agent audio after the question');
  assert.equal(r.info?.transport, 'websocket');
});

test('a barge-in flushes the client and commits only what the client had played', async () => {
  const { audio } = compose([0.5, synth('Please tell me a long story.'), 5, synth('Wait, stop, I have a question.'), 2.5]);
  const c = await WsConversation.open(16000, { url: server.url, client: 'barge-in test' });
  const r = await c.play(audio);
  await c.close();
  const start = eventsOf(r.events, 'agent_speech_start').find((e) => e.kind === 'reply');
  const paused = eventsOf(r.events, 'agent_paused')[0];
  const cut = eventsOf(r.events, 'agent_speech_truncated')[0];
  assert.ok(start && paused && cut, `no barge-in: ${r.events.map((e) => e.type).join(' ')}`);
  assert.ok(r.messages.some((m) => m.type === 'flush'), 'the server told the client to flush');
  assert.ok(r.stats.flushes >= 1);
  assert.ok(cut.heardText.length > 0 && cut.fullText.startsWith(cut.heardText), JSON.stringify(cut));
  assert.ok(cut.heardText.length < cut.fullText.length);
  // The server had sent audio ahead of real time (its lead) and the client buffered some more: the
  // words committed are those the client's speaker played, never more than real time allowed. The
  // margin (0.15 s) allows the client's clock to run ahead of the server's beat under load while
  // staying under what the server sent unplayed (its 200 ms lead plus the client's 80 ms prefill).
  assert.ok(cut.playedSeconds <= paused.t - start.t + 0.15, `heard ${cut.playedSeconds} s of a reply that played for ${(paused.t - start.t).toFixed(2)} s`);
  const spoken = r.messages.filter((m): m is Extract<ServerMessage, { type: 'spoken' }> => m.type === 'spoken');
  assert.ok(spoken.length > 2, 'the words were reported as they were heard');
});

test('malformed, oversized and out-of-order input gets error messages and the session survives', async () => {
  const c = await RawClient.connect(wsUrl(server));
  c.sendBinary(new Uint8Array(640));
  await c.error('NOT_STARTED');
  c.send({ type: 'playback', position: 0 });
  assert.match((await c.error('NOT_STARTED')).message, /live session/);
  await c.start({ client: 'malformed input test' });
  c.send('{"type": "playback", "position": ');
  assert.equal((await c.error('BAD_MESSAGE')).fatal, false);
  c.send('[1,2,3]');
  c.send({ type: 'teleport' });
  c.send({ type: 'playback', position: -5 });
  c.send({ type: 'flushed', position: 'x', dropped: 1 });
  c.send({ type: 'start', protocol: 1, inputSampleRate: 16000 });
  await c.error('ALREADY_STARTED');
  c.sendBinary(new Uint8Array(641));
  await c.error('BAD_AUDIO');
  c.sendBinary(new Uint8Array(8194));
  await c.error('MESSAGE_TOO_LARGE');
  c.send('x'.repeat(3000));
  for (let i = 0; i < 8; i++) c.sendBinary(new Uint8Array(8000)); // 2 s of audio at once: ahead of real time
  await c.error('INPUT_TOO_FAST');
  const badMessages = c.messages.filter((m) => m.type === 'error' && m.code === 'BAD_MESSAGE').length;
  assert.ok(badMessages >= 5, `${badMessages} BAD_MESSAGE errors`);
  // Still alive: it answers pings and keeps streaming audio.
  const frames = c.audioFrames;
  c.send({ type: 'ping', id: 7 });
  assert.deepEqual(await c.next((m) => m.type === 'pong'), { type: 'pong', id: 7 });
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(c.audioFrames > frames, 'audio keeps flowing');
  c.send({ type: 'stop' });
  await c.closed;
  assert.equal(c.closeCode, CloseCode.NORMAL);
  assert.ok(c.messages.some((m) => m.type === 'end'));
});

test('a message over the hard size cap closes with 1009; other sessions are untouched', async () => {
  const healthy = await RawClient.connect(wsUrl(server));
  await healthy.start({ client: 'bystander' });
  const c = await RawClient.connect(wsUrl(server));
  c.sendBinary(new Uint8Array(70000));
  await c.closed;
  assert.equal(c.closeCode, CloseCode.TOO_BIG);
  const frames = healthy.audioFrames;
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(healthy.audioFrames > frames);
  await healthy.close();
});

test('an unsupported protocol version closes with 4000 and says why', async () => {
  const c = await RawClient.connect(wsUrl(server));
  c.send({ type: 'start', protocol: 2, inputSampleRate: 16000 });
  const err = await c.error('UNSUPPORTED');
  assert.equal(err.fatal, true);
  await c.closed;
  assert.equal(c.closeCode, CloseCode.PROTOCOL_ERROR);
});

test('foreign browser origins, rebinding host names and unknown paths are refused', async () => {
  await assert.rejects(RawClient.connect(wsUrl(server), { Origin: 'http://evil.example' }), /HTTP 403/);
  await assert.rejects(RawClient.connect(wsUrl(server), { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` }), /HTTP 403/);
  await assert.rejects(RawClient.connect(wsUrl(server, '/v2/session')), /HTTP 404/);
  const same = await RawClient.connect(wsUrl(server), { Origin: `http://127.0.0.1:${server.port}` });
  await same.close();
  const status = await new Promise<number>((resolve, reject) => {
    get({ host: '127.0.0.1', port: server.port, path: '/', headers: { Host: 'rebind.example' } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject);
  });
  assert.equal(status, 403, 'a page requested under a foreign host name (DNS rebinding) is refused');
});

test('limits: a token when configured, a start deadline, a session cap and a session length cap', async () => {
  await assert.rejects(testServer({ host: '0.0.0.0' }), /requires an access token/);
  const s = await testServer({ token: 'sesame', limits: { maxSessions: 1, startTimeoutSeconds: 1, maxSessionSeconds: 2 } });
  try {
    await assert.rejects(RawClient.connect(wsUrl(s)), /HTTP 401/);
    await assert.rejects(RawClient.connect(`${wsUrl(s)}?token=wrong`), /HTTP 401/);
    const idle = await RawClient.connect(`${wsUrl(s)}?token=sesame`);
    await idle.closed;
    assert.equal(idle.closeCode, CloseCode.START_TIMEOUT);

    const first = await RawClient.connect(wsUrl(s), { Authorization: 'Bearer sesame' });
    await first.start();
    // At the cap the next connection is refused at its upgrade (server-admission.test.ts covers the rest).
    await assert.rejects(RawClient.connect(`${wsUrl(s)}?token=sesame`), /HTTP 503/);

    await first.closed; // the 2 s session cap
    assert.equal(first.closeCode, CloseCode.SESSION_TOO_LONG);
    assert.ok(first.messages.some((m) => m.type === 'end' && m.code === CloseCode.SESSION_TOO_LONG));
  } finally {
    await s.close();
  }
});

test('a failing dialogue model becomes an error event; the session goes on', async () => {
  // Nothing listens on port 1: every reply fails inside the engine.
  const s = await testServer({ engine: { dialogue: { baseUrl: 'http://127.0.0.1:1/v1', model: 'none' } } });
  try {
    const { audio } = compose([0.5, synth('What time is it?'), 3]);
    const c = await WsConversation.open(16000, { url: s.url, client: 'failing model test' });
    const r = await c.play(audio);
    await c.close();
    const errors = eventsOf(r.events, 'error');
    assert.ok(errors.length > 0, `no error event: ${r.events.map((e) => e.type).join(' ')}`);
    assert.equal(r.stats.closeCode, undefined, 'the session was not closed by the failure');
    assert.ok(eventsOf(r.events, 'transcript_final').length > 0, 'it kept listening');
  } finally {
    await s.close();
  }
});

test('closing the server ends live sessions with 1001 and finishes their records', async () => {
  const s = await testServer();
  const c = await RawClient.connect(wsUrl(s));
  await c.start({ client: 'shutdown test' });
  const dir = s.options.recording.sessionsDir;
  await s.close();
  await c.closed;
  assert.equal(c.closeCode, CloseCode.GOING_AWAY);
  const [session] = readdirSync(dir);
  const meta = JSON.parse(readFileSync(join(dir, session!, 'session.json'), 'utf8')) as { ended?: string; endReason?: string };
  assert.ok(meta.ended);
  assert.match(meta.endReason ?? '', /shutting down/);
});

test('the live server also speaks OpenAI Realtime (/v1/realtime) and Moshi (/api/chat)', async () => {
  const { createProtocolTarget } = await import('../bench/runner/protocol-targets.js');
  const { audio, spans } = compose([0.5, synth('What time is it?'), 3]);
  for (const spec of [`openai-realtime://127.0.0.1:${server.port}/v1/realtime?model=fullduplex`, `moshi://127.0.0.1:${server.port}`]) {
    const target = createProtocolTarget(spec);
    assert.ok(target, spec);
    try {
      const r = await target.run(audio, { clock: 'realtime' });
      const seconds = (f: { samples: Int16Array; sampleRate: number }) => f.samples.length / f.sampleRate;
      assert.ok(Math.abs(seconds(r.output) - seconds(audio)) < 0.002, `${spec}: recording as long as the input`);
      const after = r.output.samples.subarray(Math.round(spans[0]!.end * r.output.sampleRate));
      assert.ok(audibleBounds({ samples: after, sampleRate: r.output.sampleRate }).end > 0, `${spec}: answered`);
    } finally {
      await target.close();
    }
  }
});

test('a typed turn is answered aloud and written to the transcript; bad text messages are errors', async () => {
  const c = await RawClient.connect(wsUrl(server));
  const ready = await c.start({ client: 'typed turn test' });
  c.send({ type: 'text' });
  assert.match((await c.error('BAD_MESSAGE')).message, /'text' must be a non-empty string/);
  c.send({ type: 'text', text: '   ' });
  await c.error('BAD_MESSAGE');
  assert.throws(() => parseClientMessage(JSON.stringify({ type: 'text', text: 'x'.repeat(MAX_TEXT_CHARS + 1) })), /limited to 2000 characters/);
  const frames = c.audioFrames;
  c.send({ type: 'text', text: 'What time is it?' });
  const typed = await c.next((m) => m.type === 'event' && m.event.type === 'user_text');
  assert.equal(typed.type === 'event' && typed.event.type === 'user_text' && typed.event.text, 'What time is it?');
  const spoken = await c.next((m) => m.type === 'spoken' && m.kind === 'reply' && /^It's/.test(m.text));
  assert.ok(spoken);
  await c.next((m) => m.type === 'event' && m.event.type === 'agent_speech_stop');
  assert.ok(c.audioFrames > frames);
  c.send({ type: 'stop' });
  await c.closed;
  const dir = server.options.recording.sessionsDir;
  const folder = readdirSync(dir).find((d) => d.includes(ready.sessionId));
  assert.ok(folder, `a record for session ${ready.sessionId}`);
  const transcript = readFileSync(join(dir, folder, 'transcript.txt'), 'utf8');
  assert.match(transcript, /user \(typed\): +What time is it\?\n.*agent: It's/);
});

test('control messages steer the engine: hold the turns and take one, cancel a reply, add context; each lands on the timeline', async () => {
  const c = await RawClient.connect(wsUrl(server));
  await c.start({ client: 'control test' });
  const events = () => c.messages.flatMap((m) => (m.type === 'event' ? [m.event] : []));
  c.send({ type: 'control', action: 'shout' });
  assert.match((await c.error('BAD_MESSAGE')).message, /'action' must be one of/);
  c.send({ type: 'control', action: 'add_context', role: 'system', content: 'Be brief.', where: 'instructions' });
  c.send({ type: 'control', action: 'hold_turns', on: true });
  // A spoken question, then silence streamed in real time: held, the engine does not answer it.
  const { audio } = compose([0.3, synth('What time is it?'), 3]);
  const frame = 320;
  const stream = async (samples: Int16Array) => {
    const t0 = Date.now();
    for (let k = 0; k * frame < samples.length; k++) {
      const wait = t0 + k * 20 - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      c.sendBinary(new Uint8Array(samples.slice(k * frame, (k + 1) * frame).buffer));
    }
  };
  await stream(audio.samples);
  assert.equal(eventsOf(events(), 'agent_reply_start').length, 0, 'held: no answer by itself');
  assert.ok(eventsOf(events(), 'user_speech_stop').length > 0, 'the engine heard the question');
  c.send({ type: 'control', action: 'take_turn_now' });
  const silence = stream(new Int16Array(16000 * 3));
  const reply = await c.next((m) => m.type === 'event' && m.event.type === 'agent_reply_start', 10_000);
  assert.match(reply.type === 'event' && reply.event.type === 'agent_reply_start' ? reply.event.userText : '', /time/);
  await c.next((m) => m.type === 'event' && m.event.type === 'agent_speech_start');
  c.send({ type: 'control', action: 'cancel_reply', reason: 'test' });
  const stop = await c.next((m) => m.type === 'event' && m.event.type === 'agent_speech_stop');
  assert.equal(stop.type === 'event' && stop.event.type === 'agent_speech_stop' && stop.event.reason, 'cancelled');
  await silence;
  c.send({ type: 'stop' });
  await c.closed;
  assert.deepEqual(
    eventsOf(events(), 'control').map((e) => e.action),
    ['add_context', 'hold_turns', 'take_turn_now', 'cancel_reply'],
  );
});

test('control messages cross into a worker thread, for the native protocol and Realtime', async () => {
  const workers = await testServer({ workers: 1, warmSessions: 1 });
  try {
    const c = await RawClient.connect(wsUrl(workers));
    await c.start({ client: 'control via worker' });
    // update_options takes the session's turn-taking options, validated field by field.
    c.send({ type: 'control', action: 'update_options', eagerness: 'loud' });
    assert.match((await c.error('BAD_MESSAGE')).message, /'eagerness' must be 'low', 'medium', 'high'/);
    c.send({ type: 'control', action: 'update_options', endOfTurn: { commitUnsureMs: -1 } });
    assert.match((await c.error('BAD_MESSAGE')).message, /'endOfTurn.commitUnsureMs' must be a number/);
    c.send({ type: 'control', action: 'update_options', volume: 11 });
    assert.match((await c.error('BAD_MESSAGE')).message, /unknown option 'volume'/);
    c.send({ type: 'control', action: 'update_options', bargeIn: { stopWrods: ['halt'] } });
    assert.match((await c.error('BAD_MESSAGE')).message, /unknown option 'bargeIn.stopWrods'/);
    c.send({ type: 'control', action: 'update_options', eagerness: 'high', endOfTurn: { commitUnsureMs: 900 }, bargeIn: { stopWords: ['halt'] } });
    c.send({ type: 'control', action: 'cancel_reply' });
    const control = await c.next((m) => m.type === 'event' && m.event.type === 'control' && m.event.action === 'cancel_reply');
    assert.ok(control);
    const update = c.messages.find((m) => m.type === 'event' && m.event.type === 'control' && m.event.action === 'update_options');
    assert.ok(update?.type === 'event' && update.event.type === 'control');
    assert.deepEqual(JSON.parse(update.event.detail), { eagerness: 'high', endOfTurn: { commitUnsureMs: 900 }, bargeIn: { stopWords: ['halt'] } });
    c.send({ type: 'stop' });
    await c.closed;

    // A Realtime session on the worker: request_reply's outcome and each frame's utterance id cross back.
    const rt = new WebSocket(`ws://127.0.0.1:${workers.port}/v1/realtime?model=fullduplex`);
    const events: { type: string; [k: string]: unknown }[] = [];
    rt.on('message', (d) => events.push(JSON.parse(d.toString()) as { type: string }));
    await new Promise((r, j) => (rt.once('open', r), rt.once('error', j)));
    rt.send(JSON.stringify({ type: 'response.create' }));
    rt.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What time is it?' }] } }));
    rt.send(JSON.stringify({ type: 'response.create' }));
    const done = () => events.filter((e) => e.type === 'response.done').map((e) => e.response as { status: string; output: unknown[]; status_details: { error?: { code: string } } | null });
    for (let i = 0; i < 300 && done().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    rt.close();
    const [nothing, answer] = done();
    assert.equal(nothing?.status_details?.error?.code, 'no_user_turn', 'nothing to answer yet');
    assert.equal(answer?.status, 'completed', JSON.stringify(answer));
    assert.ok(events.some((e) => e.type === 'response.output_audio.delta'), 'its audio was streamed');
    assert.match(String(events.find((e) => e.type === 'response.output_audio_transcript.done')?.transcript), /^It.s /);
  } finally {
    await workers.close();
  }
});
