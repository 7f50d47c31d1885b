/**
 * `fullduplex bench eot`: how the engine's end-of-turn decisions hold on a scenario set, eot-bench
 * style, for the tuning voices and the held-out voices side by side. For each voice set it probes the
 * silences of every one-turn sample and reports:
 *  - the learned model's operating points (policy sweep over threshold × action delay),
 *  - the engine's own policy as configured (its false cut-off rate and mean latency),
 *  - the hand-set rules the model replaced, and a silence-only timeout baseline on the same spans.
 */
import { createProbeComponents, probeSet, TURN_END_CATEGORIES, type ProbedSample } from './dataset.js';
import { SETS, type SetName, type VoiceSetName } from '../scenarios/config.js';
import type { Eagerness } from '../../src/engine/options.js';
import { enginePolicyPoint, EOT_POINTS, eotOperatingPoints, silenceTimeoutOperatingPoints, type EnginePolicyPoint, type OperatingPoints } from '../metrics/eot-operating-points.js';
import { eotPointsText } from '../report/eot-points.js';
import { SPAN_RULES } from './spans.js';

export interface EngineCutoff {
  readonly id: string;
  readonly startS: number;
  readonly fireS: number;
  readonly lengthS: number;
}

export interface VoiceSetResult {
  readonly voices: VoiceSetName;
  readonly samples: number;
  readonly model: OperatingPoints;
  readonly silenceBaseline: OperatingPoints;
  /** The engine's own decisions with the learned model (as configured). */
  readonly engine: EnginePolicyPoint;
  /** …and with the hand-set rules it replaced, when probed. */
  readonly rules?: EnginePolicyPoint;
  /** The pauses inside turns where the engine would have taken the turn, earliest first. */
  readonly cutoffs: readonly EngineCutoff[];
  readonly rulesCutoffs?: readonly EngineCutoff[];
}

export interface EotEvaluation {
  readonly set: SetName;
  readonly eagerness: Eagerness;
  readonly perCategory: number;
  readonly categories: readonly string[];
  readonly results: readonly VoiceSetResult[];
}

/** A hold span the operating points score (eot-bench's 0.2–5 s), so the listed cut-offs are the counted ones. */
const scoredHold = (s: { start: number; end: number }) => s.end - s.start >= EOT_POINTS.minHoldS - 1e-9 && s.end - s.start <= EOT_POINTS.maxHoldS + 1e-9;

/**
 * The engine's decisions as fired silences. An eot span where it had not taken the turn by the end
 * of the scored window counts as taken at the window's end (its timeout), as a swept policy's would.
 */
function engineOf(samples: readonly ProbedSample[]): { point: EnginePolicyPoint; cutoffs: EngineCutoff[] } {
  const fired = samples.flatMap((x) => x.spans.map((s) => ({ kind: s.kind, start: s.start, end: s.end, fireS: s.kind === 'eot' ? Math.min(s.engineFireS ?? SPAN_RULES.maxEotS, SPAN_RULES.maxEotS) : s.engineFireS })));
  const cutoffs = samples
    .flatMap((x) => x.spans.filter((s) => s.kind === 'hold' && scoredHold(s) && s.engineFireS !== null && s.engineFireS < s.end - s.start - 1e-9).map((s) => ({ id: x.id, startS: s.start, fireS: s.engineFireS!, lengthS: s.end - s.start })))
    .sort((a, b) => a.fireS - b.fireS);
  return { point: enginePolicyPoint(fired), cutoffs };
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
      const engine = engineOf(samples);
      const rules = o.withRules ? engineOf(await run('rules')) : undefined;
      results.push({
        voices,
        samples: samples.length,
        model: eotOperatingPoints(spans),
        silenceBaseline: silenceTimeoutOperatingPoints(spans),
        engine: engine.point,
        cutoffs: engine.cutoffs,
        ...(rules && { rules: rules.point, rulesCutoffs: rules.cutoffs }),
      });
    }
  } finally {
    await c.close();
  }
  return { set: o.set, eagerness, perCategory: n, categories: TURN_END_CATEGORIES, results };
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const msOf = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000)} ms`);

/** A plain-text report: per voice set, the operating points beside the baseline and the engine's own decisions. */
export function formatEotEvaluation(ev: EotEvaluation): string {
  const lines = [
    `End of turn, eot-bench style — set ${ev.set}, ${ev.perCategory} per category (${ev.categories.join(', ')}), eagerness ${ev.eagerness}`,
    'false cut-off = the agent would take the turn inside a pause of 0.2–5 s after which the user goes on; latency = mean dead air after the turn really ends',
    '',
  ];
  const engine = (name: string, e: EnginePolicyPoint) =>
    `  ${name}: false cut-offs ${pct(e.falseCutoffRate)}, mean latency ${msOf(e.meanLatencyS)} (turn ends not taken within ${SPAN_RULES.maxEotS} s count as ${SPAN_RULES.maxEotS} s)`;
  for (const r of ev.results) {
    lines.push(`== ${r.voices === 'tuning' ? 'Tuning voices' : 'Held-out voices'} (${r.samples} samples)`);
    lines.push(eotPointsText({ model: r.model, baseline: r.silenceBaseline, modelName: 'learned p(turn over)' }));
    lines.push(engine('engine, learned model as configured', r.engine));
    if (r.rules) lines.push(engine('engine, hand-set rules (before)', r.rules));
    for (const c of r.cutoffs.slice(0, 5)) lines.push(`    cut-off: ${c.id} at ${c.startS.toFixed(2)} s, ${Math.round(c.fireS * 1000)} ms into a ${c.lengthS.toFixed(2)} s pause`);
    lines.push('');
  }
  return lines.join('\n');
}
