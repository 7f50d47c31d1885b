import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateBackchannel,
  aggregateInterruption,
  aggregatePauseHandling,
  aggregateTurnTaking,
  classifyBackchannelSegment,
  histogram,
  jsDistance,
  referenceBackchannelTimes,
  resampleDistribution,
  scoreBackchannel,
  scoreInterruption,
  scorePauseHandling,
  scoreTurnTaking,
  stopLatency,
  type BackchannelResult,
} from '../bench/metrics/fdb-v1.js';
import type { Word } from '../bench/metrics/types.js';
import { isFullduplexError } from '../src/errors.js';

const close = (a: number | null, b: number, tol = 1e-9): void => {
  assert.ok(a !== null && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
};
const w = (text: string, start: number, end: number): Word => ({ text, start, end });
/** Four words 0.3 s each from t: a 1.2 s takeover. */
const turn = (t: number): Word[] => [0, 1, 2, 3].map((i) => w(`w${i}`, t + 0.3 * i, t + 0.3 * (i + 1)));

test('pause handling: TO over the whole output, TOR = mean', () => {
  assert.equal(scorePauseHandling([]).to, 0);
  assert.equal(scorePauseHandling([w('mm', 3, 3.2)]).to, 0);
  assert.equal(scorePauseHandling(turn(7)).to, 1);
  assert.deepEqual(aggregatePauseHandling([{ to: 1 }, { to: 0 }, { to: 0 }, { to: 0 }]), { n: 4, tor: 0.25 });
});

test('turn-taking: latency = first word start − turn end', () => {
  const r = scoreTurnTaking(turn(5.3), 5.0);
  assert.equal(r.to, 1);
  close(r.latencyS, 0.3);
});

test('turn-taking: negative latency is clipped to 0, raw kept', () => {
  const r = scoreTurnTaking(turn(4.8), 5.0);
  assert.equal(r.latencyS, 0);
  close(r.rawLatencyS, -0.2);
});

test('turn-taking: no takeover → no latency', () => {
  assert.deepEqual(scoreTurnTaking([w('ok', 10, 10.3)], 5), { to: 0, latencyS: null, rawLatencyS: null });
});

test('turn-taking: latency averaged only over TO = 1 samples', () => {
  const results = [scoreTurnTaking(turn(5.3), 5), scoreTurnTaking(turn(4.0), 5), scoreTurnTaking(turn(5.6), 5), scoreTurnTaking([w('ok', 10, 10.3)], 5)];
  const s = aggregateTurnTaking(results);
  assert.equal(s.n, 4);
  assert.equal(s.tor, 0.75);
  assert.equal(s.latencyS.n, 3);
  close(s.latencyS.mean, (0.3 + 0 + 0.6) / 3);
  close(s.latencyS.median, 0.3);
});

// Agent talks 3.0–4.4, user interrupts 4.0–5.5, agent answers 5.8–7.0.
const agentBefore = [w('so', 3.0, 3.3), w('the', 3.3, 3.6), w('weather', 3.6, 3.9), w('today', 3.9, 4.1), w('is', 4.1, 4.4)];
const answer = turn(5.8);
const interruption = { start: 4.0, end: 5.5 };

test('interruption: default counts words starting at/after the interruption end', () => {
  const r = scoreInterruption({ outputWords: [...agentBefore, ...answer], interruption, outputSegments: [{ start: 3.0, end: 4.4 }, { start: 5.8, end: 7.0 }] });
  assert.equal(r.to, 1);
  assert.equal(r.responseWords, 4);
  close(r.latencyS, 0.3);
  close(r.stopLatencyS, 0.4);
  assert.equal(r.stopSkipReason, null);
});

test('interruption: a word starting exactly at the interruption end counts', () => {
  const r = scoreInterruption({ outputWords: turn(5.5), interruption });
  assert.equal(r.latencyS, 0);
  assert.equal(r.responseWords, 4);
  assert.equal(r.stopSkipReason, 'no_output_vad');
});

test('interruption: other word windows (start, all) clip the negative latency to 0', () => {
  const all = [...agentBefore, ...answer];
  const fromStart = scoreInterruption({ outputWords: all, interruption }, { wordsFrom: 'interruptionStart' });
  assert.equal(fromStart.responseWords, 5); // "is" at 4.1 + the answer
  assert.equal(fromStart.latencyS, 0);
  close(fromStart.rawLatencyS, 4.1 - 5.5);
  assert.equal(scoreInterruption({ outputWords: all, interruption }, { wordsFrom: 'all' }).responseWords, 9);
});

test('interruption: no answer after the user → TO 0, no latency', () => {
  const r = scoreInterruption({ outputWords: agentBefore, interruption, outputSegments: [{ start: 3.0, end: 4.4 }] });
  assert.equal(r.to, 0);
  assert.equal(r.latencyS, null);
  close(r.stopLatencyS, 0.4);
});

test('stop latency: gaps ≤ 0.5 s are bridged; not speaking → skipped', () => {
  close(stopLatency([{ start: 3, end: 3.9 }, { start: 4.3, end: 4.6 }], 4.0).stopLatencyS, 0.6);
  close(stopLatency([{ start: 3, end: 4.1 }, { start: 4.7, end: 5 }], 4.0).stopLatencyS, 0.1);
  assert.deepEqual(stopLatency([{ start: 5.8, end: 7 }], 4.0), { stopLatencyS: null, stopSkipReason: 'agent_not_speaking_at_interruption' });
});

test('interruption aggregate: latency over TO = 1, stop latency over measurable samples', () => {
  const a = scoreInterruption({ outputWords: answer, interruption, outputSegments: [{ start: 3, end: 4.1 }] }); // lat 0.3, stop 0.1
  const b = scoreInterruption({ outputWords: turn(6.0), interruption, outputSegments: [] }); // lat 0.5, stop skipped
  const c = scoreInterruption({ outputWords: [], interruption, outputSegments: [{ start: 3, end: 4.3 }] }); // TO 0, stop 0.3
  const s = aggregateInterruption([a, b, c]);
  close(s.tor, 2 / 3);
  close(s.latencyS.mean, 0.4);
  close(s.stopLatencyS.mean, 0.2);
  assert.equal(s.stopSkipped, 1);
});

test('backchannel segment rules', () => {
  const seg = { start: 1, end: 1.5 };
  const inSeg = (n: number): Word[] => Array.from({ length: n }, (_, i) => w(`x${i}`, 1 + i * 0.1, 1.05 + i * 0.1));
  assert.equal(classifyBackchannelSegment({ start: 0, end: 3.5 }, []).reason, 'long_segment');
  assert.equal(classifyBackchannelSegment({ start: 0, end: 3.0 }, []).reason, 'not_backchannel'); // not > 3 s, but ≥ 1 s
  assert.equal(classifyBackchannelSegment(seg, inSeg(4)).reason, 'many_words');
  assert.equal(classifyBackchannelSegment(seg, inSeg(3)).reason, 'not_backchannel');
  const bc = classifyBackchannelSegment(seg, [...inSeg(2), w('outside', 2, 2.3)]);
  assert.deepEqual([bc.to, bc.words, bc.reason], [0, 2, 'backchannel']);
  assert.equal(classifyBackchannelSegment({ start: 1, end: 1.4 }, []).reason, 'backchannel');
  assert.equal(classifyBackchannelSegment({ start: 1, end: 2.0 }, [w('mm', 1.2, 1.5)]).reason, 'not_backchannel'); // exactly 1 s
  // A word straddling the segment start overlaps it.
  assert.equal(classifyBackchannelSegment(seg, [w('a', 0.8, 1.1)]).words, 1);
});

test('jsDistance: identical 0, disjoint sqrt(ln 2), hand-computed middle case', () => {
  assert.equal(jsDistance([0.2, 0.3, 0.5], [0.2, 0.3, 0.5]), 0);
  close(jsDistance([1, 0], [0, 1]), Math.sqrt(Math.LN2));
  // p = [.5,.5], q = [1,0], m = [.75,.25]: JS = 0.75·ln(4/3).
  close(jsDistance([2, 2], [3, 0]), Math.sqrt(0.75 * Math.log(4 / 3)));
  assert.throws(() => jsDistance([1], [0.5, 0.5]), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => jsDistance([0, 0], [1, 0]), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

test('histogram: 0.2 s bins, int(d/0.2)+1 bins, epsilon, segments fill bins (upstream eval_backchannel.py binning)', () => {
  const h = histogram([0.1, 0.5], 1.0);
  assert.equal(h.length, 6);
  close(h[0]!, 0.5, 1e-9);
  close(h[2]!, 0.5, 1e-9);
  assert.ok(h[1]! > 0 && h[1]! < 1e-9);
  close(histogram([0.6], 1.0)[2]!, 1, 1e-9); // int(0.6 / 0.2) = int(2.9999999999999996) = 2, as upstream
  const s = histogram([{ start: 0.3, end: 0.7 }], 1.0);
  for (const i of [1, 2, 3]) close(s[i]!, 1 / 3, 1e-9);
  for (const v of histogram([5], 1.0)) close(v, 1 / 6, 1e-9); // past the end → dropped, as upstream
  for (const v of histogram([], 1.0)) close(v, 1 / 6, 1e-12);
});

test('resampleDistribution interpolates linearly and renormalises', () => {
  const r = resampleDistribution([1, 3], 3);
  [1 / 6, 2 / 6, 3 / 6].forEach((v, i) => close(r[i]!, v));
});

test('referenceBackchannelTimes: phrase ends after ≥ 0.2 s pauses (and the last) + 0.14 s', () => {
  const user = [{ start: 0, end: 1.0 }, { start: 1.1, end: 2.0 }, { start: 2.5, end: 4.0 }];
  const t = referenceBackchannelTimes(user);
  assert.equal(t.length, 2);
  close(t[0]!, 2.14);
  close(t[1]!, 4.14);
  assert.equal(referenceBackchannelTimes(user, { durationS: 4.1 }).length, 1);
  close(referenceBackchannelTimes([{ start: 0, end: 1 }, { start: 1.2, end: 2 }])[0]!, 1.14); // a pause of exactly 0.2 s counts
  const extra = referenceBackchannelTimes(user, { extraBoundariesS: [3.0] });
  close(extra[1]!, 3.14);
});

test('backchannel sample: two backchannels matching the reference → JSD 0', () => {
  const r = scoreBackchannel({
    outputSegments: [{ start: 6.0, end: 6.5 }, { start: 2.0, end: 2.4 }],
    outputWords: [w('yeah', 2.05, 2.3), w('uh', 6.0, 6.2), w('huh', 6.2, 6.4)],
    outputDurationS: 10,
    reference: [2.0, 6.0],
  });
  assert.equal(r.to, 0);
  assert.equal(r.backchannels.length, 2);
  close(r.frequencyHz, 0.2);
  assert.equal(r.jsd, 0);
});

test('backchannel sample: no backchannel → JSD 1 and frequency 0', () => {
  const r = scoreBackchannel({ outputSegments: [], outputWords: [], outputDurationS: 10, reference: [2] });
  assert.deepEqual([r.to, r.jsd, r.frequencyHz], [0, 1, 0]);
});

test('backchannel sample: a > 3 s segment is a takeover; "any" vs "upstream" aggregation', () => {
  const input = {
    outputSegments: [{ start: 1, end: 1.3 }, { start: 3, end: 4.5 }, { start: 6, end: 6.3 }],
    outputWords: [w('so', 3.1, 3.3), w('yes', 3.5, 3.8)],
    outputDurationS: 8,
    reference: [1, 6],
  };
  const any = scoreBackchannel(input);
  assert.equal(any.to, 1);
  assert.equal(any.backchannels.length, 2);
  assert.equal(any.jsd, 0);
  const up = scoreBackchannel(input, { aggregation: 'upstream' });
  assert.equal(up.to, 0); // the last segment's verdict
  assert.equal(up.backchannels.length, 3); // upstream counts every segment of at most 3 s
  close(up.frequencyHz, 3 / 8);
  const longInput = { ...input, outputSegments: [{ start: 1, end: 1.3 }, { start: 2, end: 5.5 }, { start: 6, end: 6.3 }] };
  const longAny = scoreBackchannel(longInput);
  assert.equal(longAny.to, 1);
  assert.equal(longAny.segments[1]!.reason, 'long_segment');
  const long = scoreBackchannel(longInput, { aggregation: 'upstream' });
  assert.equal(long.to, 1);
  assert.equal(long.backchannels.length, 1); // scan stopped at the long segment
});

test('backchannel sample: disjoint timing approaches sqrt(ln 2); interval mode bins the occupancy', () => {
  const base = { outputSegments: [{ start: 1, end: 1.5 }], outputWords: [], outputDurationS: 4 };
  close(scoreBackchannel({ ...base, reference: [3] }).jsd, Math.sqrt(Math.LN2), 1e-4);
  assert.equal(scoreBackchannel({ ...base, reference: [{ start: 1, end: 1.5 }] }, { events: 'interval' }).jsd, 0);
});

test('backchannel aggregate: means over all samples', () => {
  const mk = (to: 0 | 1, jsd: number, f: number): BackchannelResult => ({ to, jsd, frequencyHz: f, backchannels: [], segments: [] });
  const s = aggregateBackchannel([mk(0, 0, 0.2), mk(1, 1, 0)]);
  assert.deepEqual([s.n, s.tor, s.jsd.mean, s.frequencyHz.mean], [2, 0.5, 0.5, 0.1]);
});
