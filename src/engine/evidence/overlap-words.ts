/**
 * Small word helpers for speech over the agent and for readable reasons: content words (what counts
 * toward confirming a barge-in), stop words ("wait", "stop"), and the tail of a transcript.
 */
import { isBackchannelText } from './backchannel.js';

/** Words that count toward confirming a barge-in: backchannels and fillers do not. */
export function contentWords(transcript: string): number {
  const t = transcript.trim();
  if (t === '' || isBackchannelText(t)) return 0;
  return t.split(/\s+/).filter((w) => !FILLERS.has(w)).length;
}

/** The first of `stopWords` in the transcript, if any. */
export function stopWord(transcript: string, stopWords: readonly string[]): string | undefined {
  const words = transcript.toLowerCase().split(/\s+/);
  return stopWords.find((w) => words.includes(w));
}

/** Fillers that are not content over the agent (a narrower set than the completeness lexicon's). */
const FILLERS = new Set(['um', 'uh', 'er', 'ah', 'hmm', 'mm', 'oh', 'huh', 'hm']);

export function tail(text: string, words = 6): string {
  const w = text.trim().split(/\s+/);
  return (w.length > words ? '… ' : '') + w.slice(-words).join(' ');
}
