// Hand-made timelines whose answers are worked out here from upstream Full-Duplex-Bench's
// definitions (DanielLin94144/Full-Duplex-Bench, v1_v1.5/evaluation and get_transcript); each test
// names the upstream file and function it follows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreBackchannel, scoreInterruption, scoreTurnTaking } from '../bench/metrics/fdb-v1.js';
import { aggregateV15, responseLatencies, type V15EventResult } from '../bench/metrics/fdb-v15.js';
import { getTiming, pairLengths } from '../bench/metrics/get-timing.js';
import { pythonRound, type Word } from '../bench/metrics/types.js';
import { returnSeconds } from '../bench/runner/speech-timestamps.js';
import { writeOutputWords } from '../bench/runner/sample-io.js';
import type { SampleScore } from '../bench/runner/score-sample.js';

const w = (text: string, start: number, end: number): Word => ({ text, start, end });
const close = (a: number | null | undefined, b: number, eps = 1e-9) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < eps, `${a} ≠ ${b}`);

test("pythonRound is Python's round: correctly rounded on the binary value, exact ties to even", () => {
  // Python: round(0.25, 1) = 0.2 and round(1.25, 1) = 1.2 (exact ties, to even); round(0.75, 1) = 0.8;
  // 0.35 is 0.34999… in binary → 0.3; 2.675 → 2.67; round(2.5) = 2, round(3.5) = 4.
  const cases: [number, number, number][] = [
    [0.25, 1, 0.2], [1.25, 1, 1.2], [0.75, 1, 0.8], [0.35, 1, 0.3], [0.05, 1, 0.1],
    [2.675, 2, 2.67], [0.0625, 3, 0.062], [2.5, 0, 2], [3.5, 0, 4], [1.2500000000000002, 1, 1.3],
  ];
  for (const [x, d, want] of cases) assert.equal(pythonRound(x, d), want, `round(${x}, ${d})`);
});

test('segment times as Silero return_seconds=True gives them (eval_backchannel.py → get_speech_timestamps)', () => {
  // Samples 20000 and 36000 at 16 kHz are 1.25 s and 2.25 s: exact ties, rounded to even → 1.2, 2.2.
  assert.deepEqual(returnSeconds([{ start: 20000 / 16000, end: 36000 / 16000 }], 10), [{ start: 1.2, end: 2.2 }]);
  // An end that rounds past the audio is clipped to the audio's length.
  assert.deepEqual(returnSeconds([{ start: 1, end: 2.26 }], 2.26), [{ start: 1, end: 2.26 }]);
});

test('a span of 0.9999999999999998 s is under 1 s, as the plain float test upstream makes (eval_smooth_turn_taking.py)', () => {
  // 2.3 − 1.3 = 0.9999999999999998 < 1 with 2 ≤ 3 words: no takeover, so no latency either.
  const r = scoreTurnTaking([w('oh', 1.3, 1.5), w('yes', 2.0, 2.3)], 1.0);
  assert.deepEqual([r.to, r.latencyS], [0, null]);
});

test("backchannel TOR is the last segment's verdict and every segment ≤ 3 s counts (eval_backchannel.py, eval_backchannel)", () => {
  // 10 s clip: [1.0, 1.4] silent "mm" (backchannel), [3.0, 4.5] 1.5 s with 2 words (not a
  // backchannel: TO = 1), [6.0, 6.5] one word (backchannel). Upstream overwrites TOR per segment,
  // so the last one's 0 stands, and appends all three segments: frequency 3 / 10 = 0.3.
  const input = {
    outputSegments: [{ start: 1.0, end: 1.4 }, { start: 3.0, end: 4.5 }, { start: 6.0, end: 6.5 }],
    outputWords: [w('so', 3.1, 3.4), w('right', 3.6, 4.2), w('yeah', 6.1, 6.4)],
    outputDurationS: 10,
    reference: [{ start: 1, end: 1.4 }],
  };
  const up = scoreBackchannel(input, { aggregation: 'upstream' });
  assert.equal(up.to, 0);
  close(up.frequencyHz, 0.3);
  // The bench's own reading: any takeover segment makes the sample a takeover; only 2 backchannels.
  const own = scoreBackchannel(input, { aggregation: 'any' });
  assert.equal(own.to, 1);
  close(own.frequencyHz, 0.2);
  // A > 3 s segment sets TOR = 1 and ends the scan: it and what follows are not counted.
  const long = scoreBackchannel({ ...input, outputSegments: [{ start: 1, end: 1.4 }, { start: 2, end: 5.5 }, { start: 6, end: 6.5 }] }, { aggregation: 'upstream' });
  assert.equal(long.to, 1);
  close(long.frequencyHz, 0.1);
  // A 2.3 − 1.3 = 0.9999999999999998 s segment with 2 words is under 1 s: a backchannel.
  const edge = scoreBackchannel({ ...input, outputSegments: [{ start: 1.3, end: 2.3 }], outputWords: [w('uh', 1.4, 1.6), w('huh', 1.7, 2.1)] }, { aggregation: 'upstream' });
  assert.equal(edge.to, 0);
  // A word starting exactly at the segment's end counts for it (upstream's `t_start <= end_time and t_end > end_time`).
  const atEnd = scoreBackchannel({ ...input, outputSegments: [{ start: 0.2, end: 0.8 }], outputWords: [w('a', 0.3, 0.4), w('b', 0.5, 0.6), w('c', 0.8, 0.9)] }, { aggregation: 'upstream' });
  assert.deepEqual([atEnd.segments[0]!.words, atEnd.to], [3, 1]);
});

test('a time on a bin edge goes where int(t / 0.2) puts it (eval_backchannel.py time_intervals)', () => {
  // 1.0 s clip → int(1.0 / 0.2) + 1 = 6 bins. A listener reference entirely in bin 2.
  const referenceDistribution = [0, 0, 1, 0, 0, 0];
  // A backchannel at [0.6, 0.6]: int(0.6 / 0.2) = int(2.9999999999999996) = 2 → same bin: JSD ≈ 0
  // (only the 1e-10 epsilon in the other bins separates them). Bin 3 would give sqrt(ln 2) ≈ 0.833.
  const point = scoreBackchannel({ outputSegments: [{ start: 0.6, end: 0.6 }], outputWords: [], outputDurationS: 1, referenceDistribution }, { aggregation: 'upstream' });
  assert.ok(point.jsd < 1e-4, `${point.jsd}`);
  // [0.6, 0.7] fills bins int(0.6/0.2) = 2 … int(0.7/0.2) = int(3.4999999999999996) = 3: p = [0,0,½,½,0,0].
  // Against q = bin 3 alone: m = [0,0,¼,¾,0,0]; JS = ½(½ ln 2 + ½ ln ⅔) + ½ ln(4/3); distance = √JS.
  const span = scoreBackchannel({ outputSegments: [{ start: 0.6, end: 0.7 }], outputWords: [], outputDurationS: 1, referenceDistribution: [0, 0, 0, 1, 0, 0] }, { aggregation: 'upstream' });
  close(span.jsd, Math.sqrt(0.25 * Math.LN2 + 0.25 * Math.log(2 / 3) + 0.5 * Math.log(4 / 3)), 1e-6);
  // A reference of another length is resampled linearly to the output's bins (interp1d): [1, 3] → [1, 2, 3].
  const resampled = scoreBackchannel({ outputSegments: [{ start: 0.2, end: 0.2 }], outputWords: [], outputDurationS: 0.4, referenceDistribution: [1, 3] }, { aggregation: 'upstream' });
  // p ≈ [0, 1, 0], q = [1, 2, 3] / 6, m = [1/12, 7/12, 3/12]: JS = ½ ln(12/7) + ½(⅙ ln 2 + ⅓ ln(24/14) + ½ ln 2).
  const q = [1 / 6, 2 / 6, 3 / 6];
  const m = [q[0]! / 2, (1 + q[1]!) / 2, q[2]! / 2];
  const js = 0.5 * Math.log(1 / m[1]!) + 0.5 * q.reduce((acc, qi, i) => acc + qi * Math.log(qi / m[i]!), 0);
  close(resampled.jsd, Math.sqrt(js), 1e-6);
});

test('interruption: output.json holds the words from the interruption end on, as get_transcript/asr.py writes it', async () => {
  // Interruption [2, 3]. The agent's words before 3 s are not in upstream's output.json; a word
  // starting exactly at 3 s is. Upstream's eval_user_interruption.py then applies the TO rule and
  // latency = first chunk start − 3 to that file as it stands.
  const interruption = { start: 2, end: 3 };
  const all = [w('so', 1.0, 1.2), w('the', 2.5, 2.7), w('sure', 3.0, 3.3), w('what', 3.4, 3.6), w('else', 3.7, 4.2)];
  const dir = await mkdtemp(join(tmpdir(), 'fdx-upstream-'));
  try {
    const score = { category: 'user_interruption', annotations: { interruption }, outputWords: all } as unknown as SampleScore;
    await writeOutputWords(dir, score, 'test-asr');
    const written = JSON.parse(await readFile(join(dir, 'output.json'), 'utf8')) as { text: string; chunks: { text: string; timestamp: [number, number] }[] };
    assert.equal(written.text, 'sure what else');
    const full = JSON.parse(await readFile(join(dir, 'output_full.json'), 'utf8')) as { chunks: unknown[] };
    assert.equal(full.chunks.length, 5);
    // Upstream on the file: span 4.2 − 3.0 = 1.2 ≥ 1 → TO = 1; latency = 3.0 − 3 = 0.
    const fromFile = scoreInterruption({ outputWords: written.chunks.map((c) => w(c.text, c.timestamp[0], c.timestamp[1])), interruption }, { wordsFrom: 'all' });
    const bench = scoreInterruption({ outputWords: all, interruption });
    assert.deepEqual([bench.to, bench.latencyS, bench.responseWords], [fromFile.to, fromFile.latencyS, fromFile.responseWords]);
    assert.deepEqual([bench.to, bench.latencyS], [1, 0]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('get_timing.py response pairs: strictly later model start, one user end per model start (response_gaps)', () => {
  // User [0, 1] and [1.8, 2.5] (0.8 s apart: not merged at 0.6 s); model [1.0, 1.5] and [3.0, 4.0].
  // The model's 1.0 s start is not strictly after the 1.0 s user end, so both user ends pair with 3.0;
  // upstream keeps the later user end: one pair [2.5, 3.0].
  const user = [{ start: 0, end: 1 }, { start: 1.8, end: 2.5 }];
  const model = [{ start: 1.0, end: 1.5 }, { start: 3.0, end: 4.0 }];
  const t = getTiming(user, model);
  assert.deepEqual(t.response, [[2.5, 3.0]]);
  assert.deepEqual(t.stop, []); // [0,1] and [1,1.5] touch, with no positive overlap
  // The bench's own pairing (≥, every user end) differs: two latencies, 0 and 0.5.
  assert.deepEqual(responseLatencies(user, model).map((r) => r.latencyS), [0, 0.5]);
  // Pairs are Python-rounded to 1 ms: 17000 / 16000 = 1.0625 → 1.062 (tie to even).
  assert.deepEqual(getTiming([{ start: 0, end: 17000 / 16000 }], [{ start: 1.5, end: 2 }]).response, [[1.062, 1.5]]);
});

test('get_timing.py stop pairs: every positive overlap of merged user and model speech (overlaps)', () => {
  // User [2, 4]; model [0, 2.5] and [3.01, 3.2] (0.51 s apart: not merged at 0.5 s) → two overlaps.
  const split = getTiming([{ start: 2, end: 4 }], [{ start: 0, end: 2.5 }, { start: 3.01, end: 3.2 }]);
  assert.deepEqual(split.stop, [[2, 2.5], [3.01, 3.2]]);
  pairLengths(split.stop).forEach((l, i) => close(l, [0.5, 0.19][i]!));
  // 0.5 s apart is merged (`s - pe <= gap_thr`): one model run [0, 3.2], one overlap [2, 3.2].
  assert.deepEqual(getTiming([{ start: 2, end: 4 }], [{ start: 0, end: 2.5 }, { start: 3.0, end: 3.2 }]).stop, [[2, 3.2]]);
});

test('v1.5 summaries report get_timing.py latencies pooled over every pair, beside the bench\'s own', () => {
  const base: Omit<V15EventResult, 'timing'> = {
    label: 'RESPOND', reason: 'new_speech', speakingAtStart: true, stopped: true, stopLatencyS: 0.2, newSpeechStartS: 5, responseLatencyS: 0.4,
  };
  const s = aggregateV15('user_interruption', [
    { ...base, timing: { stop: [[1, 1.5], [2, 2.1]], response: [[3, 3.3]] } },
    { ...base, timing: { stop: [[4, 4.3]], response: [] } },
  ]);
  close(s.getTiming!.stopLatencyS.mean, (0.5 + 0.1 + 0.3) / 3);
  close(s.getTiming!.responseLatencyS.mean, 0.3);
  close(s.stopLatencyS.mean, 0.2); // the bench's own, at the event
});
