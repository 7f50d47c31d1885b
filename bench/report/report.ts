/**
 * The report of a run (or of scoring a folder): report.json for machines, summary.txt and the
 * terminal table for people, report.html for people with a browser.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchmarkSummary, GoalResult, Skipped } from '../metrics/aggregate.js';
import { isSkipped } from '../metrics/aggregate.js';
import type { Collected, SampleOutcome } from '../runner/collect.js';
import type { RunInfo } from '../runner/run-info.js';
import type { SampleScore } from '../runner/score-sample.js';
import type { CategoryId, ScenarioTruth } from '../scenarios/types.js';
import { renderHtml } from './html.js';
import { METHOD, type MethodNote } from './method.js';
import { goalLines, metricRows, terminalTable, type MetricRow } from './summary-table.js';
import { verdictOf } from './verdict.js';
import { latencyStages, type LatencyStages } from './latency-stages.js';

export interface SampleEntry {
  readonly id: string;
  readonly category: CategoryId | null;
  readonly ok: boolean | null;
  readonly note: string;
}

export interface BenchReport {
  readonly run: RunInfo;
  readonly summary: BenchmarkSummary;
  readonly goals: readonly GoalResult[];
  readonly rows: readonly MetricRow[];
  readonly samples: readonly SampleEntry[];
  readonly uncategorized: readonly Skipped[];
  readonly method: readonly MethodNote[];
  /** What each target's latency counts, and the engine's turn stages per category. */
  readonly latencyStages?: LatencyStages;
}

/** Everything the HTML needs per sample beyond the report: the full score and, for our scenarios, the truth. */
export interface SampleDetail {
  readonly outcome: SampleOutcome;
  readonly truth?: ScenarioTruth;
}

export function buildReport(run: RunInfo, collected: Collected, samples: readonly SampleOutcome[]): BenchReport {
  return {
    run,
    summary: collected.summary,
    goals: collected.goals,
    rows: metricRows(collected.summary, collected.goals),
    samples: samples.map((s) => ({ id: s.id, category: s.category, ...verdictOf(s.outcome) })),
    uncategorized: collected.uncategorized,
    method: METHOD,
    latencyStages: latencyStages(run.config?.target, samples),
  };
}

/** The text printed at the end of a run and saved as summary.txt. */
export function summaryText(r: BenchReport): string {
  const a = r.run.analysis;
  const c = r.run.config;
  const head = [
    `fullduplex bench — target ${c?.target ?? '(scored folder)'}${c ? `, set ${c.set}` : ''}, clock ${r.run.clock}`,
    `ASR ${a.asr} · VAD ${a.vad} · commit ${r.run.gitCommit?.slice(0, 10) ?? 'unknown'}${r.run.gitDirty ? ' (with uncommitted changes)' : ''} · ${r.run.machine.cpuModel}, ${r.run.machine.cores} cores`,
  ];
  const failed = r.samples.filter((s) => s.ok === false).length;
  const skipped = r.samples.filter((s) => s.ok === null).length;
  return [
    ...head,
    '',
    terminalTable(r.rows),
    '',
    'Goals:',
    goalLines(r.goals),
    '',
    `${r.samples.length} samples: ${r.samples.length - failed - skipped} as expected, ${failed} not, ${skipped} skipped.${r.run.complete === false ? ' The run was stopped early: re-run with the same --out to finish it.' : ''}`,
  ].join('\n');
}

export async function writeReports(dir: string, report: BenchReport, details: readonly SampleDetail[]): Promise<{ json: string; html: string; text: string }> {
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  const text = join(dir, 'summary.txt');
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(text, summaryText(report) + '\n');
  await writeFile(html, renderHtml(report, details));
  return { json, html, text };
}

export function scoreOf(d: SampleDetail): SampleScore | null {
  return isSkipped(d.outcome.outcome) ? null : d.outcome.outcome;
}
