/** One 32 ms window of hand-made evidence from a user speaking or pausing, for end-of-turn tests. */
import type { AgentActivity, WindowEvidence } from '../../src/engine/predictor.js';
import { assessCompleteness } from '../../src/engine/evidence/completeness.js';
import type { FinalStretch } from '../../src/engine/evidence/pitch.js';
import type { WordTiming } from '../../src/speech/types.js';

export function userWindow(o: {
  t: number;
  speech: boolean;
  text: string;
  /** The prosody of the last stretch of speech, read while pausing. */
  stretch: FinalStretch;
  /** The turn's words, read while pausing. */
  words: WordTiming[];
  agent?: AgentActivity;
}): WindowEvidence {
  return {
    t: o.t,
    windowMs: 32,
    vadProbability: o.speech ? 0.95 : 0.02,
    levelDb: o.speech ? -25 : -70,
    echoLikelihood: 0,
    transcript: o.text,
    completeness: assessCompleteness(o.text),
    narrative: false,
    pitchShape: o.speech ? undefined : o.stretch.shape,
    finalStretch: o.speech ? null : o.stretch,
    words: o.speech ? [] : o.words,
    agent: o.agent ?? 'idle',
  };
}
