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
import type { Eagerness, EndOfTurnOptions } from '../../src/engine/options.js';
import { enginePolicyPoint, EOT_POINTS, eotOperatingPoints, silenceTimeoutOperatingPoints, type EnginePolicyPoint, type OperatingPoints } from '../metrics/eot-operating-points.js';
import { eotPointsText } from '../report/eot-points.js';
import { SPAN_RULES } from './spans.js';
import { probeTurnEnds, type MeasuredPause, type ProbeComponents } from './probe.js';
import { isRecordedSpeakerKey, loadRecordedTurns, recordedConversation, RECORDED_SPEAKERS, type RecordedSource, type RecordedSpeakerKey } from '../real-speech/recorded-turns.js';

/**
 * Generated voices (tuning, held-out), or recorded human speech (bench/real-speech, never tuned on):
 * 'recorded' is the main speaker (Allison), 'recorded:june' / 'recorded:carlo' the others.
 */
export type EotVoices = VoiceSetName | 'recorded' | `recorded:${RecordedSpeakerKey}`;

/** The recorded speaker a voices name stands for, or null for generated voices. */
export function recordedSourceOf(v: EotVoices): RecordedSource | null {
  if (v === 'recorded') return RECORDED_SPEAKERS.allison;
  return v.startsWith('recorded:') ? RECORDED_SPEAKERS[v.slice('recorded:'.length) as RecordedSpeakerKey] : null;
}

/** Parses 'recorded' | 'recorded:<speaker>'; null when it names no recorded speaker. */
export function parseRecordedVoices(x: string): EotVoices | null {
  if (x === 'recorded') return x;
  const key = x.startsWith('recorded:') ? x.slice('recorded:'.length) : '';
  return isRecordedSpeakerKey(key) ? `recorded:${key}` : null;
}

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
  /** Conversations: the mean latency at the k-th turn end of every conversation (k from 1), and how many. */
  readonly byTurn?: readonly { readonly turn: number; readonly meanLatencyS: number; readonly n: number }[];
  /** The probed samples themselves (p(turn over) over every silence), when asked for (`keepSamples`). */
  readonly probed?: readonly ProbedSample[];
}

export interface EotEvaluation {
  readonly set: SetName;
  /** Recorded voices probed in conversations of this many prompts (absent: each alone). */
  readonly sessionTurns?: number;
  /** false: probed without the wait fitted to the user's own pauses. */
  readonly speakerPauses?: false;
  /** The generated users' pause scale, when not 1. */
  readonly pauseScale?: number;
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

/** The engine's latency at each conversation's k-th turn end (a turn end not taken counts as the answer window). */
function latencyByTurn(samples: readonly ProbedSample[]): { turn: number; meanLatencyS: number; n: number }[] {
  const at: number[][] = [];
  for (const s of samples) {
    const ends = s.spans.filter((x) => x.kind === 'eot').sort((a, b) => a.start - b.start);
    ends.forEach((x, k) => (at[k] ??= []).push(Math.min(x.engineFireS ?? SPAN_RULES.maxEotS, SPAN_RULES.maxEotS)));
  }
  return at.map((xs, k) => ({ turn: k + 1, meanLatencyS: xs.reduce((a, b) => a + b, 0) / xs.length, n: xs.length }));
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
  /** Generated voices pause inside turns × this (GenerateOptions.pauseScale; default 1). */
  readonly pauseScale?: number;
  /** false: the engine without the wait fitted to the user's own pauses (the speaker-pause study's baseline). */
  readonly speakerPauses?: boolean;
  /**
   * Recorded voices: the prompts in conversations of this many turns, each probed as one session (the
   * engine keeps what it learned of the speaker from turn to turn); default 1, every prompt alone.
   */
  readonly sessionTurns?: number;
  /** Keep the probed samples in the result (for studies of other policies on the same scores). */
  readonly keepSamples?: boolean;
  readonly onProgress?: (line: string) => void;
}

/** The installed recorded prompts (bench/real-speech/recorded-turns.ts), probed like generated samples. */
async function probeRecorded(
  c: ProbeComponents,
  o: { source: RecordedSource; eagerness: Eagerness; policy: 'model' | 'rules'; speakerPauses: Partial<EndOfTurnOptions>; limit?: number; sessionTurns: number; onProgress?: (done: number, total: number, id: string) => void },
): Promise<ProbedSample[]> {
  const turns = await loadRecordedTurns({ source: o.source, ...(o.limit !== undefined && { limit: o.limit }) });
  const n = o.sessionTurns;
  const sessions = Array.from({ length: Math.ceil(turns.length / n) }, (_, k) => turns.slice(k * n, k * n + n));
  const out: ProbedSample[] = [];
  for (const [k, group] of sessions.entries()) {
    const t = group.length === 1 ? group[0]! : recordedConversation(group);
    const pauses: MeasuredPause[] = [];
    const spans = await probeTurnEnds(t.input, t.spans, c, {
      predictor: { eagerness: o.eagerness, endOfTurn: { policy: o.policy, ...o.speakerPauses } },
      ...(group.length > 1 && { conversation: true }),
      onPause: (p) => pauses.push(p),
    });
    // One whole turn (or conversation) ending in silence: the generated category closest to it (only labels it).
    out.push({ id: t.id, category: 'smooth_turn_taking', spans, pauses, ...(t.text !== undefined && { text: t.text }) });
    o.onProgress?.(k + 1, sessions.length, t.id.split('+')[0]!);
  }
  return out;
}

export async function evaluateEndOfTurn(o: EvaluateOptions): Promise<EotEvaluation> {
  const n = o.perCategory ?? SETS[o.set].perCategory;
  const eagerness = o.eagerness ?? 'medium';
  const speakerPauses = o.speakerPauses === false ? { speakerPauseMinCount: 0 } : {};
  const indices = Array.from({ length: n }, (_, i) => i);
  const c = await createProbeComponents();
  const results: VoiceSetResult[] = [];
  try {
    for (const voices of o.voices) {
      const source = recordedSourceOf(voices);
      const run = async (policy: 'model' | 'rules'): Promise<ProbedSample[]> =>
        source
          ? probeRecorded(c, { source, eagerness, policy, speakerPauses, sessionTurns: o.sessionTurns ?? 1, ...(o.recordedLimit !== undefined && { limit: o.recordedLimit }), onProgress: (k, total, id) => o.onProgress?.(`${voices} ${policy}: ${k}/${total} ${id}`) })
          : probeSet(c, {
          set: o.set,
          indices,
          generate: { voices: voices as VoiceSetName, ...(o.pauseScale !== undefined && { pauseScale: o.pauseScale }) },
          predictor: { eagerness, endOfTurn: { policy, ...speakerPauses } },
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
        ...(source && (o.sessionTurns ?? 1) > 1 && { byTurn: latencyByTurn(samples) }),
        ...(o.keepSamples && { probed: samples }),
      });
    }
  } finally {
    await c.close();
  }
  return { set: o.set, ...(o.sessionTurns !== undefined && o.sessionTurns > 1 && { sessionTurns: o.sessionTurns }), ...(o.speakerPauses === false && { speakerPauses: false as const }), ...(o.pauseScale !== undefined && o.pauseScale !== 1 && { pauseScale: o.pauseScale }), eagerness, perCategory: n, categories: TURN_END_CATEGORIES, results };
}

function voicesTitle(v: EotVoices): string {
  const source = recordedSourceOf(v);
  if (!source) return v === 'tuning' ? 'Tuning voices' : 'Held-out voices';
  return `Recorded human speech (${source.debianPackage}: ${source.voice}, ${source.language}, read prompts, 8 kHz; never tuned on)`;
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const msOf = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000)} ms`);

/** A plain-text report: per voice set, the operating points beside the baseline and the engine's own decisions. */
export function formatEotEvaluation(ev: EotEvaluation): string {
  const lines = [
    ev.results.every((r) => recordedSourceOf(r.voices))
      ? `End of turn, eot-bench style — recorded prompts${ev.sessionTurns ? ` in conversations of ${ev.sessionTurns}` : ''}, eagerness ${ev.eagerness}${ev.speakerPauses === false ? ', without the wait fitted to the user\'s pauses' : ''}`
      : `End of turn, eot-bench style — set ${ev.set}, ${ev.perCategory} per category (${ev.categories.join(', ')})${ev.pauseScale !== undefined ? `, the users' pauses × ${ev.pauseScale}` : ''}${ev.speakerPauses === false ? ', without the wait fitted to the user\'s pauses' : ''}${ev.results.some((r) => recordedSourceOf(r.voices)) ? ' and the recorded prompts' : ''}, eagerness ${ev.eagerness}`,
    'false cut-off = the agent would take the turn inside a pause of 0.2–5 s after which the user goes on; latency = mean dead air after the turn really ends',
    '',
  ];
  const engine = (name: string, e: EnginePolicyPoint) =>
    `  ${name}: false cut-offs ${pct(e.falseCutoffRate)}, mean latency ${msOf(e.meanLatencyS)} (turn ends not taken within ${SPAN_RULES.maxEotS} s count as ${SPAN_RULES.maxEotS} s)`;
  for (const r of ev.results) {
    lines.push(`== ${voicesTitle(r.voices)} (${r.samples} samples)`);
    lines.push(eotPointsText({ model: r.model, baseline: r.silenceBaseline, modelName: 'learned p(turn over)' }));
    lines.push(engine('engine, learned model as configured', r.engine));
    if (r.rules) lines.push(engine('engine, hand-set rules (before)', r.rules));
    if (r.byTurn) lines.push(`  engine, mean latency by turn of the conversation: ${r.byTurn.map((b) => `${b.turn}: ${b.meanLatencyS.toFixed(2)} s`).join(', ')} (${r.byTurn[0]!.n} conversations)`);
    for (const c of r.cutoffs.slice(0, recordedSourceOf(r.voices) ? 12 : 5)) {
      lines.push(`    cut-off: ${c.id} at ${c.startS.toFixed(2)} s, ${Math.round(c.fireS * 1000)} ms into a ${c.lengthS.toFixed(2)} s pause${c.text ? ` — "${c.text.length > 110 ? `${c.text.slice(0, 107)}…` : c.text}"` : ''}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
