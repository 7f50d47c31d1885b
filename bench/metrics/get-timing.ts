/**
 * Full-Duplex-Bench v1.5 timing exactly as upstream's get_timing.py computes it (facts read from
 * v1_v1.5/evaluation/get_timing.py; re-implemented, not copied). Inputs are Silero segments of
 * input.wav and output.wav at 16 kHz in seconds (sample / 16000, unrounded); upstream writes per
 * folder `latency_stop_list` and `latency_resp_list` as [from, to] pairs rounded to 1 ms.
 *
 * The bench's own event-based stop/response latencies (fdb-v15.ts, labelOverlapEvent) measure
 * around the annotated overlap only; these pair every user and model segment of the clip.
 */
import { pythonRound, validateSegments, type Segment, type Stats, stats } from './types.js';

export const GET_TIMING = {
  /** USER_MERGE_GAP: user segments closer than or equal to this are joined. */
  userMergeGapS: 0.6,
  /** MODEL_MERGE_GAP: model segments closer than or equal to this are joined. */
  modelMergeGapS: 0.5,
  /** Pairs are rounded to this many decimals (1 ms), and keyed by their millisecond. */
  decimals: 3,
} as const;

/** One interval as upstream writes it: [from, to], seconds rounded to 1 ms. */
export type TimingPair = readonly [number, number];

export interface Timing {
  /** `latency_stop_list`: every overlap of a user and a model segment (shortest per end ms). */
  readonly stop: readonly TimingPair[];
  /** `latency_resp_list`: user segment end → first model start strictly after it, one per model start. */
  readonly response: readonly TimingPair[];
}

/** `_merge`: sort by (start, end), then join a segment whose gap to the last is ≤ gapS (plain float test). */
export function mergeLikeGetTiming(segments: readonly Segment[], gapS: number): Segment[] {
  validateSegments(segments);
  const sorted = [...segments].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s.start - last.end <= gapS) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

const r3 = (x: number): number => pythonRound(x, GET_TIMING.decimals);
const msKey = (x: number): number => pythonRound(x * 1000, 0);

/** `overlaps(user, model)` on merged segments. */
function stopPairs(user: readonly Segment[], model: readonly Segment[]): TimingPair[] {
  const raw: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < user.length && j < model.length) {
    const u = user[i]!;
    const m = model[j]!;
    const s = Math.max(u.start, m.start);
    const e = Math.min(u.end, m.end);
    if (e > s) raw.push([s, e]);
    if (u.end < m.end) i++;
    else j++;
  }
  const best = new Map<number, [number, number]>();
  for (const [s, e] of raw) {
    const key = msKey(e);
    const had = best.get(key);
    if (had === undefined || e - s < had[1] - had[0]) best.set(key, [s, e]);
  }
  return [...best.values()].sort((a, b) => a[1] - b[1]).map(([s, e]) => [r3(s), r3(e)] as const);
}

/** `response_gaps(user, model)` on merged segments: a later user end replaces an earlier one for the same model start. */
function responsePairs(user: readonly Segment[], model: readonly Segment[]): TimingPair[] {
  const byStart = new Map<number, [number, number]>();
  for (const u of user) {
    const next = model.find((m) => m.start > u.end);
    if (next === undefined) continue;
    const key = msKey(next.start);
    const candidate: [number, number] = [r3(u.end), r3(next.start)];
    const had = byStart.get(key);
    if (had === undefined || candidate[0] > had[0]) byStart.set(key, candidate);
  }
  return [...byStart.values()].sort((a, b) => a[1] - b[1]);
}

/** Both lists for one sample, from raw (unmerged) segments of input and output. */
export function getTiming(userSegments: readonly Segment[], modelSegments: readonly Segment[]): Timing {
  const user = mergeLikeGetTiming(userSegments, GET_TIMING.userMergeGapS);
  const model = mergeLikeGetTiming(modelSegments, GET_TIMING.modelMergeGapS);
  return { stop: stopPairs(user, model), response: responsePairs(user, model) };
}

/** Each pair's length (to − from, of the rounded values as written). */
export function pairLengths(pairs: readonly TimingPair[]): number[] {
  return pairs.map(([from, to]) => to - from);
}

export interface TimingSummary {
  /** Over every stop pair of every sample (upstream leaves aggregation to the reader; we pool). */
  readonly stopLatencyS: Stats;
  /** Over every response pair of every sample. */
  readonly responseLatencyS: Stats;
}

export function aggregateTiming(timings: readonly Timing[]): TimingSummary {
  return {
    stopLatencyS: stats(timings.flatMap((t) => pairLengths(t.stop))),
    responseLatencyS: stats(timings.flatMap((t) => pairLengths(t.response))),
  };
}
