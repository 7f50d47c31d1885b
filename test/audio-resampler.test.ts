import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { concatInt16, float32ToInt16, int16ToFloat32, rmsDbfs } from '../src/audio/frame.js';
import { resample, StreamingResampler } from '../src/audio/resampler.js';

function sine(freq: number, rate: number, seconds: number, amp = 0.5): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * 32767 * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** Frequency from the spacing of rising zero crossings, interpolated between samples. */
function zeroCrossingHz(x: Int16Array, rate: number): number {
  const times: number[] = [];
  for (let i = 1; i < x.length; i++) {
    if (x[i - 1]! < 0 && x[i]! >= 0) times.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  }
  assert.ok(times.length > 10, 'enough crossings');
  return ((times.length - 1) * rate) / (times[times.length - 1]! - times[0]!);
}

/** Drop 50 ms at each end, where filter start-up and the end of the signal live. */
function middle(x: Int16Array, rate: number): Int16Array {
  const edge = Math.round(rate * 0.05);
  return x.subarray(edge, x.length - edge);
}

function maxAbsDiff(a: Int16Array, b: Int16Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function pieces(x: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < x.length; i += size) out.push(x.subarray(i, i + size));
  return out;
}

async function checkRoundTrip(from: number, via: number, freq: number): Promise<void> {
  const x = sine(freq, from, 1);
  const up = await resample({ samples: x, sampleRate: from }, via);
  assert.equal(up.sampleRate, via);
  assert.equal(up.samples.length, via, 'one second in, one second out');
  const back = await resample(up, from);
  assert.equal(back.samples.length, x.length);
  for (const [sig, rate] of [
    [up.samples, via],
    [back.samples, from],
  ] as const) {
    const hz = zeroCrossingHz(middle(sig, rate), rate);
    assert.ok(Math.abs(hz - freq) < 0.5, `${from}->${via}: ${hz.toFixed(2)} Hz, expected ${freq}`);
    const db = rmsDbfs(middle(sig, rate)) - rmsDbfs(middle(x, from));
    assert.ok(Math.abs(db) < 0.5, `${from}->${via}: level changed by ${db.toFixed(3)} dB`);
  }
  // The round trip is time-aligned (no added delay): the middle matches the original closely.
  assert.ok(maxAbsDiff(middle(back.samples, from), middle(x, from)) < 0.01 * 32767);
}

test('16k -> 48k -> 16k keeps frequency, level and timing', async () => {
  await checkRoundTrip(16000, 48000, 440);
  await checkRoundTrip(16000, 48000, 3000);
});

test('24k -> 16k, 44.1k -> 16k and 8k -> 22.05k keep frequency and level', async () => {
  for (const [from, to, freq] of [
    [24000, 16000, 1000],
    [44100, 16000, 523.25],
    [8000, 22050, 300],
  ] as const) {
    const y = await resample({ samples: sine(freq, from, 1), sampleRate: from }, to);
    assert.equal(y.samples.length, to);
    const hz = zeroCrossingHz(middle(y.samples, to), to);
    assert.ok(Math.abs(hz - freq) < 0.5, `${from}->${to}: ${hz.toFixed(2)} Hz`);
    const db = rmsDbfs(middle(y.samples, to)) - rmsDbfs(sine(freq, to, 1));
    assert.ok(Math.abs(db) < 0.5, `${from}->${to}: ${db.toFixed(3)} dB`);
  }
});

test('content above the new Nyquist is filtered out when downsampling', async () => {
  const y = await resample({ samples: sine(7000, 24000, 1), sampleRate: 24000 }, 8000);
  assert.ok(rmsDbfs(middle(y.samples, 8000)) < -60, `aliased tone at ${rmsDbfs(y.samples).toFixed(1)} dBFS`);
});

test('streaming in 20 ms pieces equals one-shot', async () => {
  for (const [from, to] of [
    [16000, 48000],
    [48000, 16000],
    [44100, 16000],
    [24000, 16000],
  ] as const) {
    const x = concatInt16([sine(440, from, 0.5), sine(1234, from, 0.5, 0.3)]);
    const oneShot = await resample({ samples: x, sampleRate: from }, to);
    const r = await StreamingResampler.create(from, to);
    const parts = pieces(x, Math.round(from * 0.02)).map((p) => r.process(p));
    assert.ok(r.pendingOutputSamples > 0, 'the filter holds some look-ahead');
    parts.push(r.flush());
    assert.equal(r.pendingOutputSamples, 0);
    const streamed = concatInt16(parts);
    assert.equal(streamed.length, Math.floor((x.length * to) / from));
    assert.ok(maxAbsDiff(streamed, oneShot.samples) <= 1, `${from}->${to}`);
    // Odd-sized pieces too.
    const odd = concatInt16([...pieces(x, 97).map((p) => r.process(p)), r.flush()]);
    assert.ok(maxAbsDiff(odd, oneShot.samples) <= 1, `${from}->${to} after flush, odd pieces`);
    r.destroy();
  }
});

test("flush matches libsamplerate's own end-of-input conversion", async () => {
  for (const [from, to] of [
    [16000, 48000],
    [44100, 16000],
    [8000, 22050],
  ] as const) {
    const x = sine(700, from, 0.37); // lengths that do not divide evenly
    const r = await StreamingResampler.create(from, to);
    const ours = concatInt16([...pieces(x, 160).map((p) => r.process(p)), r.flush()]);
    r.destroy();
    const ref = await libsamplerate.create(1, from, to, { converterType: libsamplerate.ConverterType.SRC_SINC_FASTEST });
    const theirs = float32ToInt16(ref.simple(int16ToFloat32(x)));
    ref.destroy();
    assert.equal(ours.length, Math.floor((x.length * to) / from));
    assert.ok(Math.abs(ours.length - theirs.length) <= 1, 'libsamplerate may stop one sample early');
    const n = Math.min(ours.length, theirs.length);
    assert.ok(maxAbsDiff(ours.subarray(0, n), theirs.subarray(0, n)) <= 1, `${from}->${to}`);
  }
});

test('flush resets: a second stream is independent of the first', async () => {
  const r = await StreamingResampler.create(16000, 24000, { quality: 'medium' });
  const a = concatInt16([r.process(sine(300, 16000, 0.3)), r.flush()]);
  const b = concatInt16([r.process(sine(300, 16000, 0.3)), r.flush()]);
  assert.deepEqual(b, a);
  assert.equal(r.flush().length, 0, 'flush with nothing pending');
  r.destroy();
  r.destroy(); // idempotent
  assert.throws(() => r.process(new Int16Array(10)), (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

test('equal rates pass through unchanged', async () => {
  const x = sine(440, 16000, 0.1);
  const r = await StreamingResampler.create(16000, 16000);
  assert.deepEqual(r.process(x), x);
  assert.equal(r.flush().length, 0);
  r.destroy();
  const y = await resample({ samples: x, sampleRate: 16000 }, 16000);
  assert.deepEqual(y.samples, x);
  assert.notEqual(y.samples, x, 'a copy, so callers may mutate it');
});

test('bad rates give BAD_SAMPLE_RATE, bad input BAD_AUDIO', async () => {
  const badRate = (e: unknown): boolean => isFullduplexError(e, 'BAD_SAMPLE_RATE');
  await assert.rejects(StreamingResampler.create(16000, 12345), badRate);
  await assert.rejects(StreamingResampler.create(0, 16000), badRate);
  await assert.rejects(StreamingResampler.create(16000.5, 16000), badRate);
  await assert.rejects(resample({ samples: new Int16Array(10), sampleRate: 7 }, 16000), badRate);
  await assert.rejects(resample({ samples: new Int16Array(10), sampleRate: 16000 }, NaN), badRate);
  const r = await StreamingResampler.create(16000, 8000);
  assert.throws(() => r.process(new Float32Array(4) as unknown as Int16Array), (e: unknown) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.equal(r.process(new Int16Array(0)).length, 0);
  r.destroy();
});

test('skipDigitalSilence: zeros after settled silence come out as zeros without the converter, sample-exact', async () => {
  // A tone, a second of exact zeros, the tone again: once with the shortcut, once without.
  const run = async (from: number, to: number, piece: number, skipDigitalSilence: boolean, quality: 'fastest' | 'speex' = 'fastest') => {
    const tone = sine(300, from, 0.4, 0.4);
    const input = concatInt16([tone, new Int16Array(from), tone]);
    const r = await StreamingResampler.create(from, to, { quality });
    const inner = r as unknown as { run: (x: Float32Array) => Float32Array };
    let calls = 0;
    const real = inner.run.bind(r);
    inner.run = (x) => (calls++, real(x));
    const out = concatInt16([...pieces(input, piece).map((p) => r.process(p, { skipDigitalSilence })), r.flush()]);
    r.destroy();
    return { out, calls };
  };
  // 16 → 24 kHz in 20 ms pieces (the agent's output to Moshi): whole outputs, the shortcut is taken.
  const plain = await run(16000, 24000, 320, false);
  const skipped = await run(16000, 24000, 320, true);
  assert.equal(skipped.out.length, plain.out.length);
  assert.equal(maxAbsDiff(skipped.out, plain.out), 0, 'the same samples, silence and the tone after it');
  assert.ok(plain.calls - skipped.calls >= 40, `most of the 50 silent pieces skip the converter (${plain.calls} → ${skipped.calls} calls)`);
  // 24 → 16 kHz in pieces of 100 (66.7 output samples): a piece that would move the converter's phase
  // is never skipped.
  const plainDown = await run(24000, 16000, 100, false);
  const skippedDown = await run(24000, 16000, 100, true);
  assert.equal(skippedDown.calls, plainDown.calls, 'every piece went through the converter');
  assert.equal(maxAbsDiff(skippedDown.out, plainDown.out), 0);
  // The same with speexdsp, the converter of the live paths.
  const plainSpeex = await run(16000, 24000, 320, false, 'speex');
  const skippedSpeex = await run(16000, 24000, 320, true, 'speex');
  assert.equal(maxAbsDiff(skippedSpeex.out, plainSpeex.out), 0, 'speex: the same samples');
  assert.ok(plainSpeex.calls - skippedSpeex.calls >= 40);
});

test("'speex' (the live paths' converter): frequency, level, timing and streaming agree with libsamplerate's", async () => {
  const speex = { quality: 'speex' } as const;
  for (const [from, to, freq] of [
    [24000, 16000, 1000],
    [16000, 24000, 440],
    [8000, 16000, 300],
    [16000, 48000, 1000],
  ] as const) {
    const x = concatInt16([sine(freq, from, 0.5), sine(freq * 1.7, from, 0.5, 0.3)]);
    const ours = await resample({ samples: x, sampleRate: from }, to, speex);
    const ref = await resample({ samples: x, sampleRate: from }, to);
    assert.equal(ours.samples.length, ref.samples.length, `${from}->${to}: the same length`);
    const hz = zeroCrossingHz(middle(ours.samples.subarray(0, to / 2), to), to);
    assert.ok(Math.abs(hz - freq) < 0.5, `${from}->${to}: ${hz.toFixed(2)} Hz`);
    // No added delay: sample for sample close to libsamplerate's (both filters are linear-phase and start aligned).
    const d = maxAbsDiff(middle(ours.samples, to), middle(ref.samples, to));
    assert.ok(d < 0.01 * 32767, `${from}->${to}: differs from libsamplerate by up to ${d}`);
    // Streaming in 20 ms pieces, then odd pieces after a flush, gives the one-shot result.
    const r = await StreamingResampler.create(from, to, speex);
    const streamed = concatInt16([...pieces(x, Math.round(from * 0.02)).map((p) => r.process(p)), r.flush()]);
    assert.deepEqual(streamed, ours.samples, `${from}->${to} streamed`);
    const odd = concatInt16([...pieces(x, 97).map((p) => r.process(p)), r.flush()]);
    assert.deepEqual(odd, ours.samples, `${from}->${to} after flush, odd pieces`);
    r.destroy();
    r.destroy();
    assert.throws(() => r.process(x), (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT'));
  }
  // A 10 kHz tone in 24 kHz input is above 16 kHz's Nyquist: it must not fold back into the speech band.
  const y = await resample({ samples: sine(10000, 24000, 1), sampleRate: 24000 }, 16000, speex);
  assert.ok(rmsDbfs(middle(y.samples, 16000)) < -50, `aliased tone at ${rmsDbfs(middle(y.samples, 16000)).toFixed(1)} dBFS`);
});
