import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { PitchContour, PitchTracker, SILENCE_DB, type PitchEstimate } from '../src/engine/evidence/pitch.js';
import { rng } from './helpers/speech.js';

const RATE = 16000;
const WIN = 512;


/**
 * Voice-like harmonic signal: 6 harmonics with 1/k amplitudes, F0 following `f0At(t)` (phase
 * accumulated so glides are smooth), level following `ampAt(t)` (fraction of full scale).
 */
function harmonic(seconds: number, f0At: (t: number) => number, ampAt: (t: number) => number = () => 0.3): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * f0At(t)) / RATE;
    let v = 0;
    for (let k = 1; k <= 6; k++) v += Math.sin(k * phase) / k;
    out[i] = Math.round(ampAt(t) * 0.6 * 32767 * v);
  }
  return out;
}

function noise(seconds: number, amp: number, seed: number): Int16Array {
  const r = rng(seed);
  const out = new Int16Array(Math.round(seconds * RATE));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * 32767 * (2 * r() - 1));
  return out;
}

function track(x: Int16Array, tracker = new PitchTracker()): PitchEstimate[] {
  const out: PitchEstimate[] = [];
  for (let i = 0; i + WIN <= x.length; i += WIN) out.push(tracker.push(x.subarray(i, i + WIN)));
  return out;
}

for (const [hz, decimation] of [[120, 2], [220, 2], [95, 2], [310, 2], [120, 1], [220, 1]] as const) {
  test(`harmonic tone at ${hz} Hz (decimation ${decimation}): every window voiced, F0 within 3 %`, () => {
    const est = track(harmonic(1, () => hz), new PitchTracker({ decimation })).slice(1); // the first window has no history yet
    for (const e of est) {
      assert.ok(e.f0Hz !== null, 'voiced');
      assert.ok(Math.abs(e.f0Hz - hz) / hz < 0.03, `${e.f0Hz.toFixed(1)} Hz vs ${hz}`);
      assert.ok(e.voicing > 0.8, `voicing ${e.voicing}`);
      assert.ok(Math.abs(e.energyDb - -16.2) < 1, `level ${e.energyDb.toFixed(1)} dBFS`);
    }
  });
}

test('white noise (loud and quiet) is unvoiced', () => {
  for (const [amp, seed] of [
    [0.5, 1],
    [0.05, 2],
    [0.005, 3],
  ] as const) {
    const est = track(noise(2, amp, seed));
    const voiced = est.filter((e) => e.f0Hz !== null).length;
    assert.equal(voiced, 0, `amp ${amp}: ${voiced} of ${est.length} windows voiced`);
    assert.ok(est.every((e) => e.voicing < 0.6), 'low voicing confidence');
  }
});

test('digital silence is unvoiced at SILENCE_DB; a quiet tone below minVoicedDb is unvoiced', () => {
  for (const e of track(new Int16Array(RATE))) {
    assert.equal(e.f0Hz, null);
    assert.equal(e.energyDb, SILENCE_DB);
  }
  const quiet = track(harmonic(0.5, () => 150, () => 0.0005)).slice(1);
  assert.ok(quiet.every((e) => e.f0Hz === null && e.energyDb < -55));
});

test('tone in moderate noise (10 dB SNR) still tracks', () => {
  const tone = harmonic(1, () => 180);
  const n = noise(1, 0.06, 7);
  const mix = new Int16Array(tone.length);
  for (let i = 0; i < mix.length; i++) mix[i] = tone[i]! + n[i]!;
  const est = track(mix).slice(1);
  const good = est.filter((e) => e.f0Hz !== null && Math.abs(e.f0Hz - 180) / 180 < 0.03).length;
  assert.ok(good / est.length > 0.9, `${good} of ${est.length}`);
});

test('push rejects a window of the wrong size; options are validated', () => {
  const t = new PitchTracker();
  assert.throws(() => t.push(new Int16Array(100)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => new PitchTracker({ sampleRate: 8000 }), (e) => isFullduplexError(e, 'BAD_SAMPLE_RATE'));
  assert.throws(() => new PitchTracker({ minF0Hz: 30 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => new PitchTracker({ decimation: 3 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => new PitchContour({ fallingStPerS: 1 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

/** A phrase: `speech` seconds of voice shaped by f0At/ampAt, then `pause` seconds of silence. */
function phrase(speech: number, pause: number, f0At: (t: number) => number, ampAt?: (t: number) => number): PitchContour {
  const x = harmonic(speech + pause, f0At, (t) => (t < speech ? (ampAt ? ampAt(t) : 0.3) : 0));
  const tracker = new PitchTracker();
  const contour = new PitchContour();
  for (let i = 0; i + WIN <= x.length; i += WIN) contour.push(tracker.push(x.subarray(i, i + WIN)));
  return contour;
}

/** Exponential glide from a to b Hz over `dur` seconds (a straight line in semitones). */
const glide = (a: number, b: number, dur: number) => (t: number) => a * (b / a) ** Math.min(1, t / dur);

test('falling glide 220 → 150 Hz before a pause: falling', () => {
  const c = phrase(0.8, 0.3, glide(220, 150, 0.8));
  const expected = (12 * Math.log2(150 / 220)) / 0.8; // ≈ −8.3 st/s
  const s = c.finalSlope();
  assert.ok(s !== null && Math.abs(s - expected) < 1.5, `slope ${s} vs ${expected.toFixed(1)}`);
  assert.ok(c.isFalling());
  assert.ok(!c.isRising() && !c.isFlat());
  const f = c.final();
  assert.equal(f?.shape, 'falling');
  assert.ok(f !== null && f.pauseMs >= 250 && f.pauseMs <= 330, `pause ${f?.pauseMs}`);
  assert.ok(f !== null && f.durationMs >= 350, `duration ${f?.durationMs}`);
});

test('rising glide 150 → 240 Hz before a pause: rising', () => {
  const c = phrase(0.8, 0.3, glide(150, 240, 0.8));
  assert.ok(c.isRising(), `slope ${c.finalSlope()}`);
  assert.ok(!c.isFalling());
  assert.equal(c.final()?.shape, 'rising');
});

test('flat 180 Hz at a steady level: neither falling nor rising, flat and sustained (hesitation)', () => {
  const c = phrase(0.8, 0.3, () => 180);
  const s = c.finalSlope();
  assert.ok(s !== null && Math.abs(s) < 0.5, `slope ${s}`);
  assert.ok(!c.isFalling() && !c.isRising());
  assert.ok(c.isFlatSustained());
  const e = c.finalEnergySlope();
  assert.ok(e !== null && Math.abs(e) < 2, `energy slope ${e}`);
});

test('flat pitch with a decaying level is flat but not sustained; energy slope is negative', () => {
  // Amplitude halves (−6 dB) every 0.2 s over the last half second → about −30 dB/s.
  const c = phrase(0.8, 0.3, () => 180, (t) => 0.3 * 0.5 ** (Math.max(0, t - 0.3) / 0.2));
  const e = c.finalEnergySlope();
  assert.ok(e !== null && e < -20 && e > -40, `energy slope ${e}`);
  assert.ok(c.isFlat() && !c.isFlatSustained());
});

test('octave errors inside the stretch are ignored by the slope fit', () => {
  const c = new PitchContour();
  for (let i = 0; i < 15; i++) c.push({ f0Hz: i === 10 ? 360 : 180 * 2 ** (-i * 0.032 * 0.5), energyDb: -20 });
  const s = c.finalSlope();
  assert.ok(s !== null && Math.abs(s - -6) < 0.5, `slope ${s}`); // −0.5 octave/s = −6 st/s
});

test('no slope without enough voiced frames; short consonant gaps are bridged', () => {
  const c = new PitchContour();
  assert.equal(c.finalSlope(), null);
  assert.equal(c.pauseMs(), null);
  for (let i = 0; i < 3; i++) c.push({ f0Hz: 150, energyDb: -20 });
  assert.equal(c.finalSlope(), null, 'only 3 voiced frames');
  c.push({ f0Hz: null, energyDb: -40 });
  c.push({ f0Hz: null, energyDb: -40 }); // 64 ms gap: bridged
  for (let i = 0; i < 2; i++) c.push({ f0Hz: 150, energyDb: -20 });
  assert.equal(c.final()?.voicedFrames, 5);
  c.reset();
  assert.equal(c.finalSlope(), null);
});

test('sanity timing: tracker + contour over 10 s of audio (not asserted)', () => {
  const x = harmonic(10, glide(200, 120, 10));
  const tracker = new PitchTracker();
  const contour = new PitchContour();
  const t0 = performance.now();
  let windows = 0;
  for (let i = 0; i + WIN <= x.length; i += WIN, windows++) {
    contour.push(tracker.push(x.subarray(i, i + WIN)));
    contour.finalSlope();
  }
  const perWindow = (performance.now() - t0) / windows;
  console.log(`# pitch: ${perWindow.toFixed(4)} ms per 32 ms window (${windows} windows)`);
});

test('final(beforeMs): the stretch as it was before someone else’s voice came in after the pause', () => {
  // A falling phrase, 0.3 s of pause, then 0.4 s of another voice rising (a TV after the user's question).
  const user = glide(220, 150, 0.8);
  const x = harmonic(1.5, (t) => (t < 1.1 ? user(t) : 120 * (200 / 120) ** ((t - 1.1) / 0.4)), (t) => (t < 0.8 || t >= 1.1 ? 0.3 : 0));
  const tracker = new PitchTracker();
  const c = new PitchContour();
  for (let i = 0; i + WIN <= x.length; i += WIN) c.push(tracker.push(x.subarray(i, i + WIN)));
  assert.equal(c.final()?.shape, 'rising', 'the newest stretch is the other voice’s');
  const before = c.final(700); // the user's pause began 0.7 s ago
  assert.equal(before?.shape, 'falling');
  assert.equal(c.final()?.shape, 'rising', 'the usual reading is not disturbed by the earlier one');
  assert.ok(c.isRising());
});
