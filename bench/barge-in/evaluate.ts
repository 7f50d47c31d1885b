/**
 * `fullduplex bench bargein`: how the engine tells a real interruption from a backchannel, or from
 * someone else's voice, over its own speech, on tuning and held-out voices side by side, with the
 * learned model and with the hand-set rules it replaced. Every sample of the interruption,
 * user-backchannel, side-talk and background-speech categories runs
 * through the local engine on a virtual clock (modelled compute, so a run repeats exactly); the
 * engine's own decisions are scored per scripted event (score.ts).
 */
import { mergePredictorOverrides, type Eagerness, type PredictorOverrides } from '../../src/engine/options.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { SETS, type SetName, type VoiceSetName } from '../scenarios/config.js';
import { BARGE_IN_CATEGORIES, probeBargeIns } from './probe.js';
import type { CategoryId } from '../scenarios/types.js';
import { outcomesFromDecisions, summarise, type EventOutcome, type OverlapSummary } from './score.js';

export type BargeInPolicyName = 'model' | 'rules';

export interface PolicyResult {
  readonly voices: VoiceSetName;
  readonly policy: BargeInPolicyName;
  readonly summary: OverlapSummary;
  /** Backchannels the agent's turn was cancelled on, and interruptions it went on through, with the deciding reason. */
  readonly misses: readonly (EventOutcome & { readonly reason: string })[];
}

export interface BargeInEvaluation {
  readonly set: SetName;
  readonly eagerness: Eagerness;
  readonly perCategory: number;
  readonly categories: readonly string[];
  /** The predictor options given over the defaults, if any. */
  readonly predictor?: PredictorOverrides;
  readonly results: readonly PolicyResult[];
}

export interface EvaluateBargeInOptions {
  readonly set: SetName;
  readonly voices: readonly VoiceSetName[];
  readonly policies?: readonly BargeInPolicyName[];
  readonly perCategory?: number;
  /** A subset of BARGE_IN_CATEGORIES (default: all of them). */
  readonly categories?: readonly CategoryId[];
  readonly eagerness?: Eagerness;
  /** Predictor options over the defaults (e.g. an attention threshold to compare); the policy and eagerness above win. */
  readonly predictor?: PredictorOverrides;
  readonly onProgress?: (line: string) => void;
}

export async function evaluateBargeIn(o: EvaluateBargeInOptions): Promise<BargeInEvaluation> {
  const perCategory = o.perCategory ?? SETS[o.set].perCategory;
  const eagerness = o.eagerness ?? 'medium';
  const categories = o.categories ?? BARGE_IN_CATEGORIES;
  const indices = Array.from({ length: perCategory }, (_, i) => i);
  const shared = { asr: new PocketsphinxAsr(), tts: new FliteTts() };
  const results: PolicyResult[] = [];
  try {
    for (const voices of o.voices) {
      for (const policy of o.policies ?? (['model', 'rules'] as const)) {
        const convs = await probeBargeIns({
          set: o.set,
          indices,
          categories,
          voices,
          predictor: mergePredictorOverrides(o.predictor ?? {}, { eagerness, bargeIn: { policy } }),
          shared,
          onProgress: (k, total, id) => o.onProgress?.(`${voices} ${policy}: ${k}/${total} ${id}`),
        });
        const scored = convs.map((c) => ({ c, ...outcomesFromDecisions(c) }));
        const outcomes = scored.flatMap((s) => s.outcomes);
        const misses = scored.flatMap(({ c, outcomes }) =>
          outcomes
            .filter((x) => (x.role === 'barge_in' ? x.cancelS === null : x.cancelS !== null))
            .map((x) => {
              const ev = c.events.find((e) => e.text === x.text)!;
              const d = c.decisions.find((d) => (d.action === 'cancel' || d.action === 'resume') && d.t >= ev.start);
              return { ...x, reason: d ? `${d.action}: ${d.reason}` : 'no cancel or resume' };
            }),
        );
        results.push({ voices, policy, summary: summarise(outcomes, scored.reduce((a, s) => a + s.stray, 0)), misses });
      }
    }
  } finally {
    await Promise.allSettled([shared.asr.close(), shared.tts.close()]);
  }
  return { set: o.set, eagerness, perCategory, categories, ...(o.predictor && { predictor: o.predictor }), results };
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${Math.round((100 * a) / b)} % (${a}/${b})`);
const sec = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)} s`);

export function formatBargeInEvaluation(ev: BargeInEvaluation): string {
  const rows: [string, (s: OverlapSummary) => string][] = [
    ['user backchannels kept (no cancel) ↑', (s) => pct(s.backchannelsKept, s.backchannels)],
    ['…ridden through without pausing ↑', (s) => pct(s.backchannelsRodeThrough, s.backchannels)],
    ['side talk / background left alone (no cancel) ↑', (s) => pct(s.othersLeftAlone, s.others)],
    ['…ridden through without pausing ↑', (s) => pct(s.othersRodeThrough, s.others)],
    ['interruptions stopped (cancelled) ↑', (s) => pct(s.interruptionsStopped, s.interruptions)],
    ['agent silent after the user starts, mean (median) ↓', (s) => `${sec(s.silentMeanS)} (${sec(s.silentMedianS)})`],
    ['turn cancelled after the user starts, mean (median) ↓', (s) => `${sec(s.cancelMeanS)} (${sec(s.cancelMedianS)})`],
    ['false stops outside the events ↓', (s) => String(s.strayCancels)],
  ];
  const cols = ev.results.map((r) => `${r.voices} · ${r.policy}`);
  const w0 = Math.max(...rows.map(([n]) => n.length));
  const w = Math.max(16, ...cols.map((c) => c.length));
  const lines = [
    `fullduplex bench bargein — set ${ev.set}, ${ev.perCategory} per category (${ev.categories.join(', ')}), eagerness ${ev.eagerness}, virtual clock${ev.predictor ? `, options ${JSON.stringify(ev.predictor)}` : ''}`,
    'model = learned barge-in model (bargeIn.policy \'model\'); rules = the hand-set confirmations (bargeIn.policy \'rules\')',
    '',
    `${''.padEnd(w0)}  ${cols.map((c) => c.padEnd(w)).join('  ')}`,
    ...rows.map(([n, f]) => `${n.padEnd(w0)}  ${ev.results.map((r) => f(r.summary).padEnd(w)).join('  ')}`),
  ];
  for (const r of ev.results) {
    if (r.misses.length === 0) continue;
    lines.push('', `misses, ${r.voices} · ${r.policy}:`);
    for (const m of r.misses) lines.push(`  ${m.id} ${m.role} "${m.text}": ${m.reason.slice(0, 160)}`);
  }
  return lines.join('\n');
}
