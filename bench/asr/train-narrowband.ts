/**
 * Trains the recogniser's narrowband map (src/speech/asr/narrowband-map.ts) and measures it.
 *
 * Data: tuning voices only, drawn and varied as the scenarios draw them (pitch, tempo, tilt, room,
 * level), each sentence once as synthesized (16 kHz) and once through an 8 kHz channel: alternately
 * the scenarios' telephone band (300–3400 Hz) and a plain 8 kHz round trip (what an 8 kHz recording
 * played at 16 kHz sounds like). The map is the least-squares affine map (ridge `--lambda`) from the
 * narrow copy's cepstra to the wide copy's, frame by frame: deterministic.
 *
 * Then word error rates, cold (every sentence a session's first) and warm (in a row), of the live
 * recogniser hearing as heard ('wide', the old behaviour), always mapped ('narrow') and deciding per
 * caller ('auto'), on tuning speakers not trained on, held-out speakers and Allison's 8 kHz recordings,
 * with how often 'auto' decided right.
 *
 *   npm run train:narrowband -- [--speakers 16] [--eval-speakers 8] [--no-write]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { loadNative } from '../../src/native.js';
import { wordErrorRate } from '../../src/speech/asr/wer.js';
import { resample } from '../../src/audio/resampler.js';
import { concatInt16 } from '../../src/audio/frame.js';
import type { Bandwidth } from '../../src/speech/asr/bandwidth.js';
import type { NarrowbandWeights } from '../../src/speech/asr/narrowband-map.js';
import { CONVERSATIONAL_SENTENCES } from '../../test/fixtures/sentences.js';
import { loadRecordedTurns, RECORDED_SPEAKERS } from '../real-speech/recorded-turns.js';
import { atLevel, pinkNoise, rng, seedOf } from '../scenarios/audio.js';
import { GENERATION, SPEAKER_VARIATION, type VoiceSetName } from '../scenarios/config.js';
import { telephone } from '../scenarios/effects.js';
import { closeVoices, drawSpeaker, poolOf, voiceClip } from '../scenarios/voices.js';
import { round6, solve } from '../logistic.js';

const NCEP = 13;
const SENTENCES_PER_SPEAKER = 6;
/** The engine's pre-roll before a segment and a little after it, s (as study:cmn). */
const PAD_BEFORE_S = 0.32;
const PAD_AFTER_S = 0.25;
const FLOOR_DBFS = -72;
/** Evaluation speakers of the tuning side are drawn from here on, past any trained on. */
const TUNING_EVAL_OFFSET = 1000;

type Channel = 'wide' | 'telephone' | '8k';
interface Utterance {
  readonly text: string;
  readonly samples: Int16Array;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();

/** Sentence j of speaker k of a voice set, through each channel (the same speech, the same level). */
async function sentence(set: VoiceSetName, k: number, j: number): Promise<Record<Channel, Utterance>> {
  const rand = rng(seedOf(`narrowband|${set}|${k}`));
  const pool = poolOf(set);
  const speaker = { ...drawSpeaker(pool[k % pool.length]!, rand), telephone: false };
  const [lo, hi] = SPEAKER_VARIATION.levelDb;
  const levelDbfs = GENERATION.userLevelDbfs + lo + (hi - lo) * rand();
  const text = CONVERSATIONAL_SENTENCES[(k * SENTENCES_PER_SPEAKER + j) % CONVERSATIONAL_SENTENCES.length]!;
  const clip = atLevel(await voiceClip(text, speaker), levelDbfs);
  const seed = seedOf(`${set}|${k}|${j}`);
  const wide = concatInt16([pinkNoise(PAD_BEFORE_S, FLOOR_DBFS, seed), clip.samples, pinkNoise(PAD_AFTER_S, FLOOR_DBFS, seed + 1)]);
  const pcm = { samples: wide, sampleRate: 16000 };
  const phone = atLevel(await telephone(pcm, SPEAKER_VARIATION.telephoneBandHz), levelDbfs).samples;
  const k8 = atLevel(await resample(await resample(pcm, 8000), 16000), levelDbfs).samples;
  return { wide: { text, samples: wide }, telephone: { text, samples: phone }, '8k': { text, samples: k8 } };
}

/** Accumulates XᵀX and XᵀY of the affine regression narrow cepstra → wide cepstra. */
class Normal {
  readonly xtx = Array.from({ length: NCEP + 1 }, () => new Float64Array(NCEP + 1));
  readonly xty = Array.from({ length: NCEP }, () => new Float64Array(NCEP + 1));
  frames = 0;

  add(narrow: Float32Array, wide: Float32Array): void {
    const n = Math.min(narrow.length, wide.length) / NCEP;
    const x = new Float64Array(NCEP + 1);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < NCEP; i++) x[i] = narrow[t * NCEP + i]!;
      x[NCEP] = 1;
      for (let a = 0; a <= NCEP; a++) for (let b = 0; b <= NCEP; b++) this.xtx[a]![b]! += x[a]! * x[b]!;
      for (let o = 0; o < NCEP; o++) {
        const y = wide[t * NCEP + o]!;
        for (let a = 0; a <= NCEP; a++) this.xty[o]![a]! += x[a]! * y;
      }
    }
    this.frames += n;
  }

  /** Ridge on the weights (not the bias), scaled by the number of frames. */
  fit(lambda: number): number[][] {
    const A = this.xtx.map((r, a) => {
      const c = Float64Array.from(r);
      if (a < NCEP) c[a]! += lambda * this.frames;
      return c;
    });
    return this.xty.map((b) => Array.from(solve(A, b), round6));
  }
}

function features(native: ReturnType<typeof loadNative>, handle: unknown, samples: Int16Array): Float32Array {
  native.asrStart(handle);
  const f = native.asrFeatures(handle, samples, true);
  native.asrEnd(handle);
  return f;
}

interface Outcome {
  reference: string;
  hypothesis: string;
  heard: Bandwidth | null;
}

async function decodeAll(asr: PocketsphinxAsr, us: readonly Utterance[], cold: boolean): Promise<Outcome[]> {
  const stream = asr.createStream();
  try {
    const out: Outcome[] = [];
    for (const u of us) {
      if (cold) stream.resetAdaptation();
      for (let i = 0; i < u.samples.length; i += 512) stream.push(u.samples.subarray(i, Math.min(u.samples.length, i + 512)));
      const r = await stream.finish();
      out.push({ reference: norm(u.text), hypothesis: norm(r.text), heard: stream.bandwidth });
    }
    return out;
  } finally {
    stream.close();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      speakers: { type: 'string', default: '16' },
      'eval-speakers': { type: 'string', default: '8' },
      lambda: { type: 'string', default: '0.001' },
      'no-write': { type: 'boolean', default: false },
      weights: { type: 'string', default: 'src/speech/asr/narrowband-weights.ts' },
      out: { type: 'string', default: 'bench/results/asr-narrowband.txt' },
    },
  });
  const nTrain = Number(values.speakers);
  const nEval = Number(values['eval-speakers']);
  const lambda = Number(values.lambda);
  const lines: string[] = [];
  const log = (s = '') => {
    lines.push(s);
    console.log(s);
  };

  const native = loadNative();
  const handle = native.asrCreate(new PocketsphinxAsr().args());
  const normal = new Normal();
  for (let k = 0; k < nTrain; k++) {
    for (let j = 0; j < SENTENCES_PER_SPEAKER; j++) {
      const s = await sentence('tuning', k, j);
      const narrow = (k + j) % 2 === 0 ? s.telephone : s['8k'];
      normal.add(features(native, handle, narrow.samples), features(native, handle, s.wide.samples));
    }
  }
  native.asrFree(handle);
  const rows = normal.fit(lambda);
  const weights: NarrowbandWeights = {
    ncep: NCEP,
    rows,
    recipe: {
      command: 'npm run train:narrowband',
      data: `tuning voices, speakers 0–${nTrain - 1} × ${SENTENCES_PER_SPEAKER} sentences, each wide and through an 8 kHz channel (alternately telephone band ${SPEAKER_VARIATION.telephoneBandHz.join('–')} Hz and a plain 8 kHz round trip)`,
      frames: normal.frames,
      lambda,
    },
  };
  log(`Narrowband map: ${normal.frames} frame pairs from ${nTrain} tuning speakers; ridge ${lambda} × frames.`);
  if (!values['no-write']) {
    const src = [
      '// Generated by `npm run train:narrowband` (bench/asr/train-narrowband.ts). Do not edit by hand: retrain.',
      "import type { NarrowbandWeights } from './narrowband-map.js';",
      '',
      'export const NARROWBAND_WEIGHTS: NarrowbandWeights = {',
      `  ncep: ${NCEP},`,
      '  rows: [',
      ...rows.map((r) => `    ${JSON.stringify(r)},`),
      '  ],',
      `  recipe: ${JSON.stringify(weights.recipe, null, 2).replace(/\n/g, '\n  ')},`,
      '};',
      '',
    ].join('\n');
    writeFileSync(values.weights!, src);
    log(`written: ${values.weights}`);
  }

  // Evaluation, with the map just fitted.
  const groups: [string, Utterance[]][] = [];
  for (const [set, offset] of [['tuning', TUNING_EVAL_OFFSET], ['heldout', 0]] as const) {
    const by: Record<Channel, Utterance[]> = { wide: [], telephone: [], '8k': [] };
    for (let k = offset; k < offset + nEval; k++) {
      for (let j = 0; j < 4; j++) {
        const s = await sentence(set, k, j);
        for (const c of ['wide', 'telephone', '8k'] as const) by[c].push(s[c]);
      }
    }
    const name = set === 'tuning' ? 'tuning voices, speakers not trained on' : 'held-out voices';
    for (const c of ['wide', 'telephone', '8k'] as const) groups.push([`${name}, ${c === 'wide' ? 'wideband' : c === 'telephone' ? 'telephone band' : '8 kHz round trip'} (${by[c].length})`, by[c]]);
  }
  await closeVoices();
  const allison = (await loadRecordedTurns({ source: RECORDED_SPEAKERS.allison }))
    .filter((t) => t.text)
    .map((t) => ({ text: t.text!, samples: t.input.subarray(Math.max(0, Math.round((t.start - PAD_BEFORE_S) * 16000)), Math.round((t.end + PAD_AFTER_S) * 16000)) }));
  groups.push([`recorded: ${RECORDED_SPEAKERS.allison.voice}, 8 kHz (${allison.length} prompts)`, allison]);

  log();
  log("Word error rate, cold / warm; 'auto' also: share of sentences it heard as narrowband (cold)");
  log(`${''.padEnd(64)} ${'as heard'.padEnd(17)} ${'always mapped'.padEnd(17)} auto`);
  const modes = {
    wide: new PocketsphinxAsr({ bandwidth: 'wide' }),
    narrow: new PocketsphinxAsr({ bandwidth: 'narrow', narrowbandMap: weights }),
    auto: new PocketsphinxAsr({ bandwidth: 'auto', narrowbandMap: weights }),
  };
  for (const [name, us] of groups) {
    const cells: string[] = [];
    let narrowShare = '';
    for (const [mode, asr] of Object.entries(modes)) {
      const cold = await decodeAll(asr, us, true);
      const warm = await decodeAll(asr, us, false);
      cells.push(`${pct(wordErrorRate(cold)).padStart(7)} / ${pct(wordErrorRate(warm)).padStart(7)}`);
      if (mode === 'auto') narrowShare = `  (narrow ${cold.filter((o) => o.heard === 'narrow').length}/${cold.length})`;
    }
    log(`${name.padEnd(64)} ${cells.join('  ')}${narrowShare}`);
  }
  writeFileSync(values.out!, lines.join('\n') + '\n');
  console.log(`written: ${values.out}`);
}

await main();
