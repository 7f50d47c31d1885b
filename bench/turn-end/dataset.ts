/**
 * Probing generated conversations for the end-of-turn model: the training set (tuning voices, sample
 * indices the benchmark's sets never use) and any benchmark set for evaluation.
 */
import { createAsr, createTts, createVad } from '../../src/speech/registry.js';
import type { PredictorOverrides } from '../../src/engine/options.js';
import { generateScenario, type GenerateOptions } from '../scenarios/generate.js';
import type { SetName } from '../scenarios/config.js';
import type { CategoryId } from '../scenarios/types.js';
import { probeTurnEnds, type MeasuredPause, type ProbeComponents, type ProbedSpan } from './probe.js';
import { silencesOf } from './spans.js';

/** Categories whose clips are one user turn with known inner silences: what the model learns from. */
export const TURN_END_CATEGORIES: readonly CategoryId[] = ['pause_handling', 'smooth_turn_taking', 'backchannel'];

export interface ProbedSample {
  readonly id: string;
  readonly category: CategoryId;
  readonly spans: ProbedSpan[];
  /** What the speaker says (recorded prompts). */
  readonly text?: string;
  /** The pauses the user went on after, as the engine measured them, in order. */
  readonly pauses?: readonly MeasuredPause[];
}

export interface ProbeSetOptions {
  readonly set: SetName;
  readonly categories?: readonly CategoryId[];
  /** Sample indices to probe (per category). */
  readonly indices: readonly number[];
  readonly generate?: GenerateOptions;
  readonly predictor?: PredictorOverrides;
  readonly keepFeatures?: boolean;
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

export async function createProbeComponents(): Promise<ProbeComponents & { close(): Promise<void> }> {
  const vad = await createVad('silero');
  const asr = createAsr('pocketsphinx');
  const tts = createTts('flite');
  return { vad, asr, tts, close: async () => void (await Promise.allSettled([vad.close(), asr.close(), tts.close()])) };
}

export async function probeSet(c: ProbeComponents, o: ProbeSetOptions): Promise<ProbedSample[]> {
  const cats = o.categories ?? TURN_END_CATEGORIES;
  const plan = o.indices.flatMap((index) => cats.map((category) => ({ category, index })));
  const out: ProbedSample[] = [];
  for (const [k, { category, index }] of plan.entries()) {
    const sc = await generateScenario(o.set, category, index, o.generate);
    const pauses: MeasuredPause[] = [];
    const spans = await probeTurnEnds(sc.input, silencesOf(sc.truth), c, {
      ...(o.predictor && { predictor: o.predictor }),
      ...(o.keepFeatures && { keepFeatures: true }),
      onPause: (p) => pauses.push(p),
    });
    out.push({ id: sc.truth.id, category, spans, pauses });
    o.onProgress?.(k + 1, plan.length, sc.truth.id);
  }
  return out;
}
