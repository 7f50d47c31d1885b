import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalsCheck, summarize } from '../bench/metrics/aggregate.js';
import { aggregateCutIns, scoreCutIns, userTurnsOf, type CutInResult, type UserTurn } from '../bench/metrics/cut-ins.js';
import type { Segment, Word } from '../bench/metrics/types.js';
import { cutInsSection } from '../bench/report/html-cut-ins.js';
import { CUT_IN_ALL_METRIC, metricRows } from '../bench/report/summary-table.js';
import { verdictOf } from '../bench/report/verdict.js';
import type { SampleScore } from '../bench/runner/score-sample.js';
import type { UserSpan } from '../bench/scenarios/types.js';
import { isFullduplexError } from '../src/errors.js';

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
const span = (role: UserSpan['role'], text: string, start: number, end: number): UserSpan => ({ role, text, start, end });
const seg = (start: number, end: number): Segment => ({ start, end });
const w = (text: string, start: number, end: number): Word => ({ text, start, end });

/** "Tell me about the four families | of full duplex systems", a request, a backchannel, a two-sentence monologue. */
const USER: UserSpan[] = [
  span('part', 'tell me about the four families', 1.0, 2.5),
  span('part', 'of full duplex systems', 2.6, 4.0),
  span('request', 'what time is it', 8.0, 9.0),
  span('backchannel', 'uh huh', 12.0, 12.4),
  span('sentence', 'I went out', 15.0, 17.0),
  span('sentence', 'and it rained', 17.5, 19.0),
];

test('user turns: consecutive parts/sentences join, backchannels are no turn', () => {
  const turns = userTurnsOf({ user: USER });
  assert.deepEqual(
    turns.map((t) => [t.start, t.end]),
    [
      [1.0, 4.0],
      [8.0, 9.0],
      [15.0, 19.0],
    ],
  );
  assert.equal(turns[0]!.text, 'tell me about the four families … of full duplex systems');
  // A backchannel between two parts breaks the chain; two requests in a row stay two turns.
  const broken = userTurnsOf({ user: [span('part', 'a', 0, 1), span('backchannel', 'mm', 1.2, 1.4), span('part', 'b', 2, 3), span('request', 'c', 4, 5), span('request', 'd', 5.5, 6)] });
  assert.deepEqual(broken.map((t) => [t.start, t.end]), [[0, 1], [2, 3], [4, 5], [5.5, 6]]);
});

test('user turns: an eot silence inside a joined group ends the turn there; holds do not', () => {
  const turns = userTurnsOf({
    user: USER.slice(0, 2),
    silences: [
      { kind: 'hold', start: 1.8, end: 1.95 },
      { kind: 'eot', start: 2.5, end: 2.6 },
      { kind: 'eot', start: 4.0, end: 6.0 },
    ],
  });
  assert.deepEqual(turns.map((t) => [t.start, t.end, t.text]), [
    [1.0, 2.5, 'tell me about the four families'],
    [2.6, 4.0, 'of full duplex systems'],
  ]);
});

/** Agent output over USER: one cut-in in the pause of turn 1, a reply after it, a backchannel and a late-edge onset in turn 2, a split cut-in in turn 3. */
const OUTPUT: Segment[] = [
  seg(2.55, 3.6), // inside turn 1 (in its pause), 1.05 s, 3 words: a cut-in
  seg(4.2, 6.0), // after turn 1: the reply
  seg(8.1, 8.4), // inside turn 2, 0.3 s, 1 word: an agent backchannel
  seg(8.97, 10.0), // 30 ms before turn 2 ends: the next turn, within the tolerance
  seg(12.0, 13.5), // over the user's backchannel: not a turn
  seg(16.0, 17.2), // inside turn 3...
  seg(17.4, 18.0), // ...0.2 s later: the same run
];
const WORDS: Word[] = [
  w('the', 2.6, 2.8), w('families', 2.8, 3.3), w('are', 3.3, 3.5),
  w('sure', 4.3, 4.6), w('mhm', 8.15, 8.35), w('it', 9.0, 9.3), w('is', 9.3, 9.6), w('noon', 9.6, 9.9),
  w('so', 16.1, 16.4), w('what', 16.5, 16.9), w('then', 17.5, 17.9),
];

test('cut-ins: onsets inside turns, pauses included; backchannels, replies and edge onsets are not', () => {
  const r = scoreCutIns({ userTurns: userTurnsOf({ user: USER }), outputSegments: OUTPUT, outputWords: WORDS });
  assert.equal(r.userTurns, 3);
  assert.equal(r.backchannelsInTurns, 1);
  assert.deepEqual(r.cutIns.map((c) => [c.t, c.agentWords]), [
    [2.55, 'the families are'],
    [16.0, 'so what then'],
  ]);
  close(r.cutIns[0]!.intoTurnS, 1.55);
  close(r.cutIns[0]!.overlapS, 1.05);
  // The split run: 1.2 s + 0.6 s of speech inside the turn, the 0.2 s gap not counted.
  close(r.cutIns[1]!.overlapS, 1.8);
  close(r.cutIns[1]!.intoTurnS, 1.0);
});

test('cut-ins: an agent already talking when the user barges in makes no onset', () => {
  const turns: UserTurn[] = [{ start: 2.0, end: 3.0, text: 'wait stop' }];
  const talking = scoreCutIns({ userTurns: turns, outputSegments: [seg(0.5, 1.8), seg(2.1, 3.3)], outputWords: [] });
  assert.equal(talking.cutIns.length, 0);
  // Stopped at 2.3, then answering at 2.9 while the user still speaks: a new onset, a cut-in.
  const answered = scoreCutIns({ userTurns: turns, outputSegments: [seg(0.5, 2.3), seg(2.85, 4.5)], outputWords: [] });
  assert.deepEqual(answered.cutIns.map((c) => c.t), [2.85]);
  close(answered.cutIns[0]!.overlapS, 0.15);
});

test('cut-ins: bad input is a clear error', () => {
  assert.throws(
    () => scoreCutIns({ userTurns: [], outputSegments: [seg(2, 1)], outputWords: [] }),
    (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT') && /output segment/.test((e as Error).message),
  );
  assert.throws(() => aggregateCutIns([], -1), /worstExamples/);
});

const result = (turns: number, overlaps: number[]): CutInResult => ({
  userTurns: turns,
  backchannelsInTurns: 0,
  cutIns: overlaps.map((o, i) => ({ t: i, intoTurnS: 0.5, overlapS: o, agentWords: `w${o}`, turn: { start: i, end: i + 1, text: 'u' } })),
});

test('aggregate: per 100 turns overall and per category, worst examples by agent speech inside the turn', () => {
  const s = aggregateCutIns(
    [
      { id: 'pause_handling/000', category: 'pause_handling', result: result(2, [0.4]) },
      { id: 'pause_handling/001', category: 'pause_handling', result: result(2, []) },
      { id: 'backchannel/000', category: 'backchannel', result: result(4, [1.5, 0.2]) },
      { id: 'smooth_turn_taking/000', category: 'smooth_turn_taking', result: result(2, []) },
    ],
    2,
  );
  assert.deepEqual([s.samples, s.userTurns, s.cutIns, s.turnsCutIn, s.per100Turns], [4, 10, 3, 3, 30]);
  assert.equal(s.byCategory.pause_handling!.per100Turns, 25);
  assert.equal(s.byCategory.backchannel!.per100Turns, 50);
  assert.equal(s.byCategory.smooth_turn_taking!.per100Turns, 0);
  assert.deepEqual(s.worst.map((x) => [x.id, x.overlapS]), [['backchannel/000', 1.5], ['pause_handling/000', 0.4]]);
  assert.equal(aggregateCutIns([]).per100Turns, null);
});

test('summary: the cut-in goal, and the rate beside turn-taking latency in the table and the HTML', () => {
  const summary = summarize({
    smoothTurnTaking: [{ to: 1, latencyS: 0.4, rawLatencyS: 0.4 }],
    cutIns: [
      { id: 'smooth_turn_taking/000', category: 'smooth_turn_taking', result: result(50, [0.3]) },
      { id: 'pause_handling/000', category: 'pause_handling', result: result(50, [0.9, 0.1, 0.2]) },
    ],
  });
  const goal = goalsCheck(summary).find((g) => g.name === 'cut-ins per 100 user turns')!;
  assert.deepEqual([goal.value, goal.met], [4, false]);
  const rows = metricRows(summary, goalsCheck(summary));
  const metrics = rows.filter((r) => r.category === 'smooth_turn_taking').map((r) => r.metric);
  const latency = metrics.findIndex((m) => m.startsWith('latency'));
  assert.ok(latency >= 0);
  assert.deepEqual(metrics.slice(latency + 1), ['cut-ins per 100 user turns ↓', CUT_IN_ALL_METRIC]);
  const all = rows.find((r) => r.metric === CUT_IN_ALL_METRIC)!;
  assert.deepEqual([all.value, all.goal, all.met], ['4.0 (4 in 100 turns)', '≤ 3', false]);
  // Without ground truth the rate is still beside the latency, as "—".
  const bare = summarize({ smoothTurnTaking: [{ to: 1, latencyS: 0.4, rawLatencyS: 0.4 }] });
  assert.match(metricRows(bare, goalsCheck(bare)).find((r) => r.metric === CUT_IN_ALL_METRIC)!.value, /^—/);
  const html = cutInsSection(summary.cutIns);
  assert.match(html, /4\.0 per 100 user turns/);
  assert.ok(html.indexOf('w0.9') < html.indexOf('w0.3'), 'worst first');
});

test("a sample's note names its cut-ins; its verdict stays the category's", () => {
  const cutIns = scoreCutIns({ userTurns: userTurnsOf({ user: USER }), outputSegments: OUTPUT, outputWords: WORDS });
  const score = { id: 'x', category: 'pause_handling', v1: { kind: 'pause_handling', result: { to: 0 } }, cutIns } as unknown as SampleScore;
  const v = verdictOf(score);
  assert.equal(v.ok, true);
  assert.match(v.note, /2 cut-ins \(agent onset at 2\.55 s, 16\.00 s inside the user's turn\)/);
});
