/**
 * Several targets' runs of the same scenario set side by side (`fullduplex bench compare`): one column
 * per target, the summary table's headline metrics per category with goal verdicts, samples as
 * expected, the median turn-taking latency and the "transport cost" (each target's median minus the
 * in-process engine's), and a per-sample matrix. Built from the targets' own reports, so the numbers
 * are exactly the ones each report.json shows.
 */
import { CATEGORIES, type CategoryId } from '../scenarios/types.js';
import { pad } from './format.js';
import type { BenchReport } from './report.js';

/** One target's finished (or stopped) run, as handed to the builder. */
export interface CompareInput {
  /** The spec as the user gave it (e.g. "ws://self"); the column's name. */
  readonly target: string;
  /** The run's folder name under the comparison folder. */
  readonly slug: string;
  readonly report: BenchReport;
}

export interface SampleCounts {
  readonly total: number;
  readonly asExpected: number;
  readonly notAsExpected: number;
  readonly skipped: number;
}

export interface CompareTarget {
  readonly target: string;
  readonly slug: string;
  /** The target's describe() line (family, transport, codec). */
  readonly description: string;
  /** Its own reports, relative to the comparison folder. */
  readonly reportHtml: string;
  readonly reportJson: string;
  readonly clock: string;
  readonly complete: boolean;
  readonly samples: SampleCounts;
  /** Median turn-taking latency over TO = 1 samples, s. */
  readonly turnTakingMedianS: number | null;
  /** turnTakingMedianS minus the baseline's (0 for the baseline; null without a baseline or a value). */
  readonly transportCostS: number | null;
  /** Agent onsets inside user turns per 100 turns, all categories (shown beside the latency); null: not measured. */
  readonly cutInsPer100Turns: number | null;
  readonly baseline: boolean;
}

export interface CompareCell {
  readonly value: string;
  /** Against the goal; null when the metric has none. */
  readonly met: boolean | null;
}

export interface CompareCategory {
  readonly id: CategoryId;
  readonly title: string;
  /** Per target: scored and skipped samples of the category (null: the target has none). */
  readonly counts: readonly ({ readonly n: number; readonly skipped: number } | null)[];
  readonly rows: readonly { readonly metric: string; readonly goal: string; readonly cells: readonly (CompareCell | null)[] }[];
}

export interface CompareSample {
  readonly id: string;
  readonly category: CategoryId | null;
  /** Per target: as expected (true), not (false), skipped (ok null); null when the target has no such sample. */
  readonly cells: readonly ({ readonly ok: boolean | null; readonly note: string } | null)[];
  /** The targets that have it disagree on whether it went as expected. */
  readonly disagree: boolean;
}

export interface Comparison {
  readonly kind: 'fullduplex-bench-compare';
  readonly createdAt: string;
  readonly set: string | null;
  readonly clock: string | null;
  /** The in-process target the transport cost is measured against, or null. */
  readonly baseline: string | null;
  readonly targets: readonly CompareTarget[];
  readonly categories: readonly CompareCategory[];
  readonly samples: readonly CompareSample[];
}

/** The in-process engine's spec: the transport-cost baseline. */
export const BASELINE_TARGET = 'local';

function counts(r: BenchReport): SampleCounts {
  const asExpected = r.samples.filter((s) => s.ok === true).length;
  const notAsExpected = r.samples.filter((s) => s.ok === false).length;
  return { total: r.samples.length, asExpected, notAsExpected, skipped: r.samples.length - asExpected - notAsExpected };
}

/** Same value from every report, else null (set and clock of a comparison). */
function common(values: readonly (string | null | undefined)[]): string | null {
  const set = new Set(values.map((v) => v ?? null));
  return set.size === 1 ? [...set][0]! : null;
}

export function buildComparison(inputs: readonly CompareInput[], createdAt = new Date().toISOString()): Comparison {
  const baseIndex = inputs.findIndex((x) => x.target === BASELINE_TARGET);
  const medianOf = (r: BenchReport) => r.summary.smoothTurnTaking?.latencyS.median ?? null;
  const baseMedian = baseIndex >= 0 ? medianOf(inputs[baseIndex]!.report) : null;
  const targets = inputs.map((x, i): CompareTarget => {
    const median = medianOf(x.report);
    return {
      target: x.target,
      slug: x.slug,
      description: x.report.run.targetDescription,
      reportHtml: `${x.slug}/report.html`,
      reportJson: `${x.slug}/report.json`,
      clock: x.report.run.clock,
      complete: x.report.run.complete !== false,
      samples: counts(x.report),
      turnTakingMedianS: median,
      transportCostS: i === baseIndex ? 0 : median !== null && baseMedian !== null ? round(median - baseMedian) : null,
      cutInsPer100Turns: x.report.summary.cutIns?.per100Turns ?? null,
      baseline: i === baseIndex,
    };
  });
  return {
    kind: 'fullduplex-bench-compare',
    createdAt,
    set: common(inputs.map((x) => x.report.run.config?.set)),
    clock: common(inputs.map((x) => x.report.run.clock)),
    baseline: baseIndex >= 0 ? BASELINE_TARGET : null,
    targets,
    categories: categoriesOf(inputs.map((x) => x.report)),
    samples: samplesOf(inputs.map((x) => x.report)),
  };
}

/** Microsecond rounding, so a difference of two medians prints as it reads. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function categoriesOf(reports: readonly BenchReport[]): CompareCategory[] {
  const out: CompareCategory[] = [];
  for (const cat of CATEGORIES) {
    // Metric names in the order the summary table lists them, over every report that has the category.
    const metrics: { metric: string; goal: string }[] = [];
    for (const r of reports) {
      for (const row of r.rows) {
        if (row.category === cat.id && !metrics.some((m) => m.metric === row.metric)) metrics.push({ metric: row.metric, goal: row.goal });
      }
    }
    if (metrics.length === 0) continue;
    const countsOf = reports.map((r) => {
      const first = r.rows.find((row) => row.category === cat.id && row.n !== null);
      return first ? { n: first.n ?? 0, skipped: first.skipped ?? 0 } : null;
    });
    const rows = metrics.map((m) => ({
      ...m,
      cells: reports.map((r) => {
        const row = r.rows.find((x) => x.category === cat.id && x.metric === m.metric);
        return row ? { value: row.value, met: row.met } : null;
      }),
    }));
    out.push({ id: cat.id, title: cat.title, counts: countsOf, rows });
  }
  return out;
}

function samplesOf(reports: readonly BenchReport[]): CompareSample[] {
  const ids: { id: string; category: CategoryId | null }[] = [];
  const seen = new Set<string>();
  for (const r of reports) {
    for (const s of r.samples) {
      if (!seen.has(s.id)) (seen.add(s.id), ids.push({ id: s.id, category: s.category }));
    }
  }
  const maps = reports.map((r) => new Map(r.samples.map((s) => [s.id, s])));
  return ids.map(({ id, category }) => {
    const cells = maps.map((m) => {
      const s = m.get(id);
      return s ? { ok: s.ok, note: s.note } : null;
    });
    const verdicts = new Set(cells.filter((c) => c !== null && c.ok !== null).map((c) => c!.ok));
    return { id, category, cells, disagree: verdicts.size > 1 };
  });
}

// ── terminal ────────────────────────────────────────────────────────────────────────────────────

const LABELS = /^respond (\d+) · resume (\d+) · uncertain (\d+) · unknown (\d+)$/;

/** The v1.5 label counts, "respond 3 · resume 1 · …", squeezed to "3·1·0·1" for a table of several columns. */
function compact(metric: string, value: string): [string, string] {
  const m = LABELS.exec(value);
  if (!m) return [metric, value];
  return [`${metric} (respond·resume·uncertain·unknown)`, m.slice(1, 5).join('·')];
}

const verdict = (met: boolean | null): string => (met === null ? '' : met ? ' ✓' : ' ✗');

export function signedSec(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)} s`;
}

export function costCell(t: CompareTarget): string {
  return t.baseline ? 'baseline' : signedSec(t.transportCostS);
}

export function cutInCell(t: CompareTarget): string {
  return t.cutInsPer100Turns === null ? '—' : t.cutInsPer100Turns.toFixed(1);
}

export function samplesCell(t: CompareTarget): string {
  const s = t.samples;
  return `${s.asExpected}/${s.total}${s.skipped ? ` (${s.skipped} skipped)` : ''}${t.complete ? '' : ' (stopped early)'}`;
}

/** One column per target; ✓ / ✗ mark a goal met or missed. */
export function compareTable(c: Comparison): string {
  const head = ['category / metric', 'goal', ...c.targets.map((t) => t.target)];
  const lines: (string[] | null)[] = [];
  for (const cat of c.categories) {
    lines.push(null);
    lines.push([cat.title, '', ...cat.counts.map((x) => (x ? `n ${x.n}${x.skipped ? ` (+${x.skipped} skipped)` : ''}` : '—'))]);
    for (const row of cat.rows) {
      const cells = row.cells.map((x) => (x ? compact(row.metric, x.value)[1] + verdict(x.met) : '—'));
      const name = compact(row.metric, row.cells.find((x) => x !== null)?.value ?? '')[0];
      lines.push([`  ${name}`, row.goal, ...cells]);
    }
  }
  lines.push(null);
  lines.push(['All samples', '', ...c.targets.map(() => '')]);
  lines.push(['  as expected / total', '', ...c.targets.map(samplesCell)]);
  lines.push(['  turn-taking latency, median', '', ...c.targets.map((t) => (t.turnTakingMedianS === null ? '—' : `${t.turnTakingMedianS.toFixed(2)} s`))]);
  lines.push(['  cut-ins per 100 user turns', '', ...c.targets.map(cutInCell)]);
  lines.push([`  transport cost (median − ${c.baseline ?? 'in-process'})`, '', ...c.targets.map(costCell)]);
  const body = lines.filter((l): l is string[] => l !== null);
  const widths = head.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]!].length)));
  const fmt = (cells: string[]) => cells.map((x, i) => pad(x, widths[i]!)).join('  ').trimEnd();
  const out = [fmt(head), widths.map((w) => '─'.repeat(w)).join('  ')];
  for (const l of lines) {
    if (l !== null) out.push(fmt(l));
    else if (out.length > 2) out.push('');
  }
  return out.join('\n');
}

/** Sample id × target: ✓ as expected, ✗ not, · skipped, blank: not run. Disagreements are flagged. */
export function matrixTable(c: Comparison): string {
  const flag = c.samples.some((s) => s.disagree);
  const head = ['sample', ...c.targets.map((t) => t.target), ...(flag ? [''] : [])];
  const mark = (x: CompareSample['cells'][number]) => (x === null ? '' : x.ok === null ? '·' : x.ok ? '✓' : '✗');
  const body = c.samples.map((s) => [s.id, ...s.cells.map(mark), ...(flag ? [s.disagree ? '← differs' : ''] : [])]);
  const widths = head.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]!].length)));
  const fmt = (cells: string[]) => cells.map((x, i) => pad(x, widths[i]!)).join('  ').trimEnd();
  return [fmt(head), widths.map((w) => '─'.repeat(w)).join('  ').trimEnd(), ...body.map(fmt)].join('\n');
}

/** What `bench compare` prints and saves as compare.txt. */
export function compareText(c: Comparison): string {
  const differ = c.samples.filter((s) => s.disagree).length;
  return [
    `fullduplex bench compare — set ${c.set ?? 'mixed'}, clock ${c.clock ?? 'mixed'}, ${c.targets.length} targets`,
    '',
    compareTable(c),
    '',
    'Targets:',
    ...c.targets.map((t) => `  ${t.target}: ${t.description}`),
    '',
    'Per sample (✓ as expected, ✗ not, · skipped):',
    matrixTable(c),
    '',
    `${differ} of ${c.samples.length} samples went differently on different targets.`,
  ].join('\n');
}
