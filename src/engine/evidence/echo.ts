/**
 * Echo reference: how much of what the microphone hears is the agent's own voice coming back.
 *
 * Why: on speakerphones, laptops and browsers with weak echo cancellation the agent hears itself and
 * "barges in" on its own speech. The engine knows exactly what it played and when, so it can explain
 * that part of the mic signal away instead of muting the mic (which would lose real barge-ins).
 *
 * Method (energy envelopes, not waveforms — robust to the speaker's nonlinearity, room reverberation
 * and small clock drift that ruin sample-level correlation, and far cheaper):
 *  1. Played and mic audio are reduced to short-time energy per `hopMs` hop (4 ms), kept in rings
 *     indexed by absolute stream time.
 *  2. Lag search: for every lag 0…`maxLagMs`, running (exponentially weighted, time constant
 *     `correlationMs`, advanced only while the agent is playing) sums give the normalized correlation
 *     of the mic amplitude envelope with the lagged played envelope. Seconds of context are needed:
 *     over a few hundred ms, two unrelated speech envelopes (a syllable or two each) correlate
 *     spuriously at some lag. At ≥ `lockCorrelation` the lag is locked.
 *  3. Gain: at the locked lag, mic power is regressed on played power over the last `gainContextMs`
 *     (the intercept absorbs steady noise), only while that short stretch is itself echo-dominated
 *     (correlation ≥ `gainCorrelation`, i.e. not during double talk); estimates are smoothed.
 *  4. Per window: predicted echo = gain × played power at the lag; likelihood = min(1, predicted /
 *     mic power); residual = mic − predicted (the user, or anything else that is not echo). A mic
 *     quieter than the prediction pulls the gain down at once (`gainFastDown`): volume down, or
 *     headphones plugged in. A lock not reconfirmed for `lockHoldMs` of playback is dropped.
 *
 * Limits: broadband energy only — echo and user speech in the same 32 ms are split by power, not by
 * spectrum, so the residual is an estimate (± a few dB when echo dominates); delays beyond
 * `maxLagMs` or reverberation tails much longer than a hop are under-explained; the first lock needs
 * `minLockMs` of playback with echo (likelihood is 0 until then); a quickly changing path (AGC, a
 * moving phone) is tracked a few windows late. Mic windows must come in time order.
 * Per window: ~10 × (maxLag/hop) × (window/hop) flops for the lag statistics plus the gain context
 * (≈ 10 k at the defaults), no allocation.
 */
import { FullduplexError } from '../../errors.js';
import { HopRing } from './hop-ring.js';
import { SILENCE_DB } from './pitch.js';

export interface EchoReferenceOptions {
  /** Sample rate of both played and mic audio, Hz. Only 16000 is accepted. */
  readonly sampleRate: number;
  /** Envelope resolution, ms; also the lag resolution. Windows must be whole hops (512 = 8 × 4 ms). */
  readonly hopMs: number;
  /** Longest playback-to-mic delay searched, ms (output buffering + acoustic path). */
  readonly maxLagMs: number;
  /** Time constant of the running lag-search correlation, ms of playback. Longer: fewer false locks, slower to adapt. */
  readonly correlationMs: number;
  /** Playback needed (weighted, ms) before the first lock. */
  readonly minLockMs: number;
  /** Running envelope correlation needed to lock (or move) the echo lag. */
  readonly lockCorrelation: number;
  /** Span used to (re)estimate the echo gain at the locked lag, ms. */
  readonly gainContextMs: number;
  /**
   * Envelope correlation over the gain context needed to update the gain: an echo-dominated stretch.
   * Double talk reaches 0.8 in ~10 % of windows (and would inflate the gain); echo alone, even in a
   * reverberant room, mostly stays above 0.9.
   */
  readonly gainCorrelation: number;
  /** Weight of a new gain estimate in the smoothed gain (0..1]. */
  readonly gainSmoothing: number;
  /** When the mic is quieter than the predicted echo, the gain moves this fraction of the gap in dB [0..1]. */
  readonly gainFastDown: number;
  /** Misses smaller than this (mic under prediction, dB) are envelope jitter and leave the gain alone. */
  readonly fastDownMarginDb: number;
  /** A gain pulled this far (dB) under its last confirmed value means the echo path is gone: unlock. */
  readonly unlockDropDb: number;
  /** A lock whose running correlation stays below `lockCorrelation` this long during playback is dropped, ms. */
  readonly lockHoldMs: number;
  /** Played level (dBFS) below which audio counts as silence: no echo expected. */
  readonly minPlayedDb: number;
  /** Played audio kept, ms; must cover maxLagMs plus how far ahead of the mic playback is pushed. */
  readonly historyMs: number;
}

export const defaultEchoReferenceOptions: EchoReferenceOptions = {
  sampleRate: 16000,
  hopMs: 4,
  maxLagMs: 300,
  correlationMs: 3000,
  minLockMs: 1000,
  lockCorrelation: 0.8,
  gainContextMs: 320,
  gainCorrelation: 0.9,
  gainSmoothing: 0.3,
  gainFastDown: 0.5,
  fastDownMarginDb: 3,
  unlockDropDb: 20,
  lockHoldMs: 10000,
  minPlayedDb: -60,
  historyMs: 3000,
};

const toDb = (meanSquare: number): number => (meanSquare > 0 ? Math.max(SILENCE_DB, 10 * Math.log10(meanSquare)) : SILENCE_DB);

export class EchoReference {
  readonly options: EchoReferenceOptions;
  private readonly hop: number; // samples
  private readonly maxLag: number; // hops
  private readonly ctx: number; // gain context, hops
  private readonly decay: number; // per hop, for the running sums
  private readonly minPlayed: number; // sum of squares per hop
  private readonly played: HopRing;
  private readonly mic: HopRing;
  // Running lag-search sums: mic amplitude a, lagged played amplitude b[L].
  private w = 0;
  private sa = 0;
  private saa = 0;
  private readonly sb: Float64Array;
  private readonly sbb: Float64Array;
  private readonly sab: Float64Array;
  private readonly ap: Float64Array; // scratch: played amplitude for the window's hops and lags
  private readonly rawR: Float64Array; // scratch: correlation per lag
  private readonly smoothR: Float64Array;
  private lag = -1; // locked lag, fractional hops; -1 = not locked
  private gain = NaN; // echo power gain at the lag; NaN = unknown
  private confirmedGain = NaN; // the gain as last estimated from an echo-dominated stretch
  private readonly marginRatio: number;
  private readonly unlockRatio: number;
  private unconfirmedMs = 0;
  private corr = 0;
  private residual = SILENCE_DB;
  private micDb = SILENCE_DB;
  private echoDb = SILENCE_DB;

  constructor(options: Partial<EchoReferenceOptions> = {}) {
    this.options = { ...defaultEchoReferenceOptions, ...options };
    const o = this.options;
    if (o.sampleRate !== 16000) {
      throw new FullduplexError('BAD_SAMPLE_RATE', `echo reference: sample rate ${o.sampleRate} is not supported (use 16000)`);
    }
    this.hop = Math.round((o.hopMs * o.sampleRate) / 1000);
    if (!(this.hop >= 1 && o.maxLagMs >= 0 && o.gainContextMs >= 4 * o.hopMs && o.correlationMs > o.hopMs && o.historyMs >= o.maxLagMs + o.gainContextMs)) {
      throw new FullduplexError('BAD_ARGUMENT', 'echo reference: need hopMs > 0, gainContextMs >= 4 hops, correlationMs > hopMs, historyMs >= maxLagMs + gainContextMs');
    }
    const unit = (x: number): boolean => x > 0 && x <= 1;
    if (!(unit(o.lockCorrelation) && unit(o.gainCorrelation) && unit(o.gainSmoothing) && o.gainFastDown >= 0 && o.gainFastDown <= 1)) {
      throw new FullduplexError('BAD_ARGUMENT', 'echo reference: correlations and gainSmoothing must be in (0, 1], gainFastDown in [0, 1]');
    }
    this.maxLag = Math.round(o.maxLagMs / o.hopMs);
    this.ctx = Math.round(o.gainContextMs / o.hopMs);
    this.decay = Math.exp(-o.hopMs / o.correlationMs);
    this.minPlayed = 10 ** (o.minPlayedDb / 10) * this.hop;
    this.marginRatio = 10 ** (-o.fastDownMarginDb / 10);
    this.unlockRatio = 10 ** (-o.unlockDropDb / 10);
    this.played = new HopRing(Math.ceil(o.historyMs / o.hopMs));
    this.mic = new HopRing(Math.max(this.ctx, 64) + 1); // the gain context, or one whole window
    this.sb = new Float64Array(this.maxLag + 1);
    this.sbb = new Float64Array(this.maxLag + 1);
    this.sab = new Float64Array(this.maxLag + 1);
    this.ap = new Float64Array(this.maxLag + 64);
    this.rawR = new Float64Array(this.maxLag + 1);
    this.smoothR = new Float64Array(this.maxLag + 1);
  }

  /** Records audio the agent played; `at` is the stream time (s, mic clock) of its first sample. */
  pushPlayed(samples: Int16Array, at: number): void {
    if (!(Number.isFinite(at) && at >= 0)) throw new FullduplexError('BAD_ARGUMENT', `echo reference: bad play time ${at}`);
    const hop = this.hop;
    const s0 = Math.round(at * this.options.sampleRate);
    let i = 0;
    while (i < samples.length) {
      const h = Math.floor((s0 + i) / hop);
      const end = Math.min(samples.length, (h + 1) * hop - s0);
      let acc = 0;
      for (; i < end; i++) {
        const v = samples[i]! / 32768;
        acc += v * v;
      }
      this.played.add(h, acc);
    }
  }

  /**
   * 0..1: the share of this mic window's power explained by the agent's recent playback.
   * `time` is the stream time (s) of the window's first sample. Also updates `residualDb` & co.
   */
  echoLikelihood(micWindow: Int16Array, time: number): number {
    const hop = this.hop;
    const nh = micWindow.length / hop;
    if (!Number.isInteger(nh) || nh < 1 || nh > 64) {
      throw new FullduplexError('BAD_AUDIO', `echo reference: a mic window must be 1–64 whole ${hop}-sample hops, got ${micWindow.length} samples`);
    }
    if (!(Number.isFinite(time) && time >= 0)) throw new FullduplexError('BAD_ARGUMENT', `echo reference: bad mic time ${time}`);
    const h0 = Math.round((time * this.options.sampleRate) / hop);
    const samples = nh * hop;
    let micSum = 0;
    for (let k = 0; k < nh; k++) {
      let acc = 0;
      for (let i = k * hop, e = i + hop; i < e; i++) {
        const v = micWindow[i]! / 32768;
        acc += v * v;
      }
      this.mic.set(h0 + k, acc);
      micSum += acc;
    }
    const playing = this.updateLagStats(h0, nh);
    this.updateLock(h0 + nh, playing ? samples : 0);

    let likelihood = 0;
    let echo = 0;
    if (this.lag >= 0 && !Number.isNaN(this.gain)) {
      let playedSum = 0;
      for (let k = 0; k < nh; k++) playedSum += this.playedAtLag(h0 + k);
      if (playedSum >= this.minPlayed * nh) {
        echo = this.gain * playedSum;
        this.pullDown(micSum, echo);
        // A (near-)silent mic has nothing to explain: no echo reaches it.
        likelihood = micSum > 1e-10 * samples ? Math.min(1, echo / micSum) : 0;
      }
    }
    this.micDb = toDb(micSum / samples);
    this.echoDb = toDb(Math.min(echo, micSum) / samples);
    this.residual = toDb(Math.max(0, micSum - echo) / samples);
    return likelihood;
  }

  /** Mic level not explained by echo in the last window, dBFS (the whole mic level when not locked). */
  get residualDb(): number {
    return this.residual;
  }

  /** Mic level of the last window, dBFS. */
  get lastMicDb(): number {
    return this.micDb;
  }

  /** Predicted echo level in the last window (capped at the mic level), dBFS. */
  get lastEchoDb(): number {
    return this.echoDb;
  }

  /** Running envelope correlation at the best lag after the last window (−1..1; 0 before any playback). */
  get lastCorrelation(): number {
    return this.corr;
  }

  /** Locked playback-to-mic delay, ms (interpolated between hops); null when not locked. */
  get lagMs(): number | null {
    return this.lag < 0 ? null : this.lag * this.options.hopMs;
  }

  /** Echo power gain, dB (−10: echo arrives 10 dB below the played level); null when unknown. */
  get echoGainDb(): number | null {
    return this.lag < 0 || Number.isNaN(this.gain) ? null : toDb(this.gain);
  }

  /** Forget playback, mic history and the echo path. */
  reset(): void {
    this.played.clear();
    this.mic.clear();
    this.w = this.sa = this.saa = 0;
    this.sb.fill(0);
    this.sbb.fill(0);
    this.sab.fill(0);
    this.lag = -1;
    this.gain = this.confirmedGain = NaN;
    this.unconfirmedMs = 0;
    this.corr = 0;
    this.residual = this.micDb = this.echoDb = SILENCE_DB;
  }

  /** Step 2: advance the running sums over the window's hops; true if the agent was playing. */
  private updateLagStats(h0: number, nh: number): boolean {
    const L = this.maxLag;
    const ap = this.ap;
    // ap[j] = played amplitude at hop h0 - L + j, for j in [0, nh + L).
    let any = false;
    for (let j = 0; j < nh + L; j++) {
      const p = this.played.get(h0 - L + j);
      if (p >= this.minPlayed) any = true;
      ap[j] = Math.sqrt(p);
    }
    if (!any) return false;
    const d = this.decay;
    const minAmp = Math.sqrt(this.minPlayed);
    const { sb, sbb, sab } = this;
    for (let k = 0; k < nh; k++) {
      // Only hops with playback somewhere in the lag range move the statistics, so what was learned
      // about the echo path survives the silences between agent turns.
      let active = false;
      for (let lag = 0; lag <= L && !active; lag++) active = ap[k + L - lag]! >= minAmp;
      if (!active) continue;
      const a = Math.sqrt(this.mic.get(h0 + k));
      this.w = d * this.w + 1;
      this.sa = d * this.sa + a;
      this.saa = d * this.saa + a * a;
      for (let lag = 0; lag <= L; lag++) {
        const b = ap[k + L - lag]!;
        sb[lag] = d * sb[lag]! + b;
        sbb[lag] = d * sbb[lag]! + b * b;
        sab[lag] = d * sab[lag]! + a * b;
      }
    }
    return true;
  }

  /**
   * The mic is quieter than the predicted echo: the path got weaker. Moves the gain part of the gap in
   * dB (a 30 dB miss acts at once; envelope jitter inside the margin does not bias the gain). A gain
   * fallen `unlockDropDb` under its last confirmed value means the path is gone: drop the lock.
   */
  private pullDown(micSum: number, echo: number): void {
    const o = this.options;
    const ratio = Math.max(micSum / echo, 1e-12);
    if (ratio >= this.marginRatio) return;
    this.gain *= (ratio / this.marginRatio) ** o.gainFastDown;
    if (this.gain < this.confirmedGain * this.unlockRatio) {
      this.lag = -1;
      this.gain = NaN;
    }
  }

  /** Played power at hop `h` minus the locked (fractional) lag, interpolated between hops. */
  private playedAtLag(h: number): number {
    const l0 = Math.floor(this.lag);
    const f = this.lag - l0;
    const a = this.played.get(h - l0);
    return f === 0 ? a : (1 - f) * a + f * this.played.get(h - l0 - 1);
  }

  private correlationAt(lag: number): number {
    const w = this.w;
    const varA = this.saa - (this.sa * this.sa) / w;
    const varB = this.sbb[lag]! - (this.sb[lag]! * this.sb[lag]!) / w;
    if (!(varA > 1e-14 && varB > 1e-14)) return 0;
    return (this.sab[lag]! - (this.sa * this.sb[lag]!) / w) / Math.sqrt(varA * varB);
  }

  /** Steps 2–3: pick the best lag, lock or drop, and refresh the gain from an echo-dominated stretch. */
  private updateLock(hEnd: number, playedSamples: number): void {
    const o = this.options;
    if (playedSamples === 0 || this.w <= 0) return;
    // Correlation per lag, smoothed over ±2 hops: the 4 ms envelope still carries pitch-rate ripple,
    // which splits the peak of a delay that falls between hops into two side peaks.
    const raw = this.rawR;
    const r = this.smoothR;
    const Lmax = this.maxLag;
    for (let lag = 0; lag <= Lmax; lag++) raw[lag] = this.correlationAt(lag);
    let bestR = -Infinity;
    let bestL = 0;
    for (let lag = 0; lag <= Lmax; lag++) {
      let acc = 0;
      let wsum = 0;
      for (let k = -2; k <= 2; k++) {
        const j = lag + k;
        if (j < 0 || j > Lmax) continue;
        const w = 3 - Math.abs(k);
        acc += w * raw[j]!;
        wsum += w;
      }
      r[lag] = acc / wsum;
      if (r[lag]! > bestR) {
        bestR = r[lag]!;
        bestL = lag;
      }
    }
    this.corr = bestR;
    // Weighted playback seen so far, in ms (saturates at correlationMs).
    const seenMs = this.w * o.hopMs;
    if (bestR >= o.lockCorrelation && seenMs >= o.minLockMs) {
      // Parabolic peak interpolation: echo delays fall between 4 ms hops.
      let frac = 0;
      if (bestL > 0 && bestL < Lmax) {
        const a = r[bestL - 1]!;
        const c = r[bestL + 1]!;
        const den = a - 2 * bestR + c;
        if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
      }
      this.lag = bestL + frac;
      this.unconfirmedMs = 0;
    } else if (this.lag >= 0) {
      this.unconfirmedMs += (playedSamples * 1000) / o.sampleRate;
      if (this.unconfirmedMs > o.lockHoldMs) {
        this.lag = -1;
        this.gain = NaN;
      }
    }
    if (this.lag >= 0) this.refreshGain(hEnd);
  }

  /** Step 3: regress mic power on played power at the locked lag over the gain context. */
  private refreshGain(hEnd: number): void {
    const C = this.ctx;
    let sx = 0, sy = 0, sxx = 0, sxy = 0;
    let ax = 0, ay = 0, axx = 0, ayy = 0, axy = 0;
    for (let i = hEnd - C; i < hEnd; i++) {
      const x = this.playedAtLag(i);
      const y = this.mic.get(i);
      sx += x; sy += y; sxx += x * x; sxy += x * y;
      const u = Math.sqrt(x);
      const v = Math.sqrt(y);
      ax += u; ay += v; axx += x; ayy += y; axy += u * v;
    }
    // Echo-dominated only: the amplitude envelopes must match closely over this short stretch.
    const va = axx - (ax * ax) / C;
    const vb = ayy - (ay * ay) / C;
    if (!(va > 1e-14 && vb > 1e-14)) return;
    const r = (axy - (ax * ay) / C) / Math.sqrt(va * vb);
    if (r < this.options.gainCorrelation) return;
    const varX = sxx - (sx * sx) / C;
    if (!(varX > 0)) return;
    const g = Math.max(0, (sxy - (sx * sy) / C) / varX);
    this.gain = Number.isNaN(this.gain) ? g : this.gain + this.options.gainSmoothing * (g - this.gain);
    this.confirmedGain = this.gain;
  }
}
