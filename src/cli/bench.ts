/**
 * `fullduplex bench run` and `fullduplex bench score`: the conversation benchmark from the command
 * line (`bench compare` is in bench-compare.ts). The work lives in bench/runner; this file parses
 * options and prints.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { refreshReadme } from '../../bench/report/readme.js';
import { isCategoryId, CATEGORY_IDS, type CategoryId } from '../../bench/scenarios/types.js';
import { RESULTS } from '../../bench/runner/config.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { runBenchmark, type RunResult } from '../../bench/runner/run.js';
import { runFolder } from '../../bench/runner/run-folder.js';
import { BACKGROUND_MODES, type BackgroundMode } from '../../bench/scenarios/generate.js';
import { isSetName } from '../../bench/scenarios/config.js';
import { scoreFolder } from '../../bench/runner/score-dir.js';
import { createTarget, knownTargets } from '../../bench/runner/targets.js';
import { registerProtocolTargets } from '../../bench/runner/protocol-targets.js';
import { addCompareCommand } from './bench-compare.js';
import { addEotCommand } from './bench-eot.js';
import { addBargeInCommand } from './bench-bargein.js';
import { addRecordedSetCommand } from './bench-recorded.js';
import { addSpeechServerOptions, speechServersFrom, type SpeechServerCliOptions } from './speech-options.js';
import { withSpeechServers } from '../speech/registry.js';
import { abortOnInterrupt, computeChoice, engineChoice, parseCategories, parseClock, parseNumber, parseSet, parseVoices, SCORING_ASR_OPTIONS, scoringAsrChoice, stamp } from './bench-options.js';

interface RunCliOptions extends SpeechServerCliOptions {
  target: string;
  set: string;
  clock: string;
  out?: string;
  snr?: string;
  background?: string;
  categories?: string;
  perCategory?: string;
  voices?: string;
  voice?: string;
  eagerness?: string;
  compute?: string;
  scoringAsrUrl?: string;
  scoringAsrModel?: string;
  fresh?: boolean;
  readme?: boolean;
  task?: string;
}

interface ScoreCliOptions {
  out?: string;
  category?: string;
  task?: string;
  words?: string;
  scoringAsrUrl?: string;
  scoringAsrModel?: string;
}

function parseBackground(x: string | undefined): BackgroundMode | undefined {
  if (x === undefined) return undefined;
  if (!(BACKGROUND_MODES as readonly string[]).includes(x)) throw new FullduplexError('BAD_ARGUMENT', `--background must be ${BACKGROUND_MODES.join(' or ')}, not '${x}'`);
  return x as BackgroundMode;
}

/** Upstream's folder and task names that differ from ours. */
const TASK_ALIASES: Readonly<Record<string, CategoryId>> = { talking_to_other: 'talking_to_others' };

/** --task (upstream's task names, or ours) or --category, checked. */
function parseTask(task: string | undefined, category?: string): CategoryId | undefined {
  const x = task ?? category;
  if (x === undefined) return undefined;
  const id = TASK_ALIASES[x] ?? x;
  if (!isCategoryId(id)) throw new FullduplexError('BAD_ARGUMENT', `unknown task '${x}' (use ${CATEGORY_IDS.join(', ')})`);
  return id;
}

/** --set names a generated set (quick, full) or a folder tree in Full-Duplex-Bench layout. */
function setFolder(set: string): string | null {
  if (isSetName(set)) return null;
  const dir = resolve(set);
  if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
  throw new FullduplexError('BAD_ARGUMENT', `--set must be quick, full, or a folder of samples in Full-Duplex-Bench layout; '${set}' is none of these`);
}

function printResult(r: RunResult): void {
  process.stdout.write(`\n${r.text}\n\nreport: ${r.files.html}\n        ${r.files.json}\n`);
}

async function runCommand(o: RunCliOptions): Promise<void> {
  const folder = setFolder(o.set);
  if (folder !== null) return runFolderCommand(folder, o);
  const set = parseSet(o.set);
  const clock = parseClock(o.clock);
  const voices = parseVoices(o.voices) ?? 'tuning';
  const out = resolve(o.out ?? join(projectRoot(), RESULTS.runsDir, `${stamp()}-${o.target.replace(/[^a-z0-9]+/gi, '_')}-${set}-${voices === 'tuning' ? '' : `${voices}-`}${clock}`));
  const servers = speechServersFrom(o);
  // Recorded in run.json: the servers' URLs and names, never a key (keys come from the environment).
  const speech = servers.stt || servers.tts ? { speech: withSpeechServers({}, servers) } : {};
  const engine = { ...engineChoice(o.voice, o.eagerness), ...computeChoice(clock, o.compute), ...speech };
  const analysis = scoringAsrChoice(o.scoringAsrUrl, o.scoringAsrModel);
  const target = await createTarget(o.target, { local: engine });
  const interrupt = abortOnInterrupt();
  try {
    const snrDb = parseNumber(o.snr, '--snr');
    const background = parseBackground(o.background);
    const categories = parseCategories(o.categories);
    const perCategory = parseNumber(o.perCategory, '--per-category', true);
    process.stderr.write(`bench: ${target.describe()}\n       set ${o.set}, ${voices} voices, ${clock} clock → ${out}\n`);
    const r = await runBenchmark({
      target,
      set,
      clock,
      voices,
      out,
      engine,
      analysis,
      signal: interrupt.signal,
      ...(snrDb !== undefined && { snrDb }),
      ...(background && { background }),
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

async function runFolderCommand(dir: string, o: RunCliOptions): Promise<void> {
  if (o.background !== undefined) throw new FullduplexError('BAD_ARGUMENT', '--background changes generated samples; a folder of recordings (--set <dir>) is played as it is');
  // These choose generated samples; a folder is played whole (point --set at a subfolder for one task).
  for (const [flag, v] of [['--categories', o.categories], ['--per-category', o.perCategory], ['--snr', o.snr]] as const) {
    if (v !== undefined) throw new FullduplexError('BAD_ARGUMENT', `${flag} chooses generated samples; a folder of recordings (--set <dir>) is played whole: point --set at one of its subfolders instead`);
  }
  const clock = parseClock(o.clock);
  const task = parseTask(o.task);
  const name = basename(dir).replace(/[^a-z0-9]+/gi, '_');
  const out = resolve(o.out ?? join(projectRoot(), RESULTS.runsDir, `${stamp()}-${o.target.replace(/[^a-z0-9]+/gi, '_')}-${name}-${clock}`));
  const engine = engineChoice(o.voice, o.eagerness);
  const target = await createTarget(o.target, { local: engine });
  const interrupt = abortOnInterrupt();
  try {
    process.stderr.write(`bench: ${target.describe()}\n       samples from ${dir}, ${clock} clock → ${out}\n`);
    const r = await runFolder({ target, dir, clock, out, engine, signal: interrupt.signal, ...(task && { task }), ...(o.fresh && { fresh: true }) });
    printResult(r);
  } finally {
    interrupt.dispose();
    await target.close();
  }
}

async function scoreCommand(dir: string, o: ScoreCliOptions): Promise<void> {
  const category = parseTask(o.task, o.category);
  if (o.words && o.words !== 'asr' && o.words !== 'provided') throw new FullduplexError('BAD_ARGUMENT', `--words must be asr or provided`);
  const r = await scoreFolder({
    dir: resolve(dir),
    analysis: scoringAsrChoice(o.scoringAsrUrl, o.scoringAsrModel),
    ...(o.out && { out: resolve(o.out) }),
    ...(category && { category }),
    ...(o.words && { words: o.words as 'asr' | 'provided' }),
  });
  printResult(r);
}

export function registerBench(program: Command): void {
  registerProtocolTargets(); // openai-realtime://, moshi://, gemini-live:// (and their +wss forms)
  const bench = program.command('bench').description('the conversation benchmark (Full-Duplex-Bench v1/v1.5 definitions)');
  const run = bench
    .command('run')
    .description('generate a scenario set, play it into a target, record, score and report')
    .option('--target <spec>', `system under test (${knownTargets().join(', ')})`, 'local')
    .option('--set <name|dir>', 'quick (5 per category, for CI), full (40 per category), or a folder tree in Full-Duplex-Bench v1/v1.5 layout (docs/bench-data.md)', 'quick')
    .option('--task <id>', `with --set <dir>: treat every sample as this task (${CATEGORY_IDS.join(', ')}) instead of recognising it`)
    .option('--clock <clock>', 'realtime (wall-clock pacing; for published numbers) or virtual (in-process only, fast)', 'realtime')
    .option('--out <dir>', `results folder (default ${RESULTS.runsDir}/<time>-<target>-<set>-<clock>); re-running into it resumes; with --set <dir>, each sample is recorded under <out>/samples/ mirroring the tree`)
    .option('--snr <dB>', 'add pink noise at this SNR to every sample')
    .option('--background <where>', "someone else's voice beside the user's: after-turn (smooth turn-taking: a TV or a person across the room talks right after the user finishes, 12-18 dB down) or throughout (pause handling, smooth turn-taking, user interruption and user backchannel: a TV on for the whole sample, 16-22 dB down)")
    .option('--categories <list>', `comma-separated subset of ${CATEGORY_IDS.join(', ')}`)
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--voices <set>', 'user voices from the tuning side of the voice split (default) or the held-out side (measure only, never tune on it)', 'tuning')
    .option('--voice <name>', 'agent voice for the local target (flite: slt, rms, awb, kal16, kal)')
    .option('--eagerness <level>', 'local target: low, medium or high')
    .option('--compute <mode>', 'virtual clock: modelled (default: fixed per-component costs, repeats exactly), measured (wall time the components took) or none')
    .option('--fresh', 'start over even if --out holds a run')
    .option('--readme', "refresh the README's benchmark section with this run's table")
    .option(...SCORING_ASR_OPTIONS[0])
    .option(...SCORING_ASR_OPTIONS[1]);
  addSpeechServerOptions(run).action(runCommand);
  bench
    .command('score')
    .description('score folders already in Full-Duplex-Bench layout (input.wav, output.wav, annotations)')
    .argument('<dir>', 'a folder of sample folders (searched recursively for input.wav)')
    .option('--out <dir>', 'where the reports go (default <dir>/fullduplex-score)')
    .option('--task <id>', `treat every sample as this task (${CATEGORY_IDS.join(', ')}); default: recognised from its annotation file and path`)
    .option('--category <id>', 'the same as --task')
    .option('--words <source>', 'asr (default: our ASR hears every output the same way) or provided (output.json)', 'asr')
    .option(...SCORING_ASR_OPTIONS[0])
    .option(...SCORING_ASR_OPTIONS[1])
    .action(scoreCommand);
  addCompareCommand(bench);
  addEotCommand(bench);
  addBargeInCommand(bench);
  addRecordedSetCommand(bench);
}
