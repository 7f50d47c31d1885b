/**
 * Who is speaking: cheap voice statistics, so attention can tell the main user's voice from another
 * one in the room (a TV, a second person) besides by level.
 *
 * Per 32 ms voiced window: a few mel-frequency cepstral coefficients (c1..cN of the log energies of
 * triangular mel bands, Hann window, 512-point FFT; c0 — the level — is left out, so a farther voice
 * keeps its shape) and log2 of the pitch from the PitchTracker. Unvoiced windows (fricatives, noise)
 * say little about the speaker and are skipped. A `VoiceStats` keeps the running mean and variance of
 * those features (Welford); the main user's profile is a VoiceStats learned from their first turns,
 * and `voiceDistance` says how far a segment's mean lies from it, in the user's own standard
 * deviations (root mean square over the features; the pitch can weigh more).
 * Measured on the bench's flite voices (profile from one or two requests, segments of 8-12 voiced
 * windows, pitch weight 3, pitch spread at least 0.15 octave): the same voice 0.4-1.4, a voice of the
 * other sex mostly 2-3.7, similar voices overlap.
 *
 * Cost per window: one 512-point FFT (≈ 2.3 k butterflies), 257 bins into the bands, an N×bands DCT;
 * all buffers are allocated once (the hot path allocates nothing).
 */
import { FullduplexError } from '../../errors.js';

export interface VoiceFeatureOptions {
  /** Input sample rate, Hz (the engine's 16 kHz). */
  readonly sampleRate: number;
  /** Samples per window; a power of two (512 = 32 ms, one VAD window). */
  readonly windowSamples: number;
  /** Mel bands between `minHz` and `maxHz`. */
  readonly bands: number;
  /** Band range, Hz: up to 4 kHz, where telephone and wide-band voices agree. */
  readonly minHz: number;
  readonly maxHz: number;
  /** Cepstral coefficients kept (c1..cN). */
  readonly cepstra: number;
}

export const defaultVoiceFeatureOptions: VoiceFeatureOptions = {
  sampleRate: 16000,
  windowSamples: 512,
  bands: 16,
  minHz: 100,
  maxHz: 4000,
  cepstra: 8,
};

/** Features per window: the cepstra, then log2 of the pitch. */
export function voiceFeatureCount(o: VoiceFeatureOptions = defaultVoiceFeatureOptions): number {
  return o.cepstra + 1;
}

const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const hzOfMel = (m: number) => 700 * (10 ** (m / 2595) - 1);

export class VoiceFeatures {
  readonly options: VoiceFeatureOptions;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly hann: Float64Array;
  private readonly cos: Float64Array; // FFT twiddles
  private readonly sin: Float64Array;
  private readonly bitrev: Uint32Array;
  private readonly bandLo: Uint32Array; // first FFT bin of each band
  private readonly weights: Float64Array[]; // triangular weights from bandLo on
  private readonly logBand: Float64Array;
  private readonly dct: Float64Array; // cepstra × bands
  private readonly out: Float64Array;

  constructor(options: Partial<VoiceFeatureOptions> = {}) {
    this.options = { ...defaultVoiceFeatureOptions, ...options };
    const o = this.options;
    const n = o.windowSamples;
    if (!(n >= 64 && (n & (n - 1)) === 0)) throw new FullduplexError('BAD_ARGUMENT', `voice features: windowSamples must be a power of two ≥ 64, got ${n}`);
    if (!(o.minHz > 0 && o.maxHz > o.minHz && o.maxHz <= o.sampleRate / 2)) throw new FullduplexError('BAD_ARGUMENT', 'voice features: need 0 < minHz < maxHz ≤ sampleRate / 2');
    if (!(o.bands >= 4 && o.cepstra >= 1 && o.cepstra < o.bands)) throw new FullduplexError('BAD_ARGUMENT', 'voice features: need bands ≥ 4 and 1 ≤ cepstra < bands');
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.hann = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    this.cos = Float64Array.from({ length: n / 2 }, (_, k) => Math.cos((-2 * Math.PI * k) / n));
    this.sin = Float64Array.from({ length: n / 2 }, (_, k) => Math.sin((-2 * Math.PI * k) / n));
    const bits = Math.log2(n);
    this.bitrev = Uint32Array.from({ length: n }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
    const hzPerBin = o.sampleRate / n;
    const edges = Array.from({ length: o.bands + 2 }, (_, i) => hzOfMel(mel(o.minHz) + ((mel(o.maxHz) - mel(o.minHz)) * i) / (o.bands + 1)));
    this.bandLo = new Uint32Array(o.bands);
    this.weights = [];
    for (let b = 0; b < o.bands; b++) {
      const [lo, mid, hi] = [edges[b]!, edges[b + 1]!, edges[b + 2]!];
      const first = Math.ceil(lo / hzPerBin);
      const last = Math.max(first, Math.floor(hi / hzPerBin));
      this.bandLo[b] = first;
      this.weights.push(Float64Array.from({ length: last - first + 1 }, (_, j) => {
        const hz = (first + j) * hzPerBin;
        return Math.max(0, hz <= mid ? (hz - lo) / (mid - lo) : (hi - hz) / (hi - mid));
      }));
    }
    this.logBand = new Float64Array(o.bands);
    this.dct = new Float64Array(o.cepstra * o.bands);
    for (let c = 0; c < o.cepstra; c++) for (let b = 0; b < o.bands; b++) this.dct[c * o.bands + b] = Math.cos((Math.PI * (c + 1) * (b + 0.5)) / o.bands);
    this.out = new Float64Array(voiceFeatureCount(o));
  }

  /**
   * The features of one window, or null when it is unvoiced (`f0Hz` null) or silent. The returned
   * array is reused by the next call: read or copy it before pushing again.
   */
  push(window: Int16Array, f0Hz: number | null): Float64Array | null {
    const o = this.options;
    if (window.length !== o.windowSamples) throw new FullduplexError('BAD_AUDIO', `voice features: expected ${o.windowSamples} samples, got ${window.length}`);
    if (f0Hz === null || !(f0Hz > 0)) return null;
    const { re, im } = this;
    for (let i = 0; i < re.length; i++) {
      const j = this.bitrev[i]!;
      re[j] = (window[i]! / 32768) * this.hann[i]!;
      im[j] = 0;
    }
    this.fft();
    let energy = 0;
    for (let b = 0; b < o.bands; b++) {
      const w = this.weights[b]!;
      const lo = this.bandLo[b]!;
      let e = 0;
      for (let j = 0; j < w.length; j++) e += w[j]! * (re[lo + j]! * re[lo + j]! + im[lo + j]! * im[lo + j]!);
      energy += e;
      this.logBand[b] = Math.log(e + 1e-12);
    }
    if (energy < 1e-9) return null;
    for (let c = 0; c < o.cepstra; c++) {
      let s = 0;
      for (let b = 0; b < o.bands; b++) s += this.dct[c * o.bands + b]! * this.logBand[b]!;
      this.out[c] = s / o.bands;
    }
    this.out[o.cepstra] = Math.log2(f0Hz);
    return this.out;
  }

  /** In-place iterative radix-2 FFT of re/im (already in bit-reversed order). */
  private fft(): void {
    const { re, im, cos, sin } = this;
    const n = re.length;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * step]!;
          const wi = sin[k * step]!;
          const a = start + k;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}

/** Running mean and variance of feature vectors (Welford); fixed size, no allocation per update. */
export class VoiceStats {
  private readonly mu: Float64Array;
  private readonly m2: Float64Array;
  count = 0;

  constructor(readonly dims: number = voiceFeatureCount()) {
    this.mu = new Float64Array(dims);
    this.m2 = new Float64Array(dims);
  }

  add(x: Float64Array): void {
    this.count++;
    for (let k = 0; k < this.dims; k++) {
      const d = x[k]! - this.mu[k]!;
      this.mu[k] += d / this.count;
      this.m2[k] += d * (x[k]! - this.mu[k]!);
    }
  }

  /** Fold another set of statistics into this one (Chan et al.'s parallel update). */
  merge(other: VoiceStats): void {
    if (other.count === 0) return;
    const n = this.count + other.count;
    for (let k = 0; k < this.dims; k++) {
      const d = other.mu[k]! - this.mu[k]!;
      this.m2[k] += other.m2[k]! + (d * d * this.count * other.count) / n;
      this.mu[k] += (d * other.count) / n;
    }
    this.count = n;
  }

  mean(k: number): number {
    return this.mu[k]!;
  }

  variance(k: number): number {
    return this.count > 1 ? this.m2[k]! / (this.count - 1) : 0;
  }

  clear(): void {
    this.mu.fill(0);
    this.m2.fill(0);
    this.count = 0;
  }
}

/**
 * How far a segment's mean voice lies from the user's profile: the root mean square, over the
 * features, of (segment mean − user mean) / user standard deviation, the pitch counted `pitchWeight`
 * times and its deviation taken as at least `pitchSdFloorOctaves`. Same voice: well under 1 (a segment's mean over a few hundred ms stays near the user's);
 * another voice: a different pitch or vocal tract moves it to 1 and beyond.
 */
export function voiceDistance(segment: VoiceStats, user: VoiceStats, pitchWeight: number, pitchSdFloorOctaves = 0): number {
  const pitch = segment.dims - 1;
  let sum = 0;
  let weight = 0;
  for (let k = 0; k < segment.dims; k++) {
    // A monotone first turn must not make every later intonation look like another person.
    const sd = Math.max(Math.sqrt(user.variance(k)), k === pitch ? pitchSdFloorOctaves : 0) + 1e-6;
    const z = (segment.mean(k) - user.mean(k)) / sd;
    const w = k === pitch ? pitchWeight : 1;
    sum += w * z * z;
    weight += w;
  }
  return Math.sqrt(sum / weight);
}
