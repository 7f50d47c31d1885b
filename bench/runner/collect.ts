/**
 * From per-sample scores to the benchmark summary: each sample's results go to the categories they
 * belong to (a user-interruption sample feeds both the v1 interruption figures and the v1.5 labels),
 * skipped samples are counted by reason, and the summary is checked against the project's goals.
 */
import {
  goalsCheck,
  isSkipped,
  summarize,
  type BenchmarkInput,
  type BenchmarkSummary,
  type GoalResult,
  type Outcome,
  type Skipped,
} from '../metrics/aggregate.js';
import type { SampleCutIns } from '../metrics/cut-ins.js';
import type { BackchannelResult, InterruptionResult, LatencyResult, PauseHandlingResult } from '../metrics/fdb-v1.js';
import type { V15Category, V15EventResult } from '../metrics/fdb-v15.js';
import { categoryInfo, type CategoryId } from '../scenarios/types.js';
import type { SampleScore } from './score-sample.js';

/** One sample's outcome; `category` is known even for a skipped sample when the plan or path says it. */
export interface SampleOutcome {
  readonly id: string;
  readonly category: CategoryId | null;
  readonly outcome: SampleScore | Skipped;
}

export interface Collected {
  readonly summary: BenchmarkSummary;
  readonly goals: GoalResult[];
  /** Skipped samples whose category could not be told (they are in no category's counts). */
  readonly uncategorized: readonly Skipped[];
}

export function collect(samples: readonly SampleOutcome[]): Collected {
  const pause: Outcome<PauseHandlingResult>[] = [];
  const turn: Outcome<LatencyResult>[] = [];
  const interruption: Outcome<InterruptionResult>[] = [];
  const backchannel: Outcome<BackchannelResult>[] = [];
  const v15: Partial<Record<V15Category, Outcome<V15EventResult>[]>> = {};
  const uncategorized: Skipped[] = [];
  const cutIns: SampleCutIns[] = [];
  const v1Lists: Record<string, Outcome<object>[]> = {
    pause_handling: pause,
    smooth_turn_taking: turn,
    user_interruption: interruption,
    backchannel,
  };
  for (const s of samples) {
    if (s.category === null) {
      if (isSkipped(s.outcome)) uncategorized.push(s.outcome);
      continue;
    }
    const v1List = v1Lists[s.category];
    const v15Cat = categoryInfo(s.category).v15;
    // Created on first use: v1 interruption samples (interrupt.json alone) have no v1.5 event.
    const v15List = () => (v15Cat ? (v15[v15Cat] ??= []) : undefined);
    if (isSkipped(s.outcome)) {
      v1List?.push(s.outcome);
      v15List()?.push(s.outcome);
      continue;
    }
    const o = s.outcome;
    if (o.v1) v1List?.push(o.v1.result);
    if (o.v15) v15List()?.push(o.v15.result);
    if (o.cutIns) cutIns.push({ id: o.id, category: s.category, result: o.cutIns });
  }
  const input: BenchmarkInput = {
    ...(pause.length > 0 && { pauseHandling: pause }),
    ...(turn.length > 0 && { smoothTurnTaking: turn }),
    ...(interruption.length > 0 && { userInterruption: interruption }),
    ...(backchannel.length > 0 && { backchannel }),
    ...(Object.keys(v15).length > 0 && { v15 }),
    ...(cutIns.length > 0 && { cutIns }),
  };
  const summary = summarize(input);
  return { summary, goals: goalsCheck(summary), uncategorized };
}
