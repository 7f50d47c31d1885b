/** The recording timeline of protocol targets and the target specs they are created from. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputTimeline } from '../bench/runner/protocol/timeline.js';
import { apiKeyFor, parseProtocolTarget } from '../bench/runner/protocol/urls.js';
import { createProtocolTarget } from '../bench/runner/protocol-targets.js';

const RATE = 1000; // 1 sample per ms keeps the arithmetic readable

test('timeline: audio lands where it arrives, queues behind audio still playing, and is cut to the input length', () => {
  const tl = new OutputTimeline(RATE, 100);
  tl.start(5000);
  tl.place(new Int16Array(10).fill(1), 5020); // arrives 20 ms after the first input sample
  const burst = tl.place(new Int16Array(30).fill(2), 5025); // arrives while the first still plays: queued
  assert.deepEqual(burst, { start: 30, end: 60 });
  tl.place(new Int16Array(50).fill(3), 5090); // runs past the end: cut
  const out = tl.output();
  assert.equal(out.length, 100);
  assert.deepEqual([out[19], out[20], out[29], out[30], out[59], out[60], out[89], out[90], out[99]], [0, 1, 1, 2, 2, 0, 0, 3, 3]);
});

test('timeline: a flush drops what was queued beyond now; audio streamed before the input began is not recorded', () => {
  const tl = new OutputTimeline(RATE, 100);
  tl.start(1000);
  tl.place(new Int16Array(20).fill(7), 990); // 10 ms before sample 0: only its last 10 samples are in the recording
  const span = tl.place(new Int16Array(60).fill(5), 1010);
  assert.deepEqual(span, { start: 10, end: 70 });
  assert.equal(tl.playedOf(span, 1030), 20);
  assert.equal(tl.flush(1030), 40, 'samples 30..70 were never played');
  tl.place(new Int16Array(5).fill(9), 1031);
  const out = tl.output();
  assert.deepEqual([out[0], out[9], out[10], out[29], out[30], out[31], out[35], out[36], out[69]], [7, 7, 5, 5, 0, 9, 9, 0, 0]);
  assert.deepEqual(tl.stats, { placedSeconds: 0.085, flushedSeconds: 0.04, droppedSeconds: 0, queuedBeyondEndSeconds: 0, queueWaitMeanMs: 0, queueWaitMaxMs: 0 });
});

test('timeline with a latency cap: audio queued too far behind its arrival is skipped, as a low-latency player does', () => {
  const tl = new OutputTimeline(RATE, 200, 30);
  tl.start(0);
  tl.place(new Int16Array(80).fill(1), 0); // a stall delivered 80 ms at once
  const next = tl.place(new Int16Array(20).fill(2), 20); // arrives 20 ms later: 60 ms behind → capped at 30
  assert.deepEqual(next, { start: 50, end: 70 });
  const out = tl.output();
  assert.deepEqual([out[49], out[50], out[69], out[70], out[79]], [1, 2, 2, 0, 0]);
  assert.equal(tl.stats.droppedSeconds, 0.03);
  assert.equal(tl.stats.queueWaitMaxMs, 30);
});

test('target specs: schemes, default paths, TLS, client-side parameters and forwarded ones; secrets stay out of reports', () => {
  const o = parseProtocolTarget('openai-realtime://127.0.0.1:8787?model=gpt-realtime&voice=marin&beta=1')!;
  assert.equal(o.url.toString(), 'ws://127.0.0.1:8787/v1/realtime?model=gpt-realtime');
  assert.deepEqual(o.params, { voice: 'marin', beta: '1' });
  const tls = parseProtocolTarget('openai-realtime+wss://api.openai.com/v1/realtime?model=gpt-realtime')!;
  assert.equal(tls.url.protocol, 'wss:');
  assert.equal(tls.tls, true);
  const m = parseProtocolTarget('moshi://gpu-box:8998?text_prompt=You%20are%20kind&voice_prompt=NATF0.pt&seed=4')!;
  assert.equal(m.url.pathname, '/api/chat');
  assert.equal(m.url.searchParams.get('text_prompt'), 'You are kind', 'prompts are forwarded to the server');
  const g = parseProtocolTarget('gemini-live://127.0.0.1:9000?model=models/x&key=SECRET123')!;
  assert.equal(g.url.pathname, '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent');
  assert.deepEqual(g.params, { model: 'models/x' });
  assert.ok(!g.display.includes('SECRET123'), g.display);
  assert.equal(parseProtocolTarget('local'), undefined);
  assert.equal(parseProtocolTarget('ws://127.0.0.1:8787'), undefined, 'the native protocol is not a protocol target');
  assert.throws(() => parseProtocolTarget('moshi://[bad'), /not a valid URL/);
  assert.equal(apiKeyFor(o, { OPENAI_API_KEY: 'sk-1' }), 'sk-1');
  assert.equal(apiKeyFor(parseProtocolTarget('gemini-live://h:1?api_key_env=MY_KEY')!, { MY_KEY: 'k', GEMINI_API_KEY: 'other' }), 'k');
  for (const spec of ['openai-realtime://h:1', 'moshi://h:1', 'gemini-live://h:1']) {
    const t = createProtocolTarget(spec)!;
    assert.deepEqual(t.clocks, ['realtime']);
    assert.match(t.describe(), /WebSocket/);
  }
});
