/**
 * compare.html: several targets' runs side by side in one self-contained page, in the single-run
 * report's style. Each column links to that target's own report.html (timelines, method, published
 * numbers).
 */
import { DASH, escapeHtml as h } from './format.js';
import { REPORT_CSS } from './html-style.js';
import { costCell, cutInCell, samplesCell, type CompareSample, type Comparison } from './compare.js';

const EXTRA_CSS = `
main { max-width: 1280px; }
th a, td a { color: inherit; }
th a { text-transform: none; letter-spacing: 0; }
td.metric { min-width: 13em; } td.goal { white-space: nowrap; }
td.cell.ok { color: var(--ok); } td.cell.bad { color: var(--bad); }
tr.cat td { font-weight: 600; background: var(--panel); }
tr.total td { border-top: 2px solid var(--line); font-weight: 600; }
table.matrix td.m { font-size: 12.5px; }
table.matrix td.m .badge { margin-right: 6px; }
table.matrix td.m .what { color: var(--muted); }
table.matrix tr.differs td:first-child { border-left: 3px solid var(--warn); }
`;

export function renderCompareHtml(c: Comparison): string {
  const title = `fullduplex bench compare · ${c.set ?? 'mixed'} set · ${c.clock ?? 'mixed'} clock`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${REPORT_CSS}${EXTRA_CSS}</style></head>
<body><main>
<h1>${h(title)}</h1>
<p class="sub">The same scenarios through ${c.targets.length} targets, one scoring path: transport, codec and the remote side's pacing are inside every number, so the differences between columns are their cost.</p>
<div class="chips"><span class="chip">created <b>${h(c.createdAt)}</b></span><span class="chip">baseline <b>${h(c.baseline ?? 'none')}</b></span></div>
${targetsSection(c)}
${metricsSection(c)}
${matrixSection(c)}
</main></body></html>
`;
}

const link = (c: Comparison, i: number): string => {
  const t = c.targets[i]!;
  return `<a href="${h(t.reportHtml)}">${h(t.target)}</a>`;
};

function targetsSection(c: Comparison): string {
  const rows = c.targets.map(
    (t, i) =>
      `<tr class="${t.baseline ? 'ours' : ''}"><td>${link(c, i)}</td><td>${h(t.description)}</td><td class="num">${h(samplesCell(t))}</td><td class="num">${t.turnTakingMedianS === null ? DASH : `${t.turnTakingMedianS.toFixed(2)} s`}</td><td class="num">${h(cutInCell(t))}</td><td class="num">${h(costCell(t))}</td><td><a href="${h(t.reportJson)}">report.json</a></td></tr>`,
  );
  return `<h2>Targets</h2>
<table><thead><tr><th>target</th><th>family, transport, codec</th><th class="num">as expected</th><th class="num">turn-taking median</th><th class="num">cut-ins / 100 turns</th><th class="num">transport cost</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Transport cost: the target's median turn-taking latency minus the in-process engine's (${h(c.baseline ?? 'no in-process target in this comparison')}). Each target name opens its own report.</p>`;
}

function metricsSection(c: Comparison): string {
  const heads = c.targets.map((_, i) => `<th>${link(c, i)}</th>`).join('');
  const body: string[] = [];
  for (const cat of c.categories) {
    const n = cat.counts.map((x) => `<td>${x ? `n ${x.n}${x.skipped ? ` <span class="note">(+${x.skipped} skipped)</span>` : ''}` : DASH}</td>`).join('');
    body.push(`<tr class="cat"><td>${h(cat.title)}</td><td></td>${n}</tr>`);
    for (const row of cat.rows) {
      const cells = row.cells
        .map((x) => {
          if (!x) return `<td class="cell">${DASH}</td>`;
          const mark = x.met === null ? '' : x.met ? ' <span class="met">met</span>' : ' <span class="missed">missed</span>';
          return `<td class="cell">${h(x.value)}${mark}</td>`;
        })
        .join('');
      body.push(`<tr><td class="metric">${h(row.metric)}</td><td class="goal">${h(row.goal)}</td>${cells}</tr>`);
    }
  }
  const total = (label: string, cells: string[]) => `<tr class="total"><td>${h(label)}</td><td></td>${cells.map((x) => `<td class="cell">${h(x)}</td>`).join('')}</tr>`;
  body.push(total('samples as expected / total', c.targets.map(samplesCell)));
  body.push(total('turn-taking latency, median', c.targets.map((t) => (t.turnTakingMedianS === null ? DASH : `${t.turnTakingMedianS.toFixed(2)} s`))));
  body.push(total('cut-ins per 100 user turns', c.targets.map(cutInCell)));
  body.push(total(`transport cost (median − ${c.baseline ?? 'in-process'})`, c.targets.map(costCell)));
  return `<h2>Results by category</h2>
<table><thead><tr><th>metric</th><th>goal</th>${heads}</tr></thead><tbody>${body.join('')}</tbody></table>
<p class="note">Latencies are means over the samples each definition admits, medians in brackets (the single-run report's table, per target).</p>`;
}

function matrixCell(x: CompareSample['cells'][number]): string {
  if (x === null) return `<td class="m">${DASH}</td>`;
  const badge = x.ok === null ? '<span class="badge skip">skipped</span>' : x.ok ? '<span class="badge ok">✓</span>' : '<span class="badge bad">✗</span>';
  return `<td class="m">${badge}<span class="what">${h(x.note)}</span></td>`;
}

function matrixSection(c: Comparison): string {
  const heads = c.targets.map((_, i) => `<th>${link(c, i)}</th>`).join('');
  const rows = c.samples.map((s) => `<tr class="${s.disagree ? 'differs' : ''}"><td><code>${h(s.id)}</code></td>${s.cells.map(matrixCell).join('')}</tr>`);
  const differ = c.samples.filter((s) => s.disagree).length;
  return `<h2>Samples <span class="note">${differ} of ${c.samples.length} went differently on different targets (marked)</span></h2>
<table class="matrix"><thead><tr><th>sample</th>${heads}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
