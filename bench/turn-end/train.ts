/**
 * `npm run train:turn`: trains the end-of-turn model and writes src/engine/turn-end/weights.ts.
 *
 * Recipe (deterministic: same commit → same weights):
 *  1. Generate conversations with the tuning voices only, at sample indices the benchmark sets never
 *     use (TRAINING.firstIndex…), in the categories whose clips are one user turn.
 *  2. Probe each in a listen-only session: one feature vector per 32 ms window of every silence span,
 *     labelled 1 in the silence after a turn (eot), 0 inside a turn (hold); eot windows only up to
 *     `eotWindowS` (the answer window), classes weighted to equal total weight.
 *  3. Fit logistic regression (Newton, L2).
 *  4. Per eagerness, choose the threshold and action delay with the lowest mean latency whose false
 *     cut-off rate on these spans stays within the budget (low 2 %, medium 5 %, high 10 %).
 * Nothing here looks at held-out voices.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { projectRoot } from '../../src/native.js';
import { defaultPredictorOptions, type Eagerness } from '../../src/engine/options.js';
import { TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';
import { TurnEndModel, type TurnEndWeights } from '../../src/engine/turn-end/model.js';
import { createProbeComponents, probeSet, TURN_END_CATEGORIES, type ProbedSample } from './dataset.js';
import { fitBalanced, defaultLogisticOptions, round6 as round, weightsSource as logisticWeightsSource } from '../logistic.js';
import { eotOperatingPoints, type PolicyPoint } from '../metrics/eot-operating-points.js';
import type { ProbedSpan } from './probe.js';

export const TRAINING = {
  set: 'full' as const,
  /** The benchmark's full set uses indices 0–39: training starts well past them. */
  firstIndex: 1000,
  perCategory: 60,
  /** eot windows later than this into the silence are not training rows (the answer window). */
  eotWindowS: 1.5,
  /** False cut-off budget per eagerness on the tuning spans. */
  budgets: { low: 0.02, medium: 0.05, high: 0.1 } as Record<Eagerness, number>,
  /** Policies considered: θ × action delay, with the engine's own timeout (maxHoldMs, 3 s). */
  grid: {
    thresholds: Array.from({ length: 39 }, (_, i) => Math.round((0.025 + i * 0.025) * 1000) / 1000),
    actionDelaysS: [0.064, 0.096, 0.128, 0.16, 0.192, 0.256, 0.32, 0.4, 0.5, 0.64],
    timeoutsS: [3],
  },
} as const;

/** The fastest policy on the frontier whose false cut-off rate is within `budget`. */
export function fastestWithin(frontier: readonly PolicyPoint[], budget: number): PolicyPoint | undefined {
  return frontier.find((p) => p.falseCutoffRate <= budget + 1e-12);
}

export interface TrainResult {
  readonly weights: TurnEndWeights;
  readonly rows: number;
  readonly spans: { readonly hold: number; readonly eot: number };
  readonly operatingPoints: Record<Eagerness, PolicyPoint | null>;
}

/** Fits the model on probed samples (with features) and picks its operating points. */
export function trainOnSamples(samples: readonly ProbedSample[], recipe: Record<string, unknown>): TrainResult {
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  const spans = samples.flatMap((s) => s.spans);
  for (const s of spans) {
    const fs = s.features ?? [];
    for (const [i, x] of fs.entries()) {
      if (s.kind === 'eot' && s.featureTimes![i]! > TRAINING.eotWindowS) continue;
      xs.push(x);
      ys.push(s.kind === 'eot' ? 1 : 0);
    }
  }
  const { fit, positives: pos, bias, weights: w } = fitBalanced(xs, ys);
  const draft: TurnEndWeights = {
    features: [...TURN_END_FEATURES],
    bias,
    weights: w,
    thresholds: { low: 0.5, medium: 0.5, high: 0.5 },
    actionDelayMs: { low: 0, medium: 0, high: 0 },
    recipe: {},
  };
  const model = new TurnEndModel(draft);
  const frontier = eotOperatingPoints(spans.map((s) => rescore(s, model)), TRAINING.grid).frontier;
  const ops = {} as Record<Eagerness, PolicyPoint | null>;
  for (const e of ['low', 'medium', 'high'] as const) ops[e] = fastestWithin(frontier, TRAINING.budgets[e]) ?? null;
  const thr = (e: Eagerness) => ops[e]?.policy.threshold ?? 0.95;
  const delay = (e: Eagerness) => Math.round((ops[e]?.policy.actionDelayS ?? 0.64) * 1000);
  const weights: TurnEndWeights = {
    ...draft,
    thresholds: { low: thr('low'), medium: thr('medium'), high: thr('high') },
    actionDelayMs: { low: delay('low'), medium: delay('medium'), high: delay('high') },
    recipe: {
      ...recipe,
      rows: xs.length,
      positives: pos,
      iterations: fit.iterations,
      logLoss: round(fit.logLoss),
      l2: defaultLogisticOptions.l2,
      budgets: TRAINING.budgets,
      tuningOperatingPoints: Object.fromEntries(
        Object.entries(ops).map(([k, v]) => [k, v && { falseCutoffRate: round(v.falseCutoffRate), meanLatencyS: round(v.meanLatencyS) }]),
      ),
    },
  };
  return { weights, rows: xs.length, spans: { hold: spans.filter((s) => s.kind === 'hold').length, eot: spans.filter((s) => s.kind === 'eot').length }, operatingPoints: ops };
}

/**
 * The span's scores under another model, as the predictor acts on them: windows without a reading,
 * and windows the words hold (TurnEndModel.heldByWords, at the default floor), count as p = 0.
 */
export function rescore(s: ProbedSpan, model: TurnEndModel, incompleteFloorMs = defaultPredictorOptions.endOfTurn.commitIncompleteMs): ProbedSpan {
  const byTime = new Map<number, number>();
  (s.features ?? []).forEach((x, i) => byTime.set(s.featureTimes![i]!, model.heldByWords(x, incompleteFloorMs) ? 0 : model.probability(x)));
  return { ...s, scores: s.scores.map((sc) => ({ t: sc.t, p: byTime.get(sc.t) ?? 0 })) };
}

export function weightsSource(w: TurnEndWeights): string {
  return logisticWeightsSource(w as TurnEndWeights & Record<string, unknown>, { script: 'train:turn', trainer: 'bench/turn-end/train.ts', typeName: 'TurnEndWeights', constName: 'TURN_END_WEIGHTS' }, ['actionDelayMs']);
}

/** Probes the training conversations (tuning voices), keeping every window's features. */
async function probeTraining(indices: readonly number[]): Promise<ProbedSample[]> {
  const c = await createProbeComponents();
  try {
    return await probeSet(c, {
      set: TRAINING.set,
      indices,
      generate: { voices: 'tuning' },
      predictor: { endOfTurn: { policy: 'model' } },
      keepFeatures: true,
      onProgress: (k, total, id) => process.stderr.write(`\r[train:turn] probed ${k}/${total} ${id}      `),
    });
  } finally {
    await c.close();
  }
}

/** Spans written by --save-spans (feature vectors as plain arrays). */
function loadSpans(file: string): ProbedSample[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as (Omit<ProbedSample, 'spans'> & { spans: (ProbedSpan & { features?: number[][] })[] })[];
  return raw.map((s) => ({ ...s, spans: s.spans.map((x) => ({ ...x, ...(x.features && { features: x.features.map((f) => Float64Array.from(f)) }) })) }));
}


async function main(): Promise<void> {
  const cmd = new Command('train:turn')
    .description('train the end-of-turn model on generated conversations with tuning voices')
    .option('--per-category <n>', 'conversations per category', String(TRAINING.perCategory))
    .option('--weights <file>', 'where to write the weights module', join(projectRoot(), 'src/engine/turn-end/weights.ts'))
    .option('--report <file>', 'training summary (JSON)', join(projectRoot(), 'bench/results/turn-end/train.json'))
    .option('--save-spans <file>', 'also write every probed span with its features (JSON, for analysis)')
    .option('--from-spans <file>', 'train on spans saved by --save-spans instead of probing again (same data, same weights)')
    .parse();
  const o = cmd.opts<{ perCategory: string; weights: string; report: string; saveSpans?: string; fromSpans?: string }>();
  const n = Number(o.perCategory);
  const indices = Array.from({ length: n }, (_, i) => TRAINING.firstIndex + i);
  const t0 = Date.now();
  const samples = o.fromSpans ? loadSpans(o.fromSpans) : await probeTraining(indices);
  process.stderr.write('\n');
  const recipe = {
    command: 'npm run train:turn',
    data: `set '${TRAINING.set}', tuning voices, indices ${indices[0]}–${indices[indices.length - 1]}, categories ${TURN_END_CATEGORIES.join(', ')}`,
    eotWindowS: TRAINING.eotWindowS,
  };
  const r = trainOnSamples(samples, recipe);
  if (o.saveSpans) {
    const plain = samples.map((s) => ({ ...s, spans: s.spans.map((x) => ({ ...x, features: x.features?.map((f) => Array.from(f)) })) }));
    writeFileSync(o.saveSpans, JSON.stringify(plain));
  }
  writeFileSync(o.weights, weightsSource(r.weights));
  mkdirSync(dirname(o.report), { recursive: true });
  writeFileSync(o.report, JSON.stringify({ ...r, probeSeconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  for (const [e, p] of Object.entries(r.operatingPoints)) {
    const what = p ? `θ=${p.policy.threshold} delay=${Math.round(p.policy.actionDelayS * 1000)} ms  false cut-offs ${(p.falseCutoffRate * 100).toFixed(1)} %  mean latency ${p.meanLatencyS.toFixed(3)} s` : 'no policy within the budget';
    process.stdout.write(`${e.padEnd(6)} ${what} (tuning)\n`);
  }
  process.stdout.write(`${r.rows} rows from ${r.spans.hold} hold and ${r.spans.eot} eot spans; weights → ${o.weights}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`train:turn failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
