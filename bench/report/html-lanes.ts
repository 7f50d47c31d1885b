/**
 * A sample's timeline as SVG lanes: the user's speech, other voices, the agent's speech (as the
 * scorer heard it, with its words), the predictor's decisions, and the annotated windows shaded
 * behind them. Pure string building; no external assets.
 */
import type { ScenarioTruth } from '../scenarios/types.js';
import type { SampleScore } from '../runner/score-sample.js';
import { escapeHtml } from './format.js';

export const LANES = {
  widthPx: 920,
  labelPx: 78,
  laneHeightPx: 18,
  laneGapPx: 6,
  axisPx: 18,
} as const;

/** Decision colours, grouped by what they do to the conversation. */
export const DECISION_COLORS: Readonly<Record<string, string>> = {
  take_turn: '#059669',
  speculate: '#7dd3fc',
  discard_speculation: '#94a3b8',
  hold: '#f59e0b',
  backchannel: '#a855f7',
  ignore: '#64748b',
  yield: '#f97316',
  cancel: '#dc2626',
  resume: '#14b8a6',
  keep_talking: '#0ea5e9',
  user_start: '#cbd5e1',
  user_stop: '#cbd5e1',
};

interface Bar {
  readonly start: number;
  readonly end: number;
  readonly title: string;
  readonly cls: string;
}

export function lanesSvg(score: SampleScore, truth: ScenarioTruth | undefined): string {
  const L = LANES;
  const dur = Math.max(score.durationS, 0.1);
  const plotW = L.widthPx - L.labelPx - 8;
  const x = (t: number) => L.labelPx + (Math.max(0, Math.min(dur, t)) / dur) * plotW;
  const user: Bar[] = truth
    ? truth.user.map((u) => ({ start: u.start, end: u.end, title: `${u.role}: ${u.text}`, cls: 'user' }))
    : score.userSegments.map((s) => ({ ...s, title: 'user speech (VAD)', cls: 'user' }));
  const others: Bar[] = (truth?.others ?? []).map((o) => ({ start: o.start, end: o.end, title: `${o.kind.replace('_', ' ')} (${o.relativeDb} dB, ${o.voice}): ${o.text}`, cls: 'other' }));
  const agent: Bar[] = score.outputSegments.map((s) => {
    const words = score.outputWords.filter((w) => w.end > s.start && w.start < s.end).map((w) => w.text).join(' ');
    return { ...s, title: `agent ${s.start.toFixed(2)}–${s.end.toFixed(2)} s: ${words || '(no words)'}`, cls: 'agent' };
  });
  const lanes: [string, Bar[]][] = [['user', user]];
  if (others.length > 0) lanes.push(['others', others]);
  lanes.push(['agent', agent]);
  const hasDecisions = score.decisions.length > 0;
  const laneY = (i: number) => L.axisPx + i * (L.laneHeightPx + L.laneGapPx);
  const decisionsY = laneY(lanes.length);
  const height = decisionsY + (hasDecisions ? L.laneHeightPx + L.laneGapPx : 0) + 2;
  const parts: string[] = [];
  // Annotated windows behind everything.
  for (const w of windows(score)) {
    parts.push(`<rect class="win ${w.cls}" x="${x(w.start).toFixed(1)}" y="${L.axisPx - 4}" width="${Math.max(1.5, x(w.end) - x(w.start)).toFixed(1)}" height="${height - L.axisPx + 2}"><title>${escapeHtml(w.title)}</title></rect>`);
  }
  parts.push(axis(dur, x, height));
  lanes.forEach(([name, bars], i) => {
    const y = laneY(i);
    parts.push(`<text class="lane" x="4" y="${y + L.laneHeightPx - 5}">${name}</text>`);
    parts.push(`<line class="track" x1="${L.labelPx}" x2="${L.widthPx - 8}" y1="${y + L.laneHeightPx / 2}" y2="${y + L.laneHeightPx / 2}"/>`);
    for (const b of bars) {
      const w = Math.max(1.5, x(b.end) - x(b.start));
      parts.push(`<rect class="${b.cls}" x="${x(b.start).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${L.laneHeightPx}" rx="3"><title>${escapeHtml(b.title)}</title></rect>`);
    }
  });
  if (hasDecisions) {
    parts.push(`<text class="lane" x="4" y="${decisionsY + L.laneHeightPx - 5}">predictor</text>`);
    parts.push(`<line class="track" x1="${L.labelPx}" x2="${L.widthPx - 8}" y1="${decisionsY + L.laneHeightPx / 2}" y2="${decisionsY + L.laneHeightPx / 2}"/>`);
    for (const d of score.decisions) {
      const minor = d.action === 'user_start' || d.action === 'user_stop';
      const color = DECISION_COLORS[d.action] ?? '#334155';
      const top = decisionsY + (minor ? 5 : 0);
      const h = minor ? L.laneHeightPx - 10 : L.laneHeightPx;
      parts.push(`<rect x="${(x(d.t) - 1).toFixed(1)}" y="${top}" width="2.5" height="${h}" fill="${color}"><title>${escapeHtml(`${d.t.toFixed(2)} s ${d.action}: ${d.reason}`)}</title></rect>`);
    }
  }
  // Each answered turn's latency stages: a thin bar from the end of the user's speech to the first sample heard.
  for (const turn of score.turnStages ?? []) {
    const heardS = turn.userEndS + (turn.ms.heard ?? 0) / 1000;
    const stages = Object.entries(turn.ms).map(([k, v]) => `${k} ${v === null ? '—' : `+${Math.round(v)} ms`}`).join(' · ');
    parts.push(`<rect class="stages" x="${x(turn.userEndS).toFixed(1)}" y="${decisionsY + L.laneHeightPx + 1}" width="${Math.max(1.5, x(heardS) - x(turn.userEndS)).toFixed(1)}" height="3" fill="#059669"><title>${escapeHtml(`turn latency stages from the end of the user's speech (${turn.userEndS.toFixed(2)} s): ${stages}${turn.speculative ? ' (speculative reply)' : ''}`)}</title></rect>`);
  }
  return `<svg class="lanes" viewBox="0 0 ${L.widthPx} ${height}" width="100%" role="img" aria-label="timeline of ${escapeHtml(score.id)}">${parts.join('')}</svg>`;
}

function windows(score: SampleScore): Bar[] {
  const a = score.annotations;
  const out: Bar[] = [];
  for (const p of a.pauses ?? []) out.push({ ...p, title: `pause ${p.start.toFixed(2)}–${p.end.toFixed(2)} s`, cls: 'pause' });
  if (a.turnEndS !== undefined) out.push({ start: a.turnEndS, end: a.turnEndS, title: `end of the user's turn ${a.turnEndS.toFixed(2)} s`, cls: 'mark' });
  const ov = a.interruption ?? a.overlap;
  if (ov) out.push({ start: ov.start, end: ov.end, title: `overlap event ${ov.start.toFixed(2)}–${ov.end.toFixed(2)} s`, cls: 'event' });
  return out;
}

function axis(dur: number, x: (t: number) => number, height: number): string {
  const step = dur > 40 ? 5 : dur > 16 ? 2 : 1;
  const out: string[] = [];
  for (let t = 0; t <= dur + 1e-9; t += step) {
    out.push(`<line class="grid" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${LANES.axisPx - 4}" y2="${height}"/>`);
    out.push(`<text class="tick" x="${x(t).toFixed(1)}" y="11">${t}s</text>`);
  }
  return out.join('');
}

/** Legend for the predictor lane. */
export function decisionLegend(): string {
  return Object.entries(DECISION_COLORS)
    .filter(([a]) => a !== 'user_stop')
    .map(([a, c]) => `<span class="key"><i style="background:${c}"></i>${a === 'user_start' ? 'user start/stop' : a.replace(/_/g, ' ')}</span>`)
    .join('');
}
