/**
 * The hand-set end-of-turn waits (the engine's policy before the learned model, kept as
 * `endOfTurn.policy: 'rules'` and as the baseline the benchmark compares against): how long to wait in
 * silence before taking the turn, from the words' completeness, the pitch and the turn's length.
 */
import type { CompletenessResult } from '../evidence/completeness.js';
import type { FinalShape } from '../evidence/pitch.js';
import type { EndOfTurnOptions } from '../options.js';

export interface RuleWait {
  readonly ms: number;
  readonly why: string;
}

export function ruleWait(
  o: EndOfTurnOptions,
  maxHoldMs: number,
  c: CompletenessResult,
  narrative: boolean,
  turnSpeechMs: number,
  pitchShape: FinalShape | undefined,
): RuleWait {
  let base: number;
  let why: string;
  // A telling holds the floor across sentence ends, even ones that read like questions: the
  // transcript has no punctuation, so "…only when the engine was very hot" looks like one.
  if (c.verdict === 'complete' && narrative) [base, why] = [o.commitNarrativeMs, `finished sentence in a telling (${c.reason})`];
  else if (c.score >= o.strongCompletenessScore) [base, why] = [o.commitStrongMs, `finished (${c.reason})`];
  else if (c.verdict === 'complete' && turnSpeechMs >= o.narrativeAfterMs)
    [base, why] = [o.commitNarrativeMs, `finished sentence in a ${(turnSpeechMs / 1000).toFixed(1)} s turn (${c.reason})`];
  else if (c.verdict === 'complete') [base, why] = [o.commitCompleteMs, `finished (${c.reason})`];
  else if (c.verdict === 'unsure') [base, why] = [o.commitUnsureMs, `unclear (${c.reason})`];
  else [base, why] = [o.commitIncompleteMs, `not finished (${c.reason})`];
  if (pitchShape === 'falling' && c.verdict !== 'incomplete') {
    base *= o.fallingPitchFactor;
    why += ', falling pitch';
  } else if (pitchShape === 'rising' && c.score < o.strongCompletenessScore) {
    base = Math.max(base * o.risingPitchFactor, o.risingPitchMinMs);
    why += ', rising pitch';
  }
  return { ms: Math.min(base, maxHoldMs), why };
}
