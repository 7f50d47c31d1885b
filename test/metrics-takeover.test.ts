import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTakeover, takeoverRate, TAKEOVER } from '../bench/metrics/takeover.js';
import type { Word } from '../bench/metrics/types.js';
import { isFullduplexError } from '../src/errors.js';

/** n words evenly filling [start, end]. */
function words(n: number, start: number, end: number): Word[] {
  const step = (end - start) / n;
  return Array.from({ length: n }, (_, i) => ({ text: `w${i}`, start: start + i * step, end: start + (i + 1) * step }));
}

test('constants are the upstream thresholds', () => {
  assert.deepEqual(TAKEOVER, { turnDurationThresholdS: 1, turnNumWordsThreshold: 3 });
});

test('no words is no takeover', () => {
  assert.equal(isTakeover([]), 0);
});

test('span 0.9 s with 3 words is not a takeover; with 4 words it is', () => {
  assert.equal(isTakeover(words(3, 2.0, 2.9)), 0);
  assert.equal(isTakeover(words(4, 2.0, 2.9)), 1);
});

test('a single short word is not a takeover', () => {
  assert.equal(isTakeover([{ text: 'yeah', start: 4, end: 4.3 }]), 0);
});

test('span of exactly 1.0 s is a takeover ("under 1 s" is the exemption), even with 2 words', () => {
  assert.equal(isTakeover([{ text: 'a', start: 0.1, end: 0.4 }, { text: 'b', start: 0.8, end: 1.1 }]), 1);
  // 2.3 − 1.3 is 0.9999999999999998 in floating point: under 1 s, as upstream's plain
  // `duration < turn_duration_threshold` (eval_smooth_turn_taking.py) sees it, so 2 words are no takeover.
  assert.equal(isTakeover([{ text: 'a', start: 1.3, end: 1.5 }, { text: 'b', start: 2.0, end: 2.3 }]), 0);
  // One long word spanning 1.2 s.
  assert.equal(isTakeover([{ text: 'hmmmmm', start: 0, end: 1.2 }]), 1);
});

test('word order does not matter', () => {
  const w = words(3, 0, 0.9).reverse();
  assert.equal(isTakeover(w), 0);
  assert.equal(isTakeover([{ text: 'b', start: 1.5, end: 1.8 }, { text: 'a', start: 0, end: 0.2 }]), 1);
});

test('takeoverRate is the mean TO over samples, from words or values', () => {
  assert.equal(takeoverRate([[], words(4, 0, 2), 1, 0]), 0.5);
  assert.equal(takeoverRate([words(3, 0, 0.5)]), 0);
  assert.equal(takeoverRate([]), null);
});

test('bad input throws BAD_ARGUMENT', () => {
  assert.throws(() => isTakeover([{ text: 'x', start: Number.NaN, end: 1 }]), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => isTakeover([{ text: 'x', start: 2, end: 1 }]), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => takeoverRate([2]), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});
