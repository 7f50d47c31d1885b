/**
 * Scores one loaded sample with the metric functions of bench/metrics (nothing is re-defined here):
 * hears the output (VAD + ASR), then applies the definitions of its category.
 */
import type { EngineEvent } from '../../src/engine/events.js';
import {
  histogram,
  scoreBackchannel,
  scoreInterruption,
  scorePauseHandling,
  scoreTurnTaking,
  type BackchannelResult,
  type InterruptionResult,
  type LatencyResult,
  type PauseHandlingResult,
} from '../metrics/fdb-v1.js';
import { labelOverlapEvent, type V15Category, type V15EventResult } from '../metrics/fdb-v15.js';
import { getTiming } from '../metrics/get-timing.js';
import type { Skipped } from '../metrics/aggregate.js';
import { scoreCutIns, userTurnsOf, type CutInResult } from '../metrics/cut-ins.js';
import type { Segment, Word } from '../metrics/types.js';
import { categoryInfo, type CategoryId } from '../scenarios/types.js';
import type { Analyzer } from './analysis.js';
import { phraseBoundaries, referenceOccupancy } from './backchannel-reference.js';
import { returnSeconds } from './speech-timestamps.js';
import type { Annotations, SampleData } from './sample-io.js';
import { turnStagesOf, type TurnStages } from './turn-stages.js';

export type WordsSource = 'asr' | 'provided';

export type V1Score =
  | { readonly kind: 'pause_handling'; readonly result: PauseHandlingResult }
  | { readonly kind: 'smooth_turn_taking'; readonly result: LatencyResult }
  | { readonly kind: 'user_interruption'; readonly result: InterruptionResult }
  | {
      readonly kind: 'backchannel';
      readonly result: BackchannelResult;
      readonly phraseBoundaries: readonly number[];
      /** The listener distribution compared with, in upstream's icc_gt_distribution.json format. */
      readonly referenceDistribution: readonly number[];
      /** 'icc_gt_distribution.json' when the folder tree supplied one for this recording, else 'model'. */
      readonly referenceFrom: string;
    };

export interface V15Score {
  readonly category: V15Category;
  /** The label, the bench's own event timings, and upstream's get_timing.py pairs (result.timing). */
  readonly result: V15EventResult;
  readonly preEventText: string | null;
}

/** A decision of the target's predictor, kept for the report's timeline lane. */
export interface DecisionMark {
  readonly t: number;
  readonly action: string;
  readonly reason: string;
}

export interface SampleScore {
  readonly id: string;
  readonly category: CategoryId;
  readonly durationS: number;
  readonly wordsFrom: string;
  readonly userSegments: readonly Segment[];
  readonly outputSegments: readonly Segment[];
  readonly outputWords: readonly Word[];
  readonly annotations: Annotations;
  readonly v1?: V1Score;
  readonly v15?: V15Score;
  readonly decisions: readonly DecisionMark[];
  /** Agent onsets inside the main user's turns; absent without scenario.json (no turns to tell). */
  readonly cutIns?: CutInResult;
  /** The engine's per-turn latency stages, when the target exposes its timeline. */
  readonly turnStages?: readonly TurnStages[];
  /** What the target said about this run (clock, late windows...). */
  readonly info?: Record<string, unknown>;
}

export interface ScoreOptions {
  readonly words?: WordsSource;
  readonly info?: Record<string, unknown>;
}

/** Never throws: anything that goes wrong with one sample becomes its skip reason. */
export async function scoreSample(s: SampleData, analyzer: Analyzer, o: ScoreOptions = {}): Promise<SampleScore | Skipped> {
  try {
    return await score(s, analyzer, o);
  } catch (e) {
    return { id: s.id, skipped: `scoring failed: ${(e as Error).message}` };
  }
}

async function score(s: SampleData, analyzer: Analyzer, o: ScoreOptions): Promise<SampleScore | Skipped> {
  const useProvided = o.words === 'provided';
  if (useProvided && !s.providedWords) return { id: s.id, skipped: 'no output_full.json or output.json (needed with --words provided)' };
  const outputSegments = await analyzer.segments(s.output);
  const userSegments = await analyzer.segments(s.input);
  const outputWords = useProvided ? [...s.providedWords!] : await analyzer.words(s.output, outputSegments);
  const a = s.annotations;
  let v1: V1Score | undefined;
  let v15: V15Score | undefined;
  switch (s.category) {
    case 'pause_handling':
      v1 = { kind: s.category, result: scorePauseHandling(outputWords) };
      break;
    case 'smooth_turn_taking':
      if (a.turnEndS === undefined) return { id: s.id, skipped: 'missing turn_taking.json' };
      v1 = { kind: s.category, result: scoreTurnTaking(outputWords, a.turnEndS) };
      break;
    case 'user_interruption':
      if (!a.interruption && !a.overlap) return { id: s.id, skipped: 'missing interrupt.json and metadata.json' };
      if (a.interruption) v1 = { kind: s.category, result: scoreInterruption({ outputWords, interruption: a.interruption, outputSegments }) };
      break;
    case 'backchannel': {
      // Occupancy against occupancy, as upstream compares with ICC listeners (backchannel-reference.ts).
      // Upstream's figures: Silero times at 0.1 s, its scan, its reference format; the bench's own
      // ('any' segment a takeover, true backchannels only, 1/16 ms times) beside them.
      const outputDurationS = s.output.samples.length / s.output.sampleRate;
      const reference = referenceOccupancy(userSegments, s.durationS);
      const referenceDistribution = s.referenceDistribution ?? histogram(reference, outputDurationS);
      const upstream = scoreBackchannel(
        { outputSegments: returnSeconds(outputSegments, outputDurationS), outputWords, outputDurationS, referenceDistribution },
        { aggregation: 'upstream' },
      );
      const ownReference = s.referenceDistribution ? { referenceDistribution: s.referenceDistribution } : { reference };
      const own = scoreBackchannel({ outputSegments, outputWords, outputDurationS, ...ownReference }, { events: 'interval' });
      v1 = {
        kind: s.category,
        result: { ...upstream, own: { to: own.to, frequencyHz: own.frequencyHz, jsd: own.jsd } },
        phraseBoundaries: phraseBoundaries(userSegments, s.durationS),
        referenceDistribution,
        referenceFrom: s.referenceDistribution ? 'icc_gt_distribution.json' : 'model',
      };
      break;
    }
    default:
      break;
  }
  const v15Category = categoryInfo(s.category).v15;
  if (v15Category) {
    if (!a.overlap) {
      if (!v1) return { id: s.id, skipped: 'missing metadata.json' };
    } else {
      const preEventText = plannedText(s.events, a.overlap.start);
      const label = labelOverlapEvent({ modelSegments: outputSegments, overlap: a.overlap, modelWords: outputWords, ...(preEventText !== null && { preEventText }) });
      v15 = { category: v15Category, result: { ...label, timing: getTiming(userSegments, outputSegments) }, preEventText };
    }
  }
  const cutIns = s.truth ? scoreCutIns({ userTurns: userTurnsOf(s.truth), outputSegments, outputWords }) : undefined;
  return {
    id: s.id,
    category: s.category,
    durationS: s.durationS,
    wordsFrom: useProvided ? 'output.json' : analyzer.info.asr,
    userSegments,
    outputSegments,
    outputWords,
    annotations: a,
    ...(v1 && { v1 }),
    ...(v15 && { v15 }),
    decisions: decisionsOf(s.events),
    ...(cutIns && { cutIns }),
    ...(s.events?.some((e) => e.type === 'turn_latency') && { turnStages: turnStagesOf(s.events, userSegments) }),
    ...(o.info && { info: o.info }),
  };
}

/**
 * The agent's planned text for the turn it was in at `t`: every clause generated for the last reply
 * started at or before `t` (including clauses not yet spoken then). null without a timeline.
 */
export function plannedText(events: readonly EngineEvent[] | undefined, t: number): string | null {
  if (!events) return null;
  let start = -1;
  events.forEach((e, i) => {
    if (e.type === 'agent_reply_start' && e.t <= t) start = i;
  });
  if (start < 0) return null;
  const clauses: string[] = [];
  for (const e of events.slice(start + 1)) {
    if (e.type === 'agent_reply_start') break;
    if (e.type === 'agent_text') clauses.push(e.text);
  }
  return clauses.length > 0 ? clauses.join(' ') : null;
}

function decisionsOf(events: readonly EngineEvent[] | undefined): DecisionMark[] {
  const out: DecisionMark[] = [];
  for (const e of events ?? []) if (e.type === 'decision') out.push({ t: e.t, action: e.action, reason: e.reason });
  return out;
}
