/**
 * `bench run`: generate a scenario set, play each sample into a target, record its answer in
 * Full-Duplex-Bench layout, score it, and write the reports. Resumable: samples already scored in
 * the same output folder by the same configuration are read back instead of run again.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav.js';
import { FullduplexError } from '../../src/errors.js';
import type { Skipped } from '../metrics/aggregate.js';
import { verdictOf } from '../report/verdict.js';
import { buildReport, summaryText, writeReports, type BenchReport, type SampleDetail } from '../report/report.js';
import type { SetName, VoiceSetName } from '../scenarios/config.js';
import { generateScenario, setPlan, type BackgroundMode } from '../scenarios/generate.js';
import { FILES, writeJson, writeScenario } from '../scenarios/layout.js';
import type { CategoryId, ScenarioTruth } from '../scenarios/types.js';
import { Analyzer, type AnalyzerOptions } from './analysis.js';
import { writeBackchannelReferences } from './backchannel-reference.js';
import { collect, type SampleOutcome } from './collect.js';
import { Progress } from './progress.js';
import { makeRunConfig, makeRunInfo, sameRun, type RunConfig, type RunInfo } from './run-info.js';
import { loadSample, writeOutputWords } from './sample-io.js';
import { scoreSample, type SampleScore } from './score-sample.js';
import type { BenchClock, BenchTarget } from './target.js';

export interface RunOptions {
  readonly target: BenchTarget;
  readonly set: SetName;
  readonly clock: BenchClock;
  readonly out: string;
  readonly snrDb?: number;
  readonly categories?: readonly CategoryId[];
  readonly perCategory?: number;
  /** Which side of the voice split the samples' voices come from (default tuning). */
  readonly voices?: VoiceSetName;
  /** Someone else's voice beside the user's (GenerateOptions.background). */
  readonly background?: BackgroundMode;
  /** Engine options to record in run.json. */
  readonly engine?: Record<string, unknown>;
  /** How the outputs are heard (default: pocketsphinx). */
  readonly analysis?: AnalyzerOptions;
  /** Start over even if `out` holds a finished or different run. */
  readonly fresh?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: Progress;
  /** Called with each log line (resume notices); default: the progress log. */
  readonly log?: (line: string) => void;
}

export interface RunResult {
  readonly report: BenchReport;
  readonly text: string;
  readonly files: { json: string; html: string; text: string };
}

export async function runBenchmark(o: RunOptions): Promise<RunResult> {
  if (!o.target.clocks.includes(o.clock)) {
    throw new FullduplexError('BAD_ARGUMENT', `target ${o.target.name} cannot run on a ${o.clock} clock (it supports: ${o.target.clocks.join(', ')})`);
  }
  const config = makeRunConfig({
    target: o.target.name,
    set: o.set,
    clock: o.clock,
    snrDb: o.snrDb ?? null,
    categories: o.categories ?? null,
    perCategory: o.perCategory ?? null,
    voices: o.voices ?? 'tuning',
    ...(o.background && { background: o.background }),
    engine: o.engine ?? {},
    ...(o.analysis?.asrEndpoint && { scoringAsr: `${o.analysis.asrEndpoint.model ?? ''}@${o.analysis.asrEndpoint.url}` }),
  });
  await mkdir(o.out, { recursive: true });
  const previous = await previousRun(o.out, config, o.fresh === true);
  const resume = previous !== null;
  const analyzer = await Analyzer.create(o.analysis);
  const virtualTime = o.clock === 'virtual' ? o.target.virtualTime?.() : undefined;
  const fresh: RunInfo = { ...makeRunInfo('fullduplex-bench-run', config, o.target.describe(), analyzer.info), ...(virtualTime && { virtualTime }) };
  // A resumed run keeps when it began; each resumption is listed with the commit it ran at.
  const info: RunInfo = previous
    ? { ...fresh, startedAt: previous.startedAt, resumed: [...(previous.resumed ?? []), { at: fresh.startedAt, gitCommit: fresh.gitCommit }] }
    : fresh;
  await writeJson(join(o.out, 'run.json'), info);
  const plan = setPlan(o.set, { ...(o.categories && { categories: o.categories }), ...(o.perCategory && { perCategory: o.perCategory }) });
  const progress = o.progress ?? new Progress(plan.length);
  const log = o.log ?? ((l: string) => progress.log(l));
  if (resume) log(`resuming the run in ${o.out}: finished samples are reused`);
  const outcomes: SampleOutcome[] = [];
  const details: SampleDetail[] = [];
  try {
    for (const item of plan) {
      if (o.signal?.aborted) break;
      const r = await runOne(o, item.category, item.index, analyzer, resume);
      outcomes.push(r.outcome);
      details.push({ outcome: r.outcome, ...(r.truth && { truth: r.truth }) });
      if (r.truth) info.speakers = { ...info.speakers, [r.truth.id]: r.truth.speaker };
      progress.tick(r.outcome.id, verdictOf(r.outcome.outcome).note);
    }
  } finally {
    await analyzer.close();
  }
  info.complete = outcomes.length === plan.length;
  await writeBackchannelReferences(join(o.out, 'samples'), outcomes);
  return finish(o.out, info, outcomes, details);
}

export async function finish(out: string, info: RunInfo, outcomes: SampleOutcome[], details: SampleDetail[]): Promise<RunResult> {
  info.finishedAt = new Date().toISOString();
  await writeJson(join(out, 'run.json'), info);
  const report = buildReport(info, collect(outcomes), outcomes);
  const files = await writeReports(out, report, details);
  return { report, text: summaryText(report), files };
}

/** The run.json of the same run in `out` (to resume it), null for a new run; throws for a different run. */
export async function previousRun(out: string, config: RunConfig, fresh: boolean): Promise<RunInfo | null> {
  const path = join(out, 'run.json');
  if (fresh || !existsSync(path)) return null;
  try {
    const previous = JSON.parse(await readFile(path, 'utf8')) as RunInfo;
    if (previous.config && sameRun(previous.config, config)) return previous;
  } catch {
    // An unreadable run.json is treated like a different run.
  }
  throw new FullduplexError('BAD_ARGUMENT', `${out} holds a different run; choose another --out or pass --fresh to overwrite it`);
}

interface OneResult {
  readonly outcome: SampleOutcome;
  readonly truth?: ScenarioTruth;
}

async function runOne(o: RunOptions, category: CategoryId, index: number, analyzer: Analyzer, resume: boolean): Promise<OneResult> {
  const scenario = await generateScenario(o.set, category, index, {
    voices: o.voices ?? 'tuning',
    ...(o.snrDb !== undefined && { snrDb: o.snrDb }),
    ...(o.background && { background: o.background }),
  });
  const id = scenario.truth.id;
  const dir = join(o.out, 'samples', ...id.split('/'));
  const scorePath = join(dir, FILES.score);
  if (resume && existsSync(scorePath) && (await sameScenario(dir, scenario.truth))) {
    try {
      const previous = JSON.parse(await readFile(scorePath, 'utf8')) as SampleScore | Skipped;
      return { outcome: { id, category, outcome: previous }, truth: scenario.truth };
    } catch {
      // Unreadable: run it again.
    }
  }
  await writeScenario(dir, scenario);
  let outcome: SampleScore | Skipped;
  try {
    const run = await o.target.run({ samples: scenario.input, sampleRate: scenario.truth.sampleRate }, { clock: o.clock, ...(o.signal && { signal: o.signal }) });
    await writeWav(join(dir, FILES.output), [run.output.samples], run.output.sampleRate);
    if (run.events) await writeFile(join(dir, FILES.events), run.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const loaded = await loadSample(dir, join(o.out, 'samples'), { category, output: run.output, ...(run.events && { events: run.events }) });
    outcome = 'skipped' in loaded ? loaded : await scoreSample(loaded, analyzer, { ...(run.info && { info: run.info }) });
    if (!('skipped' in outcome)) await writeOutputWords(dir, outcome, analyzer.info.asr);
  } catch (e) {
    outcome = { id, skipped: `target failed: ${(e as Error).message}` };
  }
  await writeJson(scorePath, outcome);
  return { outcome: { id, category, outcome }, truth: scenario.truth };
}

/** The sample on disk was generated from the same script (generation code may have changed since). */
async function sameScenario(dir: string, truth: ScenarioTruth): Promise<boolean> {
  try {
    return (await readFile(join(dir, FILES.scenario), 'utf8')).trim() === JSON.stringify(truth, null, 2);
  } catch {
    return false;
  }
}
