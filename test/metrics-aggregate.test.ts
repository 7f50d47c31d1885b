import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goalsCheck, GOALS, isSkipped, summarize, summarizeCategory, type GoalResult } from '../bench/metrics/aggregate.js';
import { aggregatePauseHandling, scoreInterruption, scoreTurnTaking, type BackchannelResult } from '../bench/metrics/fdb-v1.js';
import type { V15EventResult } from '../bench/metrics/fdb-v15.js';
import type { Word } from '../bench/metrics/types.js';

const close = (a: number | null, b: number, tol = 1e-9): void => {
  assert.ok(a !== null && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
};
const turn = (t: number): Word[] => [0, 1, 2, 3].map((i) => ({ text: `w${i}`, start: t + 0.3 * i, end: t + 0.3 * (i + 1) }));
const bc = (to: 0 | 1, jsd: number): BackchannelResult => ({ to, jsd, frequencyHz: 0.1, backchannels: [], segments: [] });
const ev = (label: V15EventResult['label'], reason: V15EventResult['reason'], newSpeechStartS: number | null = null): V15EventResult => ({
  label,
  reason,
  speakingAtStart: true,
  stopped: reason !== 'rode_through',
  stopLatencyS: 0.1,
  newSpeechStartS,
  responseLatencyS: newSpeechStartS === null ? null : 0.2,
});
const byName = (goals: GoalResult[], name: string): GoalResult => goals.find((g) => g.name === name)!;

test('summarizeCategory counts skipped samples by reason and aggregates the rest', () => {
  const s = summarizeCategory([{ to: 1 }, { skipped: 'no output.json' }, { to: 0 }, { id: 's7', skipped: 'no output.json' }, { skipped: 'asr failed' }], aggregatePauseHandling);
  assert.deepEqual(s, { n: 2, tor: 0.5, skipped: { total: 3, byReason: { 'no output.json': 2, 'asr failed': 1 } } });
  assert.equal(isSkipped({ skipped: 'x' }), true);
  assert.equal(isSkipped({ to: 1 }), false);
});

test('summarize: only the categories given; turn-taking mean and median over TO = 1', () => {
  const s = summarize({
    smoothTurnTaking: [scoreTurnTaking(turn(5.1), 5), scoreTurnTaking(turn(5.2), 5), scoreTurnTaking(turn(5.6), 5), scoreTurnTaking([], 5), { skipped: 'bad wav' }],
  });
  assert.deepEqual(Object.keys(s), ['smoothTurnTaking']);
  const t = s.smoothTurnTaking!;
  assert.equal(t.n, 4);
  assert.equal(t.tor, 0.75);
  close(t.latencyS.mean, 0.3);
  close(t.latencyS.median, 0.2);
  assert.equal(t.skipped.total, 1);
});

function fullSummary() {
  const interruption = { start: 4, end: 5.5 };
  return summarize({
    pauseHandling: [{ to: 0 }, { to: 0 }, { to: 0 }, { to: 1 }], // 0.25
    smoothTurnTaking: [scoreTurnTaking(turn(5.1), 5), scoreTurnTaking(turn(5.2), 5)], // TOR 1, mean 0.15
    userInterruption: [
      scoreInterruption({ outputWords: turn(5.7), interruption, outputSegments: [{ start: 3, end: 4.1 }] }), // answer 0.2, stop 0.1
      scoreInterruption({ outputWords: turn(6.1), interruption, outputSegments: [{ start: 3, end: 4.3 }] }), // answer 0.6, stop 0.3
    ],
    backchannel: [bc(0, 0.5), bc(0, 0.6), bc(0, 0.7), bc(0, 0.6)], // TOR 0, JSD 0.6
    v15: {
      user_backchannel: [ev('RESUME', 'rode_through'), ev('RESUME', 'continued_text', 6), ev('UNCERTAIN', 'stopped_silent'), ev('RESUME', 'rode_through')], // 0.75
      talking_to_others: [ev('UNKNOWN', 'no_model_speech'), ev('RESUME', 'rode_through'), ev('UNCERTAIN', 'stopped_silent')], // 1.0
      background_speech: [ev('RESPOND', 'new_speech', 6), ev('UNKNOWN', 'no_model_speech')], // 0.5
    },
  });
}

test('goalsCheck: every goal with target, value, met and shortBy', () => {
  const goals = goalsCheck(fullSummary());
  assert.equal(goals.length, 11);
  const pause = byName(goals, 'pause handling TOR');
  assert.deepEqual([pause.target, pause.value, pause.met], [0.05, 0.25, false]);
  close(pause.shortBy, 0.2);
  assert.deepEqual([byName(goals, 'turn-taking TOR').met, byName(goals, 'turn-taking TOR').shortBy], [true, 0]);
  const lat = byName(goals, 'turn-taking mean latency (s)');
  close(lat.value, 0.15);
  assert.equal(lat.met, true);
  const stop = byName(goals, 'interruption: agent silent after user starts (s)');
  close(stop.value, 0.2);
  close(stop.shortBy, 0.05);
  assert.equal(stop.source, 'userInterruption.stopLatencyS.mean');
  const ans = byName(goals, 'interruption: answer after user stops (s)');
  close(ans.value, 0.4);
  assert.equal(ans.met, false);
  // JSD mean 0.6 meets "≤ 0.60" exactly (up to float noise).
  assert.equal(byName(goals, 'backchannel JSD').met, true);
  assert.equal(byName(goals, 'backchannel TOR').met, true);
  const ride = byName(goals, 'user backchannels ridden through');
  assert.deepEqual([ride.value, ride.met], [0.75, false]);
  close(ride.shortBy, 0.2);
  assert.deepEqual([byName(goals, 'side talk unanswered').value, byName(goals, 'side talk unanswered').met], [1, true]);
  const bg = byName(goals, 'background speech unanswered');
  assert.deepEqual([bg.value, bg.met], [0.5, false]);
  close(bg.shortBy, 0.4);
});

test('goalsCheck: missing data → value null, not met; interruption falls back to v1.5', () => {
  const goals = goalsCheck(summarize({ v15: { user_interruption: [ev('RESPOND', 'new_speech', 6), ev('RESPOND', 'new_speech', 6)] } }));
  const pause = byName(goals, 'pause handling TOR');
  assert.deepEqual([pause.value, pause.met, pause.shortBy], [null, false, null]);
  const stop = byName(goals, 'interruption: agent silent after user starts (s)');
  assert.equal(stop.source, 'v15.user_interruption.stopLatencyS.mean');
  close(stop.value, 0.1);
  assert.equal(stop.met, true);
  const ans = byName(goals, 'interruption: answer after user stops (s)');
  assert.equal(ans.source, 'v15.user_interruption.responseLatencyS.mean');
  close(ans.value, 0.2);
});

test('goalsCheck accepts other targets', () => {
  const goals = goalsCheck(fullSummary(), { ...GOALS, pauseTorMax: 0.3 });
  assert.equal(byName(goals, 'pause handling TOR').met, true);
});
