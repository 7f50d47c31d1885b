/**
 * Words as sounds, for the v1.5 continuation test (continuation.ts). The recogniser mishears the
 * agent's own voice by sound, across word boundaries: "I'm only a small offline assistant" comes back
 * as "hi mommy is small yacht flying assistant". Letters and words hardly match there; the phones
 * (AY M OW N L IY … vs HH AY M AA M IY …) mostly do. The pronunciations are CMUdict's, as installed
 * with pocketsphinx's English model (the recogniser that wrote the words uses the same dictionary, so
 * every word it writes is in it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';

export const CMUDICT_PATH = join(defaultPocketsphinxOptions.modelDir, 'cmudict-en-us.dict');

let dictionary: Map<string, readonly string[]> | undefined;

/** word → its first pronunciation (phones without stress marks); empty when the dictionary is not installed. */
export function pronunciations(path: string = CMUDICT_PATH): Map<string, readonly string[]> {
  if (dictionary !== undefined && path === CMUDICT_PATH) return dictionary;
  const out = new Map<string, readonly string[]>();
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const parts = line.trim().split(/\s+/);
      // Alternates are "word(2) …": the first pronunciation is enough to compare sounds.
      if (parts.length < 2 || parts[0]!.includes('(')) continue;
      out.set(parts[0]!, parts.slice(1).map((ph) => ph.replace(/\d$/, '')));
    }
  }
  if (path === CMUDICT_PATH) dictionary = out;
  return out;
}

const VOWELS = new Set(['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'EH', 'ER', 'EY', 'IH', 'IY', 'OW', 'OY', 'UH', 'UW']);
/** Broad classes whose members the recogniser confuses most (same manner of articulation). */
const CLASSES: readonly (readonly string[])[] = [
  ['P', 'B', 'T', 'D', 'K', 'G'],
  ['F', 'V', 'TH', 'DH', 'S', 'Z', 'SH', 'ZH', 'HH'],
  ['CH', 'JH'],
  ['M', 'N', 'NG'],
  ['L', 'R', 'W', 'Y'],
];
const CLASS_OF = new Map<string, number>();
CLASSES.forEach((c, i) => c.forEach((ph) => CLASS_OF.set(ph, i)));

/** 1 for the same phone, `near` for two vowels or two consonants of one class, else `mismatch`. */
export function phoneScore(a: string, b: string, near: number, mismatch: number): number {
  if (a === b) return 1;
  if (VOWELS.has(a) && VOWELS.has(b)) return near;
  const ca = CLASS_OF.get(a);
  return ca !== undefined && ca === CLASS_OF.get(b) ? near : mismatch;
}

/**
 * The phones of `words` in order. A word not in the dictionary is spelled out as letters ("#m", "#o"…),
 * which match only the same letters: a planned word the dictionary lacks ("moshi") still counts
 * against a recogniser that can only have written dictionary words.
 */
export function phonesOf(words: readonly string[], dict: Map<string, readonly string[]> = pronunciations()): string[] {
  const out: string[] = [];
  for (const w of words) {
    const ph = dict.get(w);
    if (ph !== undefined) out.push(...ph);
    else for (const ch of w.replace(/'/g, '')) out.push(`#${ch}`);
  }
  return out;
}
