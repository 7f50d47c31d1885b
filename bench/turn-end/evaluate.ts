/**
 * `fullduplex bench eot`: how the engine's end-of-turn decisions hold on a scenario set, eot-bench
 * style, for the tuning voices and the held-out voices side by side. For each voice set it probes the
 * silences of every one-turn sample and reports:
 *  - the learned model's operating points (policy sweep over threshold × action delay),
 *  - the engine's own policy as configured (its false cut-off rate and mean latency),
 *  - the hand-set rules the model replaced, and a silence-only timeout baseline on the same spans.
 */
import { TRAINING } from './train.js';
import { createProbeComponents, probeSet, TURN_END_CATEGORIES, type ProbedSample } from './dataset.js';
import { bestPolicyUnderLatency, bestPolicyWithin, type PolicyOutcome } from './policy-sweep.js';
import type { ProbedSpan } from './probe.js';
import { SETS, type SetName, type VoiceSetName } from '../scenarios/config.js';
import type { Eagerness } from '../../src/engine/options.js';


export interface OperatingPoints {
  readonly cutoffAt300ms: PolicyOutcome | null;
  readonly cutoffAt600ms: PolicyOutcome | null;
  readonly latencyAt5pct: PolicyOutcome | null;
  readonly latencyAt10pct: PolicyOutcome | null;
}

export interface EngineOutcome {
  readonly falseCutoffRate: number;
  readonly meanLatencyS: number;
  /** eot spans where the engine had not taken the turn by the end of the scored window. */
  readonly missedEots: number;
  readonly holds: number;
  readonly eots: number;
  /** The hold spans it cut, worst (earliest) first: sample id, span start, fire time. */
  readonly cutoffs: readonly { readonly id: string; readonly startS: number; readonly fireS: number; readonly lengthS: number }[];
}

export interface VoiceSetResult {
  readonly voices: VoiceSetName;
  readonly samples: number;
  readonly model: OperatingPoints;
  readonly silenceBaseline: OperatingPoints;
  readonly engine: EngineOutcome;
  readonly rules?: EngineOutcome;
}

export interface EotEvaluation {
  readonly set: SetName;
  readonly eagerness: Eagerness;
  readonly perCategory: number;
  readonly categories: readonly string[];
  readonly results: readonly VoiceSetResult[];
}

const GRID = TRAINING.grid;

export function operatingPoints(spans: readonly ProbedSpan[]): OperatingPoints {
  return {
    cutoffAt300ms: bestPolicyUnderLatency(spans, 0.3, GRID) ?? null,
    cutoffAt600ms: bestPolicyUnderLatency(spans, 0.6, GRID) ?? null,
    latencyAt5pct: bestPolicyWithin(spans, 0.05, GRID) ?? null,
    latencyAt10pct: bestPolicyWithin(spans, 0.1, GRID) ?? null,
  };
}

/** Silence alone: p ≡ 1 from the first window, so only the action delay and the timeout decide. */
export function silenceOnly(spans: readonly ProbedSpan[]): ProbedSpan[] {
  return spans.map((s) => ({ ...s, scores: s.scores.map((x) => ({ t: x.t, p: 1 })) }));
}

/** The engine's own decisions (its first take_turn in each span), scored the same way. */
export function engineOutcome(samples: readonly ProbedSample[], timeoutS = GRID.timeoutS): EngineOutcome {
  let holds = 0;
  let eots = 0;
  let missed = 0;
  let latency = 0;
  const cutoffs: { id: string; startS: number; fireS: number; lengthS: number }[] = [];
  for (const sample of samples) {
    for (const s of sample.spans) {
      const len = s.end - s.start;
      if (s.kind === 'hold') {
        if (len < 0.2 - 1e-9 || len > 5 + 1e-9) continue;
        holds++;
        if (s.engineFireS !== null && s.engineFireS < len - 1e-9) cutoffs.push({ id: sample.id, startS: s.start, fireS: s.engineFireS, lengthS: len });
      } else {
        eots++;
        if (s.engineFireS === null) missed++;
        latency += Math.min(s.engineFireS ?? timeoutS, timeoutS);
      }
    }
  }
  cutoffs.sort((a, b) => a.fireS - b.fireS);
  return { falseCutoffRate: holds ? cutoffs.length / holds : 0, meanLatencyS: eots ? latency / eots : 0, missedEots: missed, holds, eots, cutoffs };
}

export interface EvaluateOptions {
  readonly set: SetName;
  readonly voices: readonly VoiceSetName[];
  readonly perCategory?: number;
  readonly eagerness?: Eagerness;
  /** Probe a second time with the hand-set rules, for comparison. */
  readonly withRules?: boolean;
  readonly onProgress?: (line: string) => void;
}

export async function evaluateEndOfTurn(o: EvaluateOptions): Promise<EotEvaluation> {
  const n = o.perCategory ?? SETS[o.set].perCategory;
  const eagerness = o.eagerness ?? 'medium';
  const indices = Array.from({ length: n }, (_, i) => i);
  const c = await createProbeComponents();
  const results: VoiceSetResult[] = [];
  try {
    for (const voices of o.voices) {
      const run = async (policy: 'model' | 'rules') =>
        probeSet(c, {
          set: o.set,
          indices,
          generate: { voices },
          predictor: { eagerness, endOfTurn: { policy } },
          keepFeatures: false,
          onProgress: (k, total, id) => o.onProgress?.(`${voices} ${policy}: ${k}/${total} ${id}`),
        });
      const samples = await run('model');
      const spans = samples.flatMap((s) => s.spans);
      const rules = o.withRules ? engineOutcome(await run('rules')) : undefined;
      results.push({
        voices,
        samples: samples.length,
        model: operatingPoints(spans),
        silenceBaseline: operatingPoints(silenceOnly(spans)),
        engine: engineOutcome(samples),
        ...(rules && { rules }),
      });
    }
  } finally {
    await c.close();
  }
  return { set: o.set, eagerness, perCategory: n, categories: TURN_END_CATEGORIES, results };
}

const pct = (p: PolicyOutcome | null) => (p ? `${(p.falseCutoffRate * 100).toFixed(1)} %` : '–');
const lat = (p: PolicyOutcome | null) => (p ? `${Math.round(p.meanLatencyS * 1000)} ms` : '–');

/** A plain-text table: one block per voice set. */
export function formatEotEvaluation(ev: EotEvaluation): string {
  const lines = [
    `End of turn, eot-bench style — set ${ev.set}, ${ev.perCategory} per category (${ev.categories.join(', ')}), eagerness ${ev.eagerness}`,
    'false cut-off = the agent would take the turn inside a pause of 0.2–5 s where the user goes on; latency = mean dead air after the turn really ends',
    '',
  ];
  for (const r of ev.results) {
    lines.push(`${r.voices === 'tuning' ? 'Tuning voices' : 'Held-out voices'} (${r.samples} samples, ${r.engine.holds} pauses inside turns, ${r.engine.eots} turn ends)`);
    lines.push('  | | false cut-offs @ 300 ms | @ 600 ms | latency @ 5 % cut-offs | @ 10 % |');
    lines.push('  |---|---|---|---|---|');
    lines.push(`  | learned model | ${pct(r.model.cutoffAt300ms)} | ${pct(r.model.cutoffAt600ms)} | ${lat(r.model.latencyAt5pct)} | ${lat(r.model.latencyAt10pct)} |`);
    lines.push(`  | silence timeout | ${pct(r.silenceBaseline.cutoffAt300ms)} | ${pct(r.silenceBaseline.cutoffAt600ms)} | ${lat(r.silenceBaseline.latencyAt5pct)} | ${lat(r.silenceBaseline.latencyAt10pct)} |`);
    const eng = (name: string, e: EngineOutcome) =>
      `  ${name}: false cut-offs ${(e.falseCutoffRate * 100).toFixed(1)} % (${e.cutoffs.length}/${e.holds}), mean latency ${Math.round(e.meanLatencyS * 1000)} ms (${e.missedEots} turn ends not taken within 3 s)`;
    lines.push(eng('engine as configured (model policy)', r.engine));
    if (r.rules) lines.push(eng('hand-set rules (before)', r.rules));
    for (const c of r.engine.cutoffs.slice(0, 5)) lines.push(`    cut-off: ${c.id} at ${c.startS.toFixed(2)} s, ${Math.round(c.fireS * 1000)} ms into a ${c.lengthS.toFixed(2)} s pause`);
    lines.push('');
  }
  return lines.join('\n');
}
