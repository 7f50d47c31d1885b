/**
 * Where should the live recogniser's cepstral mean start? pocketsphinx subtracts a running mean of the
 * cepstrum (live CMN) and learns it from each utterance it finishes; a new decoder starts from the
 * model's `-cmninit`, which was made for another front end and level. A session's first turns are then
 * heard with a mean far from the user's, and most of the bench's samples are first turns.
 *
 * For each speaker (voice pool of one side of the split, varied as the scenarios vary them, at the
 * scenarios' user levels) it decodes a few sentences in a row with one decoder and reads the mean the
 * decoder has learned at the end. The proposed start is the mean over the **tuning** speakers only; then
 * word error rates of a cold decoder (every sentence a first turn) and a warm one (the sentences in a
 * row), with the model's start and the proposed one, on tuning, held-out and recorded speech.
 *
 *   npm run study:cmn -- [--speakers 12] [--out bench/results/asr-cmn-study.txt]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PocketsphinxAsr, type PocketsphinxStream } from '../../src/speech/asr/pocketsphinx.js';
import { wordErrorRate } from '../../src/speech/asr/wer.js';
import { CONVERSATIONAL_SENTENCES } from '../../test/fixtures/sentences.js';
import { loadRecordedTurns, RECORDED_SPEAKERS } from '../real-speech/recorded-turns.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { atLevel, pinkNoise, rng, seedOf } from '../scenarios/audio.js';
import { GENERATION, SPEAKER_VARIATION, type VoiceSetName } from '../scenarios/config.js';
import { closeVoices, drawSpeaker, poolOf, speakerLabel, voiceClip } from '../scenarios/voices.js';

interface Utterance {
  readonly text: string;
  readonly samples: Int16Array;
}

const SENTENCES_PER_SPEAKER = 6;
/** What the engine hands the recogniser around a segment: its pre-roll before, a little after, s. */
const PAD_BEFORE_S = 0.32;
const PAD_AFTER_S = 0.25;
/** The room's floor under the speech, dBFS (quiet, not digital silence). */
const FLOOR_DBFS = -72;

const norm = (s: string) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();

interface StudySpeaker {
  readonly label: string;
  /** Heard through the telephone band (300–3400 Hz, 8 kHz round trip). */
  readonly telephone: boolean;
  readonly utterances: Utterance[];
}

async function speakerUtterances(set: VoiceSetName, k: number): Promise<StudySpeaker> {
  const pool = poolOf(set);
  const rand = rng(seedOf(`cmn-study|${set}|${k}`));
  const speaker = drawSpeaker(pool[k % pool.length]!, rand);
  const [lo, hi] = SPEAKER_VARIATION.levelDb;
  const levelDbfs = GENERATION.userLevelDbfs + lo + (hi - lo) * rand();
  const utterances: Utterance[] = [];
  for (let j = 0; j < SENTENCES_PER_SPEAKER; j++) {
    const text = CONVERSATIONAL_SENTENCES[(k * SENTENCES_PER_SPEAKER + j) % CONVERSATIONAL_SENTENCES.length]!;
    const clip = atLevel(await voiceClip(text, speaker), levelDbfs);
    const seed = seedOf(`${set}|${k}|${j}`);
    const samples = concatInt16([pinkNoise(PAD_BEFORE_S, FLOOR_DBFS, seed), clip.samples, pinkNoise(PAD_AFTER_S, FLOOR_DBFS, seed + 1)]);
    utterances.push({ text, samples });
  }
  return { label: `${speakerLabel(speaker)} ${levelDbfs.toFixed(1)} dBFS`, telephone: speaker.telephone, utterances };
}

async function decode(stream: PocketsphinxStream, samples: Int16Array): Promise<string> {
  for (let i = 0; i < samples.length; i += 512) stream.push(samples.subarray(i, Math.min(samples.length, i + 512)));
  return (await stream.finish()).text;
}

/** One speaker's sentences through one decoder: cold (reset before each) or warm (in a row). */
async function run(stream: PocketsphinxStream, us: readonly Utterance[], cold: boolean): Promise<{ reference: string; hypothesis: string }[]> {
  stream.resetAdaptation();
  const out = [];
  for (const u of us) {
    if (cold) stream.resetAdaptation();
    out.push({ reference: norm(u.text), hypothesis: norm(await decode(stream, u.samples)) });
  }
  return out;
}

const mean = (vs: readonly number[][]) => vs[0]!.map((_, i) => vs.reduce((s, v) => s + v[i]!, 0) / vs.length);
const fmt = (v: readonly number[]) => v.map((x) => x.toFixed(2)).join(',');
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { speakers: { type: 'string', default: '12' }, out: { type: 'string', default: 'bench/results/asr-cmn-study.txt' } } });
  const n = Number(values.speakers);
  const lines: string[] = [];
  const log = (s = '') => {
    lines.push(s);
    console.log(s);
  };
  // Speech as heard: the narrowband map (npm run train:narrowband) is measured on its own.
  const asr = new PocketsphinxAsr({ cmnInit: null, bandwidth: 'wide' });
  const modelStart = asr.createStream().adaptation();
  const speakers: Record<VoiceSetName, StudySpeaker[]> = { tuning: [], heldout: [] };
  for (const set of ['tuning', 'heldout'] as const) for (let k = 0; k < n; k++) speakers[set].push(await speakerUtterances(set, k));
  await closeVoices();

  // The mean each tuning speaker's decoder ends on, after their sentences in a row from the model's start.
  const learned: number[][] = [];
  const probe = asr.createStream();
  for (const s of speakers.tuning) {
    await run(probe, s.utterances, false);
    learned.push(probe.adaptation());
  }
  const proposed = mean(learned);
  log(`Live CMN start: ${n} speakers per side × ${SENTENCES_PER_SPEAKER} sentences (CONVERSATIONAL_SENTENCES), varied and levelled as the scenarios do`);
  log(`model's -cmninit:             ${fmt(modelStart)}`);
  log(`tuning speakers' learned mean: ${fmt(proposed)}   (c0 spread ${Math.min(...learned.map((v) => v[0]!)).toFixed(1)}–${Math.max(...learned.map((v) => v[0]!)).toFixed(1)})`);
  log();

  const starts = { "model's start": null, 'tuning mean': proposed } as const;
  const decoders = Object.fromEntries(Object.entries(starts).map(([k, v]) => [k, new PocketsphinxAsr({ cmnInit: v, bandwidth: 'wide' }).createStream()])) as Record<keyof typeof starts, PocketsphinxStream>;
  const recorded = (await loadRecordedTurns({ source: RECORDED_SPEAKERS.allison })).filter((t) => t.text);
  const allison: Utterance[] = recorded.map((t) => ({
    text: t.text!,
    samples: t.input.subarray(Math.max(0, Math.round((t.start - PAD_BEFORE_S) * 16000)), Math.round((t.end + PAD_AFTER_S) * 16000)),
  }));
  const band = (ss: readonly StudySpeaker[], phone: boolean) => ss.filter((s) => s.telephone === phone).map((s) => s.utterances);
  const groups: [string, Utterance[][]][] = [
    ['tuning speakers', speakers.tuning.map((s) => s.utterances)],
    [`  of them wideband (${band(speakers.tuning, false).length})`, band(speakers.tuning, false)],
    [`  of them telephone band (${band(speakers.tuning, true).length})`, band(speakers.tuning, true)],
    ['held-out speakers', speakers.heldout.map((s) => s.utterances)],
    [`  of them wideband (${band(speakers.heldout, false).length})`, band(speakers.heldout, false)],
    [`  of them telephone band (${band(speakers.heldout, true).length})`, band(speakers.heldout, true)],
    [`recorded: ${RECORDED_SPEAKERS.allison.voice}, 8 kHz (${allison.length} prompts)`, [allison]],
  ];
  log('Word error rate                      cold (every sentence a first turn)   warm (in a row)');
  for (const [name, us] of groups) {
    for (const [start, stream] of Object.entries(decoders)) {
      const cold: { reference: string; hypothesis: string }[] = [];
      for (const u of us) cold.push(...(await run(stream, u, true)));
      const warm: { reference: string; hypothesis: string }[] = [];
      for (const u of us) warm.push(...(await run(stream, u, false)));
      if (us.length === 0) continue;
      log(`${`${name}, ${start}`.padEnd(62)} ${pct(wordErrorRate(cold)).padStart(7)}   ${pct(wordErrorRate(warm)).padStart(7)}`);
    }
  }
  log();
  log("Tuning speakers (warm word error rate with the model's start → the tuning mean):");
  for (const s of speakers.tuning) {
    const w = async (d: PocketsphinxStream) => pct(wordErrorRate(await run(d, s.utterances, false)));
    log(`  ${s.label}: ${await w(decoders["model's start"])} → ${await w(decoders['tuning mean'])}`);
  }
  writeFileSync(values.out!, lines.join('\n') + '\n');
  console.log(`written: ${values.out}`);
}

await main();
