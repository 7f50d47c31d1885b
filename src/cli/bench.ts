/**
 * `fullduplex bench run` and `fullduplex bench score`: the conversation benchmark from the command
 * line (`bench compare` is in bench-compare.ts). The work lives in bench/runner; this file parses
 * options and prints.
 */
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { refreshReadme } from '../../bench/report/readme.js';
import { isCategoryId, CATEGORY_IDS, type CategoryId } from '../../bench/scenarios/types.js';
import { RESULTS } from '../../bench/runner/config.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { runBenchmark, type RunResult } from '../../bench/runner/run.js';
import { scoreFolder } from '../../bench/runner/score-dir.js';
import { createTarget, knownTargets } from '../../bench/runner/targets.js';
import { registerProtocolTargets } from '../../bench/runner/protocol-targets.js';
import { addCompareCommand } from './bench-compare.js';
import { abortOnInterrupt, computeChoice, engineChoice, parseCategories, parseClock, parseNumber, parseSet, SCORING_ASR_OPTIONS, scoringAsrChoice, stamp } from './bench-options.js';

interface RunCliOptions {
  target: string;
  set: string;
  clock: string;
  out?: string;
  snr?: string;
  categories?: string;
  perCategory?: string;
  voice?: string;
  eagerness?: string;
  compute?: string;
  scoringAsrUrl?: string;
  scoringAsrModel?: string;
  fresh?: boolean;
  readme?: boolean;
}

interface ScoreCliOptions {
  out?: string;
  category?: string;
  words?: string;
  scoringAsrUrl?: string;
  scoringAsrModel?: string;
}

function printResult(r: RunResult): void {
  process.stdout.write(`\n${r.text}\n\nreport: ${r.files.html}\n        ${r.files.json}\n`);
}

async function runCommand(o: RunCliOptions): Promise<void> {
  const set = parseSet(o.set);
  const clock = parseClock(o.clock);
  const out = resolve(o.out ?? join(projectRoot(), RESULTS.runsDir, `${stamp()}-${o.target.replace(/[^a-z0-9]+/gi, '_')}-${set}-${clock}`));
  const engine = { ...engineChoice(o.voice, o.eagerness), ...computeChoice(clock, o.compute) };
  const analysis = scoringAsrChoice(o.scoringAsrUrl, o.scoringAsrModel);
  const target = await createTarget(o.target, { local: engine });
  const interrupt = abortOnInterrupt();
  try {
    const snrDb = parseNumber(o.snr, '--snr');
    const categories = parseCategories(o.categories);
    const perCategory = parseNumber(o.perCategory, '--per-category', true);
    process.stderr.write(`bench: ${target.describe()}\n       set ${o.set}, ${clock} clock → ${out}\n`);
    const r = await runBenchmark({
      target,
      set,
      clock,
      out,
      engine,
      analysis,
      signal: interrupt.signal,
      ...(snrDb !== undefined && { snrDb }),
      ...(categories && { categories }),
      ...(perCategory !== undefined && { perCategory }),
      ...(o.fresh && { fresh: true }),
    });
    printResult(r);
    if (o.readme && r.report.run.complete === false) {
      process.stdout.write('README left as it was: the run stopped early (re-run with the same --out to finish it)\n');
    } else if (o.readme) {
      const readme = join(projectRoot(), 'README.md');
      await refreshReadme(readme, r.report, relative(projectRoot(), r.files.html));
      process.stdout.write(`README benchmark section refreshed (${readme})\n`);
    }
  } finally {
    interrupt.dispose();
    await target.close();
  }
}

async function scoreCommand(dir: string, o: ScoreCliOptions): Promise<void> {
  if (o.category && !isCategoryId(o.category)) throw new FullduplexError('BAD_ARGUMENT', `unknown category '${o.category}' (use ${CATEGORY_IDS.join(', ')})`);
  if (o.words && o.words !== 'asr' && o.words !== 'provided') throw new FullduplexError('BAD_ARGUMENT', `--words must be asr or provided`);
  const r = await scoreFolder({
    dir: resolve(dir),
    analysis: scoringAsrChoice(o.scoringAsrUrl, o.scoringAsrModel),
    ...(o.out && { out: resolve(o.out) }),
    ...(o.category && { category: o.category as CategoryId }),
    ...(o.words && { words: o.words as 'asr' | 'provided' }),
  });
  printResult(r);
}

export function registerBench(program: Command): void {
  registerProtocolTargets(); // openai-realtime://, moshi://, gemini-live:// (and their +wss forms)
  const bench = program.command('bench').description('the conversation benchmark (Full-Duplex-Bench v1/v1.5 definitions)');
  bench
    .command('run')
    .description('generate a scenario set, play it into a target, record, score and report')
    .option('--target <spec>', `system under test (${knownTargets().join(', ')})`, 'local')
    .option('--set <name>', 'quick (5 per category, for CI) or full (40 per category)', 'quick')
    .option('--clock <clock>', 'realtime (wall-clock pacing; for published numbers) or virtual (in-process only, fast)', 'realtime')
    .option('--out <dir>', `results folder (default ${RESULTS.runsDir}/<time>-<target>-<set>-<clock>); re-running into it resumes`)
    .option('--snr <dB>', 'add pink noise at this SNR to every sample')
    .option('--categories <list>', `comma-separated subset of ${CATEGORY_IDS.join(', ')}`)
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--voice <name>', 'agent voice for the local target (flite: slt, rms, awb, kal16, kal)')
    .option('--eagerness <level>', 'local target: low, medium or high')
    .option('--compute <mode>', 'virtual clock: modelled (default: fixed per-component costs, repeats exactly), measured (wall time the components took) or none')
    .option('--fresh', 'start over even if --out holds a run')
    .option('--readme', "refresh the README's benchmark section with this run's table")
    .option(...SCORING_ASR_OPTIONS[0])
    .option(...SCORING_ASR_OPTIONS[1])
    .action(runCommand);
  bench
    .command('score')
    .description('score folders already in Full-Duplex-Bench layout (input.wav, output.wav, annotations)')
    .argument('<dir>', 'a folder of sample folders (searched recursively for input.wav)')
    .option('--out <dir>', 'where the reports go (default <dir>/fullduplex-score)')
    .option('--category <id>', `treat every sample as this category (${CATEGORY_IDS.join(', ')})`)
    .option('--words <source>', 'asr (default: our ASR hears every output the same way) or provided (output.json)', 'asr')
    .option(...SCORING_ASR_OPTIONS[0])
    .option(...SCORING_ASR_OPTIONS[1])
    .action(scoreCommand);
  addCompareCommand(bench);
}
