/**
 * TTS as the engine will drive it: streamed synthesis of each test sentence, timing the first audio
 * chunk and the whole utterance. flite runs in-process on a worker thread; espeak-ng is a subprocess.
 */
import { EspeakTts } from '../../src/speech/tts/espeak.js';
import { FLITE_VOICES, FliteTts } from '../../src/speech/tts/flite.js';
import type { TtsEngine } from '../../src/speech/types.js';
import { SENTENCES } from './corpus.js';
import { now, round, summarize, type Summary } from './stats.js';

export interface TtsVoiceResult {
  engine: string;
  voice: string;
  sampleRate: number;
  /** First call of the voice (voice load, thread start), not part of the statistics. */
  coldFirstAudioMs: number;
  firstAudioMs: Summary;
  /** Synthesis wall time / audio duration, over all sentences. */
  rtf: number;
  chunkMs: number;
  audioSeconds: number;
}

interface OneRun {
  firstMs: number;
  totalMs: number;
  samples: number;
  chunks: number;
  sampleRate: number;
}

async function synthesizeOnce(engine: TtsEngine, text: string, voice: string): Promise<OneRun> {
  const t0 = now();
  let firstMs = NaN;
  let samples = 0;
  let chunks = 0;
  let sampleRate = 0;
  for await (const c of engine.synthesize(text, { voice })) {
    if (chunks === 0) firstMs = now() - t0;
    chunks++;
    samples += c.samples.length;
    sampleRate = c.sampleRate;
  }
  return { firstMs, totalMs: now() - t0, samples, chunks, sampleRate };
}

export async function benchVoice(engine: TtsEngine, voice: string): Promise<TtsVoiceResult> {
  const cold = await synthesizeOnce(engine, SENTENCES[0]!, voice);
  const runs: OneRun[] = [];
  for (const s of SENTENCES) runs.push(await synthesizeOnce(engine, s, voice));
  const sampleRate = runs[0]!.sampleRate;
  const audioS = runs.reduce((a, r) => a + r.samples, 0) / sampleRate;
  const totalMs = runs.reduce((a, r) => a + r.totalMs, 0);
  const chunks = runs.reduce((a, r) => a + r.chunks, 0);
  return {
    engine: engine.name,
    voice,
    sampleRate,
    coldFirstAudioMs: round(cold.firstMs, 2),
    firstAudioMs: summarize(runs.map((r) => r.firstMs)),
    rtf: round(totalMs / 1000 / audioS),
    chunkMs: round((audioS * 1000) / chunks, 1),
    audioSeconds: round(audioS, 2),
  };
}

export async function benchTts(): Promise<TtsVoiceResult[]> {
  const out: TtsVoiceResult[] = [];
  const flite = new FliteTts();
  for (const voice of Object.keys(FLITE_VOICES)) out.push(await benchVoice(flite, voice));
  if (EspeakTts.available()) {
    const espeak = new EspeakTts();
    out.push(await benchVoice(espeak, espeak.defaultVoice));
  }
  return out;
}
