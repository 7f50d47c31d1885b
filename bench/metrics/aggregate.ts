/**
 * Per-category summaries of scored samples (with the samples that could not be scored counted by
 * reason), and a check of those summaries against the project's goals.
 */
import {
  aggregateBackchannel,
  aggregateInterruption,
  aggregatePauseHandling,
  aggregateTurnTaking,
  type BackchannelResult,
  type BackchannelSummary,
  type InterruptionResult,
  type InterruptionSummary,
  type LatencyResult,
  type LatencySummary,
  type PauseHandlingResult,
  type TorSummary,
} from './fdb-v1.js';
import { aggregateCutIns, type CutInSummary, type SampleCutIns } from './cut-ins.js';
import { aggregateV15, type V15Category, type V15EventResult, type V15Summary } from './fdb-v15.js';
import { leq } from './types.js';

/** A sample the runner could not score (missing file, ASR failure...); `skipped` is the reason. */
export interface Skipped {
  readonly id?: string;
  readonly skipped: string;
}

export type Outcome<T extends object> = T | Skipped;

export function isSkipped<T extends object>(o: Outcome<T>): o is Skipped {
  return typeof (o as Partial<Skipped>).skipped === 'string';
}

export interface SkipSummary {
  readonly total: number;
  readonly byReason: Readonly<Record<string, number>>;
}

export type WithSkips<S> = S & { readonly skipped: SkipSummary };

export interface BenchmarkInput {
  readonly pauseHandling?: ReadonlyArray<Outcome<PauseHandlingResult>>;
  readonly smoothTurnTaking?: ReadonlyArray<Outcome<LatencyResult>>;
  readonly userInterruption?: ReadonlyArray<Outcome<InterruptionResult>>;
  readonly backchannel?: ReadonlyArray<Outcome<BackchannelResult>>;
  readonly v15?: Partial<Record<V15Category, ReadonlyArray<Outcome<V15EventResult>>>>;
  /** Every scored sample with ground-truth user turns, whatever its category. */
  readonly cutIns?: readonly SampleCutIns[];
}

export interface BenchmarkSummary {
  readonly pauseHandling?: WithSkips<TorSummary>;
  readonly smoothTurnTaking?: WithSkips<LatencySummary>;
  readonly userInterruption?: WithSkips<InterruptionSummary>;
  readonly backchannel?: WithSkips<BackchannelSummary>;
  readonly v15?: Partial<Record<V15Category, WithSkips<V15Summary>>>;
  /** Agent onsets inside user turns, overall and per category. */
  readonly cutIns?: CutInSummary;
}

/** Splits scored from skipped samples, aggregates the scored ones, and counts skips by reason. */
export function summarizeCategory<T extends object, S>(
  outcomes: ReadonlyArray<Outcome<T>>,
  aggregate: (results: T[]) => S,
): WithSkips<S> {
  const results: T[] = [];
  const byReason: Record<string, number> = {};
  for (const o of outcomes) {
    if (isSkipped(o)) byReason[o.skipped] = (byReason[o.skipped] ?? 0) + 1;
    else results.push(o);
  }
  return { ...aggregate(results), skipped: { total: outcomes.length - results.length, byReason } };
}

/** Summaries for the categories present in the input; absent categories stay absent. */
export function summarize(input: BenchmarkInput): BenchmarkSummary {
  const v15: Partial<Record<V15Category, WithSkips<V15Summary>>> = {};
  for (const [cat, outcomes] of Object.entries(input.v15 ?? {}) as [V15Category, ReadonlyArray<Outcome<V15EventResult>>][]) {
    v15[cat] = summarizeCategory(outcomes, (r) => aggregateV15(cat, r));
  }
  return {
    ...(input.pauseHandling && { pauseHandling: summarizeCategory(input.pauseHandling, aggregatePauseHandling) }),
    ...(input.smoothTurnTaking && { smoothTurnTaking: summarizeCategory(input.smoothTurnTaking, aggregateTurnTaking) }),
    ...(input.userInterruption && { userInterruption: summarizeCategory(input.userInterruption, aggregateInterruption) }),
    ...(input.backchannel && { backchannel: summarizeCategory(input.backchannel, aggregateBackchannel) }),
    ...(input.v15 && { v15 }),
    ...(input.cutIns && { cutIns: aggregateCutIns(input.cutIns) }),
  };
}

/** The project's targets. Latency goals are checked on the mean (FDB reports means); medians are in the summary. */
export const GOALS = {
  /** Pause handling: take over in at most 5 % of mid-utterance pauses. */
  pauseTorMax: 0.05,
  /** Smooth turn-taking: take the turn in at least 99 % of samples... */
  turnTakingTorMin: 0.99,
  /** ...with a mean latency of at most 200 ms (the human turn gap, benchmarks.md). */
  turnTakingLatencyMaxS: 0.2,
  /** Interruption: agent silent at most 150 ms after the user starts (stop latency). */
  interruptionStopLatencyMaxS: 0.15,
  /** Interruption: answer at most 300 ms after the user stops. */
  interruptionAnswerLatencyMaxS: 0.3,
  /** Backchannel timing: mean JS distance at most 0.60 (best published: 0.649)... */
  backchannelJsdMax: 0.6,
  /** ...while taking over in at most 5 % of backchannel samples. */
  backchannelTorMax: 0.05,
  /** v1.5 user backchannels ridden through (RESUME) in at least 95 % of events. */
  userBackchannelRiddenThroughMin: 0.95,
  /** v1.5 talking to others left unanswered in at least 90 % of events. */
  sideTalkUnansweredMin: 0.9,
  /** v1.5 background speech left unanswered in at least 90 % of events. */
  backgroundUnansweredMin: 0.9,
  /** At most 3 agent onsets inside a user's turn per 100 user turns, over every category (issue 10). */
  cutInsPer100TurnsMax: 3,
} as const;

export type Goals = { readonly [K in keyof typeof GOALS]: number };

export interface GoalResult {
  readonly name: string;
  readonly comparison: '<=' | '>=';
  readonly target: number;
  /** null when the summary has no data for it (then met is false). */
  readonly value: number | null;
  readonly met: boolean;
  /** How far the value misses the target (0 when met; null without a value). */
  readonly shortBy: number | null;
  /** Which summary field the value came from. */
  readonly source: string;
}

function goal(name: string, comparison: '<=' | '>=', target: number, value: number | null | undefined, source: string): GoalResult {
  if (value === null || value === undefined) return { name, comparison, target, value: null, met: false, shortBy: null, source };
  const met = comparison === '<=' ? leq(value, target) : leq(target, value);
  const shortBy = met ? 0 : comparison === '<=' ? value - target : target - value;
  return { name, comparison, target, value, met, shortBy, source };
}

/** Prefer the v1 interruption figure; fall back to v1.5 when v1 has none. */
function pick(v1: number | null | undefined, v1Source: string, v15: number | null | undefined, v15Source: string): [number | null | undefined, string] {
  return v1 !== null && v1 !== undefined ? [v1, v1Source] : [v15, v15Source];
}

export function goalsCheck(summary: BenchmarkSummary, goals: Goals = GOALS): GoalResult[] {
  const s = summary;
  const ui = s.userInterruption;
  const v15ui = s.v15?.user_interruption;
  const [stop, stopSrc] = pick(ui?.stopLatencyS.mean, 'userInterruption.stopLatencyS.mean', v15ui?.stopLatencyS.mean, 'v15.user_interruption.stopLatencyS.mean');
  const [answer, answerSrc] = pick(ui?.latencyS.mean, 'userInterruption.latencyS.mean', v15ui?.responseLatencyS.mean, 'v15.user_interruption.responseLatencyS.mean');
  return [
    goal('pause handling TOR', '<=', goals.pauseTorMax, s.pauseHandling?.tor, 'pauseHandling.tor'),
    goal('turn-taking TOR', '>=', goals.turnTakingTorMin, s.smoothTurnTaking?.tor, 'smoothTurnTaking.tor'),
    goal('turn-taking mean latency (s)', '<=', goals.turnTakingLatencyMaxS, s.smoothTurnTaking?.latencyS.mean, 'smoothTurnTaking.latencyS.mean'),
    goal('interruption: agent silent after user starts (s)', '<=', goals.interruptionStopLatencyMaxS, stop, stopSrc),
    goal('interruption: answer after user stops (s)', '<=', goals.interruptionAnswerLatencyMaxS, answer, answerSrc),
    goal('backchannel JSD', '<=', goals.backchannelJsdMax, s.backchannel?.jsd.mean, 'backchannel.jsd.mean'),
    goal('backchannel TOR', '<=', goals.backchannelTorMax, s.backchannel?.tor, 'backchannel.tor'),
    goal('user backchannels ridden through', '>=', goals.userBackchannelRiddenThroughMin, s.v15?.user_backchannel?.successRate, 'v15.user_backchannel.successRate'),
    goal('side talk unanswered', '>=', goals.sideTalkUnansweredMin, s.v15?.talking_to_others?.unansweredRate, 'v15.talking_to_others.unansweredRate'),
    goal('background speech unanswered', '>=', goals.backgroundUnansweredMin, s.v15?.background_speech?.unansweredRate, 'v15.background_speech.unansweredRate'),
    goal('cut-ins per 100 user turns', '<=', goals.cutInsPer100TurnsMax, s.cutIns?.per100Turns, 'cutIns.per100Turns'),
  ];
}
