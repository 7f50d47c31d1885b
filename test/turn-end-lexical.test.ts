import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNative } from '../src/native.js';
import { DEFAULT_SENTENCE_END_MODEL, SentenceEndModel } from '../bench/turn-end/sentence-end.js';

test('sentence end from the recogniser\'s language model: a dangling article or preposition ends a sentence less often than a finished phrase', () => {
  const lm = SentenceEndModel.shared();
  assert.ok(lm, `the model at ${DEFAULT_SENTENCE_END_MODEL} opens (set-up installs pocketsphinx-en-us)`);
  const end = (s: string) => lm.logProbEnd(s)!;
  assert.ok(end('i would like to order a') < end('tell me about it in detail') - 2, `${end('i would like to order a')} vs ${end('tell me about it in detail')}`);
  assert.ok(end('what is the name of the') < end('what is the name of the song'));
  assert.ok(end('and') < end('thank you'));
  // Probabilities, in ln: always ≤ 0; one word reads from the sentence start.
  for (const s of ['hello', 'the four families', 'zzqx blorf']) assert.ok(end(s) <= 0 && Number.isFinite(end(s)), s);
  assert.equal(lm.logProbEnd('  '), null);
  assert.equal(SentenceEndModel.shared(), lm, 'one model per thread');
});

test('the language-model binding refuses bad input with a clear error', () => {
  const n = loadNative();
  assert.throws(() => n.lmOpen('/nonexistent/model.lm.bin'), /could not be read/);
  const h = n.lmOpen(DEFAULT_SENTENCE_END_MODEL);
  assert.throws(() => n.lmLogProb(h, []), /at least one word/);
  assert.throws(() => n.lmLogProb({}, ['a']), /handle/);
  assert.equal(n.lmKnows(h, 'hello'), true);
  assert.equal(n.lmKnows(h, 'zzqxblorf'), false);
  n.lmClose(h);
  assert.throws(() => n.lmLogProb(h, ['a', '</s>']), /closed/);
  assert.equal(SentenceEndModel.shared('/nonexistent/model.lm.bin'), null);
});

test('the oracle study reads the words said before a pause from the script: whole spans before it, and the share of a span it falls inside', async () => {
  const { trueWordsBefore } = await import('../bench/turn-end/oracle-text-study.js');
  const user = [
    { role: 'part' as const, text: 'I went to the store and', start: 0.5, end: 1.7 },
    { role: 'part' as const, text: 'bought some milk.', start: 2.6, end: 4.0 },
  ];
  assert.deepEqual(trueWordsBefore(user, 0.2), []);
  assert.deepEqual(trueWordsBefore(user, 1.72), ['i', 'went', 'to', 'the', 'store', 'and']);
  assert.deepEqual(trueWordsBefore(user, 4.0), ['i', 'went', 'to', 'the', 'store', 'and', 'bought', 'some', 'milk']);
  // 1.43 s is 77 % of the first span's time: "i went to the store" (19 of 24 letters and spaces).
  assert.deepEqual(trueWordsBefore(user, 1.43), ['i', 'went', 'to', 'the', 'store']);
});
