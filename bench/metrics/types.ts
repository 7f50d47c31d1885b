/**
 * Shared inputs and small helpers for the benchmark metrics. The metrics are pure functions of
 * timestamps: the caller supplies ASR words and VAD segments however it obtained them.
 */
import { FullduplexError } from '../../src/errors.js';

/** One ASR word of a stream, times in seconds from the start of the clip. */
export interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** One stretch of speech (VAD) or an annotated window, seconds from the start of the clip. */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

export const METRIC_TIME = {
  /**
   * Tolerance for comparing times against thresholds. Timestamps are decimal seconds, so a span
   * such as 2.6 − 2.0 evaluates to 0.6000000000000001; without the tolerance a gap of "exactly
   * 0.6 s" would fail a "≤ 0.6 s" test. 1 ns is far below any ASR/VAD resolution.
   */
  epsilonS: 1e-9,
} as const;

/** a ≤ b, tolerant of float noise. */
export function leq(a: number, b: number): boolean {
  return a <= b + METRIC_TIME.epsilonS;
}

/** a < b, where a that equals b up to float noise is not less. */
export function lt(a: number, b: number): boolean {
  return a < b - METRIC_TIME.epsilonS;
}

function checkInterval(x: Segment, what: string): void {
  if (!Number.isFinite(x.start) || !Number.isFinite(x.end)) {
    throw new FullduplexError('BAD_ARGUMENT', `${what}: times must be finite, got [${x.start}, ${x.end}]`);
  }
  if (x.end < x.start) {
    throw new FullduplexError('BAD_ARGUMENT', `${what}: end ${x.end} is before start ${x.start}`);
  }
}

/** Rejects NaN/infinite times and reversed intervals; callers get a clear error, not a silent NaN metric. */
export function validateWords(words: readonly Word[], what = 'word'): void {
  for (const w of words) checkInterval(w, `${what} "${w.text}"`);
}

export function validateSegments(segments: readonly Segment[], what = 'segment'): void {
  for (const s of segments) checkInterval(s, what);
}

/** Sorted copy by start (then end); inputs are not assumed to be ordered. */
export function sortSegments<T extends Segment>(segments: readonly T[]): T[] {
  return [...segments].sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * Sorts, then joins segments whose gap to the running segment is ≤ maxGapS (overlaps always join).
 * Used for v1.5 (user 0.6 s, model 0.5 s) so that a breath between words is not a "stop".
 */
export function mergeSegments(segments: readonly Segment[], maxGapS: number): Segment[] {
  validateSegments(segments);
  if (!(maxGapS >= 0)) throw new FullduplexError('BAD_ARGUMENT', `maxGapS must be ≥ 0, got ${maxGapS}`);
  const out: { start: number; end: number }[] = [];
  for (const s of sortSegments(segments)) {
    const last = out[out.length - 1];
    if (last !== undefined && leq(s.start - last.end, maxGapS)) {
      last.end = Math.max(last.end, s.end);
    } else {
      out.push({ start: s.start, end: s.end });
    }
  }
  return out;
}

/** Positive-length overlap test; a zero-length word counts when it lies inside the segment. */
export function overlaps(a: Segment, b: Segment): boolean {
  if (a.start === a.end) return a.start >= b.start && a.start <= b.end;
  if (b.start === b.end) return b.start >= a.start && b.start <= a.end;
  return a.start < b.end && a.end > b.start;
}

/** Arithmetic mean; null for no values (a metric with no eligible samples is "undefined", not 0). */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median (mean of the two middle values for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface Stats {
  readonly n: number;
  readonly mean: number | null;
  readonly median: number | null;
}

export function stats(values: readonly number[]): Stats {
  return { n: values.length, mean: mean(values), median: median(values) };
}

/**
 * Python's round(x, digits) for x ≥ 0, which upstream's scripts apply (Silero's return_seconds
 * rounds to 0.1 s; get_timing.py to 0.001 s): correctly rounded on the exact binary value, ties
 * to even. JS's toFixed is correctly rounded too but sends ties up, so exact ties (0.25 → 0.2 in
 * Python, "0.3" from toFixed) are settled here from the exact decimal expansion.
 */
export function pythonRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || x < 0) throw new FullduplexError('BAD_ARGUMENT', `pythonRound needs a finite x ≥ 0, got ${x}`);
  const exact = x.toFixed(Math.min(100, digits + 60));
  const cut = exact.indexOf('.') + 1 + digits;
  const isTie = exact[cut] === '5' && /^0*$/.test(exact.slice(cut + 1));
  if (!isTie) return Number(x.toFixed(digits));
  const down = exact.slice(0, digits === 0 ? cut - 1 : cut);
  const lastDigit = Number(down[down.length - 1]);
  return lastDigit % 2 === 0 ? Number(down) : Number(x.toFixed(digits));
}
