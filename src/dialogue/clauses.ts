/**
 * Turns a stream of text deltas into speakable clauses as early as possible, so TTS can start
 * speaking the first clause while the dialogue model is still writing the rest of the reply.
 */
import { FullduplexError } from '../errors.js';

export interface ClauseSplitterOptions {
  /** A comma (or dash) ends a clause only once the clause has at least this many words. */
  readonly minCommaWords: number;
  /**
   * A clause with no punctuation is cut at a word boundary after this many words, so a run-on
   * reply cannot hold back speech indefinitely. 0 disables the cut.
   */
  readonly maxWords: number;
  /**
   * Lower-case words (without the final dot) that end with a dot but do not end a sentence.
   * Single letters (initials) and dotted forms like "e.g." / "U.S." are always treated this way.
   */
  readonly abbreviations: readonly string[];
}

export const CLAUSE_DEFAULTS: ClauseSplitterOptions = {
  minCommaWords: 5,
  maxWords: 40,
  abbreviations: [
    'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'sr', 'jr', 'vs', 'etc', 'inc', 'ltd', 'co', 'corp',
    'approx', 'fig', 'no', 'vol', 'dept', 'est', 'mt', 'gen', 'col', 'lt', 'sgt', 'rev', 'ave',
    'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'cf', 'al',
  ],
};

/** Abbreviations that may also end a sentence: they end it when the next word is capitalised. */
const MAYBE_FINAL = new Set(['etc', 'inc', 'ltd', 'co', 'corp', 'al']);
/** Abbreviations that are only abbreviations before a number ("No. 5", but "No. I won't."). */
const BEFORE_NUMBER = new Set(['no', 'vol', 'fig']);
/** Characters that stay with the clause they close: quotes and brackets after the punctuation. */
const CLOSERS = new Set(['"', "'", ')', ']', '}', '\u201D', '\u2019', '\u00BB']);
const STRONG = new Set(['.', '?', '!', ';', ':', '\u2026']);
const WEAK = new Set([',', '\u2014', '\u2013']);

function wordCount(s: string): number {
  let n = 0;
  for (const w of s.split(/\s+/)) if (/[\p{L}\p{N}]/u.test(w)) n++;
  return n;
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

export class ClauseSplitter {
  private readonly opts: ClauseSplitterOptions;
  private readonly abbreviations: Set<string>;
  private buf = '';
  /** Index in `buf` from which no boundary has been ruled out yet (avoids rescanning). */
  private scanFrom = 0;

  constructor(options: Partial<ClauseSplitterOptions> = {}) {
    this.opts = { ...CLAUSE_DEFAULTS, ...options };
    if (!Number.isInteger(this.opts.minCommaWords) || this.opts.minCommaWords < 1) {
      throw new FullduplexError('BAD_ARGUMENT', `ClauseSplitter: minCommaWords must be an integer >= 1`);
    }
    if (!Number.isInteger(this.opts.maxWords) || this.opts.maxWords < 0) {
      throw new FullduplexError('BAD_ARGUMENT', `ClauseSplitter: maxWords must be an integer >= 0`);
    }
    this.abbreviations = new Set(this.opts.abbreviations.map((a) => a.toLowerCase()));
  }

  /** Adds a delta; returns the clauses it completed (possibly none). */
  push(delta: string): string[] {
    this.buf += delta;
    return this.drain(false);
  }

  /** Ends the stream: returns every remaining clause, including an unterminated tail. */
  flush(): string[] {
    const out = this.drain(true);
    const rest = this.buf.trim();
    this.buf = '';
    this.scanFrom = 0;
    if (/[\p{L}\p{N}]/u.test(rest)) out.push(rest);
    return out;
  }

  /** Drops buffered text (e.g. the reply was cancelled). */
  reset(): void {
    this.buf = '';
    this.scanFrom = 0;
  }

  private drain(final: boolean): string[] {
    const out: string[] = [];
    for (;;) {
      const cut = this.findCut(final);
      if (cut === null) break;
      const clause = this.buf.slice(0, cut).trim();
      this.buf = this.buf.slice(cut).replace(/^\s+/, '');
      this.scanFrom = 0;
      // Punctuation-only fragments ("...", "—") carry nothing to speak.
      if (/[\p{L}\p{N}]/u.test(clause)) out.push(clause);
    }
    return out;
  }

  /** Index just past the first clause in `buf`, or null when more text is needed to decide. */
  private findCut(final: boolean): number | null {
    const b = this.buf;
    for (let i = this.scanFrom; i < b.length; i++) {
      const c = b[i]!;
      // A line break always ends a clause (LLMs break lines between list items); drain() drops
      // fragments with nothing to speak, such as a "---" rule.
      if (c === '\n') return i + 1;
      if (!STRONG.has(c) && !WEAK.has(c)) continue;
      // Let runs ("?!", "...") and closing quotes/brackets stay with the clause they end.
      let end = i + 1;
      while (end < b.length && (STRONG.has(b[end]!) || CLOSERS.has(b[end]!))) end++;
      if (end >= b.length && !final) {
        this.scanFrom = i;
        return this.maxWordsCut(i);
      }
      const next = b[end];
      // "3.5", "10:30", "1,000", "e.g." and "example.com" all have no space after the mark.
      if (next !== undefined && !isSpace(next)) {
        i = end - 1;
        continue;
      }
      if (WEAK.has(c)) {
        if (wordCount(b.slice(0, i)) >= this.opts.minCommaWords) return end;
        i = end - 1;
        continue;
      }
      if (c === '.' && b[i - 1] !== '.') {
        const verdict = this.abbreviationVerdict(b, i, end, final);
        if (verdict === 'wait') {
          this.scanFrom = i;
          return this.maxWordsCut(i);
        }
        if (verdict === 'abbreviation') {
          i = end - 1;
          continue;
        }
      }
      return end;
    }
    this.scanFrom = b.length;
    return this.maxWordsCut(b.length);
  }

  /** Decides whether the dot at `dot` ends a sentence or an abbreviation. */
  private abbreviationVerdict(b: string, dot: number, end: number, final: boolean): 'sentence' | 'abbreviation' | 'wait' {
    let start = dot;
    while (start > 0 && !isSpace(b[start - 1]) && b[start - 1] !== '(' && b[start - 1] !== '"') start--;
    const word = b.slice(start, dot);
    const lower = word.toLowerCase();
    if (!/\p{L}/u.test(word)) return 'sentence';
    const dotted = /^(\p{L}\.)+\p{L}$/u.test(word); // "e.g", "U.S", "i.e"
    const initial = /^\p{Lu}$/u.test(word);
    if (!dotted && !initial && !this.abbreviations.has(lower)) return 'sentence';
    // Look past the space at the next visible character to settle the ambiguous cases.
    let j = end;
    while (j < b.length && isSpace(b[j])) j++;
    if (j >= b.length) return final ? 'sentence' : 'wait';
    const next = b[j]!;
    if (BEFORE_NUMBER.has(lower)) return /\p{N}/u.test(next) ? 'abbreviation' : 'sentence';
    if (MAYBE_FINAL.has(lower)) return /\p{Lu}/u.test(next) ? 'sentence' : 'abbreviation';
    return 'abbreviation';
  }

  /** With no boundary before `limit`, cuts an over-long clause after its `maxWords`-th word. */
  private maxWordsCut(limit: number): number | null {
    const max = this.opts.maxWords;
    if (max === 0) return null;
    const re = /\S+/g;
    let count = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(this.buf)) !== null) {
      const stop = m.index + m[0].length;
      // Only complete words count: the last one may still be growing.
      if (stop >= this.buf.length || stop > limit) return null;
      if (/[\p{L}\p{N}]/u.test(m[0])) count++;
      if (count === max) return stop;
    }
    return null;
  }
}

/** Re-chunks a stream of text deltas into clauses; the tail is flushed when the stream ends. */
export async function* clausesOf(
  deltas: AsyncIterable<string>,
  opts?: Partial<ClauseSplitterOptions>,
): AsyncGenerator<string, void, undefined> {
  const splitter = new ClauseSplitter(opts);
  for await (const delta of deltas) {
    for (const clause of splitter.push(delta)) yield clause;
  }
  for (const clause of splitter.flush()) yield clause;
}
