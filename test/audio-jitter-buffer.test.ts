import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { defaultJitterBufferOptions, JitterBuffer } from '../src/audio/jitter-buffer.js';

/** Samples numbered from `start`, so what comes out shows exactly which input was played. */
function seq(n: number, start = 1): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

const RATE = 16000; // 16 samples per ms

test('defaults are documented values', () => {
  assert.deepEqual({ ...defaultJitterBufferOptions }, { prefillMs: 60, maxBufferMs: 30_000, rePrefillAfterUnderrun: true });
  assert.ok(Object.isFrozen(defaultJitterBufferOptions));
  const jb = new JitterBuffer(RATE);
  assert.deepEqual(jb.options, defaultJitterBufferOptions);
});

test('waits for prefill, then plays in order; waiting is not an underrun', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 20 }); // 320 samples
  jb.push(seq(200));
  assert.deepEqual(jb.pull(160), new Int16Array(160), 'below prefill: silence');
  assert.equal(jb.state, 'idle');
  assert.equal(jb.playedSamples, 0);
  jb.push(seq(200, 201));
  assert.equal(jb.bufferedSamples, 400);
  assert.equal(jb.bufferedSeconds, 0.025);
  assert.deepEqual(jb.pull(160), seq(160));
  assert.equal(jb.state, 'playing');
  assert.deepEqual(jb.pull(160), seq(160, 161));
  assert.equal(jb.playedSamples, 320);
  assert.equal(jb.playedSeconds, 0.02);
  assert.equal(jb.stats().underruns, 0);
  assert.equal(jb.stats().underrunSamples, 0);
});

test('underrun: partial audio then zeros, counted, then re-prefill before resuming', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 10 }); // 160 samples
  jb.push(seq(200));
  jb.pull(160);
  const out = jb.pull(100); // only 40 left
  assert.deepEqual(out.subarray(0, 40), seq(40, 161));
  assert.deepEqual(out.subarray(40), new Int16Array(60));
  assert.equal(jb.state, 'rebuffering');
  assert.equal(jb.playedSamples, 200, 'zero fill is not counted as played');
  jb.push(seq(100, 1000)); // below prefill: keep waiting
  assert.deepEqual(jb.pull(50), new Int16Array(50));
  jb.push(seq(60, 1100));
  assert.deepEqual(jb.pull(50), seq(50, 1000));
  assert.equal(jb.state, 'playing');
  const s = jb.stats();
  assert.equal(s.underruns, 1);
  assert.equal(s.underrunSamples, 60 + 50);
  assert.equal(jb.playedSamples, 250);
});

test('without re-prefill, playback resumes as soon as audio arrives', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 10, rePrefillAfterUnderrun: false });
  jb.push(seq(160));
  jb.pull(200);
  assert.equal(jb.state, 'rebuffering');
  jb.push(seq(10, 500));
  const out = jb.pull(20);
  assert.deepEqual(out.subarray(0, 10), seq(10, 500));
  assert.equal(jb.stats().underruns, 2);
});

test('markEnd plays a tail shorter than the prefill, and running dry after it is no underrun', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 60 });
  jb.push(seq(100)); // a short utterance, well under 960 samples of prefill
  assert.deepEqual(jb.pull(50), new Int16Array(50));
  jb.markEnd();
  assert.deepEqual(jb.pull(80), seq(80));
  const out = jb.pull(80);
  assert.deepEqual(out.subarray(0, 20), seq(20, 81));
  assert.equal(jb.state, 'idle');
  jb.pull(1000);
  assert.equal(jb.stats().underruns, 0);
  assert.equal(jb.stats().underrunSamples, 0);
  assert.equal(jb.playedSamples, 100);
  // The next utterance prefills again.
  jb.push(seq(500));
  assert.deepEqual(jb.pull(10), new Int16Array(10));
});

test('flush (barge-in) drops everything at once and reports how much', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 0 });
  jb.push(seq(1000));
  jb.pull(300);
  assert.equal(jb.flush(), 700);
  assert.equal(jb.bufferedSamples, 0);
  assert.equal(jb.state, 'idle');
  assert.deepEqual(jb.pull(100), new Int16Array(100));
  const s = jb.stats();
  assert.equal(s.flushedSamples, 700);
  assert.equal(s.underruns, 0, 'silence after a barge-in is not an underrun');
  assert.equal(jb.playedSamples, 300, 'the listener heard exactly 300 samples');
  assert.equal(jb.flush(), 0);
  jb.push(seq(5, 77));
  assert.deepEqual(jb.pull(5), seq(5, 77), 'plays again after flush');
});

test('max size drops the oldest audio and counts it; ring wrap-around keeps order', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 0, maxBufferMs: 10 }); // 160 samples
  let next = 1;
  const played: number[] = [];
  // Push and pull odd amounts so reads and writes wrap around the ring many times.
  for (let k = 0; k < 50; k++) {
    jb.push(seq(37, next));
    next += 37;
    played.push(...jb.pull(29));
  }
  assert.ok(jb.bufferedSamples <= 160);
  const s = jb.stats();
  assert.ok(s.droppedSamples > 0 && s.overflows > 0);
  assert.equal(s.droppedSamples + jb.playedSamples + jb.bufferedSamples, 50 * 37, 'every sample accounted for');
  // What was played is increasing (the oldest were dropped, never reordered).
  for (let i = 1; i < played.length; i++) assert.ok(played[i]! > played[i - 1]!, `order at ${i}`);
  // The buffer holds the newest samples.
  const rest = jb.pull(jb.bufferedSamples);
  assert.equal(rest[rest.length - 1], next - 1);
});

test('a single push larger than the buffer keeps its newest part', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 0, maxBufferMs: 10 });
  jb.push(seq(50));
  jb.push(seq(200, 1000));
  assert.equal(jb.bufferedSamples, 160);
  assert.equal(jb.stats().droppedSamples, 50 + 40);
  assert.deepEqual(jb.pull(160), seq(160, 1040));
});

test('accepts PcmFrames at its own rate only; validates arguments', () => {
  const jb = new JitterBuffer(24000, { prefillMs: 0 });
  jb.push({ samples: seq(4), sampleRate: 24000 });
  assert.deepEqual(jb.pull(4), seq(4));
  assert.equal(jb.pull(0).length, 0);
  const code = (c: 'BAD_ARGUMENT' | 'BAD_AUDIO' | 'BAD_SAMPLE_RATE') => (e: unknown) => isFullduplexError(e, c);
  assert.throws(() => jb.push({ samples: seq(4), sampleRate: 16000 }), code('BAD_SAMPLE_RATE'));
  assert.throws(() => jb.push(new Float32Array(4) as unknown as Int16Array), code('BAD_AUDIO'));
  assert.throws(() => jb.pull(-1), code('BAD_ARGUMENT'));
  assert.throws(() => jb.pull(1.5), code('BAD_ARGUMENT'));
  assert.throws(() => new JitterBuffer(12345), code('BAD_SAMPLE_RATE'));
  assert.throws(() => new JitterBuffer(RATE, { prefillMs: -1 }), code('BAD_ARGUMENT'));
  assert.throws(() => new JitterBuffer(RATE, { maxBufferMs: 0 }), code('BAD_ARGUMENT'));
  assert.throws(() => new JitterBuffer(RATE, { prefillMs: 100, maxBufferMs: 50 }), code('BAD_ARGUMENT'));
});

test('prefill 0 plays immediately and an empty idle buffer is not an underrun', () => {
  const jb = new JitterBuffer(RATE, { prefillMs: 0 });
  assert.deepEqual(jb.pull(10), new Int16Array(10));
  assert.equal(jb.state, 'idle');
  jb.push(seq(3));
  assert.deepEqual(Array.from(jb.pull(5)), [1, 2, 3, 0, 0]);
  assert.equal(jb.stats().underruns, 1);
});
