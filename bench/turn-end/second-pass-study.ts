/**
 * Can the recogniser we have give better words at a pause? oracle-text-study.ts says the true words
 * would lower false cut-offs; the live decoder's last word at a pause is right at only about 4 pauses
 * in 10. This study decodes the last seconds before each pause again, as a whole recording (cepstral
 * normalisation over the clip, not adapted on the fly; optionally the full search: fwdflat and the
 * default beams), and refits the end-of-turn model with the text features of those words in place of
 * the live decoder's (feature-study.ts says how; nothing is chosen on held-out voices).
 *
 * Usage: `npm run study:turn-second-pass -- --decoder engine|full [--window-s 6]` (shares the probe
 * cache of study:turn-lexical; the decodes are cached per decoder and window).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { assessCompleteness } from '../../src/engine/evidence/completeness.js';
import { normalizeTranscript } from '../../src/engine/evidence/text.js';
import { FEATURE_SCALES, TURN_END_FEATURES } from '../../src/engine/turn-end/features.js';
import { PocketsphinxAsr, type PocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';
import { generateScenario } from '../scenarios/generate.js';
import type { TURN_END_CATEGORIES } from './dataset.js';
import { loadStudyData, studyParts, studyReport, type JoinedSample, type Part, type StoredSample, type Variant } from './feature-study.js';
import { trueWordsBefore } from './oracle-text-study.js';
import { scaledSentenceEnd as scaledLm, SentenceEndModel } from './sentence-end.js';

const READINGS = ['second pass: completeness', 'second pass: incomplete', 'second pass: strong ending', 'second pass: lm sentence end'] as const;
const TEXT_FEATURES = (['completeness', 'incomplete', 'strong_ending'] as const).map((f) => TURN_END_FEATURES.indexOf(f));

const DECODERS: Record<string, Partial<PocketsphinxOptions>> = {
  /** The engine's own pruning (maxhmmpf 2000, topn 2, no fwdflat): what a second pass would cost it. */
  engine: {},
  /** pocketsphinx's defaults with both extra passes. */
  full: { maxHmmPerFrame: 30000, topN: 4, fwdflat: true, bestpath: true },
};

async function main(): Promise<void> {
  const o = new Command('second-pass-study')
    .option('--decoder <name>', `second-pass decoder: ${Object.keys(DECODERS).join(' or ')}`, 'engine')
    .option('--window-s <s>', 'seconds of audio before the pause decoded again', '6')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable; shared with study:turn-lexical)', '/tmp/fullduplex-turn-study')
    .option('--out <file>', 'report (default bench/results/turn-end/second-pass-<decoder>.txt)')
    .parse()
    .opts<{ decoder: string; windowS: string; trainPerCategory: string; evalPerCategory: string; cache: string; out?: string }>();
  const decoder = DECODERS[o.decoder];
  if (!decoder) throw new Error(`--decoder is one of ${Object.keys(DECODERS).join(', ')}`);
  const windowS = Number(o.windowS);
  const log = (s: string) => process.stderr.write(`[second-pass-study] ${s}\n`);
  const lm = SentenceEndModel.shared();
  if (!lm) throw new Error('the language model could not be opened (is pocketsphinx-en-us installed and the addon built?)');
  const asr = new PocketsphinxAsr(decoder);
  const stream = asr.createBatchStream();
  const agreement = { pauses: 0, live: 0, second: 0, decodeS: 0, audioS: 0 };

  async function joinSecondPass(p: Part, samples: readonly StoredSample[]): Promise<JoinedSample[]> {
    const out: JoinedSample[] = [];
    for (const s of samples) {
      const sc = await generateScenario(p.set, s.category as (typeof TURN_END_CATEGORIES)[number], s.index, { voices: p.voices });
      const rate = sc.truth.sampleRate;
      const turnStart = Math.max(0, (sc.truth.user[0]?.start ?? 0) - 0.25);
      const spans = [];
      for (const x of s.spans) {
        const from = Math.max(turnStart, x.start - windowS);
        const clip = sc.input.subarray(Math.round(from * rate), Math.round(x.start * rate));
        const t0 = performance.now();
        stream.push(clip, true);
        const heard = normalizeTranscript((await stream.finish()).text);
        agreement.decodeS += (performance.now() - t0) / 1000;
        agreement.audioS += clip.length / rate;
        const said = trueWordsBefore(sc.truth.user, x.start);
        if (p.set === 'full' && said.length > 0) {
          const live = normalizeTranscript(x.transcripts[x.featureTimes.findIndex((t) => t >= 0.3 - 0.017)] ?? x.transcripts.at(-1) ?? '');
          agreement.pauses++;
          if (live.at(-1) === said.at(-1)) agreement.live++;
          if (heard.at(-1) === said.at(-1)) agreement.second++;
        }
        let r: number[] | null = null;
        if (heard.length > 0) {
          const text = heard.join(' ');
          const c = assessCompleteness(text);
          r = [c.score, c.verdict === 'incomplete' ? 1 : 0, c.score >= FEATURE_SCALES.strongScore ? 1 : 0, scaledLm(lm!.logProbEnd(text) ?? -4)];
        }
        spans.push({ ...x, extra: x.features.map(() => r) });
      }
      out.push({ category: s.category, spans });
      log(`${p.voices} ${s.id}`);
    }
    return out;
  }

  const parts = studyParts(Number(o.trainPerCategory), Number(o.evalPerCategory));
  const statsFile = join(o.cache, `second-pass-${o.decoder}-${windowS}-stats.json`);
  const data = await loadStudyData(`second-pass-${o.decoder}-${windowS}`, parts, o.cache, joinSecondPass, log);
  if (agreement.pauses > 0) writeFileSync(statsFile, JSON.stringify(agreement));
  const stats = existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as typeof agreement) : agreement;
  stream.close();
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", extra: [] },
    { name: 'second-pass words in place of the live decoder\'s', extra: [0, 1, 2], drop: TEXT_FEATURES },
    { name: 'second-pass words + their lm sentence end', extra: [0, 1, 2, 3], drop: TEXT_FEATURES },
  ];
  const title = `The end-of-turn model with the last ${windowS} s before each pause decoded again (decoder '${o.decoder}': ${JSON.stringify(decoder)}; bench/turn-end/second-pass-study.ts): ${data.train!.length} training samples (set full, tuning voices), quick set ${parts.tuning.n} per category for each voice set`;
  const lines = [
    ...studyReport(title, data, READINGS, variants),
    '',
    `Last word before the pause right (training samples, ${stats.pauses} pauses with words): live decoder 0.3 s into the pause ${stats.live}, second pass ${stats.second}`,
    `Second-pass cost on this machine: ${stats.decodeS.toFixed(1)} s to decode ${stats.audioS.toFixed(1)} s of audio (all parts; RTF ${(stats.decodeS / Math.max(1e-9, stats.audioS)).toFixed(3)})`,
  ];
  const out = o.out ?? `bench/results/turn-end/second-pass-${o.decoder}.txt`;
  writeFileSync(out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`second-pass-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
