/**
 * Does the recogniser's own language model say more about a pause than the rule-based completeness?
 * A study, not part of the engine: every window of every pause is joined with how much the words so
 * far end like a sentence (sentence-end.ts: ln P(</s> | last two words) from
 * pocketsphinx's trigram model), and the end-of-turn model is refitted with and without it
 * (feature-study.ts says how; nothing is chosen on held-out voices).
 *
 * Usage: `npm run study:turn-lexical -- --train-per-category 24 --eval-per-category 16` (the probe
 * cache under --cache makes reruns take minutes).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { scaledSentenceEnd as scaled, SentenceEndModel } from './sentence-end.js';
import { normalizeTranscript } from '../../src/engine/evidence/text.js';
import { loadStudyData, studyParts, studyReport, type JoinedSample, type Part, type StoredSample, type Variant } from './feature-study.js';


const READINGS = ['lm sentence end', 'lm sentence end, last word only'] as const;

async function joinLexical(_p: Part, samples: readonly StoredSample[]): Promise<JoinedSample[]> {
  const lm = SentenceEndModel.shared();
  if (!lm) throw new Error('the language model could not be opened (is pocketsphinx-en-us installed and the addon built?)');
  const read = (text: string): number[] | null => {
    const end = lm.logProbEnd(text);
    if (end === null) return null;
    const words = normalizeTranscript(text);
    return [scaled(end), scaled(lm.logProbEnd(words[words.length - 1]!) ?? end)];
  };
  return samples.map((s) => ({ category: s.category, spans: s.spans.map((x) => ({ ...x, extra: x.transcripts.map(read) })) }));
}

async function main(): Promise<void> {
  const o = new Command('lexical-study')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable)', '/tmp/fullduplex-turn-study')
    .option('--out <file>', 'report', 'bench/results/turn-end/lexical-study.txt')
    .option('--only <part>', 'probe one part only (train, tuning or heldout), to run parts side by side')
    .parse()
    .opts<{ trainPerCategory: string; evalPerCategory: string; cache: string; out: string; only?: string }>();
  const log = (s: string) => process.stderr.write(`[lexical-study] ${s}\n`);
  const all = studyParts(Number(o.trainPerCategory), Number(o.evalPerCategory));
  const parts = o.only ? { [o.only]: all[o.only as keyof typeof all] } : all;
  const data = await loadStudyData('lexical', parts, o.cache, joinLexical, log);
  if (o.only) return;
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", extra: [] },
    { name: '+ lm sentence end', extra: [0] },
    { name: '+ lm sentence end, both orders', extra: [0, 1] },
  ];
  const title = `The language model's sentence end at a pause (bench/turn-end/lexical-study.ts): ${data.train!.length} training samples (set full, tuning voices, indices ${all.train.first}–${all.train.first + all.train.n - 1}), quick set ${all.tuning.n} per category for each voice set`;
  const lines = studyReport(title, data, READINGS, variants);
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`lexical-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
