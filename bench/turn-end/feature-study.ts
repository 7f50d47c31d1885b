/**
 * The machinery of an end-of-turn feature study (does a new reading at a pause carry signal the
 * model's features miss?), shared by the prosody and the lexical studies:
 *
 *  1. Probe one-turn samples in listen-only sessions (probe.ts: the engine's own features and words
 *     per 32 ms window of every silence), resumably, into JSONL files under a cache directory:
 *     training samples (set full, tuning voices, indices from 1000, as `npm run train:turn`) and the
 *     quick set (indices 0…) for tuning and held-out voices, as `bench eot`.
 *  2. The study joins every window with its new readings (`extra`, null where there is none).
 *  3. AUCs (hold vs turn end, 0.3 s into each pause) of the engine's features and the new ones, on
 *     the training samples only.
 *  4. Fit the end-of-turn logistic model with the trainer's recipe (train.ts: eot windows ≤ 1.5 s,
 *     balanced classes, operating point for eagerness medium within 5 % false cut-offs on the
 *     training spans), with and without the new readings, and report eot-bench operating points on
 *     the quick set's tuning and held-out voices (raw p, as `bench eot` reports them), with a paired
 *     bootstrap of every change. Nothing is chosen by looking at held-out voices.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateScenario } from '../scenarios/generate.js';
import type { SetName, VoiceSetName } from '../scenarios/config.js';
import { TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';
import { eotOperatingPoints, type ScoredSilence } from '../metrics/eot-operating-points.js';
import { createProbeComponents, TURN_END_CATEGORIES } from './dataset.js';
import { fitLogistic } from '../logistic.js';
import { probeTurnEnds, type ProbedSpan } from './probe.js';
import { silencesOf, type SilenceSpan } from './spans.js';
import { fastestWithin, TRAINING } from './train.js';

export interface StoredSpan extends Omit<ProbedSpan, 'features' | 'transcripts'> {
  readonly features: number[][];
  readonly featureTimes: number[];
  readonly transcripts: string[];
}
export interface StoredSample {
  readonly id: string;
  readonly category: string;
  readonly index: number;
  readonly spans: StoredSpan[];
}
/** A span with, per feature window, the study's new readings (null where there is none yet). */
export interface JoinedSpan extends StoredSpan {
  readonly extra: (number[] | null)[];
}
export interface JoinedSample {
  readonly category: string;
  readonly spans: JoinedSpan[];
}
export interface Part {
  readonly set: SetName;
  readonly voices: VoiceSetName;
  readonly first: number;
  readonly n: number;
}
/** A model variant: the engine's features plus these of the study's readings (indices into `extra`). */
export interface Variant {
  readonly name: string;
  readonly extra: readonly number[];
  /** Products of two of the engine's features (indices into TURN_END_FEATURES), appended. */
  readonly crosses?: readonly (readonly [number, number])[];
  /** The engine's features left out (set to 0; indices into TURN_END_FEATURES): readings that replace them. */
  readonly drop?: readonly number[];
}

/** One sample to probe: its id, and how to get its audio and the silences it is scored on. */
export interface ProbeItem {
  readonly id: string;
  readonly category: string;
  readonly index: number;
  load(): Promise<{ readonly input: Int16Array; readonly spans: readonly SilenceSpan[] }>;
}

/**
 * Probes every item not yet in `file` (JSONL; resumable: items already there are skipped) with the
 * engine's own features per window, and returns the stored samples of `items`, in file order.
 */
export async function probeInto(file: string, items: readonly ProbeItem[], log: (s: string) => void, label: string): Promise<StoredSample[]> {
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredSample) : []);
  const done = new Set(read().map((s) => s.id));
  if (items.some((t) => !done.has(t.id))) {
    const c = await createProbeComponents();
    try {
      for (const item of items) {
        if (done.has(item.id)) continue;
        const { input, spans: silences } = await item.load();
        const spans = await probeTurnEnds(input, silences, c, { predictor: { eagerness: 'medium', endOfTurn: { policy: 'model' } }, keepFeatures: true });
        const stored = spans.map((s) => ({
          ...s,
          features: (s.features ?? []).map((f) => Array.from(f, (v) => Math.round(v * 1e6) / 1e6)),
          featureTimes: s.featureTimes ?? [],
          transcripts: s.transcripts ?? [],
        }));
        appendFileSync(file, JSON.stringify({ id: item.id, category: item.category, index: item.index, spans: stored }) + '\n');
        log(`probed ${label} ${item.id}`);
      }
    } finally {
      await c.close();
    }
  }
  const want = new Set(items.map((t) => t.id));
  return read().filter((s) => want.has(s.id));
}

/** Probes (or reads back) every sample of a part; resumable: samples already in the file are skipped. */
export async function probePart(p: Part, file: string, log: (s: string) => void): Promise<StoredSample[]> {
  const items = Array.from({ length: p.n }, (_, i) => p.first + i).flatMap((index) =>
    TURN_END_CATEGORIES.map((category): ProbeItem => ({
      id: `${category}/${String(index).padStart(3, '0')}`,
      category,
      index,
      load: async () => {
        const sc = await generateScenario(p.set, category, index, { voices: p.voices });
        return { input: sc.input, spans: silencesOf(sc.truth) };
      },
    })),
  );
  return probeInto(file, items, log, p.voices);
}

/** The study's three parts: training samples (tuning voices) and the quick set in both voice sets. */
export function studyParts(trainPerCategory: number, evalPerCategory: number): Record<'train' | 'tuning' | 'heldout', Part> {
  return {
    train: { set: 'full', voices: 'tuning', first: TRAINING.firstIndex, n: trainPerCategory },
    tuning: { set: 'quick', voices: 'tuning', first: 0, n: evalPerCategory },
    heldout: { set: 'quick', voices: 'heldout', first: 0, n: evalPerCategory },
  };
}

/** Probes every part (cached under `cache`) and joins its windows with the study's readings (cached too). */
export async function loadStudyData(
  name: string,
  parts: Record<string, Part>,
  cache: string,
  joinPart: (p: Part, samples: readonly StoredSample[]) => Promise<JoinedSample[]>,
  log: (s: string) => void,
  /** Keep the joined readings too (false: readings cheap enough to recompute every run). */
  cacheJoined = true,
): Promise<Record<string, JoinedSample[]>> {
  mkdirSync(cache, { recursive: true });
  const data: Record<string, JoinedSample[]> = {};
  for (const [k, p] of Object.entries(parts)) {
    const joined = join(cache, `joined-${name}-${p.set}-${p.voices}-${p.n}.json`);
    const cached = cacheJoined && existsSync(joined);
    data[k] = cached ? JSON.parse(readFileSync(joined, 'utf8')) : await joinPart(p, await probePart(p, join(cache, `${p.set}-${p.voices}.jsonl`), log));
    if (cacheJoined && !cached) writeFileSync(joined, JSON.stringify(data[k]));
  }
  return data;
}

function auc(pos: readonly number[], neg: readonly number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / Math.max(1, pos.length * neg.length);
}

/** AUC of each feature (the engine's and the study's) at `atS` into the pause, per sample group. */
export function aucTable(data: readonly JoinedSample[], atS: number, extraNames: readonly string[]): string[] {
  const groups: [string, readonly string[] | null][] = [['all', null], ['pauses + turn-taking', ['pause_handling', 'smooth_turn_taking']], ['monologues', ['backchannel']]];
  const engine = TURN_END_FEATURES.map((f, j) => [f, j] as const).filter(([f]) => !f.startsWith('pause') && f !== 'agent_asked');
  const names = [...engine.map(([f]) => f), ...extraNames];
  const cols: string[][] = [];
  for (const [, cats] of groups) {
    const rows = data.filter((s) => !cats || cats.includes(s.category)).flatMap((s) => s.spans.filter((x) => x.kind === 'eot' || x.end - x.start >= 0.2).flatMap((x) => {
      const i = x.featureTimes.findIndex((t) => t >= atS - 0.017);
      return i < 0 ? [] : [{ y: x.kind === 'eot', v: [...engine.map(([, j]) => x.features[i]![j]!), ...extraNames.map((_, j) => x.extra[i]?.[j] ?? 0)] }];
    }));
    const pos = rows.filter((r) => r.y), neg = rows.filter((r) => !r.y);
    cols.push([`${pos.length}/${neg.length}`, ...names.map((_, j) => auc(pos.map((r) => r.v[j]!), neg.map((r) => r.v[j]!)).toFixed(2))]);
  }
  return [
    `AUC at ${atS} s into the pause (turn end vs hold; < 0.5: lower at turn ends), training samples, tuning voices`,
    `${'feature'.padEnd(26)} ${groups.map(([g]) => g.slice(0, 22).padStart(22)).join(' ')}`,
    `${'turn ends / holds'.padEnd(26)} ${cols.map((c) => c[0]!.padStart(22)).join(' ')}`,
    ...names.map((n, k) => `${n.padEnd(26)} ${cols.map((c) => c[k + 1]!.padStart(22)).join(' ')}`),
  ];
}

// Probes run with a build that computed more features keep the engine's own ones only; a variant
// with readings gets them (0 where missing) and a flag saying whether they were there.
const vec = (x: readonly number[], e: readonly number[] | null, v: Variant) =>
  Float64Array.from([
    ...x.slice(0, TURN_END_FEATURES.length).map((f, j) => (v.drop?.includes(j) ? 0 : f)),
    ...v.extra.map((j) => (e ? e[j]! : 0)),
    ...(v.extra.length ? [e ? 1 : 0] : []),
    ...(v.crosses ?? []).map(([a, b]) => x[a]! * x[b]!),
  ]);

/** Fits a variant with the trainer's recipe on `train`; `score` reads any samples with it. */
export function fitVariant(train: readonly JoinedSample[], v: Variant) {
  const xs: Float64Array[] = [], ys: number[] = [];
  for (const s of train) for (const x of s.spans) x.features.forEach((f, i) => {
    if (x.kind === 'eot' && x.featureTimes[i]! > TRAINING.eotWindowS) return;
    xs.push(vec(f, x.extra[i]!, v));
    ys.push(x.kind === 'eot' ? 1 : 0);
  });
  const pos = ys.filter((y) => y === 1).length, neg = ys.length - pos;
  const fit = fitLogistic(xs, ys, ys.map((y) => (y ? ys.length / (2 * pos) : ys.length / (2 * neg))));
  const score = (data: readonly JoinedSample[]): ScoredSilence[] => data.flatMap((s) => s.spans.map((x) => {
    const by = new Map(x.featureTimes.map((t, i) => {
      let z = fit.bias;
      const f = vec(x.features[i]!, x.extra[i]!, v);
      for (let j = 0; j < f.length; j++) z += fit.weights[j]! * f[j]!;
      return [t, 1 / (1 + Math.exp(-z))] as const;
    }));
    return { kind: x.kind, start: x.start, end: x.end, scores: x.scores.map((sc) => ({ t: sc.t, p: by.get(sc.t) ?? 0 })) };
  }));
  const op = fastestWithin(eotOperatingPoints(score(train), TRAINING.grid).frontier, TRAINING.budgets.medium);
  return { fit, op, score };
}

const pct = (x: number | null | undefined) => (x == null ? '–' : `${(x * 100).toFixed(1)} %`);
const sec = (x: number | null | undefined) => (x == null ? '–' : `${x.toFixed(2)} s`);
export function pointsLine(name: string, spans: readonly ScoredSilence[]): string {
  const o = eotOperatingPoints(spans);
  return `${name.padEnd(44)} ${pct(o.cutoffAtLatency[0]!.falseCutoffRate).padStart(8)} ${pct(o.cutoffAtLatency[1]!.falseCutoffRate).padStart(8)} ${sec(o.latencyAtCutoff[0]!.meanLatencyS).padStart(8)} ${sec(o.latencyAtCutoff[1]!.meanLatencyS).padStart(8)}`;
}

export const BOOTSTRAP = { resamples: 100, seed: 12345 } as const;

/** Paired bootstrap (same resampled samples for both): [lo, hi] of (b − a) false cut-offs @300 and @600 ms, in points. */
export function bootstrapDiff(a: readonly ScoredSilence[][], b: readonly ScoredSilence[][]): string[] {
  let state = BOOTSTRAP.seed;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const d300: number[] = [], d600: number[] = [];
  for (let r = 0; r < BOOTSTRAP.resamples; r++) {
    const pick = a.map(() => Math.floor(rand() * a.length));
    const pa = eotOperatingPoints(pick.flatMap((i) => a[i]!)).cutoffAtLatency;
    const pb = eotOperatingPoints(pick.flatMap((i) => b[i]!)).cutoffAtLatency;
    d300.push(((pb[0]!.falseCutoffRate ?? 1) - (pa[0]!.falseCutoffRate ?? 1)) * 100);
    d600.push(((pb[1]!.falseCutoffRate ?? 1) - (pa[1]!.falseCutoffRate ?? 1)) * 100);
  }
  const q = (xs: number[], p: number) => xs.sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);
  return [q(d300, 0.05), q(d300, 0.95), q(d600, 0.05), q(d600, 0.95)];
}

/** The study's report: AUCs, each variant's operating points, the bootstrap, the shipped model. */
export function studyReport(title: string, data: Record<string, JoinedSample[]>, extraNames: readonly string[], variants: readonly Variant[]): string[] {
  const lines = [
    title,
    '',
    ...aucTable(data.train!, 0.3, extraNames),
    '',
    `${'eot-bench operating points (raw p, as bench eot)'.padEnd(44)} ${'@300ms'.padStart(8)} ${'@600ms'.padStart(8)} ${'lat@5%'.padStart(8)} ${'lat@10%'.padStart(8)}`,
  ];
  const fits = variants.map((v) => fitVariant(data.train!, v));
  for (const [n, v] of variants.entries()) {
    const r = fits[n]!;
    lines.push(`${v.name}: medium θ ${r.op?.policy.threshold ?? '–'}, weights of the new features ${r.fit.weights.slice(TURN_END_FEATURES.length).map((w) => w.toFixed(2)).join(' ') || '–'}`);
    for (const k of ['tuning', 'heldout']) lines.push(pointsLine(`  quick set, ${k} voices`, r.score(data[k]!)));
  }
  lines.push('', `Paired bootstrap over samples (${BOOTSTRAP.resamples} resamples): change in false cut-offs against the first variant, 5th–95th percentile, points`);
  for (const [n, v] of variants.entries()) {
    if (n === 0) continue;
    for (const k of ['tuning', 'heldout']) {
      const [lo300, hi300, lo600, hi600] = bootstrapDiff(data[k]!.map((x) => fits[0]!.score([x])), data[k]!.map((x) => fits[n]!.score([x])));
      lines.push(`  ${v.name}, ${k} voices: @300 ms ${lo300} … ${hi300}, @600 ms ${lo600} … ${hi600}`);
    }
  }
  lines.push('shipped model (src/engine/turn-end/weights.ts)');
  for (const k of ['tuning', 'heldout']) lines.push(pointsLine(`  quick set, ${k} voices`, data[k]!.flatMap((s) => s.spans.map((x) => ({ kind: x.kind, start: x.start, end: x.end, scores: x.scores })))));
  return lines;
}

/** Regenerates a part's audio, sample by sample (for readings computed from the audio). */
export async function* partAudio(p: Part, samples: readonly StoredSample[]): AsyncGenerator<{ sample: StoredSample; input: Int16Array }> {
  for (const s of samples) {
    const sc = await generateScenario(p.set, s.category as (typeof TURN_END_CATEGORIES)[number], s.index, { voices: p.voices });
    yield { sample: s, input: sc.input };
  }
}
