/**
 * The wait fitted to the user's own pauses (turn-end/speaker-pauses.ts): the predictor with the
 * committed end-of-turn model, driven through a conversation of several turns on hand-made evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplexPredictor, type AgentActivity, type Decision } from '../src/engine/predictor.js';
import type { FinalStretch } from '../src/engine/evidence/pitch.js';
import { userWindow } from './helpers/turn-evidence.js';
import { defaultPredictorOptions, type PredictorOverrides } from '../src/engine/options.js';

const TEXT = 'i would like to book a table for two';
const WORDS = TEXT.split(' ').map((w, i) => ({ word: w, start: i * 0.3, end: i * 0.3 + 0.25, confidence: 0.9 }));
const LEVEL: FinalStretch = { slopeStPerS: -2, energySlopeDbPerS: -20, meanF0Hz: 180, voicedFrames: 10, durationMs: 320, pauseMs: 0, shape: 'flat', sustained: false } as FinalStretch;
// The rule as these tests set it (the defaults are the study's choice and may move).
const RULE = { speakerPauseMinCount: 4, speakerPauseCountFromMs: 100, speakerPauseMarginMs: 600 };

class Conversation {
  readonly p: DuplexPredictor;
  private t = 0;

  constructor(o: PredictorOverrides = { endOfTurn: RULE }) {
    this.p = new DuplexPredictor(o);
  }

  /** `n` windows of 32 ms; returns the decisions with the user's silence (ms) when each came. */
  windows(n: number, speech: boolean, agent: AgentActivity = 'idle'): { d: Decision; pauseMs: number }[] {
    const out: { d: Decision; pauseMs: number }[] = [];
    for (let i = 0; i < n; i++) {
      this.t += 0.032;
      const e = userWindow({ t: this.t, speech, text: TEXT, stretch: LEVEL, words: WORDS, agent });
      for (const d of this.p.update(e)) out.push({ d, pauseMs: this.p.pauseMs });
    }
    return out;
  }

  /** Three phrases with two pauses of `pauseWindows` between them, then silence until the turn is taken. */
  turn(pauseWindows = 10): { d: Decision; pauseMs: number } {
    for (let k = 0; k < 3; k++) {
      this.windows(20, true);
      if (k < 2) this.windows(pauseWindows, false);
    }
    return this.untilTake();
  }

  /** Silent windows until the turn is taken (within the answer window). */
  untilTake(): { d: Decision; pauseMs: number } {
    for (let i = 0; i < 120; i++) {
      const take = this.windows(1, false).find((x) => x.d.action === 'take_turn');
      if (take) return take;
    }
    assert.fail('the turn is taken within the answer window');
  }

  /** The agent answers for `ms` while the user listens, then a moment of quiet. */
  reply(ms = 1280): void {
    this.p.turnTaken();
    this.windows(Math.round(ms / 32), false, 'speaking');
    this.windows(10, false);
  }
}

test('speaker pauses: after four of the user\'s 320 ms pauses, the turn is taken 600 ms past the longest, with the reason', () => {
  const c = new Conversation();
  const takes: { d: Decision; pauseMs: number }[] = [];
  for (let k = 0; k < 4; k++) {
    takes.push(c.turn());
    c.reply();
  }
  // The first turn gets the model's own wait; in the second the fourth pause is heard. The gaps
  // between turns (the agent's replies) are not the user's pauses.
  assert.match(takes[0]!.d.reason, /p\(turn over\) \d\.\d\d \(.+\) ≥ 0\.85/);
  assert.ok(takes[0]!.pauseMs > 1200, `the model alone waits ${takes[0]!.pauseMs} ms`);
  for (const t of takes.slice(1)) {
    assert.match(t.d.reason, /past this user's longest pause \(320 ms of \d+\) by 600 ms/);
    assert.ok(t.pauseMs >= 920 && t.pauseMs <= 960, `taken at ${t.pauseMs} ms`);
  }
  assert.deepEqual(c.p.userPauses, { count: 8, longestMs: 320, heard: 8, lastMs: 320 });
});

test('speaker pauses: a pause the agent took the turn in counts if the user goes on right after, so the next one waits longer', () => {
  const c = new Conversation();
  for (let k = 0; k < 2; k++) {
    c.turn();
    c.reply();
  }
  // A long hesitation: the rule takes the turn at 928 ms, the user goes on at 1.28 s, over the agent's first words.
  c.windows(20, true);
  const cut = c.untilTake();
  assert.match(cut.d.reason, /past this user's longest pause/);
  assert.equal(cut.pauseMs, 928);
  c.p.turnTaken();
  c.windows(11, false, 'speaking');
  c.windows(20, true, 'speaking');
  assert.equal(c.p.userPauses.longestMs, 928 + 11 * 32, 'the whole silence up to the user going on');
  // Back to listening; the ceiling is now 1.28 s + 600 ms, later than the model's own 1.5 s.
  c.reply();
  const next = c.turn();
  assert.match(next.d.reason, /≥ 0\.85/);
});

test('speaker pauses: off with speakerPauseMinCount 0; a slow pauser\'s pauses raise the ceiling past the model\'s wait; the defaults turn it on', () => {
  const off = new Conversation({ endOfTurn: { ...RULE, speakerPauseMinCount: 0 } });
  for (let k = 0; k < 4; k++) {
    assert.match(off.turn().d.reason, /≥ 0\.85/);
    off.reply();
  }
  const slow = new Conversation();
  for (let k = 0; k < 4; k++) {
    assert.match(slow.turn(30).d.reason, /≥ 0\.85/, 'pauses of 960 ms: the ceiling (1.56 s) never comes before the model');
    slow.reply();
  }
  assert.equal(slow.p.userPauses.longestMs, 960);
  const e = defaultPredictorOptions.endOfTurn;
  assert.ok(e.speakerPauseMinCount > 0 && e.speakerPauseMarginMs > 0, 'on by default');
  const byDefault = new Conversation({});
  byDefault.turn();
  byDefault.reply();
  const t = byDefault.turn();
  assert.match(t.d.reason, new RegExp(`past this user's longest pause \\(320 ms of \\d+\\) by ${e.speakerPauseMarginMs} ms`));
  assert.ok(Math.abs(t.pauseMs - (320 + e.speakerPauseMarginMs)) <= 32, `taken at ${t.pauseMs} ms`);
});
