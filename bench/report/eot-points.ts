/**
 * The end-of-turn operating points (bench/metrics/eot-operating-points.ts) for people: a text table
 * and an HTML section (table + the two Pareto frontiers), the detector beside the silence-timeout
 * baseline from the same spans, and where the engine's own policy sits.
 */
import type { EnginePolicyPoint, EotPolicy, OperatingPoints, PolicyPoint } from '../metrics/eot-operating-points.js';
import { escapeHtml as h, pad } from './format.js';

/** eot-bench writes "–" where no policy reaches a budget. */
export const UNREACHED = '–';

export interface EotComparison {
  /** The detector's points, e.g. the engine's p(turn over). */
  readonly model: OperatingPoints;
  readonly baseline: OperatingPoints;
  /** The engine's actual decisions on the same spans, when known. */
  readonly engine?: EnginePolicyPoint;
  /** Name of the detector's row; default "p(turn over)". */
  readonly modelName?: string;
}

const RENDER = {
  /** Frontier points listed in the text report (evenly picked along the frontier). */
  textFrontierPoints: 8,
  /** Plot size, px. */
  plotWidth: 560,
  plotHeight: 260,
} as const;

const pctCell = (x: number | null | undefined): string => (x === null || x === undefined ? UNREACHED : `${(100 * x).toFixed(1)} %`);
const msCell = (x: number | null | undefined): string => (x === null || x === undefined ? UNREACHED : `${Math.round(1000 * x)} ms`);
export const policyText = (p: EotPolicy): string => `θ ${p.threshold}, d ${Math.round(p.actionDelayS * 1000)} ms, T ${p.timeoutS} s`;

function cells(o: OperatingPoints): string[] {
  return [...o.cutoffAtLatency.map((x) => pctCell(x.falseCutoffRate)), ...o.latencyAtCutoff.map((x) => msCell(x.meanLatencyS))];
}

function heads(o: OperatingPoints): string[] {
  return [
    ...o.cutoffAtLatency.map((x) => `false cut-offs @ ${Math.round(x.latencyBudgetS * 1000)} ms`),
    ...o.latencyAtCutoff.map((x) => `latency @ ${Math.round(x.cutoffBudget * 100)} % cut-offs`),
  ];
}

function rowsOf(c: EotComparison): { name: string; o: OperatingPoints }[] {
  return [
    { name: c.modelName ?? 'p(turn over)', o: c.model },
    { name: 'silence timeout (VAD only)', o: c.baseline },
  ];
}

function spansLine(o: OperatingPoints): string {
  return `${o.holdSpans} mid-turn silences (${o.holdSpansLeftOut} left out: under 0.2 s or over 5 s), ${o.eotSpans} turn ends`;
}

function engineLine(e: EnginePolicyPoint): string {
  const never = e.eotNeverFired ? `; never took the turn after ${e.eotNeverFired} of ${e.eotSpans} turn ends (left out of the mean)` : '';
  return `engine's own policy: ${pctCell(e.falseCutoffRate)} false cut-offs, mean latency ${msCell(e.meanLatencyS)}${never}`;
}

function pick<T>(xs: readonly T[], n: number): T[] {
  if (xs.length <= n) return [...xs];
  return Array.from({ length: n }, (_, i) => xs[Math.round((i * (xs.length - 1)) / (n - 1))]!);
}

const frontierText = (f: readonly PolicyPoint[]): string =>
  f.length === 0 ? UNREACHED : pick(f, RENDER.textFrontierPoints).map((p) => `${msCell(p.meanLatencyS)} → ${pctCell(p.falseCutoffRate)}`).join(', ');

/** The terminal / text-file form. */
export function eotPointsText(c: EotComparison): string {
  const head = ['', ...heads(c.model)];
  const body = rowsOf(c).map((r) => [r.name, ...cells(r.o)]);
  const widths = head.map((x, i) => Math.max([...x].length, ...body.map((b) => [...b[i]!].length)));
  const line = (xs: string[]) => xs.map((x, i) => pad(x, widths[i]!, i > 0)).join('  ').trimEnd();
  const policies = rowsOf(c).flatMap((r) => [
    ...r.o.cutoffAtLatency.filter((x) => x.at).map((x) => `  ${r.name} @ ${msCell(x.latencyBudgetS)}: ${policyText(x.at!.policy)}`),
    ...r.o.latencyAtCutoff.filter((x) => x.at).map((x) => `  ${r.name} @ ${pctCell(x.cutoffBudget)}: ${policyText(x.at!.policy)}`),
  ]);
  return [
    `End-of-turn operating points (eot-bench style): ${spansLine(c.model)}`,
    '',
    line(head),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...body.map(line),
    ...(c.engine ? ['', engineLine(c.engine)] : []),
    '',
    'Policies at those points:',
    ...policies,
    '',
    'Pareto frontier (mean latency → false cut-offs):',
    ...rowsOf(c).map((r) => `  ${r.name}: ${frontierText(r.o.frontier)}`),
    '',
    `${UNREACHED}: no policy of the grid reaches the budget.`,
  ].join('\n');
}

/** The two frontiers (steps) and the engine's point on latency × false cut-offs axes. */
function frontierSvg(c: EotComparison): string {
  const { plotWidth: W, plotHeight: H } = RENDER;
  const m = { l: 44, r: 10, t: 10, b: 30 };
  const lats = [...c.model.frontier, ...c.baseline.frontier].map((p) => p.meanLatencyS);
  if (c.engine?.meanLatencyS != null) lats.push(c.engine.meanLatencyS);
  const maxX = Math.max(0.6, ...lats) * 1.05;
  const x = (s: number) => m.l + (s / maxX) * (W - m.l - m.r);
  const y = (r: number) => m.t + (1 - r) * (H - m.t - m.b);
  const path = (f: readonly PolicyPoint[]) => f.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.meanLatencyS).toFixed(1)},${y(f[i - 1]?.falseCutoffRate ?? p.falseCutoffRate).toFixed(1)} L${x(p.meanLatencyS).toFixed(1)},${y(p.falseCutoffRate).toFixed(1)}`).join(' ');
  const ticks = [0, 0.3, 0.6, 1, 1.5, 2, 3, 4, 5, 6].filter((t) => t <= maxX);
  const grid = [
    ...ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${m.t}" y2="${H - m.b}" stroke="var(--line)"/><text x="${x(t)}" y="${H - m.b + 14}" font-size="10" text-anchor="middle" fill="var(--muted)">${t} s</text>`),
    ...[0, 0.25, 0.5, 0.75, 1].map((r) => `<line x1="${m.l}" x2="${W - m.r}" y1="${y(r)}" y2="${y(r)}" stroke="var(--line)"/><text x="${m.l - 4}" y="${y(r) + 3}" font-size="10" text-anchor="end" fill="var(--muted)">${r * 100} %</text>`),
  ];
  const engine = c.engine?.meanLatencyS != null && c.engine.falseCutoffRate !== null ? `<circle cx="${x(c.engine.meanLatencyS)}" cy="${y(c.engine.falseCutoffRate)}" r="4" fill="var(--bad)"><title>${h(engineLine(c.engine))}</title></circle>` : '';
  return `<svg class="frontier" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Pareto frontiers">${grid.join('')}
<path d="${path(c.model.frontier)}" fill="none" stroke="var(--accent)" stroke-width="2"/><path d="${path(c.baseline.frontier)}" fill="none" stroke="var(--muted)" stroke-width="2" stroke-dasharray="4 3"/>${engine}
<text x="${W / 2}" y="${H - 2}" font-size="11" text-anchor="middle" fill="var(--muted)">mean latency after the turn ends</text></svg>`;
}

/** A self-contained section for report.html (uses its stylesheet). */
export function eotPointsHtml(c: EotComparison): string {
  const th = heads(c.model).map((x) => `<th class="num">${h(x)}</th>`).join('');
  const tr = rowsOf(c)
    .map((r, i) => {
      const at = [...r.o.cutoffAtLatency.map((x) => x.at), ...r.o.latencyAtCutoff.map((x) => x.at)];
      const tds = cells(r.o).map((v, k) => `<td class="num"${at[k] ? ` title="${h(policyText(at[k]!.policy))}"` : ''}>${h(v)}</td>`);
      return `<tr class="${i === 0 ? 'ours' : ''}"><td>${h(r.name)}</td>${tds.join('')}</tr>`;
    })
    .join('');
  return `<h2>End-of-turn operating points <span class="note">${h(spansLine(c.model))}</span></h2>
<table><thead><tr><th>detector</th>${th}</tr></thead><tbody>${tr}</tbody></table>
${c.engine ? `<p>${h(engineLine(c.engine))}</p>` : ''}
${frontierSvg(c)}
<div class="legend"><span class="key"><i style="background:var(--accent)"></i>${h(c.modelName ?? 'p(turn over)')}</span><span class="key"><i style="background:var(--muted)"></i>silence timeout (VAD only)</span>${c.engine ? '<span class="key"><i style="background:var(--bad)"></i>engine\'s own policy</span>' : ''}</div>
<p class="note">In the style of LiveKit's eot-bench: each silence of ≥ 100 ms in a user turn is a decision. A policy (threshold θ on p(turn over), action delay d, timeout T) fires at the first score at or after d with p ≥ θ, or at T. A mid-turn silence (0.2–5 s) is a false cut-off when the policy fires before it ends; the latency of a turn end is when the policy fires. The grid of θ × d × T is swept; each cell is the best value within the budget (hover for the policy), ${UNREACHED} where no policy reaches it. The baseline is p ≡ 1 on the same silences: only d and T matter.</p>`;
}
