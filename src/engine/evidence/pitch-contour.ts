/**
 * Short pitch/energy history that describes how the user's last voiced stretch ended.
 *
 * Why: the final pitch movement before a pause is one of the strongest acoustic turn cues. A fall
 * suggests a finished statement; a rise suggests a question or "list intonation" (more is coming);
 * a flat pitch at a sustained level ("an-d…", "uhhh") suggests hesitation — keep listening.
 *
 * Method: the final stretch is the run of voiced frames ending at the newest voiced frame, at most
 * `finalStretchMs` long, with unvoiced gaps of up to `maxGapMs` allowed inside (consonants). Pitch is
 * taken in semitones (so a fall means the same at 100 Hz and at 250 Hz); frames more than
 * `outlierSemitones` from the stretch median are dropped (octave errors); the slope is an ordinary
 * least-squares line over time. The same fit on the frames' dB gives the energy trend.
 * Time is implicit: one pushed estimate per `frameMs`. All buffers are preallocated; the analysis
 * is computed lazily once per push.
 */
import { FullduplexError } from '../../errors.js';

export interface PitchContourOptions {
  /** Duration of one pushed estimate, ms (one VAD window). */
  readonly frameMs: number;
  /** History kept, ms; bounds how far back a final stretch can reach. */
  readonly historyMs: number;
  /** Only the last this-many ms of the final voiced stretch are fitted (the phrase-final movement). */
  readonly finalStretchMs: number;
  /** Unvoiced gaps up to this long stay inside one stretch (unvoiced consonants), ms. */
  readonly maxGapMs: number;
  /** Fewer voiced frames than this in the final stretch: no slope is reported. */
  readonly minVoicedFrames: number;
  /** Frames further than this from the stretch median, in semitones, are ignored (octave errors are 12). */
  readonly outlierSemitones: number;
  /** Slope at or below this (semitones/s) is a fall: statement-final. */
  readonly fallingStPerS: number;
  /** Slope at or above this (semitones/s) is a rise: question or continuation. */
  readonly risingStPerS: number;
  /** |slope| at or below this (semitones/s) is flat. Between flat and falling/rising is "unclear". */
  readonly flatStPerS: number;
  /** |energy slope| at or below this (dB/s) counts as a sustained level (no final decay). */
  readonly sustainedDbPerS: number;
}

export const defaultPitchContourOptions: PitchContourOptions = {
  frameMs: 32,
  historyMs: 2000,
  finalStretchMs: 400,
  maxGapMs: 100,
  minVoicedFrames: 4,
  outlierSemitones: 7,
  fallingStPerS: -3,
  risingStPerS: 3,
  flatStPerS: 1.5,
  sustainedDbPerS: 8,
};

export type FinalShape = 'falling' | 'rising' | 'flat' | 'unclear';

/** A snapshot of the final voiced stretch, for logs and decisions. */
export interface FinalStretch {
  readonly slopeStPerS: number;
  readonly energySlopeDbPerS: number;
  readonly meanF0Hz: number;
  /** Voiced frames used in the fit (after outlier removal). */
  readonly voicedFrames: number;
  /** Time covered from the first to the end of the last fitted frame, ms. */
  readonly durationMs: number;
  /** Time since the last voiced frame ended, ms (0 while still voiced). */
  readonly pauseMs: number;
  readonly shape: FinalShape;
  /** Flat pitch and no energy decay: a held sound, typical of hesitation. */
  readonly sustained: boolean;
}

const SEMITONE_REF_HZ = 100;

export class PitchContour {
  readonly options: PitchContourOptions;
  private readonly st: Float64Array; // semitones re 100 Hz; NaN = unvoiced
  private readonly db: Float64Array;
  private readonly cap: number;
  private count = 0; // frames pushed so far
  // Scratch for the lazy analysis.
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly es: Float64Array;
  private readonly sorted: Float64Array;
  private dirty = true;
  private slope = NaN;
  private eSlope = NaN;
  private meanSt = NaN;
  private used = 0;
  private spanFrames = 0;
  private pauseFrames = -1; // -1: nothing voiced in the history
  private skipFrames = 0; // the frames the cached analysis left out at the end

  constructor(options: Partial<PitchContourOptions> = {}) {
    this.options = { ...defaultPitchContourOptions, ...options };
    const o = this.options;
    if (!(o.frameMs > 0 && o.historyMs >= o.finalStretchMs && o.finalStretchMs >= o.frameMs)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch contour: need 0 < frameMs <= finalStretchMs <= historyMs');
    }
    if (!(o.fallingStPerS < 0 && o.risingStPerS > 0 && o.flatStPerS >= 0)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch contour: need fallingStPerS < 0 < risingStPerS and flatStPerS >= 0');
    }
    if (!(o.flatStPerS <= -o.fallingStPerS && o.flatStPerS <= o.risingStPerS)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch contour: flatStPerS must not exceed the falling/rising thresholds');
    }
    if (!(Number.isInteger(o.minVoicedFrames) && o.minVoicedFrames >= 2)) {
      throw new FullduplexError('BAD_ARGUMENT', 'pitch contour: minVoicedFrames must be an integer >= 2');
    }
    this.cap = Math.ceil(o.historyMs / o.frameMs);
    this.st = new Float64Array(this.cap);
    this.db = new Float64Array(this.cap);
    const n = Math.ceil(o.finalStretchMs / o.frameMs) + 1;
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.es = new Float64Array(n);
    this.sorted = new Float64Array(n);
  }

  /** Record one window's estimate (any object with `f0Hz` and `energyDb`, e.g. a PitchEstimate). */
  push(est: { readonly f0Hz: number | null; readonly energyDb: number }): void {
    const i = this.count % this.cap;
    const f0 = est.f0Hz;
    this.st[i] = f0 !== null && f0 > 0 ? 12 * Math.log2(f0 / SEMITONE_REF_HZ) : NaN;
    this.db[i] = est.energyDb;
    this.count++;
    this.dirty = true;
  }

  /** Final-stretch pitch slope, semitones per second; null without enough voiced frames. */
  finalSlope(): number | null {
    this.analyze();
    return Number.isNaN(this.slope) ? null : this.slope;
  }

  /** Final-stretch energy trend over its voiced frames, dB per second; null like finalSlope. */
  finalEnergySlope(): number | null {
    this.analyze();
    return Number.isNaN(this.eSlope) ? null : this.eSlope;
  }

  /** Time since the last voiced frame, ms (0 while voiced); null if nothing voiced is in the history. */
  pauseMs(): number | null {
    this.analyze();
    return this.pauseFrames < 0 ? null : this.pauseFrames * this.options.frameMs;
  }

  isFalling(): boolean {
    const s = this.finalSlope();
    return s !== null && s <= this.options.fallingStPerS;
  }

  isRising(): boolean {
    const s = this.finalSlope();
    return s !== null && s >= this.options.risingStPerS;
  }

  isFlat(): boolean {
    const s = this.finalSlope();
    return s !== null && Math.abs(s) <= this.options.flatStPerS;
  }

  /** Flat pitch held at a steady level: hesitation-like ("and…", "uhh…"). */
  isFlatSustained(): boolean {
    if (!this.isFlat()) return false;
    const e = this.finalEnergySlope();
    return e !== null && Math.abs(e) <= this.options.sustainedDbPerS;
  }

  /**
   * Everything about the final stretch in one object (allocates; meant for decisions at a pause and
   * logs). `beforeMs`: the stretch as it was that long ago (what came since is someone else's voice).
   */
  final(beforeMs = 0): FinalStretch | null {
    const o = this.options;
    this.analyze(Math.max(0, Math.round(beforeMs / o.frameMs)));
    if (Number.isNaN(this.slope)) return null;
    const slope = this.slope;
    const shape: FinalShape = slope <= o.fallingStPerS ? 'falling' : slope >= o.risingStPerS ? 'rising' : Math.abs(slope) <= o.flatStPerS ? 'flat' : 'unclear';
    return {
      slopeStPerS: slope,
      energySlopeDbPerS: this.eSlope,
      meanF0Hz: SEMITONE_REF_HZ * 2 ** (this.meanSt / 12),
      voicedFrames: this.used,
      durationMs: this.spanFrames * o.frameMs,
      pauseMs: this.pauseFrames * o.frameMs,
      shape,
      // As isFlatSustained(), on this analysis.
      sustained: Math.abs(slope) <= o.flatStPerS && Math.abs(this.eSlope) <= o.sustainedDbPerS,
    };
  }

  reset(): void {
    this.count = 0;
    this.dirty = true;
  }

  private analyze(skip = 0): void {
    if (!this.dirty && skip === this.skipFrames) return;
    this.dirty = false;
    this.skipFrames = skip;
    this.slope = NaN;
    this.eSlope = NaN;
    this.used = 0;
    this.spanFrames = 0;
    this.pauseFrames = -1;
    const o = this.options;
    const avail = Math.min(this.count, this.cap);
    // Walk back over the pause to the newest voiced frame.
    let back = Math.min(skip, avail);
    while (back < avail && Number.isNaN(this.st[(this.count - 1 - back) % this.cap]!)) back++;
    if (back >= avail) return;
    this.pauseFrames = back;
    const maxSpan = Math.floor(o.finalStretchMs / o.frameMs);
    const maxGap = Math.floor(o.maxGapMs / o.frameMs);
    let n = 0;
    let gap = 0;
    for (let k = 0; k <= maxSpan && back + k < avail; k++) {
      const i = (this.count - 1 - back - k) % this.cap;
      const s = this.st[i]!;
      if (Number.isNaN(s)) {
        if (++gap > maxGap) break;
        continue;
      }
      gap = 0;
      this.xs[n] = (-k * o.frameMs) / 1000;
      this.ys[n] = s;
      this.es[n] = this.db[i]!;
      n++;
    }
    if (n < o.minVoicedFrames) return;
    // Median pitch of the stretch, to drop octave jumps before fitting.
    const sorted = this.sorted.subarray(0, n);
    sorted.set(this.ys.subarray(0, n));
    sorted.sort();
    const median = n % 2 === 1 ? sorted[(n - 1) >> 1]! : 0.5 * (sorted[n / 2 - 1]! + sorted[n / 2]!);
    let sx = 0, sy = 0, se = 0, sxx = 0, sxy = 0, sxe = 0, m = 0;
    let xMin = Infinity, xMax = -Infinity;
    for (let j = 0; j < n; j++) {
      const y = this.ys[j]!;
      if (Math.abs(y - median) > o.outlierSemitones) continue;
      const x = this.xs[j]!;
      const e = this.es[j]!;
      sx += x; sy += y; se += e; sxx += x * x; sxy += x * y; sxe += x * e;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      m++;
    }
    if (m < o.minVoicedFrames) return;
    const varX = sxx - (sx * sx) / m;
    if (!(varX > 0)) return;
    this.slope = (sxy - (sx * sy) / m) / varX;
    this.eSlope = (sxe - (sx * se) / m) / varX;
    this.meanSt = sy / m;
    this.used = m;
    this.spanFrames = Math.round(((xMax - xMin) * 1000) / o.frameMs) + 1;
  }
}
