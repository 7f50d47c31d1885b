/**
 * Fuzzing the WebSocket input: more than 10,000 random, truncated, malformed and oversized frames from
 * several connections (some with a live session, some without), while a healthy session holds a real
 * conversation alongside. The server must stay up, never fail internally (close code 1011), and the
 * healthy session must get its answer.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FullduplexServer } from '../src/server/server.js';
import { CloseCode } from '../src/server/protocol.js';
import { WsConversation } from '../bench/runner/ws-target.js';
import { compose, rng, synth } from './helpers/speech.js';
import { closeSharedComponents, RawClient, testServer, wsUrl } from './helpers/server.js';

const LIMITS = { maxAudioFrameBytes: 16384, maxControlBytes: 4096, maxMessageBytes: 128 * 1024 };
const TOTAL_FRAMES = 10_500;
const FUZZERS = 4;

let server: FullduplexServer;
before(async () => {
  server = await testServer({ warmSessions: 2, limits: LIMITS });
});
after(async () => {
  await server.close();
  await closeSharedComponents();
});

type Frame = { binary: true; data: Uint8Array } | { binary: false; data: string };

const VALID: readonly object[] = [
  { type: 'start', protocol: 1, inputSampleRate: 16000 },
  { type: 'playback', position: 3200, buffered: 1280, underruns: 0 },
  { type: 'flushed', position: 1600, dropped: 320 },
  { type: 'ping', id: 'x' },
  { type: 'stop' },
];
const WEIRD: readonly unknown[] = [null, -1, 1e308, -0, 'x', '', [], {}, true, 2 ** 53, 0.5, 'a'.repeat(300), { nested: { deeper: [1, 2, 3] } }];

/** One fuzz frame. `live`: the connection has a session (so a valid `stop` would end the run early). */
function fuzzFrame(r: () => number, live: boolean): Frame {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  const k = r();
  if (k < 0.3) return { binary: true, data: bytes(Math.floor(r() * 2000)) }; // random audio-ish, odd and even
  if (k < 0.33) return { binary: true, data: bytes(LIMITS.maxAudioFrameBytes + 1 + Math.floor(r() * 20000)) }; // over the soft cap
  if (k < 0.332) return { binary: r() < 0.5, data: r() < 0.5 ? bytes(LIMITS.maxMessageBytes + 1 + Math.floor(r() * 1000)) : 'x'.repeat(LIMITS.maxMessageBytes + 10) } as Frame; // over the hard cap
  if (k < 0.45) return { binary: false, data: Buffer.from(bytes(Math.floor(r() * 400))).toString('latin1') }; // noise text
  if (k < 0.6) {
    const m = JSON.stringify(pick(VALID.filter((v) => !('type' in v && (v as { type: string }).type === 'stop'))));
    return { binary: false, data: m.slice(0, Math.floor(r() * m.length)) }; // truncated JSON
  }
  if (k < 0.8) {
    const m: Record<string, unknown> = { type: pick(['start', 'playback', 'flushed', 'ping', 'bogus', 7, null]) };
    for (const key of ['protocol', 'inputSampleRate', 'position', 'dropped', 'buffered', 'underruns', 'id', 'voice', 'eagerness', 'playbackReports']) {
      if (r() < 0.4) m[key] = pick(WEIRD);
    }
    if (m.type === 'start' && m.protocol === 1 && !live) m.protocol = 3; // keep the idle connections idle
    return { binary: false, data: JSON.stringify(m) };
  }
  if (k < 0.85) return { binary: false, data: '['.repeat(1500) + ']'.repeat(Math.floor(r() * 1500)) }; // deep nesting, often unbalanced
  if (k < 0.9) return { binary: false, data: 'y'.repeat(LIMITS.maxControlBytes + 1 + Math.floor(r() * 5000)) }; // over the control cap
  if (k < 0.95) return { binary: false, data: JSON.stringify({ type: 'playback', position: Math.floor(r() * 1e9), underruns: Math.floor(r() * 10) }) };
  return { binary: false, data: JSON.stringify({ type: 'flushed', position: Math.floor(r() * 1e9), dropped: Math.floor(r() * 1e9) }) };
}

interface FuzzReport {
  sent: number;
  errors: number;
  closes: number[];
}

async function fuzz(seed: number, frames: number, live: boolean): Promise<FuzzReport> {
  const r = rng(seed);
  const report: FuzzReport = { sent: 0, errors: 0, closes: [] };
  let c: RawClient | undefined;
  while (report.sent < frames) {
    if (!c || c.closeCode !== undefined) {
      if (c) report.closes.push(c.closeCode!), (report.errors += c.messages.filter((m) => m.type === 'error').length);
      c = await RawClient.connect(wsUrl(server));
      if (live) await c.start({ client: `fuzzer ${seed}` });
    }
    for (let i = 0; i < 25 && report.sent < frames && c.ws.readyState === c.ws.OPEN; i++) {
      const f = fuzzFrame(r, live);
      if (f.binary) c.sendBinary(f.data);
      else c.send(f.data);
      report.sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 12)); // ~2000 frames/s in all: hostile, not a flood
  }
  if (c) {
    report.errors += c.messages.filter((m) => m.type === 'error').length;
    await c.close();
    report.closes.push(c.closeCode!);
  }
  return report;
}

test(`${TOTAL_FRAMES} fuzz frames: the server stays up and a healthy session alongside is answered`, async (t) => {
  const { audio } = compose([0.5, synth('What time is it?'), 8]);
  const healthy = await WsConversation.open(16000, { url: server.url, client: 'healthy session' });
  const conversation = healthy.play(audio);
  const per = Math.ceil(TOTAL_FRAMES / FUZZERS);
  const reports = await Promise.all(Array.from({ length: FUZZERS }, (_, i) => fuzz(1000 + i, per, i === 0)));
  const r = await conversation;
  await healthy.close();

  const sent = reports.reduce((n, x) => n + x.sent, 0);
  const closes = reports.flatMap((x) => x.closes);
  const histogram = closes.reduce<Record<number, number>>((h, c) => ((h[c] = (h[c] ?? 0) + 1), h), {});
  t.diagnostic(`${sent} frames, ${reports.reduce((n, x) => n + x.errors, 0)} error messages, closes ${JSON.stringify(histogram)}; healthy session: ${r.stats.underruns} underruns (${r.stats.audibleUnderruns} audible)`);
  assert.ok(sent >= 10_000, `${sent} frames sent`);
  assert.ok(reports.reduce((n, x) => n + x.errors, 0) > 100, 'malformed input was answered with error messages');
  assert.ok(!closes.includes(CloseCode.INTERNAL), `a connection failed internally: ${closes.join(', ')}`);
  assert.ok(closes.includes(CloseCode.TOO_BIG), 'oversized messages closed their connection with 1009');

  // The healthy session was not disturbed.
  assert.deepEqual(r.stats.errors, []);
  assert.equal(r.stats.closeCode, undefined);
  assert.ok(r.events.some((e) => e.type === 'transcript_final' && /time/.test(e.text)), r.events.map((e) => e.type).join(' '));
  assert.ok(r.events.some((e) => e.type === 'agent_speech_start' && e.kind === 'reply'));
  assert.ok(r.output.samples.some((x) => Math.abs(x) > 1000), 'agent audio reached the healthy client');

  // And the server still serves.
  assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 200);
  const after = await RawClient.connect(wsUrl(server));
  await after.start({ client: 'after the storm' });
  await after.close();
});
