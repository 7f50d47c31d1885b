/**
 * What the barge-in model sees at one window of user speech over the agent (the agent speaking, or
 * paused by a yield): how long the overlap has lasted and whether the user has fallen silent, how
 * loud it is against the user's usual level, the VAD's trend, how much of it the agent's own echo
 * explains, and what the recogniser made of it (word count, backchannel lexicon, stop words, its
 * confidence). A fixed-length vector of bounded, roughly unit-scaled values, so a linear model's
 * weights compare and its explanation ("content words +1.4") reads directly.
 */
import { isBackchannelText } from '../evidence/backchannel.js';
import type { WordTiming } from '../../speech/types.js';

/** Everything the features are computed from (the barge-in policy keeps it from window to window). */
export interface BargeInInputs {
  /** Attended user speech over the agent so far, ms (every segment since the agent was last quiet). */
  readonly overlapMs: number;
  /** Silence since the user's last speech window, ms (0 while the user speaks). */
  readonly silenceMs: number;
  /** Speech segments the user has started over the agent so far. */
  readonly segments: number;
  /** Loudest window of the overlap, dBFS, minus the user's usual level (negative = quieter). */
  readonly levelVsUserDb: number;
  /** The window's VAD probability, and its mean over the overlap so far. */
  readonly vadProbability: number;
  readonly vadMean: number;
  /** The most the agent's playback explained of any overlap window (0..1). */
  readonly echoMax: number;
  /** Words recognised in the overlap so far. */
  readonly transcript: string;
  /** Recognised words with confidence (finals only; may be empty). */
  readonly words: readonly WordTiming[];
  /** Words that mean "stop" (options bargeIn.stopWords). */
  readonly stopWords: readonly string[];
  /** The agent's turn asked the user something, so a short reply may be an answer. */
  readonly agentAskedQuestion: boolean;
}

/** Feature names, in vector order. The trained weights are stored in this order (weights.ts). */
export const BARGE_IN_FEATURES = [
  'overlap',
  'overlap_over_400ms',
  'overlap_over_800ms',
  'silence',
  'user_speaking',
  'segments',
  'level_vs_user',
  'vad_probability',
  'vad_mean',
  'echo',
  'words',
  'content_words',
  'no_words',
  'backchannel_words',
  'stop_word',
  'word_confidence',
  'agent_asked',
] as const;

export type BargeInFeatureName = (typeof BARGE_IN_FEATURES)[number];

/** Scales and clips that keep each feature within about [-1, 1]. */
export const BARGE_IN_SCALES = {
  /** Overlap: seconds, clipped at this many. */
  maxOverlapS: 2,
  /** Silence since the last speech: seconds, clipped at this many. */
  maxSilenceS: 1,
  /** Segments: (n − 1) / this, clipped at 1. */
  segments: 3,
  /** Level difference, dB: divided by this and clipped to ±1. */
  levelDb: 20,
  /** Words: log(1 + n) / log(1 + this), clipped at 1. */
  words: 6,
} as const;

const clip = (x: number, lo = -1, hi = 1) => Math.max(lo, Math.min(hi, x));

/** Fillers that, like backchannels, do not make an utterance a barge-in. */
export const FILLER_WORDS: ReadonlySet<string> = new Set(['um', 'uh', 'er', 'ah', 'hmm', 'mm', 'oh', 'huh', 'hm']);

export function bargeInFeatures(i: BargeInInputs, out: Float64Array = new Float64Array(BARGE_IN_FEATURES.length)): Float64Array {
  const s = BARGE_IN_SCALES;
  const overlap = Math.min(i.overlapMs / 1000, s.maxOverlapS);
  const text = i.transcript.trim().toLowerCase();
  const all = text === '' ? [] : text.split(/\s+/);
  const backchannel = text !== '' && isBackchannelText(text);
  const content = backchannel ? 0 : all.filter((w) => !FILLER_WORDS.has(w)).length;
  const wordScale = Math.log1p(s.words);
  let k = 0;
  out[k++] = overlap;
  out[k++] = Math.max(0, overlap - 0.4);
  out[k++] = Math.max(0, overlap - 0.8);
  out[k++] = Math.min(i.silenceMs / 1000, s.maxSilenceS);
  out[k++] = i.silenceMs === 0 ? 1 : 0;
  out[k++] = clip((i.segments - 1) / s.segments, 0, 1);
  out[k++] = Number.isFinite(i.levelVsUserDb) ? clip(i.levelVsUserDb / s.levelDb) : -1;
  out[k++] = i.vadProbability;
  out[k++] = i.vadMean;
  out[k++] = i.echoMax;
  out[k++] = Math.min(1, Math.log1p(all.length) / wordScale);
  out[k++] = Math.min(1, Math.log1p(content) / wordScale);
  out[k++] = all.length === 0 ? 1 : 0;
  out[k++] = backchannel ? 1 : 0;
  out[k++] = all.some((w) => i.stopWords.includes(w)) ? 1 : 0;
  // The recogniser's doubt: a backchannel misheard as words tends to come out with low confidence.
  out[k++] = i.words.length > 0 ? i.words.reduce((a, w) => a + (w.confidence ?? 1), 0) / i.words.length : 1;
  out[k++] = i.agentAskedQuestion ? 1 : 0;
  return out;
}
