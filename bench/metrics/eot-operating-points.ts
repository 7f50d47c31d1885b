/**
 * End-of-turn operating points in the style of LiveKit's eot-bench (github.com/livekit/eot-bench,
 * "Evaluation Model"): every silence of a user turn is a decision. Mid-turn silences ('hold') must be
 * listened through; the silence after the turn ('eot') should be answered soon. A policy on top of
 * the detector's p(turn over) — threshold θ, action delay d (the least silence before the score may
 * act), timeout T (the most silence before the turn is taken anyway) — fires at the first score time
 * t ≥ d with p ≥ θ, or at T. A hold span is a false cut-off when the policy fires before it ends; an
 * eot span's latency is the fire time (dead air). Sweeping θ × d × T gives the latency / false
 * cut-off Pareto frontier and the named operating points; a silence-timeout baseline (p ≡ 1: only d
 * and T matter) runs through the same evaluation on the same spans.
 */
import { FullduplexError } from '../../src/errors.js';
import { lt, leq } from './types.js';

/** p(turn over) at `t` seconds since the start of the silence. */
export interface EotScore {
  readonly t: number;
  readonly p: number;
}

/** One silence of a user turn with the detector's scores through it (times in s; scores' t from `start`). */
export interface ScoredSilence {
  readonly kind: 'hold' | 'eot';
  readonly start: number;
  readonly end: number;
  readonly scores: readonly EotScore[];
}

export interface EotPolicy {
  /** θ: the p(turn over) that ends the turn. */
  readonly threshold: number;
  /** d: least silence before the score may act, s. */
  readonly actionDelayS: number;
  /** T: silence after which the turn ends whatever the score, s. */
  readonly timeoutS: number;
}

export interface EotGrid {
  readonly thresholds: readonly number[];
  readonly actionDelaysS: readonly number[];
  readonly timeoutsS: readonly number[];
}

const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let k = 0; from + k * step <= to + 1e-9; k++) out.push(Math.round((from + k * step) * 1e6) / 1e6);
  return out;
};

export const EOT_POINTS = {
  /** Hold spans shorter than this are left out (eot-bench's --min-hold-span-duration), s. */
  minHoldS: 0.2,
  /** Hold spans longer than this are left out (eot-bench's --max-hold-span-duration), s. */
  maxHoldS: 5,
  /** The policy grid swept for a detector's scores. */
  grid: {
    thresholds: [...range(0.05, 0.95, 0.05), 0.98, 0.99],
    /** Multiples of the engine's 32 ms window, up to 3 s. */
    actionDelaysS: range(0, 3, 0.032),
    timeoutsS: [0.3, 0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6],
  } satisfies EotGrid,
  /** "Best false cut-off rate at a mean latency of at most …", s. */
  latencyBudgetsS: [0.3, 0.6],
  /** "Best mean latency at a false cut-off rate of at most …". */
  cutoffBudgets: [0.05, 0.1],
} as const;

export interface PolicyPoint {
  readonly policy: EotPolicy;
  /** False cut-offs / hold spans. */
  readonly falseCutoffRate: number;
  /** Mean fire time over eot spans, s. */
  readonly meanLatencyS: number;
}

export interface CutoffAtLatency {
  readonly latencyBudgetS: number;
  /** null: no policy reached the budget ('–'). */
  readonly falseCutoffRate: number | null;
  readonly at: PolicyPoint | null;
}

export interface LatencyAtCutoff {
  readonly cutoffBudget: number;
  readonly meanLatencyS: number | null;
  readonly at: PolicyPoint | null;
}

export interface OperatingPoints {
  /** Hold spans evaluated (after the duration filter), eot spans, hold spans left out by the filter. */
  readonly holdSpans: number;
  readonly eotSpans: number;
  readonly holdSpansLeftOut: number;
  /** Policies no other policy beats on both axes, by rising latency. Empty without hold or eot spans. */
  readonly frontier: readonly PolicyPoint[];
  readonly cutoffAtLatency: readonly CutoffAtLatency[];
  readonly latencyAtCutoff: readonly LatencyAtCutoff[];
}

function checkSpan(s: { kind: string; start: number; end: number }, i: number): void {
  if (s.kind !== 'hold' && s.kind !== 'eot') throw new FullduplexError('BAD_ARGUMENT', `silence ${i}: kind must be 'hold' or 'eot', got '${s.kind}'`);
  if (!Number.isFinite(s.start) || !Number.isFinite(s.end) || s.end < s.start) {
    throw new FullduplexError('BAD_ARGUMENT', `silence ${i}: bad span [${s.start}, ${s.end}]`);
  }
}

function checkScores(s: ScoredSilence, i: number): EotScore[] {
  for (const x of s.scores) {
    if (!Number.isFinite(x.t) || x.t < 0) throw new FullduplexError('BAD_ARGUMENT', `silence ${i}: score time must be ≥ 0, got ${x.t}`);
    if (!(x.p >= 0 && x.p <= 1)) throw new FullduplexError('BAD_ARGUMENT', `silence ${i}: p must be in [0, 1], got ${x.p}`);
  }
  return [...s.scores].sort((a, b) => a.t - b.t);
}

function checkGrid(g: EotGrid): void {
  for (const [name, xs] of [['thresholds', g.thresholds], ['actionDelaysS', g.actionDelaysS], ['timeoutsS', g.timeoutsS]] as const) {
    if (xs.length === 0) throw new FullduplexError('BAD_ARGUMENT', `EOT grid: ${name} is empty`);
    if (xs.some((x) => !Number.isFinite(x) || x < 0)) throw new FullduplexError('BAD_ARGUMENT', `EOT grid: ${name} must be finite and ≥ 0`);
  }
}

/** Holds filtered to [minHoldS, maxHoldS] (eot-bench filters holds only); eot spans all kept. */
function evaluated<T extends { kind: string; start: number; end: number }>(spans: readonly T[]): { holds: T[]; eots: T[]; leftOut: number } {
  spans.forEach(checkSpan);
  const holds = spans.filter((s) => s.kind === 'hold');
  const kept = holds.filter((s) => leq(EOT_POINTS.minHoldS, s.end - s.start) && leq(s.end - s.start, EOT_POINTS.maxHoldS));
  return { holds: kept, eots: spans.filter((s) => s.kind === 'eot'), leftOut: holds.length - kept.length };
}

/**
 * The fire time of each span for one (θ, d), before the timeout: the first score time ≥ d with
 * p ≥ θ, or Infinity when there is none.
 */
type FirstFire = (spanIndex: number, threshold: number, actionDelayS: number) => number;

function sweep(holds: readonly ScoredSilence[], eots: readonly ScoredSilence[], grid: EotGrid, first: FirstFire): PolicyPoint[] {
  checkGrid(grid);
  const spans = [...holds, ...eots];
  const points: PolicyPoint[] = [];
  for (const threshold of grid.thresholds) {
    for (const actionDelayS of grid.actionDelaysS) {
      const fires = spans.map((_, i) => first(i, threshold, actionDelayS));
      for (const timeoutS of grid.timeoutsS) {
        let cutoffs = 0;
        let latency = 0;
        spans.forEach((s, i) => {
          const fire = Math.min(fires[i]!, timeoutS);
          if (i < holds.length) {
            if (lt(fire, s.end - s.start)) cutoffs++;
          } else {
            latency += fire;
          }
        });
        points.push({ policy: { threshold, actionDelayS, timeoutS }, falseCutoffRate: cutoffs / holds.length, meanLatencyS: latency / eots.length });
      }
    }
  }
  return points;
}

/** The non-dominated points, by rising latency (and falling false cut-off rate). */
export function paretoFrontier(points: readonly PolicyPoint[]): PolicyPoint[] {
  const sorted = [...points].sort((a, b) => a.meanLatencyS - b.meanLatencyS || a.falseCutoffRate - b.falseCutoffRate);
  const out: PolicyPoint[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (!last || lt(p.falseCutoffRate, last.falseCutoffRate)) out.push(p);
  }
  return out;
}

function pointsFrom(frontier: readonly PolicyPoint[], counts: Omit<OperatingPoints, 'frontier' | 'cutoffAtLatency' | 'latencyAtCutoff'>): OperatingPoints {
  const cutoffAtLatency = EOT_POINTS.latencyBudgetsS.map((b): CutoffAtLatency => {
    // Rising latency means falling cut-offs along the frontier: the last point within budget is best.
    const at = [...frontier].reverse().find((p) => leq(p.meanLatencyS, b)) ?? null;
    return { latencyBudgetS: b, falseCutoffRate: at?.falseCutoffRate ?? null, at };
  });
  const latencyAtCutoff = EOT_POINTS.cutoffBudgets.map((b): LatencyAtCutoff => {
    const at = frontier.find((p) => leq(p.falseCutoffRate, b)) ?? null;
    return { cutoffBudget: b, meanLatencyS: at?.meanLatencyS ?? null, at };
  });
  return { ...counts, frontier, cutoffAtLatency, latencyAtCutoff };
}

function evaluate(spans: readonly ScoredSilence[], grid: EotGrid, makeFirst: (all: readonly ScoredSilence[]) => FirstFire): OperatingPoints {
  const { holds, eots, leftOut } = evaluated(spans);
  const counts = { holdSpans: holds.length, eotSpans: eots.length, holdSpansLeftOut: leftOut };
  if (holds.length === 0 || eots.length === 0) return pointsFrom([], counts);
  return pointsFrom(paretoFrontier(sweep(holds, eots, grid, makeFirst([...holds, ...eots]))), counts);
}

/** The first of ascending `times` that is ≥ d (float-tolerant), or Infinity. */
function firstAtOrAfter(times: readonly number[], d: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (leq(d, times[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo < times.length ? times[lo]! : Infinity;
}

/** The detector's operating points over the policy grid. */
export function eotOperatingPoints(spans: readonly ScoredSilence[], grid: EotGrid = EOT_POINTS.grid): OperatingPoints {
  return evaluate(spans, grid, (all) => {
    const sorted = all.map(checkScores);
    // Per threshold, each span's score times with p ≥ θ (ascending): the fire time is a binary search.
    const byThreshold = new Map<number, number[][]>();
    return (i, threshold, d) => {
      let times = byThreshold.get(threshold);
      if (!times) byThreshold.set(threshold, (times = sorted.map((xs) => xs.filter((x) => x.p >= threshold).map((x) => x.t))));
      return firstAtOrAfter(times[i]!, d);
    };
  });
}

/**
 * The silence-timeout baseline on the same spans: p ≡ 1, so the policy fires once the silence
 * reaches d (a timer needs no score window) or T; θ plays no part and is reported as 1.
 */
export function silenceTimeoutOperatingPoints(spans: readonly ScoredSilence[], grid: EotGrid = EOT_POINTS.grid): OperatingPoints {
  return evaluate(spans, { ...grid, thresholds: [1] }, () => (_i, _threshold, d) => d);
}

/** A silence with the time the engine itself took the turn in it (s since the span's start), or null for never. */
export interface FiredSilence {
  readonly kind: 'hold' | 'eot';
  readonly start: number;
  readonly end: number;
  readonly fireS: number | null;
}

export interface EnginePolicyPoint {
  readonly holdSpans: number;
  readonly eotSpans: number;
  readonly holdSpansLeftOut: number;
  /** False cut-offs / hold spans (the same hold filter as the sweep); null without hold spans. */
  readonly falseCutoffRate: number | null;
  /** Mean fire time over the eot spans the engine fired in; null when it fired in none. */
  readonly meanLatencyS: number | null;
  /** Eot spans where the engine never took the turn (left out of the mean). */
  readonly eotNeverFired: number;
}

/** Where the engine's own policy sits on the same axes. */
export function enginePolicyPoint(spans: readonly FiredSilence[]): EnginePolicyPoint {
  spans.forEach((s, i) => {
    if (s.fireS !== null && !(Number.isFinite(s.fireS) && s.fireS >= 0)) throw new FullduplexError('BAD_ARGUMENT', `silence ${i}: fireS must be ≥ 0 or null, got ${s.fireS}`);
  });
  const { holds, eots, leftOut } = evaluated(spans);
  const cutoffs = holds.filter((s) => s.fireS !== null && lt(s.fireS, s.end - s.start)).length;
  const fired = eots.filter((s) => s.fireS !== null).map((s) => s.fireS!);
  return {
    holdSpans: holds.length,
    eotSpans: eots.length,
    holdSpansLeftOut: leftOut,
    falseCutoffRate: holds.length > 0 ? cutoffs / holds.length : null,
    meanLatencyS: fired.length > 0 ? fired.reduce((a, b) => a + b, 0) / fired.length : null,
    eotNeverFired: eots.length - fired.length,
  };
}

/** The engine's decisions that end the user's turn (src/engine/predictor.ts actions). */
export const TURN_TAKING_ACTIONS: readonly string[] = ['take_turn'];

/**
 * Each silence with the engine's fire time: its first turn-ending decision inside the silence (times
 * on the input's axis, as events.jsonl has them), as s since the silence began; null when none.
 */
export function firedSilences(
  silences: readonly { readonly kind: 'hold' | 'eot'; readonly start: number; readonly end: number }[],
  decisions: readonly { readonly t: number; readonly action: string }[],
  actions: readonly string[] = TURN_TAKING_ACTIONS,
): FiredSilence[] {
  silences.forEach(checkSpan);
  const times = decisions.filter((d) => actions.includes(d.action)).map((d) => d.t).sort((a, b) => a - b);
  return silences.map((s) => {
    const t = times.find((x) => leq(s.start, x) && leq(x, s.end));
    return { kind: s.kind, start: s.start, end: s.end, fireS: t === undefined ? null : Math.max(0, t - s.start) };
  });
}
