/**
 * Recorded human speech for the end-of-turn benchmark (bench/real-speech/recorded-turns.ts): Debian's
 * Asterisk prompts loaded as one-turn probes, their pauses found by the generated scenarios' rule, and
 * the real engine probed on one of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWavMono } from '../src/audio/wav.js';
import { writeRecordedSet } from '../bench/real-speech/recorded-set.js';
import { GENERATION } from '../bench/scenarios/config.js';
import { isSpokenTurn, loadRecordedTurn, loadRecordedTurns, readTranscripts, recordedConversation, RECORDED_SPEAKERS, RECORDED_SPEECH, spokenTurnPrompts } from '../bench/real-speech/recorded-turns.js';
import { speechLevelDbfs, SCENARIO_RATE } from '../bench/scenarios/audio.js';
import { createProbeComponents } from '../bench/turn-end/dataset.js';
import { probeTurnEnds } from '../bench/turn-end/probe.js';
import { isFullduplexError } from '../src/errors.js';
import { main } from '../src/cli/main.js';
import { userTurnsOf } from '../bench/metrics/cut-ins.js';
import type { ScenarioTruth } from '../bench/scenarios/types.js';

const readTruth = (dir: string) => JSON.parse(readFileSync(join(dir, 'scenario.json'), 'utf8')) as ScenarioTruth;

// Two sentences with the speaker's own pause between them.
const PROMPT = 'agent-incorrect';

test('a recorded prompt becomes one turn: 16 kHz at the users\' level, its own pause a hold, its end the turn end', async () => {
  const texts = readTranscripts();
  assert.match(texts.get(PROMPT) ?? '', /^Login incorrect\.\s+Please enter your agent number followed by the pound key\.$/);
  const t = await loadRecordedTurn(join(RECORDED_SPEECH.dir, `${PROMPT}.wav`), PROMPT, texts.get(PROMPT));
  assert.ok(t);
  assert.equal(t.id, PROMPT);
  const lead = Math.round(RECORDED_SPEECH.leadS * SCENARIO_RATE);
  assert.ok(t.input.subarray(0, lead).every((v) => v === 0), 'silence before the first word');
  const level = speechLevelDbfs({ samples: t.input, sampleRate: SCENARIO_RATE });
  assert.ok(Math.abs(level - RECORDED_SPEECH.levelDbfs) < 1, `speech level ${level.toFixed(1)} dBFS`);
  const end = t.input.length / SCENARIO_RATE;
  const eots = t.spans.filter((s) => s.kind === 'eot');
  const holds = t.spans.filter((s) => s.kind === 'hold');
  assert.equal(eots.length, 1);
  assert.ok(Math.abs(eots[0]!.start - end) < 0.02, 'the turn ends where the speech does');
  // "Login incorrect." | "Please enter…": the speaker's pause between the sentences is at least 200 ms.
  assert.ok(holds.some((h) => h.end - h.start >= 0.2 && h.start > 1 && h.end < end - 1), JSON.stringify(holds));
  for (const h of holds) assert.ok(h.start > RECORDED_SPEECH.leadS && h.end < eots[0]!.start && h.end - h.start >= 0.1 - 1e-9);
});

test('the installed prompts: only turns with enough speech, ids relative to the sounds folder', async () => {
  const turns = await loadRecordedTurns({ limit: 4 });
  assert.equal(turns.length, 4);
  for (const t of turns) {
    assert.ok(t.speechS >= RECORDED_SPEECH.minSpeechS, `${t.id}: ${t.speechS} s`);
    assert.ok(!t.id.endsWith('.wav') && !t.id.startsWith('/'));
  }
  const short = await loadRecordedTurn(join(RECORDED_SPEECH.dir, 'digits', '1.wav'), 'digits/1', undefined);
  assert.equal(short, null, 'a single digit is not a turn with pauses');
});

test('the recordings as a Full-Duplex-Bench tree: pause handling where a prompt pauses, turn-taking for every prompt, our truth beside them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-recorded-'));
  try {
    const s = await writeRecordedSet(dir, { limit: 4 });
    assert.equal(s.smoothTurnTaking, 4);
    assert.deepEqual(readdirSync(join(dir, 'smooth_turn_taking')).sort(), ['000', '001', '002', '003']);
    assert.equal(readdirSync(join(dir, 'pause_handling')).length, s.pauseHandling);
    // agent-incorrect is the second prompt in path order and pauses between its two sentences.
    assert.ok(s.pauseHandling >= 1);
    const pauseDir = readdirSync(join(dir, 'pause_handling')).map((n) => join(dir, 'pause_handling', n)).find((d) => readFileSync(join(d, 'source.txt'), 'utf8').includes(`${PROMPT}.wav`));
    assert.ok(pauseDir, 'the two-sentence prompt is a pause-handling sample');
    const pauses = JSON.parse(readFileSync(join(pauseDir, 'pause.json'), 'utf8')) as { text: string; timestamp: [number, number] }[];
    assert.ok(pauses.length >= 1 && pauses.every((p) => p.text === '[PAUSE]' && p.timestamp[1] - p.timestamp[0] >= 0.2 - 1e-9));
    const input = await readWavMono(join(pauseDir, 'input.wav'));
    assert.equal(input.sampleRate, SCENARIO_RATE);
    for (const n of readdirSync(join(dir, 'smooth_turn_taking'))) {
      const d = join(dir, 'smooth_turn_taking', n);
      const [tt] = JSON.parse(readFileSync(join(d, 'turn_taking.json'), 'utf8')) as { timestamp: [number, number] }[];
      const w = await readWavMono(join(d, 'input.wav'));
      const len = w.samples.length / w.sampleRate;
      assert.ok(Math.abs(tt!.timestamp[1] - len) < 0.01 && Math.abs(len - tt!.timestamp[0] - GENERATION.answerTailS) < 0.02, `${n}: ${tt!.timestamp} in ${len} s`);
      assert.ok(!existsSync(join(d, 'pause.json')));
      // Our truth beside the annotations: one turn by the recorded speaker, ending where the turn end starts.
      const truth = readTruth(d);
      assert.equal(truth.id, `smooth_turn_taking/${n}`);
      assert.equal(truth.voices, 'recorded');
      assert.equal(truth.speaker.engine, 'recording');
      assert.equal(truth.user.length, 1);
      assert.equal(truth.turnEndS, tt!.timestamp[0]);
      assert.ok(Math.abs(truth.user[0]!.end - truth.turnEndS!) < 0.002);
      assert.equal(userTurnsOf(truth).length, 1, 'one user turn to count cut-ins in');
      assert.deepEqual(truth.silences.filter((x) => x.kind === 'eot').map((x) => x.start), [truth.user[0]!.end]);
    }
    // The pause-handling truth names the same pauses as pause.json, each one a hold of its silences.
    const truth = readTruth(pauseDir);
    assert.deepEqual(truth.pauses!.map((p) => [p.start, p.end]), pauses.map((p) => p.timestamp));
    for (const p of truth.pauses!) assert.ok(truth.silences.some((x) => x.kind === 'hold' && x.start === p.start && x.end === p.end), JSON.stringify(p));
    // An interruption: the request and the barge-in as two turns, the barge-in where interrupt.json says.
    const d = join(dir, 'user_interruption', '000');
    const [inter] = JSON.parse(readFileSync(join(d, 'interrupt.json'), 'utf8')) as { timestamp: [number, number] }[];
    const it = readTruth(d);
    assert.deepEqual(it.user.map((u) => u.role), ['request', 'barge_in']);
    assert.deepEqual([it.user[1]!.start, it.user[1]!.end], inter!.timestamp);
    assert.deepEqual([it.interruption!.start, it.interruption!.end], inter!.timestamp);
    assert.equal(userTurnsOf(it).length, 2);
    assert.ok(it.user[0]!.end < it.user[1]!.start);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only finished spoken turns: sounds, prompts with a tone in them and fragments are left out', async () => {
  assert.equal(isSpokenTurn('Login incorrect.  Please enter your agent number followed by the pound key.'), true);
  assert.equal(isSpokenTurn('... to reset the audio volume of the conference to the default level.'), true);
  assert.equal(isSpokenTurn('[sound of monkeys screaming]'), false);
  assert.equal(isSpokenTurn('Please leave your message after the tone.  When done hang up or press the pound key. (simple tone sound plays)'), false);
  assert.equal(isSpokenTurn('At the sound of the tone, the time will be exactly...'), false);
  assert.equal(isSpokenTurn(undefined), false);
  // The selection by transcript, before any audio is read (loadRecordedTurns reads only these).
  const ids = new Set(spokenTurnPrompts().map((p) => p.id));
  for (const id of ['tt-monkeys', 'vm-intro', 'at-tone-time-exactly', 'beep']) assert.ok(!ids.has(id), id);
  assert.ok(ids.has(PROMPT) && ids.has('vm-instructions'));
  await assert.rejects(loadRecordedTurns({ transcripts: '/nonexistent/core-sounds-en.txt.gz' }), (e) => isFullduplexError(e, 'MODEL_MISSING') && e.message.includes(RECORDED_SPEECH.transcriptPackage));
});

test('no prompts installed: a clear error naming the Debian package', async () => {
  await assert.rejects(loadRecordedTurns({ dir: '/nonexistent/asterisk' }), (e) => isFullduplexError(e, 'MODEL_MISSING') && e.message.includes(RECORDED_SPEECH.debianPackage));
});

test('the engine, probed on a recorded prompt, takes the turn after the speaker stops', async () => {
  const t = await loadRecordedTurn(join(RECORDED_SPEECH.dir, `${PROMPT}.wav`), PROMPT, undefined);
  assert.ok(t);
  const c = await createProbeComponents();
  try {
    const spans = await probeTurnEnds(t.input, t.spans, c);
    const eot = spans.find((s) => s.kind === 'eot')!;
    assert.ok(eot.engineFireS !== null && eot.engineFireS > 0 && eot.engineFireS < 3, `turn taken ${eot.engineFireS} s after the speech ended`);
    assert.ok(eot.scores.length > 0 && eot.scores.every((s) => s.p >= 0 && s.p <= 1));
    // Two prompts as one conversation: each turn taken is over, so the second is read on its own words.
    const second = await loadRecordedTurn(join(RECORDED_SPEECH.dir, 'vm-goodbye.wav'), 'vm-goodbye', undefined, 0.5);
    assert.ok(second);
    const conv = recordedConversation([t, second]);
    assert.equal(conv.spans.filter((s) => s.kind === 'eot').length, 2);
    const heard = await probeTurnEnds(conv.input, conv.spans, c, { conversation: true, keepFeatures: true });
    const [firstEnd, secondEnd] = heard.filter((s) => s.kind === 'eot');
    assert.ok(firstEnd!.engineFireS !== null && secondEnd!.engineFireS !== null, 'both turns taken');
    const words = (x: typeof firstEnd) => new Set(x!.transcripts!.at(-1)!.split(' ').filter(Boolean));
    assert.ok(words(firstEnd).size > 3 && words(secondEnd).size > 0, `${[...words(firstEnd)]} / ${[...words(secondEnd)]}`);
    assert.ok(words(secondEnd).size < words(firstEnd).size, `the second turn's words are its own: ${[...words(secondEnd)].join(' ')}`);
  } finally {
    await c.close();
  }
});

test('bench recorded-set writes the tree and bench run plays it; flags that choose generated samples are refused for a folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-recorded-cli-'));
  try {
    assert.equal(await main(['node', 'fullduplex', 'bench', 'recorded-set', '--out', join(dir, 'set'), '--limit', '2']), 0);
    assert.deepEqual(readdirSync(join(dir, 'set')).sort(), ['pause_handling', 'smooth_turn_taking', 'user_interruption']);
    const inter = JSON.parse(readFileSync(join(dir, 'set', 'user_interruption', '000', 'interrupt.json'), 'utf8')) as { context: string; interrupt: string; timestamp: [number, number] }[];
    assert.match(inter[0]!.context, /already logged on/);
    assert.match(inter[0]!.interrupt, /^Login incorrect/);
    const run = (...args: string[]) => main(['node', 'fullduplex', 'bench', 'run', '--target', 'local', '--clock', 'virtual', '--set', join(dir, 'set'), '--out', join(dir, 'run'), ...args]);
    assert.equal(await run('--categories', 'pause_handling'), 2);
    assert.equal(await run('--per-category', '1'), 2);
    assert.equal(await run('--snr', '10'), 2);
    assert.ok(!existsSync(join(dir, 'run')), 'nothing ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the other recorded speakers (June, Carlo) load as turns and write trees that name them; an unknown speaker is refused', async () => {
  for (const [key, source] of [['june', RECORDED_SPEAKERS.june], ['carlo', RECORDED_SPEAKERS.carlo]] as const) {
    const texts = readTranscripts(source.transcripts);
    assert.ok(texts.size > 100, `${source.transcripts}: ${texts.size} transcripts`);
    const turns = await loadRecordedTurns({ source, limit: 2 });
    assert.equal(turns.length, 2);
    for (const t of turns) {
      assert.ok(t.speechS >= RECORDED_SPEECH.minSpeechS && existsSync(join(source.dir, `${t.id}.wav`)), t.id);
      assert.equal(t.text, texts.get(t.id));
      assert.ok(Math.abs(speechLevelDbfs({ samples: t.input, sampleRate: SCENARIO_RATE }) - RECORDED_SPEECH.levelDbfs) < 1, t.id);
    }
    const dir = mkdtempSync(join(tmpdir(), `fd-recorded-${key}-`));
    try {
      assert.equal(await main(['node', 'fullduplex', 'bench', 'recorded-set', '--speaker', key, '--out', dir, '--limit', '2']), 0);
      const truth = readTruth(join(dir, 'smooth_turn_taking', '000'));
      assert.equal(truth.speaker.voice, source.voice);
      assert.equal(truth.speaker.engine === 'recording' && truth.speaker.language, source.language);
      assert.match(readFileSync(join(dir, 'smooth_turn_taking', '000', 'source.txt'), 'utf8'), new RegExp(`^${source.debianPackage}: ${turns[0]!.id}\\.wav \\(${source.voice}, CC-BY-SA-3\\.0\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.equal(await main(['node', 'fullduplex', 'bench', 'recorded-set', '--speaker', 'nobody', '--out', join(tmpdir(), 'fd-never-written')]), 2);
  assert.ok(!existsSync(join(tmpdir(), 'fd-never-written')));
});

test('bench eot on another recorded speaker: the report names them; an unknown speaker and a bad pause scale are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fd-eot-carlo-'));
  try {
    assert.equal(await main(['node', 'fullduplex', 'bench', 'eot', '--voices', 'recorded:carlo', '--recorded-limit', '1', '--samples', '--out', dir]), 0);
    const text = readFileSync(join(dir, 'eot-recorded-carlo-1.txt'), 'utf8');
    assert.match(text, /== Recorded human speech \(asterisk-core-sounds-it-wav: Carlo, Italian, read prompts, 8 kHz; never tuned on\) \(1 samples\)/);
    const [probed] = JSON.parse(readFileSync(join(dir, 'eot-recorded-carlo-1.samples.json'), 'utf8')) as { voices: string; samples: { spans: { kind: string; scores: unknown[] }[] }[] }[];
    assert.equal(probed!.voices, 'recorded:carlo');
    assert.ok(probed!.samples[0]!.spans.some((s) => s.kind === 'eot' && s.scores.length > 0));
    assert.equal(await main(['node', 'fullduplex', 'bench', 'eot', '--voices', 'recorded:nobody', '--out', dir]), 2);
    assert.equal(await main(['node', 'fullduplex', 'bench', 'eot', '--pause-scale', '0', '--out', dir]), 2);
    assert.deepEqual(readdirSync(dir).sort(), ['eot-recorded-carlo-1.json', 'eot-recorded-carlo-1.samples.json', 'eot-recorded-carlo-1.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
