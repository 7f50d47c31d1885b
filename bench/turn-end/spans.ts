/**
 * The silences of a generated sample that an end-of-turn detector is judged on, in the style of
 * LiveKit's eot-bench: every silence of at least 100 ms inside a user turn is a 'hold' (the user goes
 * on), the silence after the turn's last word is 'eot' (the agent should answer). The generator finds
 * them (bench/scenarios/silences.ts, `truth.silences`); this file only bounds them for scoring.
 */
import { FullduplexError } from '../../src/errors.js';
import type { ScenarioTruth } from '../scenarios/types.js';

export type SilenceKind = 'hold' | 'eot';

export interface SilenceSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: SilenceKind;
}

export const SPAN_RULES = {
  /** Shorter silences are not decision points (eot-bench: 100 ms). */
  minSilenceS: 0.1,
  /** An eot span is scored at most this long (the answer window; the engine's maxHoldMs). */
  maxEotS: 3,
} as const;

/**
 * The sample's scored silences. The silence after a clip's last turn runs on past the clip (the
 * probe pads the input with silence) up to the answer window.
 */
export function silencesOf(truth: Pick<ScenarioTruth, 'id' | 'durationS' | 'silences'>): SilenceSpan[] {
  const given = truth.silences as ScenarioTruth['silences'] | undefined;
  if (!given) throw new FullduplexError('BAD_ARGUMENT', `${truth.id}: scenario.json has no silences (generated before generator version 2): regenerate it`);
  return given
    .map((s) => ({ start: s.start, end: s.end, kind: s.kind }))
    .map((s) => (s.kind === 'eot' ? { ...s, end: s.end >= truth.durationS - 0.01 ? s.start + SPAN_RULES.maxEotS : Math.min(s.end, s.start + SPAN_RULES.maxEotS) } : s))
    .filter((s) => s.end - s.start >= SPAN_RULES.minSilenceS - 1e-9);
}
