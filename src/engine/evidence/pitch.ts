/**
 * Streaming F0 (pitch) tracker for the duplex predictor's prosody evidence.
 *
 * Method: YIN (de Cheveigné & Kawahara 2002). For every 32 ms window we analyse the newest
 * `analysisMs` of audio (the window plus a little history), compute the squared-difference function
 * d(τ) for lags up to the longest period, normalise it by its running mean (the "cumulative mean
 * normalised difference", CMND, ≈ 0 for a perfectly periodic signal, ≈ 1 for noise), take the first
 * dip below `voicingThreshold` inside the allowed F0 range and refine it by parabolic interpolation.
 * The CMND value at the chosen lag is the aperiodicity; `1 − aperiodicity` is the voicing confidence.
 *
 * Cost: the analysis runs at 8 kHz (`decimation` 2; worst F0 error on harmonic tones 65–390 Hz
 * ≈ 0.3 %). Unvoiced sound searches every lag, (analysis − maxLag) × maxLag ≈ 25 k multiply-adds
 * (≈ 60–80 µs in V8); voiced windows stop right after the first dip (≈ 30–40 µs); windows under
 * `minVoicedDb` skip the search. Buffers are allocated once; the returned estimate is the only
 * per-window allocation. The final-pitch contour is in pitch-contour.ts.
 */
import { FullduplexError } from '../../errors.js';

export { PitchContour, defaultPitchContourOptions } from './pitch-contour.js';
export type { PitchContourOptions, FinalStretch, FinalShape } from './pitch-contour.js';

/** Level reported for digital silence instead of −∞, so downstream averages stay finite. */
export const SILENCE_DB = -120;

export interface PitchTrackerOptions {
  /** Input sample rate, Hz. Only 16000 is accepted (the VAD/ASR rate). */
  readonly sampleRate: number;
  /** Samples per pushed window (512 = 32 ms, one Silero VAD window). */
  readonly windowSamples: number;
  /** Length of the analysed frame ending at the newest sample, ms. Must hold two periods of `minF0Hz`-ish. */
  readonly analysisMs: number;
  /** Lowest F0 searched, Hz (deep male voices reach ~60 Hz). */
  readonly minF0Hz: number;
  /** Highest F0 searched, Hz (children and raised female voices reach ~400 Hz). */
  readonly maxF0Hz: number;
  /** Largest CMND (aperiodicity) still called voiced; YIN uses 0.1–0.15 for clean audio, speech needs more slack. */
  readonly voicingThreshold: number;
  /** Windows quieter than this (dBFS) are unvoiced whatever their periodicity (hum, bleed, dither). */
  readonly minVoicedDb: number;
  /**
   * Analyse at sampleRate / decimation (pairs averaged for 2). Voice F0 and its first harmonics sit far
   * below 4 kHz, so 2 keeps the accuracy and costs a quarter; 1 analyses at the full rate.
   */
  readonly decimation: number;
}

export const defaultPitchTrackerOptions: PitchTrackerOptions = {
  sampleRate: 16000,
  windowSamples: 512,
  analysisMs: 40,
  minF0Hz: 60,
  maxF0Hz: 400,
  voicingThreshold: 0.3,
  minVoicedDb: -55,
  decimation: 2,
};

export interface PitchEstimate {
  /** Fundamental frequency, Hz; null when the window is unvoiced. */
  readonly f0Hz: number | null;
  /** Voicing confidence 0..1 (1 − YIN aperiodicity); reported for unvoiced windows too (0 below minVoicedDb). */
  readonly voicing: number;
  /** RMS level of the pushed window, dBFS (`SILENCE_DB` for digital silence). */
  readonly energyDb: number;
}

export class PitchTracker {
  readonly options: PitchTrackerOptions;
  private readonly frame: Float64Array; // newest `analysis` samples, scaled to ±1
  private readonly cmnd: Float64Array;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly integration: number; // YIN's W: samples summed per lag
  private aperiodicity = 1; // CMND at the lag chosen by the last yin() call
  private readonly rate: number; // analysis rate after decimation

  constructor(options: Partial<PitchTrackerOptions> = {}) {
    this.options = { ...defaultPitchTrackerOptions, ...options };
    const o = this.options;
    if (o.sampleRate !== 16000) {
      throw new FullduplexError('BAD_SAMPLE_RATE', `pitch tracker: sample rate ${o.sampleRate} is not supported (use 16000)`);
    }
    if (!Number.isInteger(o.windowSamples) || o.windowSamples <= 0) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch tracker: windowSamples must be a positive integer');
    }
    if (!(o.minF0Hz > 0 && o.maxF0Hz > o.minF0Hz && o.maxF0Hz < o.sampleRate / 4)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch tracker: need 0 < minF0Hz < maxF0Hz < sampleRate / 4');
    }
    if (!(Number.isInteger(o.decimation) && o.decimation >= 1 && o.windowSamples % o.decimation === 0)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch tracker: decimation must be a positive integer dividing windowSamples');
    }
    this.rate = o.sampleRate / o.decimation;
    if (!(o.maxF0Hz < this.rate / 4)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch tracker: maxF0Hz must stay under a quarter of the decimated rate');
    }
    if (!(o.voicingThreshold > 0 && o.voicingThreshold < 1)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch tracker: voicingThreshold must be in (0, 1)');
    }
    const analysis = Math.round((o.analysisMs * this.rate) / 1000);
    this.minLag = Math.max(2, Math.floor(this.rate / o.maxF0Hz));
    this.maxLag = Math.ceil(this.rate / o.minF0Hz);
    this.integration = analysis - this.maxLag;
    // YIN needs the integration window to span at least one longest period to see it repeat.
    if (this.integration < this.maxLag) {
      throw new FullduplexError(
        'BAD_ARGUMENT',
        `pitch tracker: analysisMs ${o.analysisMs} is too short for minF0Hz ${o.minF0Hz} (needs ≥ ${((2 * this.maxLag * 1000) / this.rate).toFixed(1)} ms)`,
      );
    }
    this.frame = new Float64Array(analysis);
    this.cmnd = new Float64Array(this.maxLag + 2);
  }

  /** Analyse one window of exactly `windowSamples` samples (the newest audio). */
  push(window: Int16Array): PitchEstimate {
    const n = this.options.windowSamples;
    if (window.length !== n) {
      throw new FullduplexError('BAD_AUDIO', `pitch tracker: expected ${n} samples per window, got ${window.length}`);
    }
    const energyDb = this.shiftIn(window);
    // Too quiet to be called voiced anyway: skip the search (most windows of a conversation).
    if (energyDb < this.options.minVoicedDb) return { f0Hz: null, voicing: 0, energyDb };
    const f0 = this.yin();
    const aperiodicity = this.aperiodicity;
    const f0Hz = Number.isNaN(f0) ? null : f0;
    const voiced = f0Hz !== null && aperiodicity <= this.options.voicingThreshold && energyDb >= this.options.minVoicedDb;
    const voicing = Math.min(1, Math.max(0, 1 - aperiodicity));
    return { f0Hz: voiced ? f0Hz : null, voicing, energyDb };
  }

  /** Forget the audio history (e.g. at a stream discontinuity). */
  reset(): void {
    this.frame.fill(0);
  }

  /** Slides the (decimated) window into the analysis frame; returns the window's level in dBFS. */
  private shiftIn(window: Int16Array): number {
    const f = this.frame;
    const n = window.length;
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const v = window[i]!;
      acc += v * v;
    }
    const m = n / this.options.decimation; // decimated samples in this window
    if (m >= f.length) {
      const off = m - f.length;
      for (let i = 0; i < f.length; i++) this.put(window, i, off + i);
    } else {
      f.copyWithin(0, m);
      const off = f.length - m;
      for (let i = 0; i < m; i++) this.put(window, off + i, i);
    }
    const ms = acc / (n * 32768 * 32768);
    return ms > 0 ? Math.max(SILENCE_DB, 10 * Math.log10(ms)) : SILENCE_DB;
  }

  /** frame[dst] = box average of the `decimation` input samples of decimated index `src` (a crude low-pass, enough far below Nyquist). */
  private put(window: Int16Array, dst: number, src: number): void {
    const D = this.options.decimation;
    let v = 0;
    for (let k = src * D, e = k + D; k < e; k++) v += window[k]!;
    this.frame[dst] = v / (32768 * D);
  }

  /** YIN on the current frame: F0 of the best period (NaN if out of range); sets `aperiodicity`. */
  private yin(): number {
    const x = this.frame;
    const c = this.cmnd;
    const W = this.integration;
    const { minLag, maxLag } = this;
    const threshold = this.options.voicingThreshold;
    let running = 0;
    c[0] = 1;
    // Computed lag by lag so the search can stop right after the first dip: the fundamental (not a
    // multiple of the period) is the first dip below the threshold; its local minimum is the period.
    // Voiced speech therefore costs a fraction of the full lag range; noise pays for all of it.
    let best = -1;
    let inDip = false;
    let argmin = minLag;
    for (let tau = 1; tau <= maxLag; tau++) {
      let s = 0;
      for (let j = 0; j < W; j++) {
        const d = x[j]! - x[j + tau]!;
        s += d * d;
      }
      running += s;
      const v = running > 0 ? (s * tau) / running : 1;
      c[tau] = v;
      if (tau < minLag) continue;
      if (inDip) {
        if (v >= c[tau - 1]!) {
          best = tau - 1;
          break;
        }
      } else if (v < threshold) {
        inDip = true;
      }
      if (v < c[argmin]!) argmin = tau;
    }
    if (best < 0) best = inDip ? maxLag : argmin;
    this.aperiodicity = c[best]!;
    // A minimum on the search edge is usually a period outside the range, not a real F0.
    if (best <= minLag || best >= maxLag) return NaN;
    const a = c[best - 1]!;
    const b = c[best]!;
    const d = c[best + 1]!;
    const denom = a - 2 * b + d;
    let shift = denom > 0 ? (0.5 * (a - d)) / denom : 0;
    if (shift > 1 || shift < -1) shift = 0;
    return this.rate / (best + shift);
  }
}
