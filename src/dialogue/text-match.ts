/**
 * Robust matching of recogniser output: text from pocketsphinx is lower case, unpunctuated and
 * often wrong ("persona plex", "mini c p m o", "salmon omni"), while typed text has digits and
 * punctuation. Both are normalised to the same word form and compared with edit distance over the
 * words joined without spaces, so split or merged words still match.
 */
import { numberWords } from './spoken.js';

const SYNONYMS: Record<string, string> = { ms: 'milliseconds', ok: 'okay', licence: 'license', licences: 'licenses', licensed: 'license' };

/**
 * Lower-case words with punctuation removed and numbers spelt out ("Qwen2.5-Omni" →
 * ["qwen", "two", "point", "five", "omni"]), so typed and recognised text compare equal.
 */
export function normalizeWords(text: string): string[] {
  let s = text.toLowerCase().replace(/[\u2018\u2019\u02BC]/g, "'");
  s = s.replace(/'s\b/g, '').replace(/'/g, '');
  s = s.replace(/(\d),(?=\d{3}\b)/g, '$1'); // "1,840" → "1840"
  s = s.replace(/(\p{L})(\d)/gu, '$1 $2').replace(/(\d)(\p{L})/gu, '$1 $2');
  // Long digit strings (phone numbers, ids) are read digit by digit, as people say them.
  s = s.replace(/\d+(\.\d+)?/g, (m) =>
    m.length > 9 ? ` ${[...m].map((d) => (d === '.' ? 'point' : numberWords(Number(d)))).join(' ')} ` : ` ${numberWords(Number(m))} `,
  );
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  return s
    .split(' ')
    .filter((w) => w.length > 0)
    .map((w) => SYNONYMS[w] ?? w);
}

/**
 * Lower-case words with digits kept as digit strings (for dictated numbers): "555-1234" →
 * ["555", "1234"], "call 5551234" → ["call", "5551234"].
 */
export function rawWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019']/g, '')
    .replace(/(\p{L})(\d)/gu, '$1 $2')
    .replace(/(\d)(\p{L})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Levenshtein distance, giving up (returning max + 1) once it must exceed `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** Edits tolerated for a phrase of this many letters: short names must match exactly. */
export function toleratedEdits(letters: number): number {
  return letters <= 4 ? 0 : letters <= 8 ? 1 : letters <= 12 ? 2 : 3;
}

export interface PhraseIndexEntry<T> {
  readonly value: T;
  /** Each alias as normalised words and as those words joined without spaces. */
  readonly phrases: readonly { readonly words: readonly string[]; readonly compact: string }[];
}

export function buildPhraseIndex<T>(items: readonly { value: T; aliases: readonly string[] }[]): PhraseIndexEntry<T>[] {
  return items.map(({ value, aliases }) => ({
    value,
    phrases: aliases
      .map((a) => normalizeWords(a))
      .filter((w) => w.length > 0)
      .map((words) => ({ words, compact: words.join('') })),
  }));
}

export interface PhraseMatch<T> {
  readonly value: T;
  /** Word span [start, end) in the input. */
  readonly start: number;
  readonly end: number;
  readonly distance: number;
  /** Letters in the matched alias: longer aliases are more specific. */
  readonly letters: number;
}

/**
 * Every non-overlapping place where an alias occurs in `words`, best matches first claimed
 * (long aliases with few edits first), returned in reading order, one per value.
 */
export function findPhrases<T>(words: readonly string[], index: readonly PhraseIndexEntry<T>[]): PhraseMatch<T>[] {
  const found: PhraseMatch<T>[] = [];
  for (const entry of index) {
    for (const p of entry.phrases) {
      const allowed = toleratedEdits(p.compact.length);
      const maxSpan = p.words.length + 4; // spelt-out letters: "c s m" for "csm"
      for (let start = 0; start < words.length; start++) {
        // Recognisers rarely get the first sound of a name wrong; this also keeps long texts fast.
        if (words[start]!.charCodeAt(0) !== p.compact.charCodeAt(0)) continue;
        let joined = '';
        for (let end = start + 1; end <= Math.min(words.length, start + maxSpan); end++) {
          joined += words[end - 1];
          if (joined.length - p.compact.length > allowed) break;
          if (p.compact.length - joined.length > allowed) continue;
          const d = allowed === 0 ? (joined === p.compact ? 0 : 1) : editDistance(joined, p.compact, allowed);
          if (d <= allowed) found.push({ value: entry.value, start, end, distance: d, letters: p.compact.length });
        }
      }
    }
  }
  // A long alias matched with an edit beats a short one matched exactly ("quen two point five omni"
  // is Qwen2.5-Omni, not "quen" plus a fuzzy "five omni").
  const score = (m: PhraseMatch<T>) => m.letters - 4 * m.distance;
  found.sort((a, b) => score(b) - score(a) || a.distance - b.distance || a.start - b.start);
  const taken = new Array<boolean>(words.length).fill(false);
  const seen = new Set<T>();
  const out: PhraseMatch<T>[] = [];
  for (const m of found) {
    if (seen.has(m.value)) continue;
    let free = true;
    for (let i = m.start; i < m.end; i++) if (taken[i]) free = false;
    if (!free) continue;
    for (let i = m.start; i < m.end; i++) taken[i] = true;
    seen.add(m.value);
    out.push(m);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** True when `words` contains `phrase` (a space-separated sequence of normalised words). */
export function hasPhrase(words: readonly string[], phrase: string): boolean {
  const p = phrase.split(' ');
  outer: for (let i = 0; i + p.length <= words.length; i++) {
    for (let j = 0; j < p.length; j++) if (words[i + j] !== p[j]) continue outer;
    return true;
  }
  return false;
}

/** True when any of the phrases occurs in `words`. */
export function hasAny(words: readonly string[], phrases: readonly string[]): boolean {
  return phrases.some((p) => hasPhrase(words, p));
}

/** FNV-1a hash, for deterministic variety (the same input always picks the same variant). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function pick<T>(options: readonly T[], seed: string): T {
  return options[hashString(seed) % options.length]!;
}
