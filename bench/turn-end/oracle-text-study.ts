/**
 * Would a better recogniser fix the end-of-turn wait? An upper bound, not part of the engine: every
 * window of every pause is joined with the text features computed from the words the user really
 * said before it (the scenario's script, in place of pocketsphinx's words), and the end-of-turn model
 * is refitted with them (feature-study.ts says how; nothing is chosen on held-out voices). If even the
 * true words leave the operating points where they are, a Whisper behind the STT plug-in will not move
 * them either; if they move a lot, the recogniser is the lever.
 *
 * The true words before a pause: every user span that ended before it, and of a span the pause falls
 * inside, the words whose share of the span's letters lies before the pause (the generator knows the
 * spans' times, not the words'; the gaps it places are at phrase boundaries, so this lands within a
 * word of the boundary). Words only, lower case, no punctuation: what a perfect word recogniser gives.
 *
 * Usage: `npm run study:turn-oracle -- --train-per-category 24 --eval-per-category 16` (shares the
 * probe cache of study:turn-lexical).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { assessCompleteness } from '../../src/engine/evidence/completeness.js';
import { normalizeTranscript } from '../../src/engine/evidence/text.js';
import { FEATURE_SCALES, TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';
import { generateScenario } from '../scenarios/generate.js';
import type { ScenarioTruth } from '../scenarios/types.js';
import type { TURN_END_CATEGORIES } from './dataset.js';
import { loadStudyData, studyParts, studyReport, type JoinedSample, type Part, type StoredSample, type Variant } from './feature-study.js';
import { scaledSentenceEnd as scaledLm, SentenceEndModel } from './sentence-end.js';

const READINGS = ['true words: completeness', 'true words: incomplete', 'true words: strong ending', 'true words: word count', 'true words: lm sentence end'] as const;
/** The engine's features computed from the recogniser's words, replaced by the true words' readings. */
const TEXT_FEATURES = (['completeness', 'incomplete', 'strong_ending', 'word_count'] as const).map((f) => TURN_END_FEATURES.indexOf(f));

/** The words the user said before `t` (seconds into the input), as a perfect word recogniser would write them. */
export function trueWordsBefore(user: ScenarioTruth['user'], t: number): string[] {
  const out: string[] = [];
  for (const span of user) {
    if (span.start >= t) break;
    const words = normalizeTranscript(span.text);
    if (span.end <= t + 0.03) {
      out.push(...words);
      continue;
    }
    // Inside the span: the words whose middle letter comes before the pause's share of the span.
    const total = words.reduce((a, w) => a + w.length + 1, 0);
    const at = ((t - span.start) / (span.end - span.start)) * total;
    let pos = 0;
    for (const w of words) {
      if (pos + (w.length + 1) / 2 > at) break;
      out.push(w);
      pos += w.length + 1;
    }
    break;
  }
  return out;
}

function readingsOf(words: readonly string[], lm: SentenceEndModel): number[] | null {
  if (words.length === 0) return null;
  const text = words.join(' ');
  const c = assessCompleteness(text);
  return [
    c.score,
    c.verdict === 'incomplete' ? 1 : 0,
    c.score >= FEATURE_SCALES.strongScore ? 1 : 0,
    Math.min(1, Math.log1p(words.length) / Math.log1p(FEATURE_SCALES.wordCount)),
    scaledLm(lm.logProbEnd(text) ?? -4),
  ];
}

/** How often the recogniser's last word at a pause is the true last word (a diagnostic for the report). */
const agreement = { pauses: 0, sameLast: 0, examples: [] as string[] };

async function joinTrueWords(p: Part, samples: readonly StoredSample[]): Promise<JoinedSample[]> {
  const lm = SentenceEndModel.shared();
  if (!lm) throw new Error('the language model could not be opened (is pocketsphinx-en-us installed and the addon built?)');
  const out: JoinedSample[] = [];
  for (const s of samples) {
    const sc = await generateScenario(p.set, s.category as (typeof TURN_END_CATEGORIES)[number], s.index, { voices: p.voices });
    out.push({
      category: s.category,
      spans: s.spans.map((x) => {
        const words = trueWordsBefore(sc.truth.user, x.start);
        const heard = normalizeTranscript(x.transcripts[0] ?? '');
        if (p.voices === 'tuning' && p.set === 'full' && words.length > 0) {
          agreement.pauses++;
          if (heard[heard.length - 1] === words[words.length - 1]) agreement.sameLast++;
          else if (agreement.examples.length < 12) agreement.examples.push(`  ${s.id} ${x.kind} at ${x.start.toFixed(2)} s: said "…${words.slice(-5).join(' ')}", heard "…${heard.slice(-5).join(' ')}"`);
        }
        const r = readingsOf(words, lm);
        return { ...x, extra: x.features.map(() => r) };
      }),
    });
  }
  return out;
}

async function main(): Promise<void> {
  const o = new Command('oracle-text-study')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable; shared with study:turn-lexical)', '/tmp/fullduplex-turn-study')
    .option('--out <file>', 'report', 'bench/results/turn-end/oracle-text-study.txt')
    .parse()
    .opts<{ trainPerCategory: string; evalPerCategory: string; cache: string; out: string }>();
  const log = (s: string) => process.stderr.write(`[oracle-text-study] ${s}\n`);
  const parts = studyParts(Number(o.trainPerCategory), Number(o.evalPerCategory));
  // The readings are recomputed each run (cheap next to probing), so the diagnostic is always filled.
  const data = await loadStudyData('oracle', parts, o.cache, joinTrueWords, log, false);
  const drop = TEXT_FEATURES;
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", extra: [] },
    { name: 'true words in place of the recogniser\'s', extra: [0, 1, 2, 3], drop },
    { name: 'true words + their lm sentence end', extra: [0, 1, 2, 3, 4], drop },
    { name: "recogniser's words + true words' lm sentence end", extra: [4] },
  ];
  const title = `The end-of-turn model with the words really said (bench/turn-end/oracle-text-study.ts): ${data.train!.length} training samples (set full, tuning voices, indices ${parts.train.first}–${parts.train.first + parts.train.n - 1}), quick set ${parts.tuning.n} per category for each voice set`;
  const lines = [
    ...studyReport(title, data, READINGS, variants),
    '',
    `The recogniser's last word at the start of a pause is the true last word at ${agreement.sameLast} of ${agreement.pauses} pauses (training samples; first differences):`,
    ...agreement.examples,
  ];
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`oracle-text-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
