/**
 * The Full-Duplex-Bench takeover (TO) rule: did the system take the floor?
 * Definition (benchmarks.md, "Takeover (TO) rule"): TO = 0 if there are no words, or if the span
 * (last end − first start) is under 1 s AND there are 3 or fewer words; otherwise TO = 1.
 */
import { FullduplexError } from '../../src/errors.js';
import { mean, validateWords, type Word } from './types.js';

export const TAKEOVER = {
  /** Upstream `turn_duration_threshold`: a span of at least this many seconds is a turn. */
  turnDurationThresholdS: 1,
  /** Upstream `turn_num_words_threshold`: more than this many words is a turn, however short. */
  turnNumWordsThreshold: 3,
} as const;

export type TakeoverValue = 0 | 1;

/**
 * TO for one stream of ASR words. The span is max(end) − min(start), which equals
 * last end − first start for ASR output in time order but does not depend on the order given.
 * Boundary: the rule says "under 1 s", so a span of exactly 1.0 s is a takeover (TO = 1) whatever
 * the word count; 0.9 s with 3 words is not; 0.9 s with 4 words is. The comparison is the plain
 * float one upstream makes (`duration < turn_duration_threshold` in eval_smooth_turn_taking.py and
 * its siblings), so a span of 1.1 − 0.1 = 0.9999999999999999 s is under 1 s, as it is upstream.
 */
export function isTakeover(words: readonly Word[]): TakeoverValue {
  validateWords(words);
  if (words.length === 0) return 0;
  let first = Infinity;
  let last = -Infinity;
  for (const w of words) {
    first = Math.min(first, w.start);
    last = Math.max(last, w.end);
  }
  const short = last - first < TAKEOVER.turnDurationThresholdS;
  const few = words.length <= TAKEOVER.turnNumWordsThreshold;
  return short && few ? 0 : 1;
}

/**
 * TOR = mean TO over samples. Each sample is either a word list or an already computed TO value.
 * null for no samples: an empty category has no rate, and 0 would read as a perfect pause score.
 */
export function takeoverRate(samples: ReadonlyArray<readonly Word[] | number>): number | null {
  const values = samples.map((s) => {
    if (typeof s !== 'number') return isTakeover(s);
    if (s !== 0 && s !== 1) throw new FullduplexError('BAD_ARGUMENT', `a TO value is 0 or 1, got ${s}`);
    return s;
  });
  return mean(values);
}
