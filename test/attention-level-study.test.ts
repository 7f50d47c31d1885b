/** The attention level study's readings on hand-made segments (the study itself runs as npm run study:attention). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdSweep, judgedDrops, risenCounts, yieldWindow, type LevelConversation, type LevelSegment } from '../bench/attention/level-study.js';

const seg = (label: LevelSegment['label'], levels: number[], agent = 'speaking'): LevelSegment => ({ t: 0, agent, label, levels });
const user = seg('user', Array.from({ length: 20 }, (_, i) => (i < 2 ? -30 : -20)), 'idle'); // soft first 64 ms, then −20 dBFS

test('yieldWindow replays the hold: the first window under the threshold, else the judgement', () => {
  assert.equal(yieldWindow([3, 3, 3, 3, 3], 7, 10), 1, 'near the user: at once');
  assert.equal(yieldWindow([8, 5, 5, 5, 5], 7, 10), 2, 'held one window, then it rose');
  assert.equal(yieldWindow([8, 8, 8, 8, 8], 7, 10), 5, 'held to judgement, not ignored there: yields then');
  assert.equal(yieldWindow([12, 12, 12, 12, 12], 7, 10), null, 'ignored at judgement: never yields');
});

test('the study compares each segment with the user\'s first turn at the same point', () => {
  const conv: LevelConversation = {
    id: 'x/000',
    segments: [
      seg('other', [-40, -40, -40, -40, -40, -40]), // before the user's first turn: no reference yet, not counted
      user,
      seg('user', [-31, -22, -21, -21, -21, -21]), // 1 dB below at n = 1, then the user's level
      seg('other', [-38, -38, -36, -35, -35, -35]), // 8, 8, 16, 15, 15 dB below
    ],
  };
  const d = judgedDrops([conv], 5, 15);
  assert.deepEqual(d.user, [1]);
  assert.deepEqual(d.other, [15]);
  const [p7, p10] = holdSweep([conv], [7, 10], 5, 10);
  assert.deepEqual([p7!.users, p7!.usersDelayed, p7!.others, p7!.othersYielding], [1, 0, 1, 0], 'at 7 dB the other voice is held (8 dB at n = 1) and then ignored');
  assert.deepEqual([p10!.othersYielding], [1], 'at 10 dB its first window (8 dB below) makes the agent pause');
  const onset = risenCounts([conv], 'onset', 6, 2, 38);
  assert.deepEqual([onset.user.risen, onset.other.risen], [1, 0]);
});
