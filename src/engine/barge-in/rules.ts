/**
 * The hand-set barge-in confirmations (`bargeIn.policy: 'rules'`), while the agent is paused over the
 * user's speech: cancel once the overlap is long enough or its words say so (a stop word, a few content
 * words), resume after a short silence when it was a cough, a click or an "uh-huh". A pure function of
 * the overlap so far; the predictor carries out what it returns.
 */
import type { PredictorOptions } from '../options.js';
import type { Decision } from '../decision.js';
import { contentWords, stopWord, tail } from '../evidence/overlap-words.js';

const ms = (x: number) => `${Math.round(x)} ms`;

/** What the overlap so far says, under the rules; undefined: wait (the user still speaks, or too soon). */
export function ruleBargeIn(b: PredictorOptions['bargeIn'], transcript: string, overlapSpeechMs: number, userSpeaking: boolean, silenceMs: number): Decision | undefined {
  const words = contentWords(transcript);
  // A long "yeah, right" at a slow pace is still a backchannel while its words say so.
  const backchannelSoFar = transcript.trim() !== '' && words === 0;
  if ((overlapSpeechMs >= b.confirmAfterMs && !backchannelSoFar) || overlapSpeechMs >= 2 * b.confirmAfterMs || (words >= b.confirmWords && overlapSpeechMs >= b.wordsConfirmMinMs)) {
    return {
      action: 'cancel',
      reason: words >= b.confirmWords ? `barge-in confirmed by ${words} words: "${tail(transcript)}"` : `barge-in confirmed by ${ms(overlapSpeechMs)} of speech`,
    };
  }
  if (userSpeaking || silenceMs < b.resumeAfterSilenceMs) return undefined;
  const stop = stopWord(transcript, b.stopWords);
  if (words >= 1 && (stop !== undefined || overlapSpeechMs >= b.singleWordConfirmMs)) {
    return {
      action: 'cancel',
      reason: stop !== undefined ? `"${stop}" spoken over the agent` : `"${tail(transcript)}" spoken over the agent for ${ms(overlapSpeechMs)}`,
    };
  }
  const what =
    transcript.trim() === ''
      ? 'no words (a cough, a click or noise)'
      : words === 0
        ? `a backchannel ("${transcript.trim()}")`
        : `too short for a barge-in ("${transcript.trim()}", likely a misheard backchannel)`;
  return { action: 'resume', reason: `overlap of ${ms(overlapSpeechMs)} was ${what}` };
}
