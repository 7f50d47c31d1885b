import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { SpeakerProsody } from '../bench/turn-end/speaker-prosody.js';

/** Pushes `frames` estimates of a speaker talking around `medianHz` (±3 st syllable wobble), voiced runs of 6 frames. */
function talk(p: SpeakerProsody, frames: number, medianHz = 120, db = -26): void {
  for (let k = 0; k < frames; k++) {
    const voiced = k % 8 < 6;
    const st = 3 * Math.sin(k / 3);
    p.push({ f0Hz: voiced ? medianHz * 2 ** (st / 12) : null, energyDb: voiced ? db : -60 });
  }
}

/** A final phrase gliding from `fromSt` to `toSt` semitones re the median, then `pause` unvoiced frames. */
function ending(p: SpeakerProsody, fromSt: number, toSt: number, dbFrom: number, dbTo: number, frames = 10, pause = 8, medianHz = 120): void {
  for (let k = 0; k < frames; k++) {
    const a = k / (frames - 1);
    p.push({ f0Hz: medianHz * 2 ** ((fromSt + a * (toSt - fromSt)) / 12), energyDb: dbFrom + a * (dbTo - dbFrom) });
  }
  for (let k = 0; k < pause; k++) p.push({ f0Hz: null, energyDb: -70 });
}

test('speaker prosody: a fall to the floor with decaying energy reads low and falling; a level mid-range ending does not', () => {
  const final = new SpeakerProsody();
  talk(final, 120);
  ending(final, 2, -5, -24, -36);
  const f = final.read()!;
  const going = new SpeakerProsody();
  talk(going, 120);
  ending(going, 0, 1.5, -26, -25);
  const g = going.read()!;
  assert.ok(f.pitchLevel < -0.4 && g.pitchLevel > -0.1, `pitch level ${f.pitchLevel} vs ${g.pitchLevel}`);
  assert.ok(f.pitchFall < -0.3 && g.pitchFall > -0.1, `pitch fall ${f.pitchFall} vs ${g.pitchFall}`);
  assert.ok(f.energyDrop < -0.5 && g.energyDrop > -0.3, `energy drop ${f.energyDrop} vs ${g.energyDrop}`);
  assert.ok(f.energyLevel < g.energyLevel);
  // The final run (10 frames) is longer than the speaker's usual 6: lengthening.
  assert.ok(f.lastRun > 0.1, `last run ${f.lastRun}`);
});

test('speaker prosody: relative to the speaker, so the same shape reads the same an octave higher', () => {
  const low = new SpeakerProsody();
  talk(low, 120, 100);
  ending(low, 2, -5, -24, -36, 10, 8, 100);
  const high = new SpeakerProsody();
  talk(high, 120, 200);
  ending(high, 2, -5, -24, -36, 10, 8, 200);
  const a = low.read()!;
  const b = high.read()!;
  assert.ok(Math.abs(a.pitchLevel - b.pitchLevel) < 0.1 && Math.abs(a.pitchFall - b.pitchFall) < 0.1, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
});

test('speaker prosody: no reading before the speaker is known, none from frames that are not theirs, and reset forgets', () => {
  const p = new SpeakerProsody();
  assert.equal(p.read(), null);
  talk(p, 10);
  assert.equal(p.read(), null, 'too few voiced frames to know the range');
  const agent = new SpeakerProsody();
  for (let k = 0; k < 200; k++) agent.push({ f0Hz: 150, energyDb: -20 }, false);
  assert.equal(agent.read(), null, "the agent's voice is not the speaker's");
  talk(p, 200);
  assert.notEqual(p.read(), null);
  p.reset();
  assert.equal(p.read(), null);
  assert.throws(() => new SpeakerProsody({ referenceFromMs: 500, referenceToMs: 200 }), isFullduplexError);
});
