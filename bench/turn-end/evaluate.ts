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
import { probeTurnEnds, type ProbeComponents } from './probe.js';
import { loadRecordedTurns, RECORDED_SPEECH } from '../real-speech/recorded-turns.js';

/** Generated voices (tuning, held-out), or recorded human speech (bench/real-speech, never tuned on). */
export type EotVoices = VoiceSetName | 'recorded';

export interface EngineCutoff {
  readonly id: string;
  readonly startS: number;
  readonly fireS: number;
  readonly lengthS: number;
  /** What the speaker says (recorded prompts). */
  readonly text?: string;
}

export interface VoiceSetResult {
  readonly voices: EotVoices;
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
    .flatMap((x) => x.spans.filter((s) => s.kind === 'hold' && scoredHold(s) && s.engineFireS !== null && s.engineFireS < s.end - s.start - 1e-9).map((s) => ({ id: x.id, startS: s.start, fireS: s.engineFireS!, lengthS: s.end - s.start, ...(x.text !== undefined && { text: x.text }) })))
    .sort((a, b) => a.fireS - b.fireS);
  return { point: enginePolicyPoint(fired), cutoffs };
}

export interface EvaluateOptions {
  readonly set: SetName;
  readonly voices: readonly EotVoices[];
  readonly perCategory?: number;
  /** With 'recorded': probe at most this many prompts (all of them by default). */
  readonly recordedLimit?: number;
  readonly eagerness?: Eagerness;
  /** Probe a second time with the hand-set rules, for comparison. */
  readonly withRules?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** The installed recorded prompts (bench/real-speech/recorded-turns.ts), probed like generated samples. */
async function probeRecorded(
  c: ProbeComponents,
  o: { eagerness: Eagerness; policy: 'model' | 'rules'; limit?: number; onProgress?: (done: number, total: number, id: string) => void },
): Promise<ProbedSample[]> {
  const turns = await loadRecordedTurns({ ...(o.limit !== undefined && { limit: o.limit }) });
  const out: ProbedSample[] = [];
  for (const [k, t] of turns.entries()) {
    const spans = await probeTurnEnds(t.input, t.spans, c, { predictor: { eagerness: o.eagerness, endOfTurn: { policy: o.policy } } });
    // One whole turn ending in silence: the generated category closest to a prompt (only labels it).
    out.push({ id: t.id, category: 'smooth_turn_taking', spans, ...(t.text !== undefined && { text: t.text }) });
    o.onProgress?.(k + 1, turns.length, t.id);
  }
  return out;
}

export async function evaluateEndOfTurn(o: EvaluateOptions): Promise<EotEvaluation> {
  const n = o.perCategory ?? SETS[o.set].perCategory;
  const eagerness = o.eagerness ?? 'medium';
  const indices = Array.from({ length: n }, (_, i) => i);
  const c = await createProbeComponents();
  const results: VoiceSetResult[] = [];
  try {
    for (const voices of o.voices) {
      const run = async (policy: 'model' | 'rules'): Promise<ProbedSample[]> =>
        voices === 'recorded'
          ? probeRecorded(c, { eagerness, policy, ...(o.recordedLimit !== undefined && { limit: o.recordedLimit }), onProgress: (k, total, id) => o.onProgress?.(`recorded ${policy}: ${k}/${total} ${id}`) })
          : probeSet(c, {
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

const VOICES_TITLE: Record<EotVoices, string> = {
  tuning: 'Tuning voices',
  heldout: 'Held-out voices',
  recorded: `Recorded human speech (${RECORDED_SPEECH.debianPackage}: one speaker, read prompts, 8 kHz; never tuned on)`,
};

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const msOf = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000)} ms`);

/** A plain-text report: per voice set, the operating points beside the baseline and the engine's own decisions. */
export function formatEotEvaluation(ev: EotEvaluation): string {
  const lines = [
    ev.results.every((r) => r.voices === 'recorded')
      ? `End of turn, eot-bench style — recorded prompts, eagerness ${ev.eagerness}`
      : `End of turn, eot-bench style — set ${ev.set}, ${ev.perCategory} per category (${ev.categories.join(', ')})${ev.results.some((r) => r.voices === 'recorded') ? ' and the recorded prompts' : ''}, eagerness ${ev.eagerness}`,
    'false cut-off = the agent would take the turn inside a pause of 0.2–5 s after which the user goes on; latency = mean dead air after the turn really ends',
    '',
  ];
  const engine = (name: string, e: EnginePolicyPoint) =>
    `  ${name}: false cut-offs ${pct(e.falseCutoffRate)}, mean latency ${msOf(e.meanLatencyS)} (turn ends not taken within ${SPAN_RULES.maxEotS} s count as ${SPAN_RULES.maxEotS} s)`;
  for (const r of ev.results) {
    lines.push(`== ${VOICES_TITLE[r.voices]} (${r.samples} samples)`);
    lines.push(eotPointsText({ model: r.model, baseline: r.silenceBaseline, modelName: 'learned p(turn over)' }));
    lines.push(engine('engine, learned model as configured', r.engine));
    if (r.rules) lines.push(engine('engine, hand-set rules (before)', r.rules));
    for (const c of r.cutoffs.slice(0, r.voices === 'recorded' ? 12 : 5)) {
      lines.push(`    cut-off: ${c.id} at ${c.startS.toFixed(2)} s, ${Math.round(c.fireS * 1000)} ms into a ${c.lengthS.toFixed(2)} s pause${c.text ? ` — "${c.text.length > 110 ? `${c.text.slice(0, 107)}…` : c.text}"` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
