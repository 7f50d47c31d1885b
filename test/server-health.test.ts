/**
 * Health probes, Prometheus metrics and the graceful drain, on a real server over loopback with real
 * speech: /readyz turns 503 when the server is full and when it drains; /metrics counts what a spoken
 * session with a barge-in did (the histograms agree with the session's own timeline); a drained
 * session that outlasts its grace hears the agent say goodbye, then closes with 4003, recorded;
 * Realtime and Moshi sessions are counted by transport too.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { EngineEvent } from '../src/engine/events.js';
import { bargeInStops } from '../src/engine/summary.js';
import { defaultDrainOptions } from '../src/server/options.js';
import { CloseCode } from '../src/server/protocol.js';
import { WsConversation } from '../bench/runner/ws-target.js';
import { compose, synth } from './helpers/speech.js';
import { closeSharedComponents, RawClient, tempDir, testServer, wsUrl } from './helpers/server.js';

after(async () => {
  await closeSharedComponents();
});

/** Every sample of a Prometheus text exposition: `name{labels}` → value. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

async function scrape(port: number): Promise<Map<string, number>> {
  const r = await fetch(`http://127.0.0.1:${port}/metrics`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseMetrics(await r.text());
}

async function readyz(port: number): Promise<{ status: number; body: { ready: boolean; reason?: string; sessions: number; maxSessions: number } }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: r.status, body: (await r.json()) as { ready: boolean; reason?: string; sessions: number; maxSessions: number } };
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function peak(x: Int16Array): number {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

test('/readyz turns 503 when full; /metrics counts a spoken session with a barge-in as its timeline does', async () => {
  const server = await testServer({ warmSessions: 1, limits: { maxSessions: 1 } });
  try {
    const port = server.port;
    assert.deepEqual(await readyz(port), { status: 200, body: { ready: true, sessions: 0, maxSessions: 1 } });
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

    const { audio } = compose([0.5, synth('Please tell me a long story.'), 5, synth('Wait, stop, I have a question.'), 2.5]);
    const c = await WsConversation.open(16000, { url: server.url, client: 'metrics test' });
    const playing = c.play(audio);
    // Full: not ready, and a second connection is refused at its upgrade.
    const full = await readyz(port);
    assert.equal(full.status, 503);
    assert.deepEqual(full.body, { ready: false, reason: 'full', sessions: 1, maxSessions: 1 });
    await assert.rejects(RawClient.connect(wsUrl(server)), /HTTP 503/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'a full server is alive');
    await until(() => c.events.some((e) => e.type === 'agent_speech_start'), 'the reply');
    const live = await scrape(port);
    assert.equal(live.get('fullduplex_sessions_active{transport="native"}'), 1);
    assert.equal(live.get('fullduplex_ready'), 0);
    assert.ok((live.get('fullduplex_cpu_cores_per_session') ?? 0) > 0, 'a live session uses CPU');
    const r = await playing;
    await c.close();

    await until(async () => (await readyz(port)).status === 200, 'the slot to free');
    const m = await scrape(port);
    assert.equal(m.get('fullduplex_sessions_active{transport="native"}'), 0);
    assert.equal(m.get('fullduplex_sessions_started_total{transport="native"}'), 1);
    assert.equal(m.get('fullduplex_sessions_refused_total{reason="full"}'), 1);
    assert.equal(m.get('fullduplex_sessions_capacity'), 1);
    assert.equal(m.get('fullduplex_ready'), 1);
    // Response latency: one observation per turn_latency of the timeline, each well under 5 s.
    const turns = r.events.filter((e): e is Extract<EngineEvent, { type: 'turn_latency' }> => e.type === 'turn_latency');
    assert.ok(turns.length >= 1, 'the story was answered');
    const count = m.get('fullduplex_response_latency_seconds_count{transport="native"}') ?? 0;
    const sum = m.get('fullduplex_response_latency_seconds_sum{transport="native"}') ?? 0;
    assert.equal(count, turns.length);
    assert.ok(sum / count > 0.05 && sum / count < 5, `mean response latency ${(sum / count).toFixed(3)} s`);
    assert.equal(m.get('fullduplex_response_latency_seconds_bucket{le="+Inf",transport="native"}'), count);
    // Barge-in: the agent paused under the user's "wait, stop" — as many observations as the timeline has.
    const stops = bargeInStops(r.events);
    assert.ok(stops.length >= 1, `no barge-in: ${r.events.map((e) => e.type).join(' ')}`);
    assert.equal(m.get('fullduplex_barge_in_seconds_count{transport="native"}'), stops.length);
    const bargeSum = m.get('fullduplex_barge_in_seconds_sum{transport="native"}') ?? 0;
    assert.ok(Math.abs(bargeSum - stops.reduce((a, b) => a + b, 0)) < 1e-6, `${bargeSum} vs ${stops.join(",")}: ${r.events.filter((e) => /user_speech|agent_paused|agent_speech/.test(e.type)).map((e) => `${e.type}@${e.t.toFixed(2)}${"onset" in e ? "/" + e.onset.toFixed(2) : ""}`).join(" ")}`);
    // Underruns the client reported (its last report may precede its final count).
    assert.ok((m.get('fullduplex_client_underruns_total{transport="native"}') ?? 0) <= r.stats.underruns);
    // Event-loop lag and the engine thread's health are there.
    assert.ok(m.has('fullduplex_process_nodejs_eventloop_lag_p99_seconds'));
    assert.equal(m.get('fullduplex_engine_threads'), 1);
    assert.ok(m.has('fullduplex_engine_loop_delay_p99_seconds{thread="0"}'));
  } finally {
    await server.close();
  }
});

test('/metrics needs the token when one is set; the health probes never do', async () => {
  const server = await testServer({ token: 'sesame' });
  try {
    const base = `http://127.0.0.1:${server.port}`;
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer sesame' } })).status, 200);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  } finally {
    await server.close();
  }
});

test('a drain refuses new sessions, and one that outlasts the grace hears goodbye, closes with 4003, recorded', async () => {
  const sessionsDir = tempDir('drain');
  const server = await testServer({ warmSessions: 1, drain: { graceSeconds: 1 }, recording: { sessionsDir } });
  const port = server.port;
  const waiting = await RawClient.connect(wsUrl(server)); // connected before the drain, starts after it
  const c = await WsConversation.open(16000, { url: server.url, client: 'drain test' });
  const playing = c.play(compose([0.5, synth('What time is it?'), 14]).audio);
  await until(() => c.events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'), 'the answer');
  const drainedAt = c.events.length;
  const drained = server.drain();
  assert.deepEqual((await readyz(port)).body, { ready: false, reason: 'draining', sessions: 1, maxSessions: server.options.limits.maxSessions });
  assert.equal((await readyz(port)).status, 503);
  await assert.rejects(RawClient.connect(wsUrl(server)), /HTTP 503/);
  waiting.send({ type: 'start', protocol: 1, inputSampleRate: 16000 });
  assert.match((await waiting.error('SHUTTING_DOWN')).message, /draining/);
  await waiting.closed;
  assert.equal(waiting.closeCode, CloseCode.TRY_AGAIN_LATER);

  const r = await playing;
  await drained;
  assert.equal(r.stats.closeCode, CloseCode.DRAINED);
  const end = r.messages.find((m) => m.type === 'end');
  assert.ok(end && end.type === 'end' && end.code === CloseCode.DRAINED, JSON.stringify(end));
  // The goodbye: said by the engine (on the timeline), played by the client before the close.
  const after = r.events.slice(drainedAt);
  assert.ok(after.some((e) => e.type === 'control' && e.action === 'say'), after.map((e) => e.type).join(' '));
  const text = after.filter((e) => e.type === 'agent_text').map((e) => (e.type === 'agent_text' ? e.text : '')).join(' ');
  assert.equal(text, defaultDrainOptions.farewell);
  const goodbyeStart = after.find((e) => e.type === 'agent_speech_start');
  assert.ok(goodbyeStart, 'the goodbye was spoken');
  assert.ok(after.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'), 'the goodbye played to its end');
  assert.ok(peak(r.output.samples.subarray(Math.floor(goodbyeStart.t * 16000))) > 3000, 'the client played the goodbye');
  // Recorded: the turn before the drain and the goodbye, and the record closed.
  const [dir] = readdirSync(sessionsDir).filter((d) => JSON.parse(readFileSync(join(sessionsDir, d, 'session.json'), 'utf8')).client === 'drain test');
  assert.ok(dir);
  const transcript = readFileSync(join(sessionsDir, dir, 'transcript.txt'), 'utf8');
  assert.match(transcript, /user: +what time is it/);
  assert.ok(transcript.includes(`agent: ${defaultDrainOptions.farewell}`), transcript);
  const meta = JSON.parse(readFileSync(join(sessionsDir, dir, 'session.json'), 'utf8')) as { ended?: string; endReason?: string };
  assert.ok(meta.ended);
  assert.match(meta.endReason ?? '', /shutting down/);
  const m = parseMetrics(await server.metrics.text());
  assert.equal(m.get('fullduplex_sessions_refused_total{reason="draining"}'), 2);
  assert.equal(m.get('fullduplex_draining'), 1);
});

test('/metrics counts Realtime and Moshi sessions by transport, from open to close, and errors by kind', async () => {
  const server = await testServer({ warmSessions: 1 });
  try {
    const active = async (t: string) => (await scrape(server.port)).get(`fullduplex_sessions_active{transport="${t}"}`);
    const rt = new WebSocket(wsUrl(server, '/v1/realtime'));
    const created = new Promise<string>((resolve) => rt.once('message', (d) => resolve((JSON.parse(d.toString()) as { type: string }).type)));
    assert.equal(await created, 'session.created');
    const moshi = new WebSocket(wsUrl(server, '/api/chat'));
    await new Promise((resolve) => moshi.once('message', resolve)); // the handshake: its session is open
    await until(async () => (await active('realtime')) === 1 && (await active('moshi')) === 1, 'both sessions counted');
    rt.close();
    moshi.close();
    await until(async () => (await active('realtime')) === 0 && (await active('moshi')) === 0, 'both sessions to end');
    // Errors by kind: a malformed message on the native protocol.
    const bad = await RawClient.connect(wsUrl(server));
    bad.send('[1,2,3]');
    await bad.error('BAD_MESSAGE');
    await bad.close();
    const m = await scrape(server.port);
    assert.equal(m.get('fullduplex_errors_total{kind="protocol/BAD_MESSAGE"}'), 1);
    assert.equal(m.get('fullduplex_sessions_started_total{transport="realtime"}'), 1);
    assert.equal(m.get('fullduplex_sessions_started_total{transport="moshi"}'), 1);
  } finally {
    await server.close();
  }
});
