/**
 * "What each latency counts": the per-category distribution of the local engine's turn stages
 * (bench/runner/turn-stages.ts) for report.json, its section of report.html, and a sentence per kind
 * of target saying what its measured latency includes.
 */
import { isSkipped } from '../metrics/aggregate.js';
import type { SampleOutcome } from '../runner/collect.js';
import { STAGES, type StageName } from '../runner/turn-stages.js';
import { CATEGORIES, type CategoryId } from '../scenarios/types.js';
import { DASH, escapeHtml as h } from './format.js';

export interface StageSummary {
  readonly n: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  readonly meanMs: number | null;
}

export interface CategoryStages {
  readonly category: CategoryId;
  /** Turns the agent answered with the engine's timeline available. */
  readonly turns: number;
  /** Of those, answered with a reply prepared speculatively before the commit. */
  readonly speculative: number;
  readonly stages: Readonly<Record<StageName, StageSummary>>;
}

export interface LatencyStages {
  /** What this target's measured latency counts (full relay at the listener; for our engine also the supervisor signal). */
  readonly counts: string;
  readonly byCategory: readonly CategoryStages[];
}

const STAGE_LABELS: Record<StageName, string> = {
  silence: 'VAD silence',
  commit: 'predictor commit (supervisor signal)',
  firstClause: 'dialogue first clause',
  firstAudio: 'TTS first audio',
  heard: 'first sample at the listener',
};

/** What a target's measured latency includes, by the kind of target (its spec in run.json). */
export function latencyCounts(target: string | undefined): string {
  if (target === undefined) return 'Recorded outputs scored as found: the latency counts from the end of the user speech to the first output speech the scoring VAD hears; what lies in between depends on how the outputs were recorded.';
  if (target === 'local') {
    return 'In-process engine: the latency counts the full relay — end of the user speech → VAD silence → predictor commit → dialogue first clause → TTS first audio → first sample at the listener (then heard by the scoring VAD). The predictor commit alone is the "supervisor" signal a Family 3 system might quote; both are shown below.';
  }
  if (/^wss?:/i.test(target)) return 'The engine over its WebSocket protocol: the full relay as for the in-process engine, plus the network and the client jitter buffer, measured where the client receives the audio. Stages below, if any, are from the timeline the server sends, on the server clock: its "first sample at the listener" is when the server sent the audio, before the network and the jitter buffer.';
  return 'A foreign system over its own protocol: the latency counts everything between the end of the user speech and the first audio the client receives (model, server and network); its internal stages are not visible, so none are shown.';
}

function summarize(values: readonly number[]): StageSummary {
  if (values.length === 0) return { n: 0, medianMs: null, p90Ms: null, meanMs: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    return s[lo]! + (s[Math.ceil(pos)]! - s[lo]!) * (pos - lo);
  };
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, medianMs: r(at(0.5)), p90Ms: r(at(0.9)), meanMs: r(s.reduce((a, b) => a + b, 0) / s.length) };
}

export function latencyStages(target: string | undefined, samples: readonly SampleOutcome[]): LatencyStages {
  const byCategory: CategoryStages[] = [];
  for (const cat of CATEGORIES) {
    const turns = samples.filter((s) => s.category === cat.id).flatMap((s) => (isSkipped(s.outcome) ? [] : (s.outcome.turnStages ?? [])));
    if (turns.length === 0) continue;
    const stages = Object.fromEntries(STAGES.map((st) => [st, summarize(turns.map((t) => t.ms[st]).filter((x): x is number => x !== null))])) as Record<StageName, StageSummary>;
    byCategory.push({ category: cat.id, turns: turns.length, speculative: turns.filter((t) => t.speculative).length, stages });
  }
  return { counts: latencyCounts(target), byCategory };
}

export function latencyStagesSection(l: LatencyStages | undefined): string {
  if (!l) return '';
  const ms = (x: number | null) => (x === null ? DASH : `${Math.round(x)}`);
  const rows = l.byCategory.flatMap((c) => {
    const title = CATEGORIES.find((x) => x.id === c.category)?.title ?? c.category;
    return STAGES.map(
      (st, i) =>
        `<tr class="${i === 0 ? 'first' : ''}${st === 'commit' || st === 'heard' ? ' ours' : ''}"><td>${i === 0 ? `${h(title)} <span class="note">(${c.turns} turns, ${c.speculative} speculative)</span>` : ''}</td><td>${h(STAGE_LABELS[st])}</td><td class="num">${c.stages[st].n}</td><td class="num">${ms(c.stages[st].medianMs)}</td><td class="num">${ms(c.stages[st].p90Ms)}</td><td class="num">${ms(c.stages[st].meanMs)}</td></tr>`,
    );
  });
  const table = rows.length
    ? `<table><thead><tr><th>category</th><th>stage</th><th class="num">n</th><th class="num">median ms</th><th class="num">p90 ms</th><th class="num">mean ms</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<p class="note">Each stage counted from the end of the user's speech (the scorer's VAD on the input). A speculative reply's clause and audio were ready before the commit and count from it. "First sample at the listener" is the engine's own view; the benchmark's latency adds what the scoring VAD needs to hear it.</p>`
    : '<p class="note">No turn stages: the target exposes no engine timeline.</p>';
  return `<h2>What each latency counts</h2><p>${h(l.counts)}</p>${table}`;
}
