/**
 * The benchmark summary as table rows (one per metric), rendered for the terminal and as Markdown
 * (README). The HTML report builds its tables from the same rows, so every surface shows the same
 * numbers.
 */
import type { BenchmarkSummary, GoalResult, SkipSummary } from '../metrics/aggregate.js';
import type { CutInCounts } from '../metrics/cut-ins.js';
import type { V15Category, V15Summary } from '../metrics/fdb-v15.js';
import { CATEGORIES, type CategoryId } from '../scenarios/types.js';
import { DASH, num, pad, pct, sec } from './format.js';

export interface MetricRow {
  readonly category: CategoryId;
  readonly categoryTitle: string;
  /** Scored samples / skipped samples (on the category's first row only). */
  readonly n: number | null;
  readonly skipped: number | null;
  readonly metric: string;
  readonly value: string;
  /** "≤ 0.05" etc., or "" when the metric has no goal. */
  readonly goal: string;
  /** true/false against the goal; null when there is none. */
  readonly met: boolean | null;
}

function goalCell(goals: readonly GoalResult[], name: string, asPercent: boolean): { goal: string; met: boolean | null } {
  const g = goals.find((x) => x.name === name);
  if (!g) return { goal: '', met: null };
  return { goal: `${g.comparison === '<=' ? '≤' : '≥'} ${asPercent ? pct(g.target) : g.target}`, met: g.value === null ? null : g.met };
}

/** Upstream's get_timing.py latencies, then the bench's own at the event, each under its own name. */
const timingRows = (x: V15Summary): [string, string][] => [
  ...(x.getTiming
    ? ([
        ['stop latency mean (median), get_timing.py', `${sec(x.getTiming.stopLatencyS.mean)} (${sec(x.getTiming.stopLatencyS.median)})`],
        ['response latency mean (median), get_timing.py', `${sec(x.getTiming.responseLatencyS.mean)} (${sec(x.getTiming.responseLatencyS.median)})`],
      ] as [string, string][])
    : []),
  ['stop latency at the event mean (bench\'s own)', sec(x.stopLatencyS.mean)],
];

const labels = (s: V15Summary): string => `respond ${s.labels.RESPOND} · resume ${s.labels.RESUME} · uncertain ${s.labels.UNCERTAIN} · unknown ${s.labels.UNKNOWN}`;

export function metricRows(summary: BenchmarkSummary, goals: readonly GoalResult[]): MetricRow[] {
  const rows: MetricRow[] = [];
  const add = (category: CategoryId, skips: SkipSummary | undefined, n: number | undefined, list: [string, string, string?][]) => {
    const title = CATEGORIES.find((c) => c.id === category)!.title;
    list.forEach(([metric, value, goalName], i) => {
      const g = goalName ? goalCell(goals, goalName, value.endsWith('%')) : { goal: '', met: null };
      rows.push({ category, categoryTitle: title, n: i === 0 ? (n ?? 0) : null, skipped: i === 0 ? (skips?.total ?? 0) : null, metric, value, ...g });
    });
  };
  const s = summary;
  if (s.pauseHandling) add('pause_handling', s.pauseHandling.skipped, s.pauseHandling.n, [['TOR ↓', num(s.pauseHandling.tor), 'pause handling TOR']]);
  if (s.smoothTurnTaking) {
    const t = s.smoothTurnTaking;
    add('smooth_turn_taking', t.skipped, t.n, [
      ['TOR ↑', num(t.tor), 'turn-taking TOR'],
      ['latency mean (median) ↓', `${sec(t.latencyS.mean)} (${sec(t.latencyS.median)})`, 'turn-taking mean latency (s)'],
    ]);
  }
  const ui = s.userInterruption;
  const v15ui = s.v15?.user_interruption;
  if (ui || v15ui) {
    const list: [string, string, string?][] = [];
    if (ui) {
      list.push(['TOR ↑', num(ui.tor)]);
      list.push(["stop latency mean (median), bench's own ↓", `${sec(ui.stopLatencyS.mean)} (${sec(ui.stopLatencyS.median)})`, 'interruption: agent silent after user starts (s)']);
      list.push(['answer latency mean (median) ↓', `${sec(ui.latencyS.mean)} (${sec(ui.latencyS.median)})`, 'interruption: answer after user stops (s)']);
    }
    if (v15ui) list.push(['v1.5 labels', labels(v15ui)], ['v1.5 responded (RESPOND)', pct(v15ui.respondRate)], ...timingRows(v15ui).map(([m, v]) => [`v1.5 ${m}`, v] as [string, string]));
    add('user_interruption', ui?.skipped ?? v15ui?.skipped, ui?.n ?? v15ui?.n, list);
  }
  if (s.backchannel) {
    const b = s.backchannel;
    add('backchannel', b.skipped, b.n, [
      ['TOR ↓', num(b.tor), 'backchannel TOR'],
      ['frequency (per s) ↑', num(b.frequencyHz.mean)],
      ['JSD ↓', num(b.jsd.mean), 'backchannel JSD'],
      ...(b.own
        ? ([
            ["TOR, any segment a takeover (bench's own)", num(b.own.tor)],
            ["frequency, true backchannels only (bench's own)", num(b.own.frequencyHz.mean)],
            ["JSD, true backchannels at 1/16 ms (bench's own)", num(b.own.jsd.mean)],
          ] as [string, string][])
        : []),
    ]);
  }
  const v15Row = (cat: V15Category, metric: string, value: (x: V15Summary) => number | null, goalName: string) => {
    const x = s.v15?.[cat];
    if (!x) return;
    add(cat, x.skipped, x.n, [
      [metric, pct(value(x)), goalName],
      ['labels', labels(x)],
      ['rode through without pausing', pct(x.rodeThroughRate)],
      ...timingRows(x),
    ]);
  };
  v15Row('user_backchannel', 'kept its turn (RESUME) ↑', (x) => x.successRate, 'user backchannels ridden through');
  v15Row('talking_to_others', 'left unanswered ↑', (x) => x.unansweredRate, 'side talk unanswered');
  v15Row('background_speech', 'left unanswered ↑', (x) => x.unansweredRate, 'background speech unanswered');
  return withCutIns(rows, s, goals);
}

export const CUT_IN_METRIC = 'cut-ins per 100 user turns ↓';
export const CUT_IN_ALL_METRIC = 'cut-ins per 100 user turns, all categories ↓';

/** "1.3 (2 in 150 turns)"; "—" when there are no user turns. */
export function cutInValue(c: CutInCounts | undefined): string {
  if (!c) return `${DASH} (no ground-truth turns)`;
  return `${num(c.per100Turns, 1)} (${c.cutIns} in ${c.userTurns} turn${c.userTurns === 1 ? '' : 's'})`;
}

/**
 * Each category's cut-in rate as its last row. Turn-taking latency is never shown without the rate
 * beside it, so smooth turn-taking also gets the all-category rate (with the goal), "—" when the run
 * had no ground-truth turns.
 */
function withCutIns(rows: readonly MetricRow[], s: BenchmarkSummary, goals: readonly GoalResult[]): MetricRow[] {
  const out: MetricRow[] = [];
  rows.forEach((r, i) => {
    out.push(r);
    if (rows[i + 1]?.category === r.category) return;
    const base = { category: r.category, categoryTitle: r.categoryTitle, n: null, skipped: null };
    const own = s.cutIns?.byCategory[r.category];
    if (own) out.push({ ...base, metric: CUT_IN_METRIC, value: cutInValue(own), goal: '', met: null });
    if (r.category === 'smooth_turn_taking') {
      out.push({ ...base, metric: CUT_IN_ALL_METRIC, value: cutInValue(s.cutIns), ...goalCell(goals, 'cut-ins per 100 user turns', false) });
    }
  });
  return out;
}

const mark = (met: boolean | null): string => (met === null ? '' : met ? 'met' : 'MISSED');

/** Fixed-width table for the terminal. */
export function terminalTable(rows: readonly MetricRow[]): string {
  const head = ['category', 'n', 'metric', 'value', 'goal', ''];
  const body = rows.map((r) => [
    r.n === null ? '' : r.categoryTitle,
    r.n === null ? '' : `${r.n}${r.skipped ? ` (+${r.skipped} skipped)` : ''}`,
    r.metric,
    r.value,
    r.goal,
    mark(r.met),
  ]);
  const widths = head.map((h, i) => Math.max([...h].length, ...body.map((b) => [...b[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(head), rule];
  rows.forEach((r, i) => {
    if (i > 0 && r.n !== null) out.push('');
    out.push(line(body[i]!));
  });
  return out.join('\n');
}

/** Goals in one line each, with how far a missed one is off. */
export function goalLines(goals: readonly GoalResult[]): string {
  return goals
    .map((g) => {
      const target = `${g.comparison === '<=' ? '≤' : '≥'} ${g.target}`;
      if (g.value === null) return `  ·  ${g.name}: no data (goal ${target})`;
      const v = num(g.value);
      return g.met ? `  ✓  ${g.name}: ${v} (goal ${target})` : `  ✗  ${g.name}: ${v} (goal ${target}, short by ${num(g.shortBy)})`;
    })
    .join('\n');
}

export function markdownTable(rows: readonly MetricRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const out = ['| category | n | metric | value | goal | |', '|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(`| ${r.n === null ? '' : esc(r.categoryTitle)} | ${r.n ?? ''} | ${esc(r.metric)} | ${esc(r.value)} | ${r.goal} | ${r.met === null ? '' : r.met ? '✓' : '**✗**'} |`);
  }
  return out.join('\n');
}
