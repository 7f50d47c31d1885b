/**
 * Does speaker-relative prosody at a pause carry end-of-turn signal the model's features miss?
 * A study, not part of the engine (its negative result is in the README's end-of-turn section):
 *
 *  1. Probe one-turn samples in listen-only sessions (bench/turn-end/probe.ts, the engine's own 18
 *     features per 32 ms window of every silence), resumably, into JSONL files under --cache:
 *     training samples (set full, tuning voices, indices from 1000, as `npm run train:turn`) and the
 *     quick set (indices 0…) for tuning and held-out voices, as `bench eot`.
 *  2. Join every window with the speaker-relative reading (speaker-prosody.ts) of the same audio.
 *  3. AUCs (hold vs turn end, 0.3 s into each pause) of the engine's features and the new ones, on
 *     the training samples only.
 *  4. Fit the end-of-turn logistic model with the trainer's recipe (train.ts: eot windows ≤ 1.5 s,
 *     balanced classes, operating point for eagerness medium within 5 % false cut-offs on the
 *     training spans), with and without the new features, and report eot-bench operating points on
 *     the quick set's tuning and held-out voices (raw p, as `bench eot` reports them).
 *
 * Usage: `npm run study:turn-prosody -- --train-per-category 24 --eval-per-category 16` (probing
 * 72 + 96 samples takes about an hour on a quiet machine; the cache makes reruns take minutes).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateScenario } from '../scenarios/generate.js';
import type { SetName, VoiceSetName } from '../scenarios/config.js';
import { PitchTracker } from '../../src/engine/evidence/pitch.js';
import { TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';
import { eotOperatingPoints, type ScoredSilence } from '../metrics/eot-operating-points.js';
import { createProbeComponents, TURN_END_CATEGORIES } from './dataset.js';
import { fitLogistic } from '../logistic.js';
import { probeTurnEnds, type ProbedSpan } from './probe.js';
import { SpeakerProsody, type SpeakerProsodyReading } from './speaker-prosody.js';
import { silencesOf } from './spans.js';
import { fastestWithin, TRAINING } from './train.js';

const WINDOW = 512;
const PROSODY: readonly (keyof SpeakerProsodyReading)[] = ['pitchLevel', 'pitchAboveFloor', 'pitchFall', 'energyLevel', 'energyDrop', 'lastRun'];

interface StoredSpan extends Omit<ProbedSpan, 'features'> {
  readonly features: number[][];
  readonly featureTimes: number[];
}
interface StoredSample {
  readonly id: string;
  readonly category: string;
  readonly index: number;
  readonly spans: StoredSpan[];
}
/** A span with, per feature window, the speaker-relative reading (null until the speaker is known). */
interface JoinedSpan extends StoredSpan {
  readonly prosody: (number[] | null)[];
}
interface Part {
  readonly set: SetName;
  readonly voices: VoiceSetName;
  readonly first: number;
  readonly n: number;
}

/** Probes (or reads back) every sample of a part; resumable: samples already in the file are skipped. */
async function probePart(p: Part, file: string, log: (s: string) => void): Promise<StoredSample[]> {
  const read = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredSample) : []);
  const done = new Set(read().map((s) => s.id));
  const todo = Array.from({ length: p.n }, (_, i) => p.first + i).flatMap((index) => TURN_END_CATEGORIES.map((category) => ({ index, category })));
  if (todo.length > done.size) {
    const c = await createProbeComponents();
    try {
      for (const { index, category } of todo) {
        const sc = await generateScenario(p.set, category, index, { voices: p.voices });
        if (done.has(sc.truth.id)) continue;
        const spans = await probeTurnEnds(sc.input, silencesOf(sc.truth), c, { predictor: { eagerness: 'medium', endOfTurn: { policy: 'model' } }, keepFeatures: true });
        const stored = spans.map((s) => ({ ...s, features: (s.features ?? []).map((f) => Array.from(f, (v) => Math.round(v * 1e6) / 1e6)), featureTimes: s.featureTimes ?? [] }));
        appendFileSync(file, JSON.stringify({ id: sc.truth.id, category, index, spans: stored }) + '\n');
        log(`probed ${p.voices} ${sc.truth.id}`);
      }
    } finally {
      await c.close();
    }
  }
  const want = new Set(todo.map((t) => `${t.category}/${String(t.index).padStart(3, '0')}`));
  return read().filter((s) => want.has(s.id));
}

/** The speaker-relative reading at every window of the sample's audio (the engine's PitchTracker stream). */
async function joinProsody(p: Part, samples: readonly StoredSample[]): Promise<{ category: string; spans: JoinedSpan[] }[]> {
  const out = [];
  for (const s of samples) {
    const sc = await generateScenario(p.set, s.category as (typeof TURN_END_CATEGORIES)[number], s.index, { voices: p.voices });
    const windows = Math.ceil((Math.max(...s.spans.map((x) => x.end)) + 0.1) * (16000 / WINDOW));
    const pitch = new PitchTracker();
    const prosody = new SpeakerProsody();
    const reads: (number[] | null)[] = [];
    for (let k = 0; k < windows; k++) {
      const win = new Int16Array(WINDOW);
      if (k * WINDOW < sc.input.length) win.set(sc.input.subarray(k * WINDOW, Math.min(sc.input.length, (k + 1) * WINDOW)));
      prosody.push(pitch.push(win));
      const r = prosody.read();
      reads.push(r && PROSODY.map((f) => r[f]));
    }
    // The probe's window k ends at (k + 1) × 32 ms; feature times count from the span's start.
    out.push({ category: s.category, spans: s.spans.map((x) => ({ ...x, prosody: x.featureTimes.map((t) => reads[Math.round((x.start + t) / 0.032) - 1] ?? null) })) });
  }
  return out;
}

function auc(pos: readonly number[], neg: readonly number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / Math.max(1, pos.length * neg.length);
}

function aucTable(data: readonly { category: string; spans: JoinedSpan[] }[], atS: number): string[] {
  const lines: string[] = [];
  const groups: [string, readonly string[] | null][] = [['all', null], ['pauses + turn-taking', ['pause_handling', 'smooth_turn_taking']], ['monologues', ['backchannel']]];
  const names = [...TURN_END_FEATURES.filter((f) => !f.startsWith('pause') && f !== 'agent_asked'), ...PROSODY.map((f) => `speaker ${f}`)];
  const cols: string[][] = [];
  for (const [, cats] of groups) {
    const rows = data.filter((s) => !cats || cats.includes(s.category)).flatMap((s) => s.spans.filter((x) => x.kind === 'eot' || x.end - x.start >= 0.2).flatMap((x) => {
      const i = x.featureTimes.findIndex((t) => t >= atS - 0.017);
      return i < 0 ? [] : [{ y: x.kind === 'eot', v: [...TURN_END_FEATURES.map((_, j) => x.features[i]![j]!), ...PROSODY.map((_, j) => x.prosody[i]?.[j] ?? 0)], n: TURN_END_FEATURES.length }];
    }));
    const idx = names.map((n) => (n.startsWith('speaker ') ? TURN_END_FEATURES.length + PROSODY.indexOf(n.slice(8) as keyof SpeakerProsodyReading) : TURN_END_FEATURES.indexOf(n as (typeof TURN_END_FEATURES)[number])));
    const pos = rows.filter((r) => r.y), neg = rows.filter((r) => !r.y);
    cols.push([`${pos.length}/${neg.length}`, ...idx.map((j) => auc(pos.map((r) => r.v[j]!), neg.map((r) => r.v[j]!)).toFixed(2))]);
  }
  lines.push(`AUC at ${atS} s into the pause (turn end vs hold; < 0.5: lower at turn ends), training samples, tuning voices`);
  lines.push(`${'feature'.padEnd(26)} ${groups.map(([g]) => g.slice(0, 22).padStart(22)).join(' ')}`);
  lines.push(`${'turn ends / holds'.padEnd(26)} ${cols.map((c) => c[0]!.padStart(22)).join(' ')}`);
  names.forEach((n, k) => lines.push(`${n.padEnd(26)} ${cols.map((c) => c[k + 1]!.padStart(22)).join(' ')}`));
  return lines;
}

type Variant = { name: string; prosody: readonly number[] };
// Probes run with a build that computed more features keep the engine's first 18 only.
const vec = (x: readonly number[], p: readonly number[] | null, v: Variant) => Float64Array.from([...x.slice(0, TURN_END_FEATURES.length), ...v.prosody.map((j) => (p ? p[j]! : 0)), ...(v.prosody.length ? [p ? 1 : 0] : [])]);

function fitVariant(train: readonly { spans: JoinedSpan[] }[], v: Variant) {
  const xs: Float64Array[] = [], ys: number[] = [];
  for (const s of train) for (const x of s.spans) x.features.forEach((f, i) => {
    if (x.kind === 'eot' && x.featureTimes[i]! > TRAINING.eotWindowS) return;
    xs.push(vec(f, x.prosody[i]!, v));
    ys.push(x.kind === 'eot' ? 1 : 0);
  });
  const pos = ys.filter((y) => y === 1).length, neg = ys.length - pos;
  const fit = fitLogistic(xs, ys, ys.map((y) => (y ? ys.length / (2 * pos) : ys.length / (2 * neg))));
  const score = (data: readonly { spans: JoinedSpan[] }[]): ScoredSilence[] => data.flatMap((s) => s.spans.map((x) => {
    const by = new Map(x.featureTimes.map((t, i) => {
      let z = fit.bias;
      const f = vec(x.features[i]!, x.prosody[i]!, v);
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
function pointsLine(name: string, spans: readonly ScoredSilence[]): string {
  const o = eotOperatingPoints(spans);
  return `${name.padEnd(44)} ${pct(o.cutoffAtLatency[0]!.falseCutoffRate).padStart(8)} ${pct(o.cutoffAtLatency[1]!.falseCutoffRate).padStart(8)} ${sec(o.latencyAtCutoff[0]!.meanLatencyS).padStart(8)} ${sec(o.latencyAtCutoff[1]!.meanLatencyS).padStart(8)}`;
}

const BOOTSTRAP = { resamples: 100, seed: 12345 } as const;

/** Paired bootstrap (same resampled samples for both): [lo, hi] of (b − a) false cut-offs @300 and @600 ms, in points. */
function bootstrapDiff(a: readonly ScoredSilence[][], b: readonly ScoredSilence[][]): string[] {
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

async function main(): Promise<void> {
  const o = new Command('prosody-study')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable)', '/tmp/fullduplex-prosody-study')
    .option('--out <file>', 'report', 'bench/results/turn-end/prosody-study.txt')
    .parse()
    .opts<{ trainPerCategory: string; evalPerCategory: string; cache: string; out: string }>();
  mkdirSync(o.cache, { recursive: true });
  const log = (s: string) => process.stderr.write(`[prosody-study] ${s}\n`);
  const parts: Record<string, Part> = {
    train: { set: 'full', voices: 'tuning', first: TRAINING.firstIndex, n: Number(o.trainPerCategory) },
    tuning: { set: 'quick', voices: 'tuning', first: 0, n: Number(o.evalPerCategory) },
    heldout: { set: 'quick', voices: 'heldout', first: 0, n: Number(o.evalPerCategory) },
  };
  const data: Record<string, { category: string; spans: JoinedSpan[] }[]> = {};
  for (const [k, p] of Object.entries(parts)) {
    // The joined windows are cached too: regenerating every sample's audio takes minutes.
    const joined = join(o.cache, `joined-${p.set}-${p.voices}-${p.n}.json`);
    data[k] = existsSync(joined) ? JSON.parse(readFileSync(joined, 'utf8')) : await joinProsody(p, await probePart(p, join(o.cache, `${p.set}-${p.voices}.jsonl`), log));
    if (!existsSync(joined)) writeFileSync(joined, JSON.stringify(data[k]));
  }
  const lines = [
    `Speaker-relative prosody at a pause (bench/turn-end/prosody-study.ts): ${data.train!.length} training samples (set full, tuning voices, indices ${TRAINING.firstIndex}–${TRAINING.firstIndex + parts.train!.n - 1}), quick set ${parts.tuning!.n} per category for each voice set`,
    '',
    ...aucTable(data.train!, 0.3),
    '',
    `${'eot-bench operating points (raw p, as bench eot)'.padEnd(44)} ${'@300ms'.padStart(8)} ${'@600ms'.padStart(8)} ${'lat@5%'.padStart(8)} ${'lat@10%'.padStart(8)}`,
  ];
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", prosody: [] },
    { name: '+ speaker pitch fall, energy level and drop', prosody: [2, 3, 4] },
    { name: '+ all six speaker-relative readings', prosody: [0, 1, 2, 3, 4, 5] },
  ];
  const fits = variants.map((v) => fitVariant(data.train!, v));
  for (const [n, v] of variants.entries()) {
    const r = fits[n]!;
    if (!r.fit.weights.every(Number.isFinite)) log(`${v.name}: ${JSON.stringify(r.fit)}`);
    lines.push(`${v.name}: medium θ ${r.op?.policy.threshold ?? '–'}, weights of the new features ${r.fit.weights.slice(TURN_END_FEATURES.length).map((w) => w.toFixed(2)).join(' ') || '–'}`);
    for (const k of ['tuning', 'heldout']) lines.push(pointsLine(`  quick set, ${k} voices`, r.score(data[k]!)));
  }
  lines.push('', `Paired bootstrap over samples (${BOOTSTRAP.resamples} resamples): change in false cut-offs against the retrained 18 features, 5th–95th percentile, points`);
  for (const [n, v] of variants.entries()) {
    if (n === 0) continue;
    for (const k of ['tuning', 'heldout']) {
      const [lo300, hi300, lo600, hi600] = bootstrapDiff(data[k]!.map((x) => fits[0]!.score([x])), data[k]!.map((x) => fits[n]!.score([x])));
      lines.push(`  ${v.name}, ${k} voices: @300 ms ${lo300} … ${hi300}, @600 ms ${lo600} … ${hi600}`);
    }
  }
  lines.push('shipped model (src/engine/turn-end/weights.ts)');
  for (const k of ['tuning', 'heldout']) lines.push(pointsLine(`  quick set, ${k} voices`, data[k]!.flatMap((s) => s.spans.map((x) => ({ kind: x.kind, start: x.start, end: x.end, scores: x.scores })))));
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`prosody-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
