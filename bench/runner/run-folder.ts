/**
 * `bench run --set DIR`: play every sample folder of a tree in Full-Duplex-Bench v1 / v1.5 layout
 * (upstream's released data, or anyone's; docs/bench-data.md) through a target, and score it.
 *
 * The source tree is only read. Each sample is recorded into the run's folder under samples/,
 * mirroring the tree (samples/<path in the tree>/), with a copy of its input.wav and annotation
 * files beside output.wav, output.json and score.json: the run folder is itself a tree in
 * upstream's layout that upstream's scripts can score, and a released data set stays as released.
 * A malformed sample is skipped with its reason; the rest of the run goes on. Resumable like a
 * generated set: samples already scored by the same configuration are read back.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { writeWav } from '../../src/audio/wav.js';
import { FullduplexError } from '../../src/errors.js';
import type { Skipped } from '../metrics/aggregate.js';
import type { SampleDetail } from '../report/report.js';
import { verdictOf } from '../report/verdict.js';
import { FILES, writeJson } from '../scenarios/layout.js';
import type { CategoryId } from '../scenarios/types.js';
import { Analyzer } from './analysis.js';
import { writeBackchannelReferences } from './backchannel-reference.js';
import type { SampleOutcome } from './collect.js';
import { Progress } from './progress.js';
import { makeRunConfig, makeRunInfo, type RunInfo } from './run-info.js';
import { finish, previousRun, type RunResult } from './run.js';
import { categoryHint, loadSample, prepareSample, writeOutputWords } from './sample-io.js';
import { findSampleDirs } from './score-dir.js';
import { scoreSample, type SampleScore } from './score-sample.js';
import type { BenchClock, BenchTarget } from './target.js';

/** The files of a sample folder copied into the run (what upstream's scorers and ours read). */
export const COPIED_FILES = [FILES.input, FILES.pause, FILES.turnTaking, FILES.interrupt, FILES.metadata, FILES.scenario] as const;

export interface FolderRunOptions {
  readonly target: BenchTarget;
  /** The tree to play: any folder holding sample folders (each with an input.wav). */
  readonly dir: string;
  readonly clock: BenchClock;
  readonly out: string;
  /** Treat every sample as this task instead of recognising it from its files and path. */
  readonly task?: CategoryId;
  readonly engine?: Record<string, unknown>;
  readonly fresh?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
  readonly log?: (line: string) => void;
}

export async function runFolder(o: FolderRunOptions): Promise<RunResult> {
  const dir = resolve(o.dir);
  const out = resolve(o.out);
  if (!o.target.clocks.includes(o.clock)) {
    throw new FullduplexError('BAD_ARGUMENT', `target ${o.target.name} cannot run on a ${o.clock} clock (it supports: ${o.target.clocks.join(', ')})`);
  }
  const dirs = await findSampleDirs(dir, out);
  if (dirs.length === 0) throw new FullduplexError('BAD_ARGUMENT', `no sample folders (folders holding ${FILES.input}) under ${dir}`);
  const config = makeRunConfig({
    target: o.target.name,
    set: dir,
    clock: o.clock,
    snrDb: null,
    categories: o.task ? [o.task] : null,
    perCategory: null,
    engine: o.engine ?? {},
  });
  await mkdir(out, { recursive: true });
  const previous = await previousRun(out, config, o.fresh === true);
  const analyzer = await Analyzer.create();
  const fresh = makeRunInfo('fullduplex-bench-run', config, o.target.describe(), analyzer.info);
  const info: RunInfo = previous
    ? { ...fresh, startedAt: previous.startedAt, resumed: [...(previous.resumed ?? []), { at: fresh.startedAt, gitCommit: fresh.gitCommit }] }
    : fresh;
  await writeJson(join(out, 'run.json'), info);
  const progress = o.progress ?? new Progress(dirs.length);
  if (previous) (o.log ?? ((l: string) => progress.log(l)))(`resuming the run in ${out}: finished samples are reused`);
  const samplesRoot = join(out, 'samples');
  await copyIccReferences(dir, dirs, samplesRoot);
  const outcomes: SampleOutcome[] = [];
  const details: SampleDetail[] = [];
  try {
    for (const src of dirs) {
      if (o.signal?.aborted) break;
      const outcome = await runOneFolder(o, src, dir, samplesRoot, analyzer, previous !== null);
      outcomes.push(outcome);
      details.push({ outcome });
      progress.tick(outcome.id, verdictOf(outcome.outcome).note);
    }
  } finally {
    await analyzer.close();
  }
  info.complete = outcomes.length === dirs.length;
  await writeBackchannelReferences(samplesRoot, outcomes);
  return finish(out, info, outcomes, details);
}

async function runOneFolder(o: FolderRunOptions, src: string, root: string, samplesRoot: string, analyzer: Analyzer, resume: boolean): Promise<SampleOutcome> {
  const rel = relative(root, src);
  const dst = join(samplesRoot, rel);
  const scorePath = join(dst, FILES.score);
  if (resume && existsSync(scorePath)) {
    try {
      const previous = JSON.parse(await readFile(scorePath, 'utf8')) as SampleScore | Skipped;
      const id = rel.split(sep).join('/');
      const category = 'skipped' in previous ? (o.task ?? (await categoryHint(dst, samplesRoot))) : previous.category;
      return { id, category, outcome: previous };
    } catch {
      // Unreadable: run it again.
    }
  }
  await mkdir(dst, { recursive: true });
  for (const f of COPIED_FILES) if (existsSync(join(src, f))) await copyFile(join(src, f), join(dst, f));
  const prepared = await prepareSample(dst, samplesRoot, o.task);
  let outcome: SampleScore | Skipped;
  let category: CategoryId | null;
  if ('skipped' in prepared) {
    outcome = prepared;
    category = o.task ?? (await categoryHint(dst, samplesRoot));
  } else {
    category = prepared.category;
    try {
      const run = await o.target.run(prepared.input, { clock: o.clock, ...(o.signal && { signal: o.signal }) });
      await writeWav(join(dst, FILES.output), [run.output.samples], run.output.sampleRate);
      if (run.events) await writeFile(join(dst, FILES.events), run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      const loaded = await loadSample(dst, samplesRoot, { category, output: run.output, ...(run.events && { events: run.events }) });
      outcome = 'skipped' in loaded ? loaded : await scoreSample(loaded, analyzer, { ...(run.info && { info: run.info }) });
      if (!('skipped' in outcome)) await writeOutputWords(dst, outcome, analyzer.info.asr);
    } catch (e) {
      outcome = { id: prepared.id, skipped: `target failed: ${(e as Error).message}` };
    }
  }
  await writeJson(scorePath, outcome);
  return { id: rel.split(sep).join('/'), category, outcome };
}

/**
 * Copies each icc_gt_distribution.json the tree holds beside its sample folders (or at its root)
 * into the run's mirror, so backchannel samples are scored against the released listener
 * distribution (writeBackchannelReferences then rewrites it with the entries actually used).
 */
async function copyIccReferences(root: string, dirs: readonly string[], samplesRoot: string): Promise<void> {
  const parents = new Set([root, ...dirs.map((d) => dirname(d))]);
  for (const p of parents) {
    const from = join(p, FILES.iccReference);
    if (!existsSync(from)) continue;
    const to = join(samplesRoot, relative(root, p), FILES.iccReference);
    await mkdir(dirname(to), { recursive: true });
    if (!existsSync(to)) await copyFile(from, to);
  }
}
