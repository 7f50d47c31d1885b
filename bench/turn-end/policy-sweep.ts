/**
 * Replays an end-of-turn policy over probed silence spans, eot-bench style: a policy (threshold θ,
 * action delay d, timeout T) fires at the first window at or after d whose p(turn over) ≥ θ, or at T.
 * A hold span where it fires before the user goes on is a false cut-off; on an eot span the fire time
 * is the dead air before the agent answers. Used to choose the model's thresholds on tuning data.
 */
import type { ProbedSpan } from './probe.js';

export interface Policy {
  readonly threshold: number;
  readonly delayS: number;
  readonly timeoutS: number;
}

export interface PolicyOutcome extends Policy {
  /** Share of hold spans cut off. */
  readonly falseCutoffRate: number;
  /** Mean fire time over eot spans, s. */
  readonly meanLatencyS: number;
  readonly holds: number;
  readonly eots: number;
}

export const HOLD_SPAN_LIMITS = {
  /** eot-bench scores hold spans of 0.2–5 s. */
  minS: 0.2,
  maxS: 5,
} as const;

export function fireTime(span: Pick<ProbedSpan, 'scores'>, p: Policy): number {
  for (const s of span.scores) if (s.t >= p.delayS - 1e-9 && s.p >= p.threshold) return Math.min(s.t, p.timeoutS);
  return p.timeoutS;
}

export function evaluatePolicy(spans: readonly ProbedSpan[], p: Policy): PolicyOutcome {
  let holds = 0;
  let cut = 0;
  let eots = 0;
  let latency = 0;
  for (const s of spans) {
    const len = s.end - s.start;
    if (s.kind === 'hold') {
      if (len < HOLD_SPAN_LIMITS.minS - 1e-9 || len > HOLD_SPAN_LIMITS.maxS + 1e-9) continue;
      holds++;
      if (fireTime(s, p) < len - 1e-9) cut++;
    } else {
      eots++;
      latency += fireTime(s, p);
    }
  }
  return { ...p, holds, eots, falseCutoffRate: holds ? cut / holds : 0, meanLatencyS: eots ? latency / eots : 0 };
}

/** The policy with the lowest mean latency whose false cut-off rate is within `maxFalseCutoff`. */
export function bestPolicyWithin(
  spans: readonly ProbedSpan[],
  maxFalseCutoff: number,
  grid: { thresholds: readonly number[]; delaysS: readonly number[]; timeoutS: number },
): PolicyOutcome | undefined {
  let best: PolicyOutcome | undefined;
  for (const threshold of grid.thresholds) {
    for (const delayS of grid.delaysS) {
      const r = evaluatePolicy(spans, { threshold, delayS, timeoutS: grid.timeoutS });
      if (r.falseCutoffRate > maxFalseCutoff + 1e-12) continue;
      if (!best || r.meanLatencyS < best.meanLatencyS - 1e-12) best = r;
    }
  }
  return best;
}

/** The policy with the lowest false cut-off rate whose mean latency is within `maxLatencyS`. */
export function bestPolicyUnderLatency(
  spans: readonly ProbedSpan[],
  maxLatencyS: number,
  grid: { thresholds: readonly number[]; delaysS: readonly number[]; timeoutS: number },
): PolicyOutcome | undefined {
  let best: PolicyOutcome | undefined;
  for (const threshold of grid.thresholds) {
    for (const delayS of grid.delaysS) {
      const r = evaluatePolicy(spans, { threshold, delayS, timeoutS: grid.timeoutS });
      if (r.meanLatencyS > maxLatencyS + 1e-12) continue;
      if (!best || r.falseCutoffRate < best.falseCutoffRate - 1e-12 || (r.falseCutoffRate === best.falseCutoffRate && r.meanLatencyS < best.meanLatencyS)) best = r;
    }
  }
  return best;
}
