/**
 * `bench score <dir>`: score every sample folder under `dir` that is already in Full-Duplex-Bench
 * layout (input.wav, output.wav, annotations; output.json optional), whoever produced the output.
 * A bad sample is reported and skipped; the run goes on.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { verdictOf } from '../report/verdict.js';
import { buildReport, summaryText, writeReports, type SampleDetail } from '../report/report.js';
import { FILES } from '../scenarios/layout.js';
import type { CategoryId, ScenarioTruth } from '../scenarios/types.js';
import { Analyzer, type AnalyzerOptions } from './analysis.js';
import { collect, type SampleOutcome } from './collect.js';
import { Progress } from './progress.js';
import { makeRunInfo } from './run-info.js';
import type { RunResult } from './run.js';
import { categoryHint, loadSample } from './sample-io.js';
import { scoreSample, type WordsSource } from './score-sample.js';

export interface ScoreDirOptions {
  readonly dir: string;
  /** Where the reports go (default: <dir>/fullduplex-score). */
  readonly out?: string;
  readonly category?: CategoryId;
  readonly words?: WordsSource;
  readonly progress?: Progress;
  /** How the outputs are heard (default: pocketsphinx). */
  readonly analysis?: AnalyzerOptions;
}

/** Every folder under `root` holding an input.wav (a sample), sorted; the report folder is left out. */
export async function findSampleDirs(root: string, skip: string | undefined): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (skip !== undefined && dir === skip) return;
    if (existsSync(join(dir, FILES.input))) {
      out.push(dir);
      return;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  await walk(root);
  return out.sort();
}

export async function scoreFolder(o: ScoreDirOptions): Promise<RunResult> {
  const out = o.out ?? join(o.dir, 'fullduplex-score');
  const dirs = await findSampleDirs(o.dir, out);
  await mkdir(out, { recursive: true });
  const analyzer = await Analyzer.create(o.analysis);
  const described = `outputs already recorded in ${o.dir}${o.words === 'provided' ? ' (words from output.json)' : ''}`;
  const clock = await recordedClock(o.dir);
  const info = { ...makeRunInfo('fullduplex-bench-score', null, described, analyzer.info), ...(clock && { clock: `${clock} (as recorded)` }) };
  const progress = o.progress ?? new Progress(dirs.length);
  const outcomes: SampleOutcome[] = [];
  const details: SampleDetail[] = [];
  try {
    for (const dir of dirs) {
      const loaded = await loadSample(dir, o.dir, { ...(o.category && { category: o.category }) });
      let outcome: SampleOutcome;
      let truth: ScenarioTruth | undefined;
      if ('skipped' in loaded) {
        const id = loaded.id ?? relative(o.dir, dir).split(sep).join('/');
        outcome = { id, category: o.category ?? (await categoryHint(dir, o.dir)), outcome: loaded };
      } else {
        truth = loaded.truth;
        const scored = await scoreSample(loaded, analyzer, { ...(o.words && { words: o.words }) });
        outcome = { id: loaded.id, category: loaded.category, outcome: scored };
      }
      outcomes.push(outcome);
      details.push({ outcome, ...(truth && { truth }) });
      progress.tick(outcome.id, verdictOf(outcome.outcome).note);
    }
  } finally {
    await analyzer.close();
  }
  info.finishedAt = new Date().toISOString();
  const report = buildReport(info, collect(outcomes), outcomes);
  const files = await writeReports(out, report, details);
  return { report, text: summaryText(report), files };
}

/** The clock a folder's outputs were recorded with, when it is one of our runs (its run.json says). */
async function recordedClock(dir: string): Promise<string | null> {
  try {
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as { config?: { clock?: unknown } };
    return typeof run.config?.clock === 'string' ? run.config.clock : null;
  } catch {
    return null;
  }
}
