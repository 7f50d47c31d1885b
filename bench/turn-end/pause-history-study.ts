/**
 * Does the user's own pausing earlier in the turn say when this pause ends the turn? A study, not
 * part of the engine. People differ in how long they pause inside a turn; a listener who has heard
 * someone pause 1.2 s and go on waits longer at their next pause, and one who has heard only short
 * pauses answers sooner after a long one. The readings at every window of a pause come from the
 * engine's own view of the turn's earlier pauses (their lengths as the engine measured them: its
 * `pause` feature at their last window), so the engine could compute them live:
 *
 *   longest earlier pause    s, clipped at 3 (0 with none)
 *   earlier pauses           count of earlier pauses of at least 0.2 s, log1p(n) / log1p(10)
 *   beyond the longest       max(0, this pause so far − the longest earlier one), s (0 with none)
 *
 * A fourth variant leaves out the engine's two features that read the turn's position (`turn_length`,
 * `word_count`), to show what position alone is worth on generated and on recorded speech.
 *
 * The end-of-turn model is refitted with and without them on training samples (tuning voices only,
 * feature-study.ts says how) and read on the quick set's tuning and held-out voices and on the
 * recorded speaker (Debian's Asterisk prompts, bench/real-speech/): her pauses inside turns are short
 * (median 0.19 s), the generated voices' long. Nothing is chosen by looking at held-out data.
 *
 * Usage: `npm run study:turn-pause-history -- --train-per-category 24 --eval-per-category 16`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { eotOperatingPoints, type ScoredSilence } from '../metrics/eot-operating-points.js';
import { loadRecordedTurns } from '../real-speech/recorded-turns.js';
import { fitVariant, loadStudyData, pointsLine, probeInto, studyParts, studyReport, type JoinedSample, type Part, type ProbeItem, type StoredSample, type Variant } from './feature-study.js';
import { TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';

const READINGS = ['longest earlier pause', 'earlier pauses', 'beyond the longest'] as const;

export const PAUSE_HISTORY = {
  /** Earlier pauses shorter than this (as the engine measured them) are not counted, s. */
  countFromS: 0.2,
  /** Readings in seconds are clipped at this. */
  maxS: 3,
  /** The count's scale: log1p(n) / log1p(this). */
  countScale: 10,
} as const;

/** How long the engine measured each span's silence: its `pause` feature (index 0) at the last window. */
const measured = (x: StoredSample['spans'][number]): number => (x.features.length ? x.features[x.features.length - 1]![0]! : 0);

/** Every window of every span joined with the readings of the turn's earlier pauses (one sample = one turn). */
export function joinPauseHistory(samples: readonly StoredSample[]): JoinedSample[] {
  const h = PAUSE_HISTORY;
  return samples.map((s) => {
    const ordered = [...s.spans].sort((a, b) => a.start - b.start);
    return {
      category: s.category,
      spans: ordered.map((x) => {
        const earlier = ordered.filter((y) => y.kind === 'hold' && y.end <= x.start + 1e-9).map(measured).filter((m) => m > 0);
        const longest = Math.min(h.maxS, Math.max(0, ...earlier));
        const count = Math.log1p(earlier.filter((m) => m >= h.countFromS).length) / Math.log1p(h.countScale);
        return { ...x, extra: x.features.map((f) => [longest, count, earlier.length ? Math.min(h.maxS, Math.max(0, f[0]! - longest)) : 0]) };
      }),
    };
  });
}

/** Probes the recorded prompts (resumable, like probePart) as samples of category 'recorded'. */
async function probeRecorded(file: string, log: (s: string) => void): Promise<StoredSample[]> {
  const turns = await loadRecordedTurns();
  const items = turns.map((t, index): ProbeItem => ({ id: t.id, category: 'recorded', index, load: async () => ({ input: t.input, spans: t.spans }) }));
  return probeInto(file, items, log, 'recorded');
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** False cut-offs and mean latency of one policy (the one chosen on the training samples). */
function atPolicy(spans: readonly ScoredSilence[], p: { threshold: number; actionDelayS: number; timeoutS: number }): string {
  const o = eotOperatingPoints(spans, { thresholds: [p.threshold], actionDelaysS: [p.actionDelayS], timeoutsS: [p.timeoutS] });
  const at = o.frontier[0];
  return at ? `${pct(at.falseCutoffRate)} false cut-offs (${o.holdSpans} pauses), ${at.meanLatencyS.toFixed(2)} s mean latency (${o.eotSpans} turn ends)` : '–';
}

async function main(): Promise<void> {
  const o = new Command('pause-history-study')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable)', '/tmp/fullduplex-turn-study')
    .option('--out <file>', 'report', 'bench/results/turn-end/pause-history-study.txt')
    .option('--only <part>', 'probe one part only (train, tuning, heldout or recorded), to run parts side by side')
    .parse()
    .opts<{ trainPerCategory: string; evalPerCategory: string; cache: string; out: string; only?: string }>();
  const log = (s: string) => process.stderr.write(`[pause-history-study] ${s}\n`);
  mkdirSync(o.cache, { recursive: true });
  const all = studyParts(Number(o.trainPerCategory), Number(o.evalPerCategory));
  const recordedFile = join(o.cache, 'recorded.jsonl');
  if (o.only === 'recorded') {
    await probeRecorded(recordedFile, log);
    return;
  }
  const parts = o.only ? { [o.only]: all[o.only as keyof typeof all] } : all;
  const data = await loadStudyData('pause-history', parts, o.cache, async (_p: Part, s) => joinPauseHistory(s), log, false);
  if (o.only) return;
  const recorded = joinPauseHistory(await probeRecorded(recordedFile, log));
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", extra: [] },
    { name: '+ longest earlier pause, earlier pauses', extra: [0, 1] },
    { name: '+ all three pause-history readings', extra: [0, 1, 2] },
    // What the turn's position alone buys: the two features that read it, left out.
    { name: 'without turn length and word count', extra: [], drop: [TURN_END_FEATURES.indexOf('turn_length'), TURN_END_FEATURES.indexOf('word_count')] },
  ];
  const title = `The user's earlier pauses in the turn (bench/turn-end/pause-history-study.ts): ${data.train!.length} training samples (set full, tuning voices, indices ${all.train.first}–${all.train.first + all.train.n - 1}), quick set ${all.tuning.n} per category for each voice set, ${recorded.length} recorded prompts (one real speaker)`;
  const lines = studyReport(title, data, READINGS, variants);
  lines.push('', 'The recorded speaker (held out: never trained or chosen on)');
  lines.push(`${''.padEnd(44)} ${'@300ms'.padStart(8)} ${'@600ms'.padStart(8)} ${'lat@5%'.padStart(8)} ${'lat@10%'.padStart(8)}`);
  const fits = variants.map((v) => fitVariant(data.train!, v));
  for (const [n, v] of variants.entries()) lines.push(pointsLine(`  ${v.name}`, fits[n]!.score(recorded)));
  lines.push(pointsLine('  shipped model', recorded.flatMap((s) => s.spans.map((x) => ({ kind: x.kind, start: x.start, end: x.end, scores: x.scores })))));
  lines.push('', 'At the eagerness-medium policy each variant chose on the training samples (θ, delay, timeout)');
  for (const [n, v] of variants.entries()) {
    const op = fits[n]!.op;
    if (!op) continue;
    const pol = op.policy;
    lines.push(`${v.name}: θ ${pol.threshold}, delay ${pol.actionDelayS} s, timeout ${pol.timeoutS} s`);
    for (const [k, d] of [['tuning', data.tuning!], ['heldout', data.heldout!], ['recorded', recorded]] as const) lines.push(`  ${k.padEnd(9)} ${atPolicy(fits[n]!.score(d), pol)}`);
  }
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`pause-history-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
