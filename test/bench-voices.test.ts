import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { atLevel, rng, speechLevelDbfs } from '../bench/scenarios/audio.js';
import { VOICE_SETS, PHRASE_GAP_S, TRACK, type VoiceSetName } from '../bench/scenarios/config.js';
import { generateScenario } from '../bench/scenarios/generate.js';
import { silencesOf, turnsOf } from '../bench/scenarios/silences.js';
import { TrackBuilder } from '../bench/scenarios/track.js';
import type { UserSpan } from '../bench/scenarios/types.js';
import { closeVoices, drawSpeaker, plainSpeaker, voiceClip } from '../bench/scenarios/voices.js';

after(closeVoices);

test('tuning and held-out voices share no base voice, and every engine is on both sides', () => {
  const bases = (s: VoiceSetName) => new Set(VOICE_SETS[s].map((v) => v.base));
  const shared = [...bases('tuning')].filter((b) => bases('heldout').has(b));
  assert.deepEqual(shared, []);
  const engines = (s: VoiceSetName) => new Set(VOICE_SETS[s].map((v) => v.engine));
  assert.deepEqual(engines('tuning'), new Set(['flite', 'festival', 'espeak-ng']));
  // flite has no voice of its own left to hold out (kal and slt are Festival's too): the other two engines are on both sides.
  assert.deepEqual(engines('heldout'), new Set(['festival', 'espeak-ng']));
});

test('the pool is deterministic: a sample regenerated after others is the same, in both voice sets', async () => {
  for (const voices of ['tuning', 'heldout'] as const) {
    const a = await generateScenario('quick', 'smooth_turn_taking', 0, { voices });
    await generateScenario('quick', 'pause_handling', 1, { voices }); // moves every engine on
    const b = await generateScenario('quick', 'smooth_turn_taking', 0, { voices });
    assert.deepEqual(a.truth, b.truth);
    assert.ok(Buffer.from(a.input.buffer).equals(Buffer.from(b.input.buffer)), `${voices}: different audio`);
    assert.equal(a.truth.voices, voices);
    assert.ok(VOICE_SETS[voices].some((v) => v.base === a.truth.speaker.base && v.voice === a.truth.speaker.voice));
  }
  // The same id with the other voice set has the same words and timing draws but another voice.
  const t = await generateScenario('quick', 'smooth_turn_taking', 0, { voices: 'tuning' });
  const h = await generateScenario('quick', 'smooth_turn_taking', 0, { voices: 'heldout' });
  assert.equal(t.truth.user[0]!.text, h.truth.user[0]!.text);
  assert.notEqual(t.truth.speaker.base, h.truth.speaker.base);
});

test('every voice, varied, lands within ±1 dB of its target level', async () => {
  const rand = rng(7);
  for (const v of [...VOICE_SETS.tuning, ...VOICE_SETS.heldout]) {
    // A heavy variation: telephone band and room on, whatever the draw says.
    const s = { ...drawSpeaker(v, rand), telephone: true, room: { rt60S: 0.4, wet: 0.3 } };
    const clip = await voiceClip('Can you explain how Moshi works', s);
    // Clips are levelled at the reference level, then scaled to their place: the gate moves with the gain.
    for (const target of [-36, -26, -16]) {
      const got = speechLevelDbfs(atLevel(clip, target), -50 + target - TRACK.referenceLevelDbfs);
      assert.ok(Math.abs(got - target) <= 1, `${v.engine}/${v.voice} at ${target} dBFS: ${got.toFixed(2)}`);
    }
  }
});

test('silences: the gaps placed inside a turn are holds, the end of the turn is an eot', async () => {
  const t = new TrackBuilder(plainSpeaker({ engine: 'flite', voice: 'slt', base: 'slt' }), -30, () => 0.5).pause(0.5);
  const a = await t.say('Tell me about the four families | of full duplex speech systems', 'part', [0.35]);
  const gapAt = t.user.length; // one span so far
  t.pause(0.9);
  const b = await t.say('in detail?', 'part');
  const durationS = b.end + 1.2;
  const sil = silencesOf(t.renderUser(durationS), -30, t.user, durationS);
  const holds = sil.filter((s) => s.kind === 'hold');
  const eots = sil.filter((s) => s.kind === 'eot');
  assert.equal(gapAt, 1);
  // The 0.35 s phrase gap (plus the clips' trimmed edges) and the 0.9 s pause, nothing else.
  assert.equal(holds.length, 2, JSON.stringify(sil));
  const [g1, g2] = holds as [(typeof holds)[0], (typeof holds)[0]];
  assert.ok(g1.start > a.start && g1.end < a.end && Math.abs(g1.end - g1.start - 0.35) < 0.08, JSON.stringify(g1));
  assert.ok(Math.abs(g2.start - a.end) < 0.02 && Math.abs(g2.end - b.start) < 0.02, JSON.stringify(g2));
  assert.deepEqual(eots, [{ start: b.end, end: durationS, kind: 'eot' }]);
  // A drawn gap stays in PHRASE_GAP_S.
  assert.ok(PHRASE_GAP_S[0] >= 0.06 && PHRASE_GAP_S[1] <= 0.6);
});

test('turns: consecutive spans of one role are one turn, a backchannel is none', () => {
  const span = (role: UserSpan['role'], start: number, end: number): UserSpan => ({ text: role, role, start, end });
  const user = [span('request', 0.5, 1.5), span('backchannel', 3, 3.3), span('barge_in', 5, 6), span('part', 7, 8), span('part', 9, 10)];
  const turns = turnsOf(user);
  assert.deepEqual(turns.map((t) => [t.role, t.start, t.end]), [['request', 0.5, 1.5], ['barge_in', 5, 6], ['part', 7, 10]]);
  // The eot after the request ends where the user's next sound (the backchannel) starts.
  const sil = silencesOf(new Int16Array(16000 * 12), -26, user, 12);
  assert.deepEqual(sil.filter((s) => s.kind === 'eot'), [
    { start: 1.5, end: 3, kind: 'eot' },
    { start: 6, end: 7, kind: 'eot' },
    { start: 10, end: 12, kind: 'eot' },
  ]);
});

test('smooth turn-taking and pause handling use people\'s timing: holds of 60–600 ms inside turns', async () => {
  const inside: number[] = [];
  for (const voices of ['tuning', 'heldout'] as const) {
    for (const index of [0, 2]) {
      const s = await generateScenario('quick', 'smooth_turn_taking', index, { voices });
      const t = s.truth;
      assert.equal(t.silences.filter((x) => x.kind === 'eot').length, 1);
      assert.equal(t.silences.find((x) => x.kind === 'eot')!.start, t.turnEndS);
      for (const h of t.silences.filter((x) => x.kind === 'hold')) inside.push(h.end - h.start);
    }
  }
  assert.ok(inside.length >= 3, `only ${inside.length} within-turn silences`);
  assert.ok(inside.every((d) => d >= 0.1 && d < 0.8), JSON.stringify(inside));
});
