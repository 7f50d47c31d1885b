/**
 * report.html: one self-contained page. Goals at a glance, the results table, our numbers beside the
 * published Full-Duplex-Bench numbers, what "200 ms" means per family (from the catalog), v1.5 label
 * bars, per-sample timelines as SVG lanes, and the method.
 */
import { FAMILIES, SYSTEMS, familyLabel, formatLatency, getSystem, CATALOG_SOURCE } from '../../src/dialogue/catalog.js';
import type { V15Summary } from '../metrics/fdb-v15.js';
import { CATEGORIES } from '../scenarios/types.js';
import { DASH, escapeHtml as h, num, sec } from './format.js';
import { cutInsSection } from './html-cut-ins.js';
import { decisionLegend, lanesSvg } from './html-lanes.js';
import { REPORT_CSS } from './html-style.js';
import { PUBLISHED_SOURCE, PUBLISHED_V1 } from './published.js';
import { scoreOf, type BenchReport, type SampleDetail } from './report.js';
import { latencyStagesSection } from './latency-stages.js';

/** The engine's family in the seed's taxonomy (cascade + chunk-level duplex state predictor). */
const OUR_FAMILY = 3;

export function renderHtml(r: BenchReport, details: readonly SampleDetail[]): string {
  const c = r.run.config;
  const title = `fullduplex bench — ${c?.target ?? 'scored folder'}${c ? ` · ${c.set} set` : ''} · ${r.run.clock} clock`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title><style>${REPORT_CSS}</style></head>
<body><main>
${header(r, title)}
${goalsSection(r)}
${resultsSection(r)}
${cutInsSection(r.summary.cutIns)}
${publishedSection(r)}
${familiesSection()}
${v15Section(r)}
${latencyStagesSection(r.latencyStages)}
${samplesSection(r, details)}
${methodSection(r)}
</main></body></html>
`;
}

function header(r: BenchReport, title: string): string {
  const run = r.run;
  const chip = (k: string, v: string) => `<span class="chip">${h(k)} <b>${h(v)}</b></span>`;
  const m = run.machine;
  return `<h1>${h(title)}</h1>
<p class="sub">${h(run.targetDescription)}</p>
<div class="chips">${[
    chip('clock', String(run.clock)),
    chip('ASR', run.analysis.asr),
    chip('VAD', run.analysis.vad),
    chip('commit', `${run.gitCommit?.slice(0, 10) ?? 'unknown'}${run.gitDirty ? ' + local changes' : ''}`),
    chip('machine', `${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}`),
    chip('started', run.startedAt),
    chip('samples', `${r.samples.length}${run.complete === false ? ' (stopped early)' : ''}`),
  ].join('')}</div>`;
}

function goalsSection(r: BenchReport): string {
  const cards = r.goals.map((g) => {
    const cls = g.value === null ? 'none' : g.met ? 'ok' : 'bad';
    const target = `goal ${g.comparison === '<=' ? '≤' : '≥'} ${g.target}`;
    const off = g.value !== null && !g.met ? ` · short by ${num(g.shortBy)}` : '';
    return `<div class="goal ${cls}"><div class="name">${h(g.name)}</div><div class="value">${g.value === null ? DASH : num(g.value)}</div><div class="target">${target}${off}</div></div>`;
  });
  const met = r.goals.filter((g) => g.met).length;
  return `<h2>Goals <span class="note">${met} of ${r.goals.length} met</span></h2><div class="goals">${cards.join('')}</div>`;
}

function resultsSection(r: BenchReport): string {
  const rows = r.rows.map((x) => {
    const mark = x.met === null ? '' : x.met ? '<span class="met">met</span>' : '<span class="missed">missed</span>';
    const n = x.n === null ? '' : `${x.n}${x.skipped ? ` <span class="note">(+${x.skipped} skipped)</span>` : ''}`;
    return `<tr class="${x.n !== null ? 'first' : ''}"><td>${x.n !== null ? h(x.categoryTitle) : ''}</td><td class="num">${n}</td><td>${h(x.metric)}</td><td>${h(x.value)}</td><td>${h(x.goal)}</td><td>${mark}</td></tr>`;
  });
  return `<h2>Results by category</h2>
<table><thead><tr><th>category</th><th class="num">n</th><th>metric</th><th>value</th><th>goal</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Latencies are means over the samples the definition admits (TO = 1 for turn-taking and answers; agent speaking at the interruption for stop latency), medians in brackets.</p>`;
}

function publishedSection(r: BenchReport): string {
  const s = r.summary;
  const fam = (p: (typeof PUBLISHED_V1)[number]) => (p.catalogId ? familyLabel(getSystem(p.catalogId)?.family ?? 'closed') : (p.familyNote ?? DASH));
  const cells = (v: (number | null | undefined)[], digits: number[]) => v.map((x, i) => `<td class="num">${num(x, digits[i])}</td>`).join('');
  const D = [3, 3, 3, 3, 3, 3, 2, 3, 2];
  const ours = `<tr class="ours"><td>fullduplex (this run)</td><td>Family ${OUR_FAMILY}</td>${cells(
    [s.pauseHandling?.tor, s.backchannel?.tor, s.backchannel?.frequencyHz.mean, s.backchannel?.jsd.mean, s.smoothTurnTaking?.tor, s.smoothTurnTaking?.latencyS.mean, null, s.userInterruption?.tor, s.userInterruption?.latencyS.mean],
    D,
  )}</tr>`;
  const pub = PUBLISHED_V1.map(
    (p) =>
      `<tr><td>${h(p.system)}</td><td>${h(fam(p))}</td>${cells(
        [p.pauseTorSynthetic, p.backchannelTor, p.backchannelFreq, p.backchannelJsd, p.turnTakingTor, p.turnTakingLatencyS, p.interruptionScore, p.interruptionTor, p.interruptionLatencyS],
        D,
      )}</tr>`,
  );
  return `<h2>Beside the published Full-Duplex-Bench v1 numbers</h2>
<table><thead><tr><th>system</th><th>family</th><th class="num">pause TOR ↓</th><th class="num">backch. TOR ↓</th><th class="num">freq ↑</th><th class="num">JSD ↓</th><th class="num">turn TOR ↑</th><th class="num">turn lat. s ↓</th><th class="num">interr. score ↑</th><th class="num">interr. TOR ↑</th><th class="num">interr. lat. s ↓</th></tr></thead>
<tbody>${ours}${pub.join('')}</tbody></table>
<p class="caveat">Not like for like. The published rows were scored by ${h(PUBLISHED_SOURCE.benchmark)} with ${h(PUBLISHED_SOURCE.asr)} on ${h(PUBLISHED_SOURCE.data)}; ours with ${h(r.run.analysis.asr)} on synthetic flite speech, in ${h(String(r.run.clock))} time. A different ASR moves TO decisions near the 3-word / 1 s boundary and word start times. Our backchannel JSD compares with a modelled listener at the user's phrase boundaries instead of ICC human backchannels (see Method), and there is no GPT judge, so no interruption relevance score. Pause TOR is compared with the published synthetic subset.</p>`;
}

function familiesSection(): string {
  const rows = FAMILIES.map((f) => {
    const reps = f.representatives.map((id) => getSystem(id)?.name ?? id).join(', ');
    const latencies = SYSTEMS.filter((s) => s.family === f.id && s.latency)
      .flatMap((s) => s.latency!.map((l) => `${s.name}: ${formatLatency(l)} ${l.label}`))
      .join('; ');
    return `<tr class="${f.id === OUR_FAMILY ? 'ours' : ''}"><td>Family ${f.id}${f.id === OUR_FAMILY ? ' (this engine)' : ''}</td><td>${h(f.name)}<br><span class="note">“${h(f.analogy)}”</span></td><td>${h(reps)}</td><td>${h(f.meaningOf200ms)}</td><td class="note">${h(latencies || DASH)}</td></tr>`;
  });
  return `<h2>What “200 ms” means, by family</h2>
<table><thead><tr><th>family</th><th>design</th><th>examples</th><th>what a “200 ms” claim measures</th><th>published latencies</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">From the catalog of “${h(CATALOG_SOURCE.title)}” (${h(CATALOG_SOURCE.asOf)}). This benchmark measures the full pipeline from the outside (first audible word after the user stops), which for a Family 3 system is the honest, slower number, not the predictor's decision time.</p>`;
}

const LABEL_COLORS: Record<string, string> = { RESPOND: '#2563eb', RESUME: '#059669', UNCERTAIN: '#f59e0b', UNKNOWN: '#94a3b8' };

function labelBar(x: V15Summary): string {
  const n = Math.max(1, x.n);
  const spans = Object.entries(x.labels)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `<span title="${k}: ${v}" style="width:${(100 * v) / n}%;background:${LABEL_COLORS[k]}"></span>`);
  return `<div class="bar">${spans.join('')}</div>`;
}

function v15Section(r: BenchReport): string {
  const v15 = r.summary.v15;
  if (!v15 || Object.keys(v15).length === 0) return '';
  const rows = Object.values(v15).map((x) => {
    const title = CATEGORIES.find((c) => c.v15 === x.category)?.title ?? x.category;
    const l = x.labels;
    return `<tr><td>${h(title)}</td><td class="num">${x.n}</td><td>${labelBar(x)}</td><td class="num">${l.RESPOND}</td><td class="num">${l.RESUME}</td><td class="num">${l.UNCERTAIN}</td><td class="num">${l.UNKNOWN}</td><td class="num">${sec(x.stopLatencyS.mean)}</td><td class="num">${sec(x.responseLatencyS.mean)}</td></tr>`;
  });
  const legend = Object.entries(LABEL_COLORS).map(([k, c]) => `<span class="key"><i style="background:${c}"></i>${k}</span>`).join('');
  return `<h2>v1.5 overlap behaviour</h2><div class="legend">${legend}</div>
<table><thead><tr><th>category</th><th class="num">n</th><th>labels</th><th class="num">respond</th><th class="num">resume</th><th class="num">uncertain</th><th class="num">unknown</th><th class="num">stop lat.</th><th class="num">response lat.</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Stop latency: end of the agent's speech run − start of the event, over events where the agent was speaking when it began (an agent that rode through ends late, as it should). Response latency: new speech − end of the event, over RESPOND events.</p>`;
}

function samplesSection(r: BenchReport, details: readonly SampleDetail[]): string {
  const byId = new Map(details.map((d) => [d.outcome.id, d]));
  const groups = CATEGORIES.map((cat) => {
    const entries = r.samples.filter((s) => s.category === cat.id);
    if (entries.length === 0) return '';
    const ok = entries.filter((e) => e.ok === true).length;
    const items = entries.map((e) => {
      const d = byId.get(e.id);
      const score = d ? scoreOf(d) : null;
      const badge = e.ok === null ? '<span class="badge skip">skipped</span>' : e.ok ? '<span class="badge ok">as expected</span>' : '<span class="badge bad">not as expected</span>';
      const t = d?.truth;
      const said = t ? `<div class="said">user (${h(t.voice)}, ×${t.rate}${t.snrDb !== null ? `, noise ${t.snrDb} dB SNR` : ''}): ${h(t.user.map((u) => u.text).join(' … '))}${t.others.length ? ` · others: ${h(t.others.map((o) => `${o.text} [${o.relativeDb} dB]`).join(' / '))}` : ''}</div>` : '';
      const heard = score ? `<div class="said">agent (as heard by the ASR): ${h(score.outputWords.map((w) => w.text).join(' ') || '(nothing)')}</div>` : '';
      return `<div class="sample"><div class="head"><span class="id">${h(e.id)}</span>${badge}<span class="what">${h(e.note)}</span></div>${said}${heard}${score ? lanesSvg(score, t) : ''}</div>`;
    });
    return `<details class="cat"${ok < entries.length ? ' open' : ''}><summary><span>${h(cat.title)} <span class="tally">— ${h(cat.expectation)}</span></span><span class="tally">${ok}/${entries.length} as expected</span></summary>${items.join('')}</details>`;
  });
  return `<h2>Samples</h2>
<div class="legend"><span class="key"><i style="background:var(--user)"></i>user speech</span><span class="key"><i style="background:var(--other)"></i>other voices</span><span class="key"><i style="background:var(--agent)"></i>agent speech (VAD of the output)</span><span class="key"><i style="background:#fbd38d"></i>pause</span><span class="key"><i style="background:#fca5a5"></i>event / turn end</span></div>
<div class="legend">predictor: ${decisionLegend()}</div>
<p class="note">Hover a bar for its words, a tick for the decision's reason. Categories with a sample not as expected are open.</p>
${groups.join('\n')}`;
}

function methodSection(r: BenchReport): string {
  const notes = r.method.map((m) => `<h3>${h(m.title)}</h3><p>${h(m.text)}</p>`).join('');
  const skipped = r.samples.filter((s) => s.ok === null);
  const skipList = [...skipped.map((s) => `${s.id}: ${s.note}`), ...r.uncategorized.map((u) => `${u.id ?? '?'}: ${u.skipped}`)];
  const skips = skipList.length ? `<h3>Skipped samples</h3><ul>${skipList.map((x) => `<li><code>${h(x)}</code></li>`).join('')}</ul>` : '';
  return `<h2>Method</h2>${notes}${skips}`;
}
