/**
 * Does new agent speech continue what the agent was saying, or is it a new reply? The v1.5 scorer
 * asks this of the recogniser's words for the new speech against the agent's planned text.
 * Exact bigrams fail when the recogniser mishears the agent's own voice ("only a small offline" →
 * "is small alpha line"), which it does most on replies that echo misheard user words; so the test
 * also accepts a fuzzy alignment: the new words, in order, matched to a stretch of the earlier text
 * with letter-level similarity. A reply that merely shares function words scores low, because every
 * unmatched or skipped word costs.
 *
 * Where the mishearing crosses word boundaries ("I'm only a small offline" → "hi mommy is small yacht
 * flying") letters fail too, so a third test aligns the sounds (phones.ts): the new words' phones, in
 * order, against a stretch of the earlier text's phones.
 *
 * Thresholds were chosen on tuning-voice runs against the engine's own account of each event (its
 * timeline says whether it resumed or began a new reply): `npm run study:continuation`, report in
 * bench/results/continuation-study.txt; see README "Conversation benchmark".
 */
import { phonesOf, phoneScore } from './phones.js';

export const CONTINUATION = {
  /** The test reads at most this many tokens of the new speech. */
  maxTokens: 7,
  /** Exact test: continuation when ≥ this share of the new bigrams occur in the earlier text. */
  minBigramShare: 0.5,
  /** Fuzzy test: continuation when the mean per-token alignment score is ≥ this. */
  minAlignment: 0.45,
  /** Two words match when their letter similarity (1 − edit distance / longer length) is ≥ this. */
  minWordSimilarity: 0.5,
  /** Score of a new word aligned to a dissimilar earlier word. */
  mismatchScore: -0.3,
  /** Score of a new word left unaligned, or an earlier word skipped inside the stretch. */
  gapScore: -0.4,
  /** Sound test: continuation when the mean per-phone alignment score is ≥ this (> 1: test off). */
  minPhoneAlignment: 0.5,
  /** Score of two different vowels, or two consonants of one class (stops, fricatives, nasals, …). */
  phoneNearScore: 0.3,
  /** Score of any other pair of different phones. */
  phoneMismatchScore: -0.5,
  /** Score of a new phone left unaligned, or an earlier phone skipped inside the stretch. */
  phoneGapScore: -0.7,
} as const;

export type ContinuationParams = { -readonly [K in keyof typeof CONTINUATION]: number };

function bigrams(toks: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < toks.length; i++) out.push(`${toks[i]} ${toks[i + 1]}`);
  return out;
}

/** Share of the head's bigrams found in the earlier text (0 when the head has none). */
export function bigramShare(newTokens: readonly string[], earlierTokens: readonly string[], p: ContinuationParams = CONTINUATION): number {
  const head = bigrams(newTokens.slice(0, p.maxTokens));
  if (head.length === 0) return 0;
  const earlier = new Set(bigrams(earlierTokens));
  return head.filter((b) => earlier.has(b)).length / head.length;
}

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length]!;
}

export function wordSimilarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - editDistance(a, b) / n;
}

/**
 * Mean per-token score of the best alignment of the whole head (first `maxTokens` new tokens) to any
 * stretch of the earlier tokens: a similar word scores its similarity, a dissimilar one
 * `mismatchScore`, a gap on either side `gapScore`. 1 means the head is a verbatim stretch.
 */
export function alignmentScore(newTokens: readonly string[], earlierTokens: readonly string[], p: ContinuationParams = CONTINUATION): number {
  const head = newTokens.slice(0, p.maxTokens);
  // One word is no evidence either way (as for the bigram test).
  if (head.length < 2) return 0;
  const m = earlierTokens.length;
  // Row i: best score of head[0..i) ending at earlier position j; row 0 is free (start anywhere).
  let prev = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= head.length; i++) {
    const cur = new Array<number>(m + 1);
    cur[0] = prev[0]! + p.gapScore;
    for (let j = 1; j <= m; j++) {
      const s = wordSimilarity(head[i - 1]!, earlierTokens[j - 1]!);
      const pair = s >= p.minWordSimilarity ? s : p.mismatchScore;
      cur[j] = Math.max(prev[j - 1]! + pair, prev[j]! + p.gapScore, cur[j - 1]! + p.gapScore);
    }
    prev = cur;
  }
  return Math.max(...prev) / head.length;
}

/**
 * Mean per-phone score of the best alignment of the head's phones (first `maxTokens` new tokens) to any
 * stretch of the earlier tokens' phones: the same phone scores 1, a near one `phoneNearScore`, another
 * `phoneMismatchScore`, a gap on either side `phoneGapScore`. 1 means the head sounds like a verbatim stretch.
 */
export function phoneAlignmentScore(newTokens: readonly string[], earlierTokens: readonly string[], p: ContinuationParams = CONTINUATION): number {
  const headTokens = newTokens.slice(0, p.maxTokens);
  if (headTokens.length < 2) return 0;
  const head = phonesOf(headTokens);
  const earlier = phonesOf(earlierTokens);
  const m = earlier.length;
  if (head.length === 0 || m === 0) return 0;
  let prev = new Float64Array(m + 1); // row 0 is free: the stretch starts anywhere
  let cur = new Float64Array(m + 1);
  for (let i = 1; i <= head.length; i++) {
    cur[0] = prev[0]! + p.phoneGapScore;
    for (let j = 1; j <= m; j++) {
      const pair = phoneScore(head[i - 1]!, earlier[j - 1]!, p.phoneNearScore, p.phoneMismatchScore);
      cur[j] = Math.max(prev[j - 1]! + pair, prev[j]! + p.phoneGapScore, cur[j - 1]! + p.phoneGapScore);
    }
    [prev, cur] = [cur, prev];
  }
  let best = -Infinity;
  for (const x of prev) best = Math.max(best, x);
  return best / head.length;
}

export function isContinuation(newTokens: readonly string[], earlierTokens: readonly string[], p: ContinuationParams = CONTINUATION): boolean {
  const eps = 1e-12;
  return (
    bigramShare(newTokens, earlierTokens, p) >= p.minBigramShare - eps ||
    alignmentScore(newTokens, earlierTokens, p) >= p.minAlignment - eps ||
    (p.minPhoneAlignment <= 1 && phoneAlignmentScore(newTokens, earlierTokens, p) >= p.minPhoneAlignment - eps)
  );
}
