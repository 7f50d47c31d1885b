import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWav } from '../src/audio/wav.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { SileroVad } from '../src/speech/vad/silero.js';
import { detectSpeechSegments } from '../src/speech/vad/segmenter.js';
import { speechBounds, speechLevelDbfs } from '../bench/scenarios/audio.js';
import { SETS, VOICE_SETS } from '../bench/scenarios/config.js';
import { generateScenario, setPlan } from '../bench/scenarios/generate.js';
import { FILES, writeScenario } from '../bench/scenarios/layout.js';
import { changeRate } from '../bench/scenarios/stretch.js';
import { speech } from '../bench/scenarios/track.js';
import { CATEGORY_IDS, type Scenario } from '../bench/scenarios/types.js';
import { loadSample } from '../bench/runner/sample-io.js';

let vad: SileroVad | undefined;
after(async () => vad?.close());

test('the quick set has 5 samples per category and the full set 40, for all seven categories', () => {
  for (const [name, want] of [['quick', 5], ['full', 40]] as const) {
    const plan = setPlan(name);
    assert.equal(SETS[name].perCategory, want);
    for (const c of CATEGORY_IDS) assert.equal(plan.filter((p) => p.category === c).length, want, `${name} ${c}`);
  }
  assert.equal(CATEGORY_IDS.length, 7);
});

test('generation is deterministic: the same id gives the same audio and truth, another id differs', async () => {
  const a = await generateScenario('quick', 'talking_to_others', 2);
  const b = await generateScenario('quick', 'talking_to_others', 2);
  const c = await generateScenario('quick', 'talking_to_others', 3);
  assert.deepEqual(a.truth, b.truth);
  assert.deepEqual(a.input, b.input);
  assert.notDeepEqual(a.truth, c.truth);
  assert.ok(a.truth.others.length >= 1 && a.truth.others.every((o) => o.relativeDb <= -12 && o.relativeDb >= -21));
});

test('--background after-turn: the same user turn, and someone else talking from just after it', async () => {
  for (const voices of ['tuning', 'heldout'] as const) {
    const plain = await generateScenario('quick', 'smooth_turn_taking', 1, { voices });
    const tv = await generateScenario('quick', 'smooth_turn_taking', 1, { voices, background: 'after-turn' });
    assert.deepEqual(tv.truth.user, plain.truth.user, 'the user says the same words at the same times');
    assert.equal(tv.truth.turnEndS, plain.truth.turnEndS);
    assert.equal(plain.truth.others.length, 0);
    assert.ok(tv.truth.others.length >= 1);
    const end = plain.truth.turnEndS!;
    for (const o of tv.truth.others) {
      assert.equal(o.kind, 'background');
      assert.ok(o.start >= end + 0.25 && o.start <= end + 2, `${voices}: starts ${(o.start - end).toFixed(2)} s after the turn`);
      assert.ok(o.relativeDb >= -18 && o.relativeDb <= -12);
      assert.notEqual(o.speaker.base, tv.truth.speaker.base, 'another voice than the user’s');
      assert.ok(o.end <= tv.truth.durationS);
    }
    // Other categories are not changed by it.
    const other = await generateScenario('quick', 'pause_handling', 1, { voices, background: 'after-turn' });
    assert.equal(other.truth.others.length, 0);
  }
});

test('--background throughout: a TV under the whole sample, the user’s words and timing as they were', async () => {
  for (const category of ['pause_handling', 'smooth_turn_taking', 'user_interruption', 'user_backchannel'] as const) {
    const plain = await generateScenario('quick', category, 2, { voices: 'heldout' });
    const tv = await generateScenario('quick', category, 2, { voices: 'heldout', background: 'throughout' });
    assert.deepEqual(tv.truth.user, plain.truth.user);
    assert.equal(tv.truth.durationS, plain.truth.durationS);
    const others = tv.truth.others;
    assert.ok(others[0]!.start < plain.truth.user[0]!.start, 'on before the user speaks');
    assert.ok(others[others.length - 1]!.end >= tv.truth.durationS - 0.5, 'and still on at the end');
    for (const o of others) assert.ok(o.relativeDb >= -22 && o.relativeDb <= -16 && o.kind === 'background');
  }
  const side = await generateScenario('quick', 'talking_to_others', 2, { voices: 'heldout', background: 'throughout' });
  const plainSide = await generateScenario('quick', 'talking_to_others', 2, { voices: 'heldout' });
  assert.deepEqual(side.truth.others, plainSide.truth.others, 'other categories as they are');
});

test('--pause-scale: the same words, every pause inside the turn scaled, the scale in the truth', async () => {
  const plain = await generateScenario('quick', 'pause_handling', 0);
  const fluent = await generateScenario('quick', 'pause_handling', 0, { pauseScale: 0.5 });
  assert.deepEqual(fluent.truth.user.map((u) => u.text), plain.truth.user.map((u) => u.text));
  assert.equal(plain.truth.pauseScale, undefined);
  assert.equal(fluent.truth.pauseScale, 0.5);
  const lengths = (sc: Scenario) => sc.truth.pauses!.map((p) => p.end - p.start);
  assert.ok(lengths(plain).length > 0);
  // The mid-utterance pauses are drawn, then scaled (the cut points round to the speech's edges: a few ms).
  for (const [k, l] of lengths(fluent).entries()) assert.ok(Math.abs(l - lengths(plain)[k]! * 0.5) < 0.03, `pause ${k}: ${l.toFixed(3)} vs ${lengths(plain)[k]!.toFixed(3)}`);
  assert.ok(fluent.truth.durationS < plain.truth.durationS);
});

test('a sample is the same in another process, whatever flite synthesized before it', async () => {
  new FliteTts().synthesizeAll('Something else entirely, to move the synthesizer on.', 'slt');
  const here = await generateScenario('full', 'background_speech', 6);
  const module = new URL('../bench/scenarios/generate.js', import.meta.url).href;
  const code = `const { generateScenario } = await import(${JSON.stringify(module)});
    const s = await generateScenario('full', 'background_speech', 6);
    process.stdout.write(Buffer.from(s.input.buffer).toString('base64'));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Buffer.from(r.stdout, 'base64').equals(Buffer.from(here.input.buffer)), 'the child generated different audio');
});

test('voices, tempi, levels and noise vary across the full set, from one side of the split at a time', async () => {
  const plan = setPlan('full').filter((p) => p.category === 'smooth_turn_taking').slice(0, 9);
  const truths = await Promise.all(plan.map((p) => generateScenario('full', p.category, p.index).then((s) => s.truth)));
  assert.deepEqual(new Set(truths.map((t) => t.speaker.engine)), new Set(['flite', 'festival', 'espeak-ng']));
  assert.ok(truths.every((t) => t.voices === 'tuning' && VOICE_SETS.tuning.some((v) => v.voice === t.speaker.voice)));
  assert.ok(new Set(truths.map((t) => t.rate)).size >= 5 && truths.every((t) => t.rate >= 0.85 && t.rate <= 1.15));
  const levels = truths.map((t) => t.userLevelDbfs);
  assert.ok(levels.every((l) => l >= -36 && l <= -16) && Math.max(...levels) - Math.min(...levels) > 5, levels.join(' '));
  assert.ok(truths.some((t) => t.snrDb !== null) && truths.some((t) => t.snrDb === null));
});

test('WSOLA changes the tempo by the rate and keeps the speech level', async () => {
  const clip = await speech('The weather was cold but the view from the top was amazing.', 'rms');
  for (const rate of [0.85, 1.15]) {
    const out = changeRate(clip, rate);
    const ratio = out.samples.length / clip.samples.length;
    assert.ok(Math.abs(ratio - 1 / rate) < 0.01, `length ratio ${ratio} for rate ${rate}`);
    assert.ok(Math.abs(speechLevelDbfs(out) - speechLevelDbfs(clip)) < 1.5, 'level kept');
  }
  // The bounds of a clip are its speech: the synthesizer's silence is not counted.
  const b = speechBounds(clip);
  assert.ok(b.start < 0.06 && clip.samples.length / 16000 - b.end < 0.06, JSON.stringify(b));
});

test('each sample (one per category, both voice sets) is written in Full-Duplex-Bench layout and reads back with its category and windows', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fdx-layout-'));
  try {
    const cases: [Scenario, string][] = [];
    for (const voices of ['tuning', 'heldout'] as const) for (const c of CATEGORY_IDS) cases.push([await generateScenario('quick', c, 0, { voices }), c]);
    for (const [s, c] of cases) {
      const d = join(dir, s.truth.voices, ...s.truth.id.split('/'));
      await writeScenario(d, s);
      await writeWav(join(d, FILES.output), [new Int16Array(s.input.length)], 16000);
      const loaded = await loadSample(d, join(dir, s.truth.voices));
      assert.ok(!('skipped' in loaded), JSON.stringify(loaded));
      if ('skipped' in loaded) continue;
      assert.equal(loaded.category, c);
      const t = s.truth;
      if (t.pauses) assert.deepEqual(loaded.annotations.pauses, t.pauses);
      if (t.turnEndS !== undefined) assert.equal(loaded.annotations.turnEndS, t.turnEndS);
      if (t.interruption) assert.deepEqual([loaded.annotations.interruption?.start, loaded.annotations.interruption?.end], [t.interruption.start, t.interruption.end]);
      if (t.overlap) assert.deepEqual([loaded.annotations.overlap?.start, loaded.annotations.overlap?.end], [t.overlap.start, t.overlap.end]);
      // Every user turn is followed by an end-of-turn silence (the clip leaves room after the last one).
      assert.ok(t.silences.some((x) => x.kind === 'eot'), `${t.voices} ${t.id}: no eot`);
      if (t.pauses) for (const p of t.pauses) assert.ok(t.silences.some((x) => x.kind === 'hold' && x.start <= p.start + 0.02 && x.end >= p.end - 0.02), `${t.id}: pause ${p.start} not a hold`);
      if (t.turnEndS !== undefined) assert.ok(t.silences.some((x) => x.kind === 'eot' && x.start === t.turnEndS));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Every annotated time is the audible start or end of a clip; the VAD (the engine's segmenter) must
 * find a segment boundary there. Silero's end lag varies with how a word decays (60–140 ms; the
 * segmenter corrects 64 ms), quiet voices start later for it, and noise, a room's tail or a telephone
 * band move its edges further. So, on dry clean samples (no noise, room or telephone): all main-user
 * boundaries within ±150 ms and ≥ 85 % within ±50 ms; on all samples ≥ 97 % within ±150 ms and none
 * beyond ±300 ms; quieter voices (side talk, background, −12…−21 dB) on clean samples within ±200 ms
 * (under noise, 12–21 dB below a user at −36 dBFS, Silero may miss a soft onset).
 */
test('scenario annotations agree with VAD on the input (quick set)', async () => {
  vad ??= await SileroVad.create();
  const main: { id: string; what: string; d: number; clean: boolean }[] = [];
  const quiet: { id: string; what: string; d: number; clean: boolean }[] = [];
  for (const p of setPlan('quick')) {
    const s = await generateScenario('quick', p.category, p.index);
    const segs = await detectSpeechSegments(vad, { samples: s.input, sampleRate: 16000 });
    const near = (x: number, edges: number[]) => Math.min(...edges.map((e) => Math.abs(e - x)));
    const starts = segs.map((x) => x.start);
    const ends = segs.map((x) => x.end);
    const t = s.truth;
    const clean = t.snrDb === null && 'room' in t.speaker && t.speaker.room === null && !t.speaker.telephone;
    const add = (what: string, d: number) => main.push({ id: t.id, what, d, clean });
    for (const u of t.user) add(`${u.role} start`, near(u.start, starts)), add(`${u.role} end`, near(u.end, ends));
    for (const w of t.pauses ?? []) add('pause start', near(w.start, ends)), add('pause end', near(w.end, starts));
    if (t.turnEndS !== undefined) add('turn end', near(t.turnEndS, ends));
    if (t.interruption) add('interruption', Math.max(near(t.interruption.start, starts), near(t.interruption.end, ends)));
    if (t.overlap && t.others.length > 0) quiet.push({ id: t.id, what: 'overlap window', d: Math.max(near(t.overlap.start, starts), near(t.overlap.end, ends)), clean });
  }
  const within = (xs: typeof main, s: number) => xs.filter((x) => x.d <= s + 1e-9).length / xs.length;
  const worst = (xs: typeof main) => [...xs].sort((a, b) => b.d - a.d).slice(0, 3).map((x) => `${x.id} ${x.what} ${x.d.toFixed(3)}`).join('; ');
  const clean = main.filter((x) => x.clean);
  assert.ok(main.length > 150 && clean.length > 30, `${main.length} boundaries, ${clean.length} clean`);
  assert.equal(within(clean, 0.15), 1, `clean main-user boundary off by more than 150 ms: ${worst(clean)}`);
  assert.ok(within(clean, 0.05) >= 0.85, `only ${(within(clean, 0.05) * 100).toFixed(1)} % of clean boundaries within ±50 ms; worst: ${worst(clean)}`);
  assert.ok(within(main, 0.15) >= 0.97, `only ${(within(main, 0.15) * 100).toFixed(1)} % within ±150 ms; worst: ${worst(main)}`);
  assert.equal(within(main, 0.3), 1, `main-user boundary off by more than 300 ms: ${worst(main)}`);
  const quietClean = quiet.filter((x) => x.clean);
  assert.ok(quietClean.length >= 3, `${quietClean.length} clean quiet-voice windows`);
  assert.equal(within(quietClean, 0.2), 1, `quiet voice window (clean sample) off by more than 200 ms: ${worst(quietClean)}`);
});
