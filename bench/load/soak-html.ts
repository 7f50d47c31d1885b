/** The soak report's page: the verdicts, and the server's RSS over time as an inline SVG plot. */

export interface SoakReport {
  generated: string;
  smoke: boolean;
  commit: string | null;
  sessions: number;
  minutes: number;
  wallS: number;
  conversations: number;
  refusals: number;
  serverCoresPerSession: number;
  machineLoad1m: number;
  rss: { startMB: number; endMB: number; peakMB: number; growthPct: number; judgedFromS: number; goalPct: number };
  errors: { count: number; first: string[] };
  turns: { finished: number; recorded: number; missing: string[] };
  verdict: { memoryFlat: boolean; noErrors: boolean; allTurnsRecorded: boolean };
  samples: { t: number; rssMB: number; sessions: number }[];
}

const W = 720;
const H = 260;
const PAD = { left: 56, right: 16, top: 16, bottom: 36 };

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function rssPlot(r: SoakReport): string {
  const pts = r.samples.filter((s) => Number.isFinite(s.rssMB));
  if (pts.length === 0) return '<p>No samples.</p>';
  const tMax = Math.max(r.wallS, ...pts.map((p) => p.t), 1);
  const lo = Math.min(...pts.map((p) => p.rssMB));
  const hi = Math.max(...pts.map((p) => p.rssMB));
  const yMin = Math.max(0, Math.floor((lo * 0.9) / 50) * 50);
  const yMax = Math.ceil((hi * 1.05) / 50) * 50 || 50;
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (mb: number) => H - PAD.bottom - ((mb - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
  const line = pts.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.rssMB).toFixed(1)}`).join(' ');
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + f * (yMax - yMin));
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * tMax);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="server RSS over time">
  <rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fafafa" stroke="#ccc"/>
  ${yTicks.map((v) => `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${Math.round(v)}</text><line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`).join('\n  ')}
  ${xTicks.map((t) => `<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11">${Math.round(t)} s</text>`).join('\n  ')}
  <line x1="${x(r.rss.judgedFromS)}" x2="${x(r.rss.judgedFromS)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#999" stroke-dasharray="4 3"/>
  <text x="${x(r.rss.judgedFromS) + 4}" y="${PAD.top + 12}" font-size="11" fill="#666">judged from here</text>
  <path d="${line}" fill="none" stroke="#1f6feb" stroke-width="2"/>
  <text x="14" y="${PAD.top + (H - PAD.top - PAD.bottom) / 2}" font-size="11" transform="rotate(-90 14 ${PAD.top + (H - PAD.top - PAD.bottom) / 2})" text-anchor="middle">RSS, MB</text>
</svg>`;
}

const mark = (ok: boolean) => (ok ? '✓ met' : '✗ missed');

export function soakHtml(r: SoakReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fullduplex soak${r.smoke ? ' (smoke)' : ''}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:780px;margin:2em auto;color:#222}td,th{padding:2px 10px;text-align:left}th{font-weight:600}code{font-size:13px}</style></head>
<body>
<h1>Soak: ${r.sessions} sessions × ${r.minutes} min${r.smoke ? ' — smoke run, not a result' : ''}</h1>
<p>${esc(r.generated)} · commit <code>${esc(r.commit ?? '?')}</code> · ${r.conversations} conversations in ${r.wallS} s · machine load ${r.machineLoad1m} · ${r.serverCoresPerSession} server core per session</p>
<table>
<tr><th>memory</th><td>RSS ${r.rss.startMB} → ${r.rss.endMB} MB (${r.rss.growthPct} %, peak ${r.rss.peakMB} MB), judged from ${r.rss.judgedFromS} s</td><td>goal ≤ ${r.rss.goalPct} %</td><td>${mark(r.verdict.memoryFlat)}</td></tr>
<tr><th>errors</th><td>${r.errors.count} (besides ${r.refusals} re-dials refused with 503 while a slot was being freed)</td><td>goal 0</td><td>${mark(r.verdict.noErrors)}</td></tr>
<tr><th>turns recorded</th><td>${r.turns.recorded} of ${r.turns.finished} finished turns found in the recorded transcripts</td><td>goal all</td><td>${mark(r.verdict.allTurnsRecorded)}</td></tr>
</table>
<h2>Server RSS over time</h2>
${rssPlot(r)}
${r.errors.first.length ? `<h2>Errors (first ${r.errors.first.length}, distinct)</h2><ul>${r.errors.first.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
${r.turns.missing.length ? `<h2>Turns not on disk (first ${r.turns.missing.length})</h2><ul>${r.turns.missing.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
