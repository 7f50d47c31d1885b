/**
 * Running level statistics for one session: the background noise floor and the main user's usual
 * speech level, so the predictor can say "this voice is 12 dB quieter than the user usually is →
 * probably side talk or a TV, not a barge-in".
 *
 * Method: two decaying histograms of window levels (dBFS, `binDb` bins): one fed with non-speech
 * windows (noise floor = its `noisePercentile`), one with speech windows (user level = its
 * `speechPercentile`). A histogram percentile is robust where a mean is not: a minority of quiet side
 * talk or loud bangs barely moves an upper percentile, and the estimate is exact from the first
 * windows (no start-up bias). Old windows fade with a half-life counted in windows of that kind, so
 * the estimates adapt slowly and do not drift during long silences. The recent level is the same
 * percentile over the speech windows of the last `recentMs`, to compare like with like.
 * Per window: O(1) update (one bin), percentiles cached until the next update (O(bins) ≈ 200).
 */
import { FullduplexError } from '../../errors.js';

export interface LevelTrackerOptions {
  /** Duration of one update window, ms (one VAD window). */
  readonly windowMs: number;
  /** Histogram range and resolution, dBFS. Levels outside are clamped. */
  readonly minDb: number;
  readonly maxDb: number;
  readonly binDb: number;
  /** Percentile of non-speech levels taken as the noise floor (low: ignores occasional noises). */
  readonly noisePercentile: number;
  /** Half-life of the noise history, seconds of non-speech. */
  readonly noiseHalfLifeS: number;
  /** Percentile of speech levels taken as the user's level (upper-middle: vowels, not consonants or side talk). */
  readonly speechPercentile: number;
  /** Half-life of the speech history, seconds of speech. */
  readonly speechHalfLifeS: number;
  /** Speech windows less than this above the noise floor are ignored (VAD false alarms on noise), dB. */
  readonly minSpeechSnrDb: number;
  /** Speech needed before `userLevelDb` is reported, ms. */
  readonly minSpeechMs: number;
  /** Non-speech needed before `noiseFloorDb` is reported, ms. */
  readonly minNoiseMs: number;
  /** Span of the recent-speech level, ms. */
  readonly recentMs: number;
  /** Speech windows needed within `recentMs` before a recent level is reported. */
  readonly minRecentWindows: number;
  /** Recent speech this many dB under the user's level is likely someone else (side talk, TV). */
  readonly sideTalkMarginDb: number;
}

export const defaultLevelTrackerOptions: LevelTrackerOptions = {
  windowMs: 32,
  minDb: -100,
  maxDb: 0,
  binDb: 0.5,
  noisePercentile: 0.3,
  noiseHalfLifeS: 10,
  speechPercentile: 0.7,
  speechHalfLifeS: 60,
  minSpeechSnrDb: 6,
  minSpeechMs: 500,
  minNoiseMs: 250,
  recentMs: 480,
  minRecentWindows: 3,
  sideTalkMarginDb: 10,
};

/** Histogram whose old entries fade: new entries get ever larger weights instead of decaying all bins. */
class DecayingHistogram {
  private readonly bins: Float64Array;
  private weight = 1;
  private total = 0;
  count = 0;
  constructor(
    private readonly minDb: number,
    private readonly binDb: number,
    nBins: number,
    private readonly growth: number, // 1 / decay per entry
  ) {
    this.bins = new Float64Array(nBins);
  }
  add(db: number): void {
    const i = Math.min(this.bins.length - 1, Math.max(0, Math.floor((db - this.minDb) / this.binDb)));
    this.bins[i] += this.weight;
    this.total += this.weight;
    this.count++;
    this.weight *= this.growth;
    if (this.weight > 1e100) {
      // Rescale before overflow; ratios, hence percentiles, are unchanged.
      for (let k = 0; k < this.bins.length; k++) this.bins[k] /= this.weight;
      this.total /= this.weight;
      this.weight = 1;
    }
  }
  /** Level at percentile q (0..1), interpolated inside the bin. */
  percentile(q: number): number {
    const target = q * this.total;
    let acc = 0;
    for (let k = 0; k < this.bins.length; k++) {
      const b = this.bins[k]!;
      if (acc + b >= target && b > 0) return this.minDb + (k + (target - acc) / b) * this.binDb;
      acc += b;
    }
    return this.minDb + this.bins.length * this.binDb;
  }
  clear(): void {
    this.bins.fill(0);
    this.weight = 1;
    this.total = 0;
    this.count = 0;
  }
}

export class LevelTracker {
  readonly options: LevelTrackerOptions;
  private readonly noise: DecayingHistogram;
  private readonly speech: DecayingHistogram;
  private readonly recentDb: Float64Array; // ring of recent speech levels
  private readonly recentAt: Float64Array; // window index of each
  private readonly scratch: Float64Array;
  private recentN = 0;
  private windows = 0;
  // Cached estimates; NaN = not known yet. Each is recomputed lazily after its inputs change.
  private noiseDb = NaN;
  private userDb = NaN;
  private recentDbValue = NaN;
  private noiseValid = false;
  private userValid = false;
  private recentValid = false;

  constructor(options: Partial<LevelTrackerOptions> = {}) {
    this.options = { ...defaultLevelTrackerOptions, ...options };
    const o = this.options;
    if (!(o.windowMs > 0 && o.binDb > 0 && o.maxDb > o.minDb && o.noiseHalfLifeS > 0 && o.speechHalfLifeS > 0 && o.recentMs >= o.windowMs)) {
      throw new FullduplexError('BAD_ARGUMENT', 'level tracker: need windowMs, binDb, half-lives > 0, maxDb > minDb, recentMs >= windowMs');
    }
    if (!(o.noisePercentile >= 0 && o.noisePercentile <= 1 && o.speechPercentile >= 0 && o.speechPercentile <= 1)) {
      throw new FullduplexError('BAD_ARGUMENT', 'level tracker: percentiles must be in [0, 1]');
    }
    const nBins = Math.ceil((o.maxDb - o.minDb) / o.binDb);
    const growth = (halfLifeS: number): number => 2 ** (o.windowMs / 1000 / halfLifeS);
    this.noise = new DecayingHistogram(o.minDb, o.binDb, nBins, growth(o.noiseHalfLifeS));
    this.speech = new DecayingHistogram(o.minDb, o.binDb, nBins, growth(o.speechHalfLifeS));
    const n = Math.ceil(o.recentMs / o.windowMs);
    this.recentDb = new Float64Array(n);
    this.recentAt = new Float64Array(n).fill(-Infinity);
    this.scratch = new Float64Array(n);
  }

  /**
   * One window: its level (dBFS, e.g. PitchEstimate.energyDb) and whether it is the user's speech.
   * Pass `isSpeech` only for windows attributed to the user (VAD speech and not mostly echo); other
   * windows feed the noise floor — pass `null` for windows that should feed neither (e.g. echo).
   */
  update(levelDb: number, isSpeech: boolean | null): void {
    const o = this.options;
    const db = Number.isFinite(levelDb) ? levelDb : o.minDb;
    this.windows++;
    this.recentValid = false; // the recent span moved on
    if (isSpeech === null) return;
    if (!isSpeech) {
      this.noise.add(db);
      this.noiseValid = false;
      return;
    }
    const floor = this.noiseFloorDb;
    if (floor !== null && db < floor + o.minSpeechSnrDb) return;
    this.speech.add(db);
    this.userValid = false;
    const i = this.recentN++ % this.recentDb.length;
    this.recentDb[i] = db;
    this.recentAt[i] = this.windows;
  }

  /** Background level when nobody speaks, dBFS; null until `minNoiseMs` of non-speech. */
  get noiseFloorDb(): number | null {
    const o = this.options;
    if (!this.noiseValid) {
      this.noiseValid = true;
      this.noiseDb = this.noise.count * o.windowMs >= o.minNoiseMs ? this.noise.percentile(o.noisePercentile) : NaN;
    }
    return Number.isNaN(this.noiseDb) ? null : this.noiseDb;
  }

  /** The main user's usual speech level, dBFS; null until `minSpeechMs` of speech. */
  get userLevelDb(): number | null {
    const o = this.options;
    if (!this.userValid) {
      this.userValid = true;
      this.userDb = this.speech.count * o.windowMs >= o.minSpeechMs ? this.speech.percentile(o.speechPercentile) : NaN;
    }
    return Number.isNaN(this.userDb) ? null : this.userDb;
  }

  /** Level of the speech in the last `recentMs` (same percentile), dBFS; null with too few speech windows. */
  get recentSpeechDb(): number | null {
    if (!this.recentValid) {
      this.recentValid = true;
      this.recentDbValue = this.recentPercentile();
    }
    return Number.isNaN(this.recentDbValue) ? null : this.recentDbValue;
  }

  /** Recent speech relative to the user's usual level, dB (−12: twelve dB quieter); null if either is unknown. */
  relativeLevelDb(): number | null {
    const r = this.recentSpeechDb;
    const u = this.userLevelDb;
    return r === null || u === null ? null : r - u;
  }

  /** Any level relative to the user's usual level, dB; null before the user level is known. */
  relativeToUserDb(levelDb: number): number | null {
    const u = this.userLevelDb;
    return u === null ? null : levelDb - u;
  }

  /** Level above the noise floor, dB; null before the floor is known. */
  snrDb(levelDb: number): number | null {
    const f = this.noiseFloorDb;
    return f === null ? null : levelDb - f;
  }

  /** The recent speech is `sideTalkMarginDb` or more under the user's usual level. */
  isLikelySideTalk(): boolean {
    const rel = this.relativeLevelDb();
    return rel !== null && rel <= -this.options.sideTalkMarginDb;
  }

  reset(): void {
    this.noise.clear();
    this.speech.clear();
    this.recentAt.fill(-Infinity);
    this.recentN = 0;
    this.windows = 0;
    this.noiseValid = this.userValid = this.recentValid = false;
  }

  /** The speech percentile over speech windows still inside the recent span (NaN if too few). */
  private recentPercentile(): number {
    const o = this.options;
    const span = Math.ceil(o.recentMs / o.windowMs);
    const s = this.scratch;
    let n = 0;
    for (let k = 0; k < this.recentDb.length; k++) {
      if (this.windows - this.recentAt[k]! >= span) continue;
      // Insertion sort into the scratch buffer: at most recentMs / windowMs values, no allocation.
      const v = this.recentDb[k]!;
      let j = n++;
      while (j > 0 && s[j - 1]! > v) {
        s[j] = s[j - 1]!;
        j--;
      }
      s[j] = v;
    }
    if (n < o.minRecentWindows || n === 0) return NaN;
    const pos = o.speechPercentile * (n - 1);
    const lo = Math.floor(pos);
    return lo + 1 < n ? s[lo]! + (pos - lo) * (s[lo + 1]! - s[lo]!) : s[lo]!;
  }
}
