/**
 * Full-Duplex-Bench v1 per-sample scorers and per-category aggregators (benchmarks.md, "Metric
 * definitions"). Inputs are ASR words / VAD segments of the system output plus the sample's
 * annotation times; nothing here reads files or runs models.
 */
import { FullduplexError } from '../../src/errors.js';
import { isTakeover, type TakeoverValue } from './takeover.js';
import {
  leq,
  lt,
  mean,
  mergeSegments,
  stats,
  validateSegments,
  validateWords,
  type Segment,
  type Stats,
  type Word,
} from './types.js';

export * from './backchannel.js';

export const V1_INTERRUPTION = {
  /**
   * Output VAD segments are joined across gaps ≤ this before finding when the agent went silent,
   * so a breath between phrases is not a "stop". Same value as the v1.5 model merge gap; a real
   * stop-then-answer leaves a gap of the rest of the user's interruption plus the answer latency,
   * which is longer for any interruption of more than ~0.65 s.
   */
  stopMergeGapS: 0.5,
} as const;

function checkTime(t: number, name: string): void {
  if (!Number.isFinite(t)) throw new FullduplexError('BAD_ARGUMENT', `${name} must be finite, got ${t}`);
}

/** First word start (min over words, so the order given does not matter). */
function firstStart(words: readonly Word[]): number {
  return words.reduce((m, w) => Math.min(m, w.start), Infinity);
}

// ------------------------------------------------------------------ pause handling
export interface PauseHandlingResult {
  readonly to: TakeoverValue;
}

/** TO over the whole output: any speech anywhere in the clip counts (TOR, lower is better). */
export function scorePauseHandling(outputWords: readonly Word[]): PauseHandlingResult {
  return { to: isTakeover(outputWords) };
}

export interface TorSummary {
  readonly n: number;
  readonly tor: number | null;
}

export function aggregatePauseHandling(results: readonly PauseHandlingResult[]): TorSummary {
  return { n: results.length, tor: mean(results.map((r) => r.to)) };
}

// ------------------------------------------------------------------ smooth turn-taking
export interface LatencyResult {
  readonly to: TakeoverValue;
  /** max(0, raw latency) when TO = 1; null when TO = 0 (upstream ignores those samples). */
  readonly latencyS: number | null;
  /** Unclipped first-word start − reference time; negative = started before the user finished. */
  readonly rawLatencyS: number | null;
}

/**
 * TO over the whole output; latency = first output word start − turnEndS
 * (turn_taking.json[0].timestamp[0], the end of the user's turn), clipped at 0.
 */
export function scoreTurnTaking(outputWords: readonly Word[], turnEndS: number): LatencyResult {
  checkTime(turnEndS, 'turnEndS');
  return latencyResult(outputWords, turnEndS);
}

function latencyResult(words: readonly Word[], fromS: number): LatencyResult {
  const to = isTakeover(words);
  if (to === 0) return { to, latencyS: null, rawLatencyS: null };
  const raw = firstStart(words) - fromS;
  return { to, latencyS: Math.max(0, raw), rawLatencyS: raw };
}

export interface LatencySummary extends TorSummary {
  /** Over TO = 1 samples only. We quote the median; upstream reports the mean. */
  readonly latencyS: Stats;
}

export function aggregateTurnTaking(results: readonly LatencyResult[]): LatencySummary {
  return {
    n: results.length,
    tor: mean(results.map((r) => r.to)),
    latencyS: stats(latenciesOfTakeovers(results)),
  };
}

function latenciesOfTakeovers(results: readonly LatencyResult[]): number[] {
  const out: number[] = [];
  for (const r of results) if (r.to === 1 && r.latencyS !== null) out.push(r.latencyS);
  return out;
}

// ------------------------------------------------------------------ user interruption
/**
 * Which output words are "the output after the interruption" (benchmarks.md: "TO computed on the
 * output after the interruption; latency = first output word start − end of the interruption").
 * - 'interruptionEnd' (default): words starting at or after the interruption end. The definition
 *   measures latency from the interruption end, so the response is what begins after it; words the
 *   agent says over the user are not a response (they are what the stop latency measures), and
 *   counting them would give an agent that never stops TO = 1 at 0 s latency.
 * - 'interruptionStart': words starting at or after the interruption start.
 * - 'all': every output word, as upstream's eval_user_interruption.py does with its output.json,
 *   which upstream's ASR step (get_transcript/asr.py, task user_interruption) fills only from the
 *   audio after the interruption's end; the bench writes output.json the same way.
 */
export type InterruptionWordsFrom = 'interruptionEnd' | 'interruptionStart' | 'all';

export interface InterruptionInput {
  readonly outputWords: readonly Word[];
  /** interrupt.json timestamp [start, end]: the user's barge-in. */
  readonly interruption: Segment;
  /** VAD segments of the output; needed only for the stop latency. */
  readonly outputSegments?: readonly Segment[];
}

export interface InterruptionOptions {
  readonly wordsFrom?: InterruptionWordsFrom;
  readonly stopMergeGapS?: number;
}

export type StopSkipReason = 'no_output_vad' | 'agent_not_speaking_at_interruption';

export interface InterruptionResult extends LatencyResult {
  /** Number of output words that counted as the response. */
  readonly responseWords: number;
  /** Interruption start → end of the agent speech that covered it; null when not measurable. */
  readonly stopLatencyS: number | null;
  readonly stopSkipReason: StopSkipReason | null;
}

export function scoreInterruption(input: InterruptionInput, options: InterruptionOptions = {}): InterruptionResult {
  const { interruption } = input;
  validateSegments([interruption], 'interruption');
  validateWords(input.outputWords, 'output word');
  const mode = options.wordsFrom ?? 'interruptionEnd';
  const from = mode === 'interruptionEnd' ? interruption.end : mode === 'interruptionStart' ? interruption.start : -Infinity;
  const words = input.outputWords.filter((w) => w.start >= from);
  const lat = latencyResult(words, interruption.end);
  const stop = stopLatency(input.outputSegments, interruption.start, options.stopMergeGapS);
  return { ...lat, responseWords: words.length, ...stop };
}

/**
 * Our extra metric (project goal: agent silent ≤ 0.15 s after the user starts): the agent speech
 * run covering the interruption start (after joining gaps ≤ stopMergeGapS) ends at the stop; the
 * latency is stop − interruption start. Not measurable if the agent was silent when the user began.
 */
export function stopLatency(
  outputSegments: readonly Segment[] | undefined,
  userStartS: number,
  mergeGapS: number = V1_INTERRUPTION.stopMergeGapS,
): { stopLatencyS: number | null; stopSkipReason: StopSkipReason | null } {
  checkTime(userStartS, 'userStartS');
  if (outputSegments === undefined) return { stopLatencyS: null, stopSkipReason: 'no_output_vad' };
  const run = mergeSegments(outputSegments, mergeGapS).find((s) => leq(s.start, userStartS) && lt(userStartS, s.end));
  if (run === undefined) return { stopLatencyS: null, stopSkipReason: 'agent_not_speaking_at_interruption' };
  return { stopLatencyS: run.end - userStartS, stopSkipReason: null };
}

export interface InterruptionSummary extends LatencySummary {
  /** Over samples where the agent was speaking when the user started. */
  readonly stopLatencyS: Stats;
  readonly stopSkipped: number;
}

export function aggregateInterruption(results: readonly InterruptionResult[]): InterruptionSummary {
  const stops: number[] = [];
  for (const r of results) if (r.stopLatencyS !== null) stops.push(r.stopLatencyS);
  return {
    ...aggregateTurnTaking(results),
    stopLatencyS: stats(stops),
    stopSkipped: results.length - stops.length,
  };
}
