import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { EchoReference } from '../src/engine/evidence/echo.js';
import { rng } from './helpers/speech.js';

const RATE = 16000;
const WIN = 512;


/**
 * Speech-like test signal (float, ±1): "syllables" of 80–250 ms with random level (or a pause),
 * smooth attack/decay, a voiced part (random F0, harmonics) plus some noise.
 */
function speechLike(seconds: number, seed: number, peak = 0.3): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(Math.round(seconds * RATE));
  let i = 0;
  let phase = 0;
  while (i < out.length) {
    const len = Math.round((0.08 + 0.17 * r()) * RATE);
    const amp = r() < 0.25 ? 0 : peak * (0.2 + 0.8 * r());
    const f0 = 100 + 150 * r();
    for (let k = 0; k < len && i < out.length; k++, i++) {
      const env = Math.sin((Math.PI * k) / len);
      phase += (2 * Math.PI * f0) / RATE;
      const voiced = Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase);
      out[i] = amp * env * (0.6 * voiced + 0.3 * (2 * r() - 1));
    }
  }
  return out;
}

function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]! * 32767)));
  return out;
}

/** Mic = gain × played delayed by `delayS` + `other` (all float). */
function micFrom(played: Float64Array, delayS: number, gain: number, other?: Float64Array): Float64Array {
  const d = Math.round(delayS * RATE);
  const out = new Float64Array(played.length);
  for (let i = 0; i < out.length; i++) out[i] = (i >= d ? gain * played[i - d]! : 0) + (other ? other[i]! : 0);
  return out;
}

interface Step {
  likelihood: number;
  residualDb: number;
  t: number;
}

/** Streams played and mic audio window by window, as the engine does, and collects the results. */
function run(echo: EchoReference, played: Float64Array, mic: Float64Array): Step[] {
  const p = toInt16(played);
  const m = toInt16(mic);
  const out: Step[] = [];
  for (let i = 0; i + WIN <= m.length; i += WIN) {
    const t = i / RATE;
    echo.pushPlayed(p.subarray(i, i + WIN), t);
    const likelihood = echo.echoLikelihood(m.subarray(i, i + WIN), t);
    out.push({ likelihood, residualDb: echo.residualDb, t });
  }
  return out;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const dbToPow = (db: number): number => 10 ** (db / 10);

function windowDb(x: Float64Array, start: number): number {
  let acc = 0;
  for (let i = start; i < start + WIN; i++) acc += x[i]! * x[i]!;
  return 10 * Math.log10(acc / WIN + 1e-20);
}

test('mic = delayed, attenuated copy of the playback: high likelihood, lag and gain found', () => {
  for (const [delay, gain, seed] of [
    [0.123, 0.3, 1],
    [0.04, 0.1, 2],
    [0.25, 0.5, 3],
  ] as const) {
    const played = speechLike(6, seed);
    const floor = speechLike(6, 99, 0.0003); // a faint unrelated background
    const echo = new EchoReference();
    const steps = run(echo, played, micFrom(played, delay, gain, floor));
    // Windows after the warm-up (the first lock needs ~1 s of playback) where the echo carries real energy.
    const echoOnly = micFrom(played, delay, gain);
    const active = steps.filter((s) => s.t > 2 && windowDb(echoOnly, Math.round(s.t * RATE)) > windowDb(floor, Math.round(s.t * RATE)) + 20);
    assert.ok(active.length > 50);
    const m = mean(active.map((s) => s.likelihood));
    assert.ok(m > 0.85, `delay ${delay}: mean likelihood ${m.toFixed(3)}`);
    assert.ok(Math.abs(echo.lagMs! - delay * 1000) <= 8, `lag ${echo.lagMs} ms vs ${delay * 1000}`);
    const gDb = 20 * Math.log10(gain);
    assert.ok(Math.abs(echo.echoGainDb! - gDb) < 2, `gain ${echo.echoGainDb?.toFixed(1)} dB vs ${gDb.toFixed(1)}`);
  }
});

/** Adds sparse reflections (2–250 ms, decaying with a 300 ms RT60), `level` × the direct sound. */
function reflections(x: Float64Array, seed: number, level: number): Float64Array {
  const r = rng(seed);
  const out = Float64Array.from(x);
  for (let k = 0; k < 40; k++) {
    const d = Math.round((0.002 + 0.25 * r()) * RATE);
    const a = (r() < 0.5 ? -1 : 1) * level * 0.5 * 10 ** ((-3 * d) / RATE / 0.3);
    for (let i = d; i < x.length; i++) out[i] += a * x[i - d]!;
  }
  return out;
}

test('reverberant echo: still mostly explained, lag within 8 ms', () => {
  for (const seed of [1, 2, 3]) {
    const played = speechLike(8, 3000 + seed);
    const direct = micFrom(played, 0.08, 0.3);
    const echo = new EchoReference();
    const steps = run(echo, played, reflections(direct, seed, 0.3));
    const loud = steps.filter((s, i) => s.t > 2 && windowDb(direct, i * WIN) > -40);
    const m = mean(loud.map((s) => s.likelihood));
    assert.ok(m > 0.8, `seed ${seed}: mean likelihood ${m.toFixed(3)}`);
    assert.ok(Math.abs(echo.lagMs! - 80) <= 8, `lag ${echo.lagMs}`);
  }
});

test('mic = unrelated speech-like signal or noise while the agent talks: low likelihood', () => {
  for (const seed of [11, 12, 13, 14]) {
    const played = speechLike(6, seed);
    const user = speechLike(6, seed + 100, 0.2);
    const steps = run(new EchoReference(), played, user);
    const m = mean(steps.map((s) => s.likelihood));
    assert.ok(m < 0.1, `seed ${seed}: mean likelihood ${m.toFixed(3)}`);
  }
  const r = rng(5);
  const noise = new Float64Array(6 * RATE).map(() => 0.05 * (2 * r() - 1));
  const steps = run(new EchoReference(), speechLike(6, 21), noise);
  assert.ok(mean(steps.map((s) => s.likelihood)) < 0.1);
});

test('no playback: likelihood 0 and residual = mic level', () => {
  const user = speechLike(2, 31);
  const echo = new EchoReference();
  const steps = run(echo, new Float64Array(user.length), user);
  assert.ok(steps.every((s) => s.likelihood === 0));
  const last = steps[steps.length - 1]!;
  assert.ok(Math.abs(last.residualDb - windowDb(user, Math.round(last.t * RATE))) < 0.1);
  assert.equal(echo.lagMs, null);
});

test('echo + user speech (double talk after warm-up): residual near the user level', () => {
  const played = speechLike(8, 41);
  const user = new Float64Array(played.length);
  const u = speechLike(4, 42, 0.15);
  user.set(u, 4 * RATE); // user talks during the last 4 s only
  const echoPart = micFrom(played, 0.1, 0.3);
  const echo = new EchoReference();
  const steps = run(echo, played, micFrom(played, 0.1, 0.3, user));
  const talk = steps.filter((s) => s.t >= 4.1 && windowDb(user, Math.round(s.t * RATE)) > -35);
  assert.ok(talk.length > 30);
  // Compare in power, averaged over the windows (per-window power splits are noisy by nature).
  const userPow = mean(talk.map((s) => dbToPow(windowDb(user, Math.round(s.t * RATE)))));
  const residPow = mean(talk.map((s) => dbToPow(s.residualDb)));
  const err = 10 * Math.log10(residPow / userPow);
  assert.ok(Math.abs(err) < 2, `residual off by ${err.toFixed(2)} dB`);
  // And the share explained is roughly echo / (echo + user).
  const expected = mean(talk.map((s) => {
    const e = dbToPow(windowDb(echoPart, Math.round(s.t * RATE)));
    return e / (e + dbToPow(windowDb(user, Math.round(s.t * RATE))));
  }));
  const got = mean(talk.map((s) => s.likelihood));
  assert.ok(Math.abs(got - expected) < 0.15, `likelihood ${got.toFixed(2)} vs expected ${expected.toFixed(2)}`);
  assert.ok(echo.lagMs !== null, 'lock held through double talk');
});

test('echo path disappears (headphones): the gain drops within a few windows', () => {
  const played = speechLike(6, 51);
  const mic = micFrom(played, 0.1, 0.3);
  mic.fill(0, 3 * RATE); // echo gone after 3 s; only silence-level noise remains
  const r = rng(3);
  for (let i = 3 * RATE; i < mic.length; i++) mic[i] = 0.0005 * (2 * r() - 1);
  const steps = run(new EchoReference(), played, mic);
  const late = steps.filter((s) => s.t > 3.3);
  assert.ok(mean(late.map((s) => s.likelihood)) < 0.2);
});

test('arguments are validated', () => {
  const e = new EchoReference();
  assert.throws(() => e.echoLikelihood(new Int16Array(500), 0), (x) => isFullduplexError(x, 'BAD_AUDIO'));
  assert.throws(() => e.pushPlayed(new Int16Array(10), -1), (x) => isFullduplexError(x, 'BAD_ARGUMENT'));
  assert.throws(() => new EchoReference({ sampleRate: 48000 }), (x) => isFullduplexError(x, 'BAD_SAMPLE_RATE'));
  assert.throws(() => new EchoReference({ historyMs: 100 }), (x) => isFullduplexError(x, 'BAD_ARGUMENT'));
});

test('sanity timing: echo likelihood per window (not asserted)', () => {
  const played = speechLike(20, 61);
  const echo = new EchoReference();
  const p = toInt16(played);
  const m = toInt16(micFrom(played, 0.1, 0.3));
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i + WIN <= m.length; i += WIN, n++) {
    echo.pushPlayed(p.subarray(i, i + WIN), i / RATE);
    echo.echoLikelihood(m.subarray(i, i + WIN), i / RATE);
  }
  console.log(`# echo: ${((performance.now() - t0) / n).toFixed(4)} ms per 32 ms window (${n} windows)`);
});
