/** Word error rate, for measuring recognisers against known text. */

/** Lowercase, drop punctuation, split hyphenated words, collapse whitespace. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[-–—/]/g, ' ')
    .replace(/[^a-z0-9' ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/** Word-level edit distance (substitutions + deletions + insertions). */
export function wordEditDistance(reference: readonly string[], hypothesis: readonly string[]): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const sub = prev[j - 1]! + (reference[i - 1] === hypothesis[j - 1] ? 0 : 1);
      cur.push(Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1));
    }
    prev = cur;
  }
  return prev[hypothesis.length]!;
}

/** Corpus WER: total edits over total reference words. */
export function wordErrorRate(pairs: readonly { reference: string; hypothesis: string }[]): number {
  let edits = 0;
  let words = 0;
  for (const { reference, hypothesis } of pairs) {
    const r = normalizeWords(reference);
    edits += wordEditDistance(r, normalizeWords(hypothesis));
    words += r.length;
  }
  return words === 0 ? 0 : edits / words;
}
