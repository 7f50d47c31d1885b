/**
 * The silences of a generated sample that an end-of-turn detector is judged on, in the style of
 * LiveKit's eot-bench: every silence of at least 100 ms inside a user turn is a 'hold' (the user goes
 * on), the silence after the turn's last word is 'eot' (the agent should answer).
 */
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
  /** An eot span is scored at most this long (the answer window). */
  maxEotS: 3,
} as const;

/**
 * The sample's silences: `truth.silences` when the generator wrote them; otherwise derived from the
 * user's spans (clips were synthesized without inner pauses): gaps between the parts of one turn are
 * holds, the silence after a turn's last clip is its eot, up to the next speech or the end of the clip.
 */
export function silencesOf(truth: ScenarioTruth): SilenceSpan[] {
  const given = (truth as ScenarioTruth & { silences?: readonly SilenceSpan[] }).silences;
  const spans: SilenceSpan[] = given
    ? given.map((s) => ({ start: s.start, end: s.end, kind: s.kind }))
    : derive(truth);
  // The silence after a clip's last turn runs on past the clip (the probe pads the input with silence).
  return spans
    .map((s) => (s.kind === 'eot' ? { ...s, end: s.end >= truth.durationS - 0.01 ? s.start + SPAN_RULES.maxEotS : Math.min(s.end, s.start + SPAN_RULES.maxEotS) } : s))
    .filter((s) => s.end - s.start >= SPAN_RULES.minSilenceS - 1e-9);
}

function derive(truth: ScenarioTruth): SilenceSpan[] {
  const user = truth.user.filter((u) => u.role !== 'backchannel');
  const out: SilenceSpan[] = [];
  const others = [...truth.others].sort((a, b) => a.start - b.start);
  for (let i = 0; i < user.length; i++) {
    const u = user[i]!;
    const next = user[i + 1];
    const sameTurn = next !== undefined && ((u.role === 'part' && next.role === 'part') || (u.role === 'sentence' && next.role === 'sentence'));
    if (sameTurn) {
      out.push({ start: u.end, end: next.start, kind: 'hold' });
    } else {
      const nextSpeech = Math.min(next?.start ?? truth.durationS, others.find((o) => o.start >= u.end)?.start ?? truth.durationS);
      out.push({ start: u.end, end: nextSpeech, kind: 'eot' });
    }
  }
  return out;
}
