/**
 * Recognizes user backchannels ("uh-huh", "yeah", "i see") in a transcript, so the engine can keep
 * talking through them instead of yielding the turn. A text is a backchannel when it is short and made
 * only of backchannel phrases, including what a small-vocabulary recognizer writes for a hummed
 * "mm-hm" ("hmm", "um", "huh"). "yeah but…" or "no" are not backchannels: they claim the turn.
 */
import { FullduplexError } from '../../errors.js';
import { BACKCHANNELS, BACKCHANNEL_MISRECOGNITIONS } from './lexicon.js';
import { matchesAt, normalizeTranscript, phrases } from './text.js';

export interface BackchannelOptions {
  /** Backchannel words and phrases (normalized like transcripts; multi-word entries match as phrases). */
  readonly backchannels: readonly string[];
  /** Recognizer outputs for hums and grunts that count as backchannels too; [] to be strict. */
  readonly misrecognitions: readonly string[];
  /** Longer texts are never backchannels ("oh okay i see" is 4), words. */
  readonly maxWords: number;
}

export const defaultBackchannelOptions: BackchannelOptions = {
  backchannels: BACKCHANNELS,
  misrecognitions: BACKCHANNEL_MISRECOGNITIONS,
  maxWords: 4,
};

/** Phrase lists by first word, compiled once per options object. */
type Compiled = { readonly byFirst: ReadonlyMap<string, readonly string[][]>; readonly maxWords: number };

const cache = new WeakMap<BackchannelOptions, Compiled>();

function compile(o: BackchannelOptions): Compiled {
  let c = cache.get(o);
  if (c) return c;
  if (!(Number.isInteger(o.maxWords) && o.maxWords >= 1)) {
    throw new FullduplexError('BAD_ARGUMENT', 'backchannel: maxWords must be a positive integer');
  }
  const byFirst = new Map<string, string[][]>();
  for (const p of phrases([...o.backchannels, ...o.misrecognitions])) {
    const list = byFirst.get(p[0]!) ?? [];
    list.push(p);
    byFirst.set(p[0]!, list);
  }
  c = { byFirst, maxWords: o.maxWords };
  cache.set(o, c);
  return c;
}

/**
 * True when the whole text is a backchannel. Options are compiled once per options object, so pass
 * the same object each time (or none).
 */
export function isBackchannelText(text: string, options: BackchannelOptions = defaultBackchannelOptions): boolean {
  const tokens = normalizeTranscript(text);
  return isBackchannelTokens(tokens, options);
}

export function isBackchannelTokens(tokens: readonly string[], options: BackchannelOptions = defaultBackchannelOptions): boolean {
  const c = compile(options);
  const n = tokens.length;
  if (n === 0 || n > c.maxWords) return false;
  // reach[i]: the first i tokens split into backchannel phrases (tiny DP; n <= maxWords).
  const reach: boolean[] = [true];
  for (let i = 0; i < n; i++) {
    if (!reach[i]) continue;
    for (const p of c.byFirst.get(tokens[i]!) ?? []) if (matchesAt(tokens, i, p)) reach[i + p.length] = true;
  }
  return reach[n] === true;
}
