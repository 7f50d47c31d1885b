/**
 * Full-Duplex-Bench v1 backchannel scoring (benchmarks.md, "Backchannel"): classify each VAD
 * segment of the system output as a takeover or a backchannel, then compare the timing of the
 * backchannels with a reference (human) timing by Jensen–Shannon distance.
 */
import { FullduplexError } from '../../src/errors.js';
import type { TakeoverValue } from './takeover.js';
import {
  leq,
  mean,
  sortSegments,
  stats,
  validateSegments,
  validateWords,
  type Segment,
  type Stats,
  type Word,
} from './types.js';

export const BACKCHANNEL = {
  /** Upstream `window_size`: histogram bin width, seconds. */
  binS: 0.2,
  /** Upstream `epsilon`: added to every bin before normalising so no bin is exactly 0. */
  epsilon: 1e-10,
  /** Upstream `time_threshold`: a VAD segment longer than this is the system formally speaking. */
  longSegmentS: 3,
  /** More than this many overlapping ASR words in a segment is a turn, not a backchannel. */
  maxWordsBeforeTurn: 3,
  /** A backchannel lasts under this many seconds... */
  backchannelMaxDurationS: 1,
  /** ...and has at most this many ASR words (0 counts: VAD heard a short "mm" the ASR dropped). */
  backchannelMaxWords: 2,
  /**
   * Reference onset after a user phrase end: human backchannels start a median ~140 ms after the
   * phrase they respond to (benchmarks.md, "Human baselines").
   */
  referenceOnsetOffsetS: 0.14,
  /**
   * A user pause at least this long marks a phrase boundary for the reference. Shorter VAD gaps are
   * mostly stop closures and breaths inside a phrase; ~200 ms is the typical gap at which listeners
   * treat speech as having reached a boundary (turn gaps ~200 ms, Stivers et al. 2009).
   */
  referenceMinPauseS: 0.2,
} as const;

export type SegmentVerdictReason = 'long_segment' | 'many_words' | 'backchannel' | 'not_backchannel';

export interface SegmentVerdict {
  readonly segment: Segment;
  readonly words: number;
  readonly to: TakeoverValue;
  readonly reason: SegmentVerdictReason;
}

/**
 * Upstream's word test (eval_backchannel.py, eval_backchannel(): the three `if/elif` tests on each
 * chunk of output.json): a word counts for a segment [s, e] when it lies inside it, or starts at or
 * before e and ends after e, or starts at or before s and ends after s. So a word starting exactly
 * at e counts, and a word ending exactly at s does not.
 */
export function wordsInSegment(segment: Segment, words: readonly Word[]): number {
  const { start: s, end: e } = segment;
  return words.filter((w) => (w.start >= s && w.end <= e) || (w.start <= e && w.end > e) || (w.start <= s && w.end > s)).length;
}

/**
 * One segment, in the rule's order: > 3 s → TO; else > 3 words → TO; else under 1 s with ≤ 2 words
 * → backchannel; anything else (1–3 s, or 3 words under 1 s) → TO. Plain float comparisons, as
 * upstream's (`duration > time_threshold`, `duration < 1`): a 1.2 − 0.2 = 0.9999999999999999 s
 * segment is under 1 s.
 */
export function classifyBackchannelSegment(segment: Segment, words: readonly Word[]): SegmentVerdict {
  const duration = segment.end - segment.start;
  const n = wordsInSegment(segment, words);
  if (duration > BACKCHANNEL.longSegmentS) return { segment, words: n, to: 1, reason: 'long_segment' };
  if (n > BACKCHANNEL.maxWordsBeforeTurn) return { segment, words: n, to: 1, reason: 'many_words' };
  if (duration < BACKCHANNEL.backchannelMaxDurationS && n <= BACKCHANNEL.backchannelMaxWords) {
    return { segment, words: n, to: 0, reason: 'backchannel' };
  }
  return { segment, words: n, to: 1, reason: 'not_backchannel' };
}

/**
 * Normalised histogram of event times over [0, durationS] in bins of binS, with epsilon added to
 * every bin first, binned as upstream (eval_backchannel.py, eval_backchannel()): there are
 * int(durationS / binS) + 1 bins; an event at t is in bin int(t / binS), the plain float quotient
 * truncated, so 0.6 s lands in bin 2 (0.6 / 0.2 = 2.9999999999999996); bins past the last are
 * dropped. A number is one instant (one bin); a Segment fills every bin from its start's to its
 * end's. With no events the result is uniform.
 */
export function histogram(
  events: ReadonlyArray<number | Segment>,
  durationS: number,
  binS: number = BACKCHANNEL.binS,
): number[] {
  if (!(durationS > 0) || !Number.isFinite(durationS)) {
    throw new FullduplexError('BAD_ARGUMENT', `histogram durationS must be > 0, got ${durationS}`);
  }
  if (!(binS > 0)) throw new FullduplexError('BAD_ARGUMENT', `histogram binS must be > 0, got ${binS}`);
  const nBins = Math.trunc(durationS / binS) + 1;
  const counts = new Array<number>(nBins).fill(0);
  for (const e of events) {
    const seg = typeof e === 'number' ? { start: e, end: e } : e;
    validateSegments([seg], 'histogram event');
    if (seg.start < 0) throw new FullduplexError('BAD_ARGUMENT', `histogram event before 0 s: ${seg.start}`);
    const last = Math.min(nBins - 1, Math.trunc(seg.end / binS));
    for (let i = Math.trunc(seg.start / binS); i <= last; i++) counts[i]! += 1;
  }
  const withEps = counts.map((c) => c + BACKCHANNEL.epsilon);
  const total = withEps.reduce((a, b) => a + b, 0);
  return withEps.map((c) => c / total);
}

/**
 * Jensen–Shannon DISTANCE: sqrt of the JS divergence with natural logs, so 0 for identical and
 * sqrt(ln 2) ≈ 0.833 for disjoint distributions. Inputs are normalised first (as scipy does);
 * they must have the same length (see resampleDistribution) and non-negative entries.
 */
export function jsDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length || p.length === 0) {
    throw new FullduplexError('BAD_ARGUMENT', `jsDistance needs equal, non-zero lengths, got ${p.length} and ${q.length}`);
  }
  const pn = normalise(p, 'p');
  const qn = normalise(q, 'q');
  let js = 0;
  for (let i = 0; i < pn.length; i++) {
    const m = (pn[i]! + qn[i]!) / 2;
    // 0 · ln(0 / m) is taken as 0 (its limit), so empty bins contribute nothing.
    if (pn[i]! > 0) js += 0.5 * pn[i]! * Math.log(pn[i]! / m);
    if (qn[i]! > 0) js += 0.5 * qn[i]! * Math.log(qn[i]! / m);
  }
  // Rounding can leave a tiny negative divergence for identical inputs.
  return Math.sqrt(Math.max(0, js));
}

function normalise(v: readonly number[], name: string): number[] {
  let total = 0;
  for (const x of v) {
    if (!(x >= 0) || !Number.isFinite(x)) throw new FullduplexError('BAD_ARGUMENT', `${name} has a bad entry: ${x}`);
    total += x;
  }
  if (total <= 0) throw new FullduplexError('BAD_ARGUMENT', `${name} sums to 0`);
  return v.map((x) => x / total);
}

/**
 * Linear resampling of a distribution to n points over the same [0, 1] axis (then renormalised),
 * for a precomputed reference histogram whose bin count differs from the output's.
 */
export function resampleDistribution(dist: readonly number[], n: number): number[] {
  if (dist.length === 0 || !Number.isInteger(n) || n < 1) {
    throw new FullduplexError('BAD_ARGUMENT', `resampleDistribution needs a non-empty input and n ≥ 1`);
  }
  if (dist.length === 1 || n === 1) return normalise(new Array<number>(n).fill(dist[0]!), 'dist');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = (i / (n - 1)) * (dist.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(dist.length - 1, lo + 1);
    out.push(dist[lo]! + (dist[hi]! - dist[lo]!) * (x - lo));
  }
  return normalise(out, 'dist');
}

export interface ReferenceOptions {
  /** Drop reference times after the clip ends. */
  readonly durationS?: number;
  /** Further phrase boundaries (seconds) from another source: pause annotations, pitch resets. */
  readonly extraBoundariesS?: readonly number[];
  readonly minPauseS?: number;
  readonly onsetOffsetS?: number;
}

/**
 * A reference backchannel timing for a sample without human annotation: one backchannel
 * referenceOnsetOffsetS (0.14 s) after every user phrase boundary. A boundary is the end of a
 * user VAD segment followed by a pause ≥ referenceMinPauseS, or by nothing (the last segment),
 * plus any extra boundaries given. Why this shape: listeners time backchannels to phrase ends
 * (median +140 ms, most within −0.5…+0.8 s); ~80 % fall in overlap because the speaker usually
 * resumes right after a short pause. Every boundary gets equal weight because only the shape of
 * the distribution enters the JSD, and we have no basis to favour one boundary over another.
 * Times are sorted and deduplicated.
 */
export function referenceBackchannelTimes(userSegments: readonly Segment[], options: ReferenceOptions = {}): number[] {
  validateSegments(userSegments, 'user segment');
  const minPause = options.minPauseS ?? BACKCHANNEL.referenceMinPauseS;
  const offset = options.onsetOffsetS ?? BACKCHANNEL.referenceOnsetOffsetS;
  const segs = sortSegments(userSegments);
  const boundaries: number[] = [];
  let runEnd = -Infinity;
  for (let i = 0; i < segs.length; i++) {
    runEnd = Math.max(runEnd, segs[i]!.end);
    const next = segs[i + 1];
    if (next === undefined || leq(minPause, next.start - runEnd)) boundaries.push(runEnd);
  }
  for (const b of options.extraBoundariesS ?? []) {
    if (!Number.isFinite(b)) throw new FullduplexError('BAD_ARGUMENT', `bad extra boundary ${b}`);
    boundaries.push(b);
  }
  const times = boundaries
    .map((b) => b + offset)
    .filter((t) => t >= 0 && (options.durationS === undefined || leq(t, options.durationS)))
    .sort((a, b) => a - b);
  return times.filter((t, i) => i === 0 || t !== times[i - 1]);
}

export interface BackchannelInput {
  /**
   * VAD speech segments of the system output. For upstream's numbers, in seconds as Silero's
   * `return_seconds=True` gives them (rounded to 0.1 s: see returnSeconds in speech-timestamps.ts).
   */
  readonly outputSegments: readonly Segment[];
  /** ASR words of the system output. */
  readonly outputWords: readonly Word[];
  /** Length of output.wav, seconds (frequency denominator and histogram extent, as upstream). */
  readonly outputDurationS: number;
  /** Reference backchannel times or intervals, binned like the output. */
  readonly reference?: ReadonlyArray<number | Segment>;
  /**
   * Or the reference as a distribution, as upstream's icc_gt_distribution.json holds one per
   * recording: linearly resampled to the output's bin count (upstream's interp1d), then compared.
   */
  readonly referenceDistribution?: readonly number[];
}

export interface BackchannelOptions {
  /**
   * 'upstream' (eval_backchannel.py, eval_backchannel()): segments are scanned in time order; a
   * > 3 s segment sets TO = 1 and ends the scan; every other segment scanned sets TO to its own
   * verdict (so the last one decides) and is counted as a backchannel for frequency and JSD,
   * whatever its verdict. 'any' (the bench's own): TO = 1 when any segment is a takeover, and only
   * segments classified as backchannels count.
   */
  readonly aggregation?: 'any' | 'upstream';
  /**
   * What of a system backchannel is binned: 'onset' its start instant, comparable with a reference
   * of onset times; 'interval' its whole [start, end], as upstream does. Default: 'interval' with
   * upstream aggregation, else 'onset'.
   */
  readonly events?: 'onset' | 'interval';
}

export interface BackchannelResult {
  readonly to: TakeoverValue;
  /** The segments counted as backchannels (upstream: every segment scanned). */
  readonly backchannels: readonly Segment[];
  /** Backchannels per second of output. */
  readonly frequencyHz: number;
  /** JS distance to the reference; 1 when the system made no backchannel. */
  readonly jsd: number;
  readonly segments: readonly SegmentVerdict[];
  /**
   * The bench's own reading of the same output beside upstream's ('any' aggregation on VAD times
   * at full resolution: a sample with any takeover segment is a takeover, and only true
   * backchannels count), when the caller computed it.
   */
  readonly own?: OwnBackchannel;
}

/** The bench's own backchannel figures for one sample, reported under their own names. */
export interface OwnBackchannel {
  readonly to: TakeoverValue;
  readonly frequencyHz: number;
  readonly jsd: number;
}

export function scoreBackchannel(input: BackchannelInput, options: BackchannelOptions = {}): BackchannelResult {
  validateSegments(input.outputSegments, 'output segment');
  validateWords(input.outputWords, 'output word');
  const duration = input.outputDurationS;
  if (!(duration > 0) || !Number.isFinite(duration)) {
    throw new FullduplexError('BAD_ARGUMENT', `outputDurationS must be > 0, got ${duration}`);
  }
  const upstream = options.aggregation === 'upstream';
  const segments = sortSegments(input.outputSegments).map((s) => classifyBackchannelSegment(s, input.outputWords));
  let to: TakeoverValue = 0;
  let backchannels: Segment[] = [];
  if (!upstream) {
    to = segments.some((v) => v.to === 1) ? 1 : 0;
    backchannels = segments.filter((v) => v.to === 0).map((v) => v.segment);
  } else {
    for (const v of segments) {
      to = v.to;
      if (v.reason === 'long_segment') break;
      backchannels.push(v.segment);
    }
  }
  let jsd = 1;
  if (backchannels.length > 0) {
    const events = (options.events ?? (upstream ? 'interval' : 'onset')) === 'interval' ? backchannels : backchannels.map((b) => b.start);
    const own = histogram(events, duration);
    jsd = jsDistance(own, referenceHistogram(input, duration, own.length));
  }
  return { to, backchannels, frequencyHz: backchannels.length / duration, jsd, segments };
}

function referenceHistogram(input: BackchannelInput, durationS: number, bins: number): number[] {
  if (input.referenceDistribution !== undefined) return resampleDistribution(input.referenceDistribution, bins);
  if (input.reference !== undefined) return histogram(input.reference, durationS);
  throw new FullduplexError('BAD_ARGUMENT', 'scoreBackchannel needs a reference or a referenceDistribution');
}

export interface BackchannelSummary {
  readonly n: number;
  readonly tor: number | null;
  readonly frequencyHz: Stats;
  readonly jsd: Stats;
  /** Means of the bench's own figures, over the samples that have them (absent when none do). */
  readonly own?: { readonly n: number; readonly tor: number | null; readonly frequencyHz: Stats; readonly jsd: Stats };
}

/** Means over all samples, as upstream (no-backchannel samples enter the JSD mean as 1). */
export function aggregateBackchannel(results: readonly BackchannelResult[]): BackchannelSummary {
  const own = results.flatMap((r) => (r.own ? [r.own] : []));
  return {
    n: results.length,
    tor: mean(results.map((r) => r.to)),
    frequencyHz: stats(results.map((r) => r.frequencyHz)),
    jsd: stats(results.map((r) => r.jsd)),
    ...(own.length > 0 && {
      own: { n: own.length, tor: mean(own.map((o) => o.to)), frequencyHz: stats(own.map((o) => o.frequencyHz)), jsd: stats(own.map((o) => o.jsd)) },
    }),
  };
}
