/**
 * Per-speaker audio effects for scenario voices: pitch shift, EQ tilt, telephone band and a small
 * room. Own DSP (no subprocess), so every effect is deterministic; the room's impulse response has no
 * random part at all (a Schroeder reverberator).
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { clamp16 } from './audio.js';
import { changeRate } from './stretch.js';

/** Pitch by `semitones` and tempo by `tempo` (1.1 = 10 % faster), formants moving with the pitch. */
export async function pitchAndTempo(f: PcmFrame, semitones: number, tempo: number): Promise<PcmFrame> {
  const factor = 2 ** (semitones / 12);
  // Read `factor` times faster at the same rate: pitch and tempo both rise by `factor`.
  const out = semitones === 0 ? f : { samples: stepThrough(f.samples, factor), sampleRate: f.sampleRate };
  // The tempo WSOLA still has to add to reach `tempo`.
  const rest = tempo / (f.samples.length > 0 && out.samples.length > 0 ? f.samples.length / out.samples.length : 1);
  return Math.abs(rest - 1) < 1e-6 ? out : changeRate(out, rest);
}

/** Half-width of the interpolation kernel, input samples. */
const SINC_HALF = 16;

/** `x` read at a step of `step` samples by windowed-sinc interpolation (low-passed below the new Nyquist when step > 1). */
function stepThrough(x: Int16Array, step: number): Int16Array {
  const cut = Math.min(1, 1 / step);
  const half = Math.ceil(SINC_HALF / cut);
  const n = Math.floor(x.length / step);
  const out = new Int16Array(n);
  for (let m = 0; m < n; m++) {
    const c = m * step;
    const lo = Math.max(0, Math.ceil(c - half));
    const hi = Math.min(x.length - 1, Math.floor(c + half));
    let acc = 0;
    for (let k = lo; k <= hi; k++) {
      const d = k - c;
      const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / (half + 1)); // Hann window
      const s = d === 0 ? 1 : Math.sin(Math.PI * cut * d) / (Math.PI * cut * d);
      acc += x[k]! * cut * s * w;
    }
    out[m] = clamp16(acc);
  }
  return out;
}

/** Highs against lows by `db` (split at `cornerHz` by a one-pole filter), overall balance kept. */
export function tilt(f: PcmFrame, db: number, cornerHz: number): PcmFrame {
  if (db === 0) return f;
  const a = Math.exp((-2 * Math.PI * cornerHz) / f.sampleRate);
  const gLow = 10 ** (-db / 40);
  const gHigh = 10 ** (db / 40);
  let low = 0;
  const out = new Int16Array(f.samples.length);
  for (let i = 0; i < out.length; i++) {
    const x = f.samples[i]!;
    low = (1 - a) * x + a * low;
    out[i] = clamp16(low * gLow + (x - low) * gHigh);
  }
  return { samples: out, sampleRate: f.sampleRate };
}

/** A telephone line: band-limited to `band` Hz (two 2nd-order sections each side) and carried at 8 kHz. */
export async function telephone(f: PcmFrame, band: readonly [number, number]): Promise<PcmFrame> {
  let x: Float64Array = Float64Array.from(f.samples);
  for (let k = 0; k < 2; k++) {
    x = biquad(x, highPass(band[0], f.sampleRate));
    x = biquad(x, lowPass(band[1], f.sampleRate));
  }
  const narrow = await resample({ samples: Int16Array.from(x, clamp16), sampleRate: f.sampleRate }, 8000);
  return resample(narrow, f.sampleRate);
}

/**
 * A small room (Schroeder: four parallel feedback combs, two all-passes), `wet` of reverberation
 * mixed with the dry voice; the clip grows by the reverberation time.
 */
export function room(f: PcmFrame, rt60S: number, wet: number): PcmFrame {
  const sr = f.sampleRate;
  const n = f.samples.length + Math.round(rt60S * sr);
  const dry = new Float64Array(n);
  dry.set(f.samples);
  const tail = new Float64Array(n);
  // Mutually prime-ish delays of a small room, ms.
  for (const ms of [29.7, 37.1, 41.1, 43.7]) {
    const d = Math.round((ms / 1000) * sr);
    const g = 10 ** ((-3 * ms) / 1000 / rt60S);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = dry[i]! + (i >= d ? g * y[i - d]! : 0);
    for (let i = 0; i < n; i++) tail[i]! += y[i]! / 4;
  }
  let y: Float64Array = tail;
  for (const ms of [5, 1.7]) y = allPass(y, Math.round((ms / 1000) * sr), 0.7);
  // Scale the tail to the dry voice's energy before mixing, so `wet` means the same in every room.
  const e = (v: Float64Array) => v.reduce((s, z) => s + z * z, 0);
  const k = Math.sqrt(e(dry) / (e(y) || 1));
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = clamp16((1 - wet) * dry[i]! + wet * k * y[i]!);
  return { samples: out, sampleRate: sr };
}

function allPass(x: Float64Array, d: number, g: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xd = i >= d ? x[i - d]! : 0;
    const yd = i >= d ? y[i - d]! : 0;
    y[i] = -g * x[i]! + xd + g * yd;
  }
  return y;
}

interface Biquad {
  readonly b: readonly [number, number, number];
  readonly a: readonly [number, number];
}

/** RBJ cookbook high-pass / low-pass, Q = 1/√2. */
function highPass(hz: number, sr: number): Biquad {
  const w = (2 * Math.PI * hz) / sr;
  const al = Math.sin(w) / Math.SQRT2;
  const c = Math.cos(w);
  const a0 = 1 + al;
  return { b: [(1 + c) / 2 / a0, -(1 + c) / a0, (1 + c) / 2 / a0], a: [(-2 * c) / a0, (1 - al) / a0] };
}

function lowPass(hz: number, sr: number): Biquad {
  const w = (2 * Math.PI * hz) / sr;
  const al = Math.sin(w) / Math.SQRT2;
  const c = Math.cos(w);
  const a0 = 1 + al;
  return { b: [(1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0], a: [(-2 * c) / a0, (1 - al) / a0] };
}

function biquad(x: Float64Array, f: Biquad): Float64Array {
  const y = new Float64Array(x.length);
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = f.b[0] * x[i]! + f.b[1] * x1 + f.b[2] * x2 - f.a[0] * y1 - f.a[1] * y2;
    x2 = x1;
    x1 = x[i]!;
    y2 = y1;
    y1 = v;
    y[i] = v;
  }
  return y;
}
