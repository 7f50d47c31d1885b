import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { LevelTracker } from '../src/engine/evidence/level.js';
import { rng } from './helpers/speech.js';


/** Speech-window levels: mostly around `center` ± 6 dB (vowels louder, consonants quieter). */
function speechLevels(n: number, center: number, r: () => number): number[] {
  return Array.from({ length: n }, () => center + 12 * (r() - 0.5));
}

test('noise floor and user level from a conversation; nothing reported before enough data', () => {
  const r = rng(1);
  const t = new LevelTracker();
  assert.equal(t.noiseFloorDb, null);
  assert.equal(t.userLevelDb, null);
  assert.equal(t.relativeLevelDb(), null);
  for (let turn = 0; turn < 10; turn++) {
    for (let i = 0; i < 30; i++) t.update(-62 + 4 * (r() - 0.5), false); // ~1 s of room noise
    for (const db of speechLevels(60, -24, r)) t.update(db, true); // ~2 s of the user
  }
  const floor = t.noiseFloorDb!;
  const user = t.userLevelDb!;
  assert.ok(Math.abs(floor - -62.8) < 1.5, `floor ${floor.toFixed(1)}`); // 30th percentile of −62 ± 2
  assert.ok(Math.abs(user - -21.6) < 1.5, `user ${user.toFixed(1)}`); // 70th percentile of −24 ± 6
  assert.ok(Math.abs(t.snrDb(-24)! - 38.8) < 2);
  assert.ok(Math.abs(t.relativeToUserDb(-33)! - -11.4) < 1.5);
  // The last windows were the user's own speech: not side talk.
  assert.ok(Math.abs(t.relativeLevelDb()!) < 3, `relative ${t.relativeLevelDb()}`);
  assert.equal(t.isLikelySideTalk(), false);
});

test('a voice 12 dB quieter than the user is flagged as likely side talk; the user level barely moves', () => {
  const r = rng(2);
  const t = new LevelTracker();
  for (let i = 0; i < 50; i++) t.update(-65, false);
  for (const db of speechLevels(300, -25, r)) t.update(db, true);
  const before = t.userLevelDb!;
  for (let i = 0; i < 20; i++) t.update(-65, false);
  for (const db of speechLevels(20, -37, r)) t.update(db, true); // 0.6 s of a distant talker
  const rel = t.relativeLevelDb()!;
  assert.ok(rel < -10 && rel > -14, `relative ${rel.toFixed(1)}`);
  assert.equal(t.isLikelySideTalk(), true);
  assert.ok(Math.abs(t.userLevelDb! - before) < 1, `user level moved ${(t.userLevelDb! - before).toFixed(2)} dB`);
  // The user speaks again: within the recent span the verdict flips back.
  for (const db of speechLevels(15, -25, r)) t.update(db, true);
  assert.equal(t.isLikelySideTalk(), false);
});

test('only speech windows move the user level; windows marked null feed nothing', () => {
  const r = rng(3);
  const t = new LevelTracker();
  for (let i = 0; i < 20; i++) t.update(-60, false);
  for (const db of speechLevels(100, -30, r)) t.update(db, true);
  const user = t.userLevelDb!;
  const floor = t.noiseFloorDb!;
  for (let i = 0; i < 200; i++) t.update(-10, null); // loud echo: ignored
  assert.equal(t.userLevelDb, user);
  assert.equal(t.noiseFloorDb, floor);
  for (let i = 0; i < 200; i++) t.update(-45, false); // a noisier room: the floor follows, the user level does not
  assert.ok(t.noiseFloorDb! > -47, `floor ${t.noiseFloorDb}`);
  assert.equal(t.userLevelDb, user);
});

test('speech windows barely above the noise floor (VAD false alarms) are ignored', () => {
  const t = new LevelTracker();
  for (let i = 0; i < 20; i++) t.update(-50, false);
  for (let i = 0; i < 100; i++) t.update(-47, true); // 3 dB over the floor: not the user
  assert.equal(t.userLevelDb, null);
  for (let i = 0; i < 20; i++) t.update(-30, true);
  assert.ok(Math.abs(t.userLevelDb! - -30) < 0.6);
});

test('the user level adapts slowly when the user moves closer', () => {
  const r = rng(4);
  const t = new LevelTracker({ speechHalfLifeS: 20 });
  for (const db of speechLevels(600, -35, r)) t.update(db, true); // ~19 s at −35
  const a = t.userLevelDb!;
  for (const db of speechLevels(60, -25, r)) t.update(db, true); // 2 s louder: little change
  const b = t.userLevelDb!;
  for (const db of speechLevels(1500, -25, r)) t.update(db, true); // ~48 s louder: adapted
  const c = t.userLevelDb!;
  assert.ok(b - a < 3, `after 2 s: moved ${(b - a).toFixed(1)} dB`);
  assert.ok(Math.abs(c - -21.4) < 1.5, `after 50 s: ${c.toFixed(1)}`);
});

test('digital silence and out-of-range levels are clamped, not NaN', () => {
  const t = new LevelTracker();
  for (let i = 0; i < 20; i++) t.update(-Infinity, false);
  assert.equal(t.noiseFloorDb! <= -99, true);
  for (let i = 0; i < 20; i++) t.update(6, true);
  assert.ok(t.userLevelDb! <= 0 && t.userLevelDb! > -1);
  t.reset();
  assert.equal(t.noiseFloorDb, null);
});

test('options are validated', () => {
  assert.throws(() => new LevelTracker({ speechPercentile: 2 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => new LevelTracker({ maxDb: -120 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

test('sanity timing: level update + queries per window (not asserted)', () => {
  const r = rng(5);
  const t = new LevelTracker();
  const t0 = performance.now();
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const speech = i % 90 > 30;
    t.update(speech ? -25 + 10 * r() : -60 + 4 * r(), speech);
    t.isLikelySideTalk();
    t.noiseFloorDb;
  }
  console.log(`# level: ${(((performance.now() - t0) / n) * 1000).toFixed(2)} µs per window`);
});
