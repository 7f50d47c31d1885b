/**
 * Transcript normalization shared by the text evidence. The input is usually pocketsphinx output
 * (lower case, no punctuation, numbers as words), but other recognizers add case, punctuation,
 * numerals and "@"/"." in addresses, and pocketsphinx itself can emit filler tokens ("<sil>",
 * "[NOISE]", "++UM++") and alternate-pronunciation markers ("read(2)"). All of these map to the same
 * plain word list, so the rules only ever see one form.
 */

const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** Lower-case word tokens; hyphenated words are split ("uh-huh" → "uh", "huh"). */
export function normalizeTranscript(text: string): string[] {
  const out: string[] = [];
  if (text.length === 0) return out;
  // Recognizer markup first (before "/" and "-" split it): silence/noise tokens carry no words.
  const spaced = text
    .replace(/<[^<>]*>|\[[^[\]]*\]/g, ' ')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/@/g, ' at ')
    .replace(/([a-z0-9])\.(?=[a-z0-9])/g, '$1 dot ') // "gmail.com" → "gmail dot com"
    .replace(/[-\u2010-\u2014_/]/g, ' ');
  for (const raw of spaced.split(/\s+/)) {
    if (raw.length === 0) continue;
    // "++um++" is pocketsphinx's spelling of a filler word.
    let w = raw.replace(/^\+\+(.*)\+\+$/, '$1').replace(/\(\d+\)$/, '');
    w = w.replace(/[^a-z0-9']/g, '').replace(/^'+|'+$/g, '');
    if (w.length === 0) continue;
    if (/^\d+$/.test(w)) {
      // Numerals are read out digit by digit: the dictation rules count digits.
      for (const ch of w) out.push(DIGIT_NAMES[ch.charCodeAt(0) - 48]!);
      continue;
    }
    out.push(w);
  }
  return out;
}

/** True when `tokens` ends with the words of `phrase` (already split). */
export function endsWith(tokens: readonly string[], phrase: readonly string[]): boolean {
  const n = tokens.length;
  const m = phrase.length;
  if (m === 0 || m > n) return false;
  for (let i = 0; i < m; i++) if (tokens[n - m + i] !== phrase[i]) return false;
  return true;
}

/** True when `tokens` starting at `at` holds the words of `phrase`. */
export function matchesAt(tokens: readonly string[], at: number, phrase: readonly string[]): boolean {
  if (at + phrase.length > tokens.length) return false;
  for (let i = 0; i < phrase.length; i++) if (tokens[at + i] !== phrase[i]) return false;
  return true;
}

/** Splits each entry of a word list into tokens the way transcripts are normalized. */
export function phrases(list: readonly string[]): string[][] {
  return list.map((p) => normalizeTranscript(p)).filter((p) => p.length > 0);
}
