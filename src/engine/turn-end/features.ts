/**
 * What the end-of-turn model sees at one moment of a user's pause: a fixed-length numeric vector
 * built from evidence the engine already has (words, their completeness and the recogniser's
 * confidence in them, the final pitch and energy movement, how long the pause and the turn are).
 *
 * Every feature is bounded and roughly unit-scaled, so a linear model's weights are comparable and
 * its explanation ("falling pitch +0.9") reads directly. Pure and allocation-light: computed once per
 * 32 ms window while the user is silent inside a turn.
 */
import type { CompletenessResult } from '../evidence/completeness.js';
import type { FinalStretch } from '../evidence/pitch.js';
import type { WordTiming } from '../../speech/types.js';

/** Everything the features are computed from (the predictor fills it from its window evidence). */
export interface TurnEndInputs {
  /** Silence since the user's last speech window, ms. */
  readonly pauseMs: number;
  /** Attended speech in the turn so far, ms. */
  readonly turnSpeechMs: number;
  /** The turn's words so far (finals and any partial), as the recogniser wrote them. */
  readonly transcript: string;
  readonly completeness: CompletenessResult;
  /** The turn announced a telling ("let me tell you…"). */
  readonly narrative: boolean;
  /** The final voiced stretch before the pause (pitch and energy movement), if one was measured. */
  readonly finalStretch: FinalStretch | null;
  /** The turn's recognised words with timing and confidence (finals only; empty until the first final). */
  readonly words: readonly WordTiming[];
  /** The agent's last turn asked a question, so a short answer is a whole turn. */
  readonly agentAskedQuestion: boolean;
}

/** Feature names, in vector order. The trained weights are stored in this order (weights.ts). */
export const TURN_END_FEATURES = [
  'pause',
  'pause_over_200ms',
  'pause_over_500ms',
  'pause_over_1000ms',
  'completeness',
  'incomplete',
  'strong_ending',
  'narrative',
  'pitch_slope',
  'pitch_measured',
  'energy_slope',
  'sustained_level',
  'turn_length',
  'word_count',
  'last_word_confidence',
  'final_lengthening',
  'final_available',
  'agent_asked',
] as const;

export type TurnEndFeatureName = (typeof TURN_END_FEATURES)[number];

/** Scales and clips that keep each feature within about [-1, 1] (documented where used). */
export const FEATURE_SCALES = {
  /** Pause: seconds, clipped at this many. */
  maxPauseS: 3,
  /** Pitch slope, semitones/s: divided by this and clipped to ±1. */
  pitchSlopeStPerS: 15,
  /** Energy slope, dB/s: divided by this and clipped to ±1. */
  energySlopeDbPerS: 60,
  /** Turn speech: log(1 + s) / log(1 + this). */
  turnLengthS: 20,
  /** Words: log(1 + n) / log(1 + this). */
  wordCount: 30,
  /** A final word this much longer than the turn's median word is "lengthened" (feature 1). */
  lengtheningRatio: 2,
  /** Completeness score at or above this is a strong ending (a question, a closing). */
  strongScore: 0.8,
} as const;

const clip = (x: number, lo = -1, hi = 1) => Math.max(lo, Math.min(hi, x));

export function turnEndFeatures(i: TurnEndInputs, out: Float64Array = new Float64Array(TURN_END_FEATURES.length)): Float64Array {
  const s = FEATURE_SCALES;
  const pause = Math.min(i.pauseMs / 1000, s.maxPauseS);
  const c = i.completeness;
  const stretch = i.finalStretch;
  const words = i.words;
  const last = words[words.length - 1];
  let k = 0;
  out[k++] = pause;
  out[k++] = Math.max(0, pause - 0.2);
  out[k++] = Math.max(0, pause - 0.5);
  out[k++] = Math.max(0, pause - 1.0);
  out[k++] = c.score;
  out[k++] = c.verdict === 'incomplete' ? 1 : 0;
  out[k++] = c.score >= s.strongScore ? 1 : 0;
  out[k++] = i.narrative ? 1 : 0;
  out[k++] = stretch ? clip(stretch.slopeStPerS / s.pitchSlopeStPerS) : 0;
  out[k++] = stretch ? 1 : 0;
  out[k++] = stretch ? clip(stretch.energySlopeDbPerS / s.energySlopeDbPerS) : 0;
  out[k++] = stretch?.sustained ? 1 : 0;
  out[k++] = Math.log1p(i.turnSpeechMs / 1000) / Math.log1p(s.turnLengthS);
  out[k++] = Math.min(1, Math.log1p(countWords(i.transcript)) / Math.log1p(s.wordCount));
  // A final word the recogniser doubts is often one that was not said ("order a" → "order a journey").
  out[k++] = last?.confidence ?? 1;
  out[k++] = last ? lengthening(words) : 0;
  out[k++] = words.length > 0 ? 1 : 0;
  out[k++] = i.agentAskedQuestion ? 1 : 0;
  return out;
}

function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/**
 * Final-syllable lengthening: people stretch the last word of a turn. The final word's duration over
 * the median duration of the turn's words, mapped to 0..1 (1 = `lengtheningRatio` times longer).
 */
function lengthening(words: readonly WordTiming[]): number {
  if (words.length < 2) return 0;
  const d = words.map((w) => w.end - w.start).sort((a, b) => a - b);
  const median = d[Math.floor(d.length / 2)]!;
  const last = words[words.length - 1]!;
  if (median <= 0) return 0;
  const ratio = (last.end - last.start) / median;
  return clip((ratio - 1) / (FEATURE_SCALES.lengtheningRatio - 1), 0, 1);
}
