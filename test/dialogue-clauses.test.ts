import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClauseSplitter, clausesOf } from '../src/dialogue/clauses.js';
import { isFullduplexError } from '../src/errors.js';

/** Feeds `text` in pieces of `size` characters and returns every clause, flush included. */
function split(text: string, size = 1, opts: ConstructorParameters<typeof ClauseSplitter>[0] = {}): string[] {
  const s = new ClauseSplitter(opts);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)));
  out.push(...s.flush());
  return out;
}

/** The same text must split the same way however the deltas are cut. */
function splitAllWays(text: string, opts: ConstructorParameters<typeof ClauseSplitter>[0] = {}): string[] {
  const whole = split(text, text.length, opts);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(split(text, size, opts), whole, `piece size ${size}`);
  return whole;
}

describe('ClauseSplitter', () => {
  it('splits sentences at . ? ! and keeps the punctuation', () => {
    assert.deepEqual(splitAllWays('Hello there. How are you? I am fine! Good.'), ['Hello there.', 'How are you?', 'I am fine!', 'Good.']);
  });

  it('splits at ; and :', () => {
    assert.deepEqual(splitAllWays('Note: this works; really.'), ['Note:', 'this works;', 'really.']);
  });

  it('emits a clause as soon as the space after its full stop arrives', () => {
    const s = new ClauseSplitter();
    assert.deepEqual(s.push('Hello there.'), [], 'a trailing dot could still be "3.5" or "e.g."');
    assert.deepEqual(s.push(' How'), ['Hello there.']);
    assert.deepEqual(s.push(' are you'), []);
    assert.deepEqual(s.flush(), ['How are you']);
  });

  it('never splits inside numbers', () => {
    assert.deepEqual(splitAllWays('It costs 3.5 dollars. Okay.'), ['It costs 3.5 dollars.', 'Okay.']);
    assert.deepEqual(splitAllWays('We meet at 10:30 today. Fine.'), ['We meet at 10:30 today.', 'Fine.']);
    assert.deepEqual(splitAllWays('We have 1,000 hours of audio, and even more.', { minCommaWords: 3 }), [
      'We have 1,000 hours of audio,',
      'and even more.',
    ]);
    assert.deepEqual(splitAllWays('Version 2.5.1 is out. Yes.'), ['Version 2.5.1 is out.', 'Yes.']);
  });

  it('never splits after abbreviations or initials', () => {
    assert.deepEqual(splitAllWays('Use a codec, e.g. Mimi. Then speak.'), ['Use a codec, e.g. Mimi.', 'Then speak.']);
    assert.deepEqual(splitAllWays('Dr. Smith arrived. He sat down.'), ['Dr. Smith arrived.', 'He sat down.']);
    assert.deepEqual(splitAllWays('That is, i.e. the same. Right.'), ['That is, i.e. the same.', 'Right.']);
    assert.deepEqual(splitAllWays('Ask J. R. Tolkien. Now.'), ['Ask J. R. Tolkien.', 'Now.']);
    assert.deepEqual(splitAllWays('The U.S. team won. Great.'), ['The U.S. team won.', 'Great.']);
    assert.deepEqual(splitAllWays('Apples etc. and pears. Done.'), ['Apples etc. and pears.', 'Done.']);
  });

  it('treats ambiguous abbreviations by what follows', () => {
    assert.deepEqual(splitAllWays('I like fruit, bread etc. Then I sleep.'), ['I like fruit, bread etc.', 'Then I sleep.']);
    assert.deepEqual(splitAllWays('No. 5 is good. No. I disagree.'), ['No. 5 is good.', 'No.', 'I disagree.']);
  });

  it('splits at commas only once the clause has enough words', () => {
    assert.deepEqual(splitAllWays('One two three four five, six seven. Eight, nine.'), ['One two three four five,', 'six seven.', 'Eight, nine.']);
    assert.deepEqual(splitAllWays('Well, yes, I think so.', { minCommaWords: 1 }), ['Well,', 'yes,', 'I think so.']);
  });

  it('keeps closing quotes, brackets and runs of marks with their clause', () => {
    assert.deepEqual(splitAllWays('He said "stop." Then he left.'), ['He said "stop."', 'Then he left.']);
    assert.deepEqual(splitAllWays('Really?! Yes (truly.) Fine.'), ['Really?!', 'Yes (truly.)', 'Fine.']);
    assert.deepEqual(splitAllWays('Well... okay then.'), ['Well...', 'okay then.']);
  });

  it('splits at newlines and drops punctuation-only fragments', () => {
    assert.deepEqual(splitAllWays('First line\nSecond line\n\n- - -\nThird.'), ['First line', 'Second line', 'Third.']);
  });

  it('flushes an unterminated tail, and a trailing dot at the end counts as an end', () => {
    assert.deepEqual(splitAllWays('no punctuation at all'), ['no punctuation at all']);
    assert.deepEqual(splitAllWays('Ends with an abbreviation like etc.'), ['Ends with an abbreviation like etc.']);
    assert.deepEqual(split('   '), []);
  });

  it('cuts a run-on clause after maxWords words', () => {
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`);
    const out = splitAllWays(words.join(' '), { maxWords: 10 });
    assert.deepEqual(out, [words.slice(0, 10).join(' '), words.slice(10, 20).join(' '), words.slice(20).join(' ')]);
  });

  it('rejects bad options with BAD_ARGUMENT', () => {
    assert.throws(() => new ClauseSplitter({ minCommaWords: 0 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
    assert.throws(() => new ClauseSplitter({ maxWords: -1 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  });

  it('reset() drops buffered text', () => {
    const s = new ClauseSplitter();
    s.push('Half a sent');
    s.reset();
    assert.deepEqual(s.push('New. '), ['New.']);
    assert.deepEqual(s.flush(), []);
  });
});

describe('clausesOf', () => {
  async function* deltas(parts: readonly string[], log?: string[]): AsyncGenerator<string> {
    try {
      for (const p of parts) {
        await new Promise((r) => setImmediate(r));
        yield p;
      }
    } finally {
      log?.push('source closed');
    }
  }

  it('re-chunks an async stream of deltas into clauses', async () => {
    const out: string[] = [];
    for await (const c of clausesOf(deltas(['Hel', 'lo. It is 3', '.5 degrees', ', e.g', '. warm. Bye']))) out.push(c);
    assert.deepEqual(out, ['Hello.', 'It is 3.5 degrees, e.g. warm.', 'Bye']);
  });

  it('yields the first clause before the source has finished', async () => {
    const log: string[] = [];
    const it = clausesOf(deltas(['First clause. ', 'Second ', 'clause.'], log))[Symbol.asyncIterator]();
    const first = await it.next();
    assert.equal(first.value, 'First clause.');
    assert.deepEqual(log, [], 'source still open');
    await it.return?.();
    assert.deepEqual(log, ['source closed'], 'stopping the clause stream closes the source');
  });

  it('passes options through', async () => {
    const out: string[] = [];
    for await (const c of clausesOf(deltas(['a, b, c.']), { minCommaWords: 1 })) out.push(c);
    assert.deepEqual(out, ['a,', 'b,', 'c.']);
  });
});
