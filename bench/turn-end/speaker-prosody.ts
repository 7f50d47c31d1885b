/**
 * How the user's last words before a pause sound *relative to this speaker*: where the final pitch
 * sits in their own range, how far it fell, how loud the last syllable was against their usual level,
 * and how long the last voiced run lasted against their usual run (final lengthening).
 *
 * Why: the absolute pitch slope (pitch-contour.ts) mixes speakers — a 5 st/s fall is a lot for a
 * monotone voice and nothing for a lively one — and phrase-final intonation is mostly a *level*
 * matter: a finished statement ends low in the speaker's range, a phrase that goes on ends mid-range
 * or high ("running" intonation). So everything here is normalised by the speaker's own running
 * statistics, learned from the voiced frames heard so far (histograms: cheap quantiles, no sorting).
 *
 * Input: one pitch estimate per 32 ms window (the engine's PitchTracker stream), so a reading offline
 * is what the engine would compute online. Frames the caller marks as not the user's (the agent
 * talking) do not update the speaker's statistics.
 *
 * Not used by the engine: prosody-study.ts found that these readings add no end-of-turn signal the
 * model's 18 features lack (README, "End of turn"). Kept, with the study, so it can be rerun when the
 * scenarios or the recogniser change.
 */
import { FullduplexError } from '../../src/errors.js';

export interface SpeakerProsodyOptions {
  /** Duration of one pushed estimate, ms. */
  readonly frameMs: number;
  /** History kept for the final stretch, ms. */
  readonly historyMs: number;
  /** The "final" pitch/energy is the mean of this many last voiced frames. */
  readonly finalFrames: number;
  /** The reference the final level is compared with: voiced frames this far before the last one, ms (from, to). */
  readonly referenceFromMs: number;
  readonly referenceToMs: number;
  /** Unvoiced gaps up to this many frames stay inside one voiced run (a short consonant). */
  readonly runGapFrames: number;
  /** Fewer voiced frames heard from the speaker than this: no reading (their range is unknown). */
  readonly minSpeakerFrames: number;
  /** The speaker's range (p90 − p10) is taken as at least this many semitones. */
  readonly minRangeSt: number;
}

export const defaultSpeakerProsodyOptions: SpeakerProsodyOptions = {
  frameMs: 32,
  historyMs: 1500,
  finalFrames: 3,
  referenceFromMs: 200,
  referenceToMs: 700,
  runGapFrames: 1,
  minSpeakerFrames: 20,
  minRangeSt: 3,
};

/** The final stretch against the speaker's own statistics (all unitless, roughly within ±1.5). */
export interface SpeakerProsodyReading {
  /** Final pitch minus the speaker's median, in units of their range (p90 − p10). Low = statement-final. */
  readonly pitchLevel: number;
  /** Final pitch minus the speaker's 10th percentile, in range units (≈ 0: reached their floor). */
  readonly pitchAboveFloor: number;
  /** Final pitch minus the mean pitch 200–700 ms before it, in range units (negative: it fell). */
  readonly pitchFall: number;
  /** Final level minus the speaker's median voiced level, dB / 12. */
  readonly energyLevel: number;
  /** Final level minus the loudest voiced frame of the reference stretch, dB / 12 (decay into the pause). */
  readonly energyDrop: number;
  /** log2(last voiced run / the speaker's mean run) / 2: final lengthening (positive) or a clipped run. */
  readonly lastRun: number;
}

const ST_MIN = -24; // semitones re 100 Hz: 25 Hz
const ST_BINS = 256; // 0.25 st each: up to +40 st (≈ 1 kHz)
const ST_STEP = 0.25;
const DB_MIN = -100;
const DB_BINS = 100; // 1 dB each, up to 0 dBFS

function quantile(hist: Uint32Array, total: number, q: number, min: number, step: number): number {
  const target = q * total;
  let acc = 0;
  for (let i = 0; i < hist.length; i++) {
    acc += hist[i]!;
    if (acc >= target) return min + (i + 0.5) * step;
  }
  return min + hist.length * step;
}

export class SpeakerProsody {
  readonly options: SpeakerProsodyOptions;
  private readonly st: Float64Array; // NaN = unvoiced
  private readonly db: Float64Array;
  private readonly cap: number;
  private count = 0;
  private readonly stHist = new Uint32Array(ST_BINS);
  private readonly dbHist = new Uint32Array(DB_BINS);
  private voicedFrames = 0;
  // Voiced runs (syllable-ish): the current one and the mean of the finished ones.
  private run = 0;
  private gap = 0;
  private runs = 0;
  private runFramesTotal = 0;

  constructor(options: Partial<SpeakerProsodyOptions> = {}) {
    this.options = { ...defaultSpeakerProsodyOptions, ...options };
    const o = this.options;
    if (!(o.frameMs > 0 && o.finalFrames >= 1 && o.referenceToMs > o.referenceFromMs && o.historyMs >= o.referenceToMs + o.frameMs * o.finalFrames)) {
      throw new FullduplexError('BAD_ARGUMENT', 'speaker prosody: need frameMs > 0, finalFrames >= 1, referenceFromMs < referenceToMs and a history that holds them');
    }
    this.cap = Math.ceil(o.historyMs / o.frameMs);
    this.st = new Float64Array(this.cap);
    this.db = new Float64Array(this.cap);
  }

  /** One window's estimate; `ofUser` false keeps it out of the speaker's statistics (e.g. while the agent talks). */
  push(est: { readonly f0Hz: number | null; readonly energyDb: number }, ofUser = true): void {
    const i = this.count % this.cap;
    const voiced = est.f0Hz !== null && est.f0Hz > 0;
    const s = voiced ? 12 * Math.log2(est.f0Hz! / 100) : NaN;
    this.st[i] = s;
    this.db[i] = est.energyDb;
    this.count++;
    if (voiced) {
      if (ofUser) {
        this.stHist[Math.max(0, Math.min(ST_BINS - 1, Math.floor((s - ST_MIN) / ST_STEP)))]!++;
        this.dbHist[Math.max(0, Math.min(DB_BINS - 1, Math.floor(est.energyDb - DB_MIN)))]!++;
        this.voicedFrames++;
      }
      this.run += 1 + this.gap;
      this.gap = 0;
    } else if (this.run > 0 && ++this.gap > this.options.runGapFrames) {
      if (ofUser) {
        this.runs++;
        this.runFramesTotal += this.run;
      }
      this.run = 0;
      this.gap = 0;
    }
  }

  /** The reading at this moment (meant for a pause: the final stretch is the newest voiced frames); null until the speaker is known. */
  read(): SpeakerProsodyReading | null {
    const o = this.options;
    if (this.voicedFrames < o.minSpeakerFrames) return null;
    const avail = Math.min(this.count, this.cap);
    let back = 0;
    while (back < avail && Number.isNaN(this.st[(this.count - 1 - back) % this.cap]!)) back++;
    if (back >= avail) return null;
    const at = (k: number) => (this.count - 1 - back - k) % this.cap; // k frames before the last voiced one
    // Final: the last `finalFrames` voiced frames (gaps skipped); the last voiced run, walking back.
    let fs = 0, fe = 0, fn = 0, k = 0;
    for (; k < avail - back && fn < o.finalFrames; k++) {
      const s = this.st[at(k)]!;
      if (Number.isNaN(s)) continue;
      fs += s;
      fe += this.db[at(k)]!;
      fn++;
    }
    let lastRun = 0, gap = 0;
    for (let j = 0; j < avail - back; j++) {
      if (Number.isNaN(this.st[at(j)]!)) {
        if (++gap > o.runGapFrames) break;
        continue;
      }
      lastRun = j + 1;
      gap = 0;
    }
    const from = Math.round(o.referenceFromMs / o.frameMs);
    const to = Math.min(avail - back - 1, Math.round(o.referenceToMs / o.frameMs));
    let rs = 0, rn = 0, rMaxDb = -Infinity;
    for (let j = from; j <= to; j++) {
      const s = this.st[at(j)]!;
      if (Number.isNaN(s)) continue;
      rs += s;
      rn++;
      rMaxDb = Math.max(rMaxDb, this.db[at(j)]!);
    }
    const finalSt = fs / fn;
    const finalDb = fe / fn;
    const p10 = quantile(this.stHist, this.voicedFrames, 0.1, ST_MIN, ST_STEP);
    const p50 = quantile(this.stHist, this.voicedFrames, 0.5, ST_MIN, ST_STEP);
    const p90 = quantile(this.stHist, this.voicedFrames, 0.9, ST_MIN, ST_STEP);
    const range = Math.max(o.minRangeSt, p90 - p10);
    const dbMedian = quantile(this.dbHist, this.voicedFrames, 0.5, DB_MIN, 1);
    const meanRun = this.runs > 0 ? this.runFramesTotal / this.runs : lastRun;
    const clip = (x: number, m = 1.5) => Math.max(-m, Math.min(m, x));
    return {
      pitchLevel: clip((finalSt - p50) / range),
      pitchAboveFloor: clip((finalSt - p10) / range),
      pitchFall: rn > 0 ? clip((finalSt - rs / rn) / range) : 0,
      energyLevel: clip((finalDb - dbMedian) / 12),
      energyDrop: rn > 0 ? clip((finalDb - rMaxDb) / 12) : 0,
      lastRun: meanRun > 0 ? clip(Math.log2(Math.max(1, lastRun) / meanRun) / 2) : 0,
    };
  }

  reset(): void {
    this.count = 0;
    this.stHist.fill(0);
    this.dbHist.fill(0);
    this.voicedFrames = 0;
    this.run = 0;
    this.gap = 0;
    this.runs = 0;
    this.runFramesTotal = 0;
  }
}
