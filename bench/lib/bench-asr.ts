/**
 * pocketsphinx as the engine will drive it: each utterance pushed in 20 ms chunks (partial hypothesis
 * after every chunk), then finish() for the final text. Measures compute per chunk, the end-of-utterance
 * → final-text delay, the real-time factor and the WER per flite voice.
 */
import { PocketsphinxAsr, type PocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';
import { wordErrorRate } from '../../src/speech/asr/wer.js';
import type { AsrStream } from '../../src/speech/types.js';
import { loadNative } from '../../src/native.js';
import { seconds, type Utterance } from './corpus.js';
import { now, round, rssMb, summarize, timeSync, type Summary } from './stats.js';

export const CHUNK_SAMPLES = 320; // 20 ms at 16 kHz

export interface AsrVoiceResult {
  voice: string;
  wer: number;
  rtf: number;
  audioSeconds: number;
}

export interface AsrResults {
  engine: string;
  args: string[];
  chunkMs: number;
  startupMs: number;
  rssGrowthMb: number;
  firstUtteranceRtf: number;
  /** Total compute (wall time of all pushes + finish) over total audio duration, all voices. */
  rtf: number;
  /** The same with process CPU time instead of wall time (lower when other processes compete for the cores). */
  cpuRtf: number;
  msPerChunk: Summary;
  finalDelayMs: Summary;
  partialsPerUtterance: number;
  perVoice: AsrVoiceResult[];
  hypotheses: { voice: string; reference: string; hypothesis: string }[];
}

export interface UtteranceRun {
  hypothesis: string;
  chunkMs: number[];
  finishMs: number;
  /** Process CPU time (user + system) over the pushes and finish: immune to other processes on the machine. */
  cpuMs: number;
  partials: number;
}

/** Push one utterance in chunks of `chunk` samples, then finish; every call is timed. */
export async function runUtterance(stream: AsrStream, samples: Int16Array, chunk = CHUNK_SAMPLES): Promise<UtteranceRun> {
  const chunkMs: number[] = [];
  let partials = 0;
  stream.onPartial = () => partials++;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < samples.length; i += chunk) {
    const piece = samples.subarray(i, i + chunk);
    const t0 = now();
    stream.push(piece);
    chunkMs.push(now() - t0);
  }
  const t0 = now();
  const final = await stream.finish();
  const finishMs = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  stream.onPartial = null;
  return { hypothesis: final.text, chunkMs, finishMs, cpuMs: (cpu.user + cpu.system) / 1000, partials };
}

/** Decoder creation time and resident-memory growth (the addon is loaded beforehand so it is not counted). */
export function startDecoder(options: Partial<PocketsphinxOptions> = {}) {
  loadNative();
  const rss0 = rssMb();
  const [made, startupMs] = timeSync(() => {
    const asr = new PocketsphinxAsr(options);
    return { asr, stream: asr.createStream() };
  });
  return { ...made, startupMs, rssGrowthMb: rssMb() - rss0 };
}

export async function benchAsr(corpus: Map<string, Utterance[]>): Promise<AsrResults> {
  const { asr, stream, startupMs, rssGrowthMb } = startDecoder();
  const warm = [...corpus.values()][0]![0]!;
  const first = await runUtterance(stream, warm.audio.samples);
  const firstUtteranceRtf = (sum(first.chunkMs) + first.finishMs) / 1000 / seconds(warm.audio);

  const allChunks: number[] = [];
  const finals: number[] = [];
  const perVoice: AsrVoiceResult[] = [];
  const hypotheses: AsrResults['hypotheses'] = [];
  let computeMs = 0;
  let cpuMs = 0;
  let audioS = 0;
  let partials = 0;
  for (const [voice, utterances] of corpus) {
    let vCompute = 0;
    let vAudio = 0;
    const pairs = [];
    for (const u of utterances) {
      const r = await runUtterance(stream, u.audio.samples);
      allChunks.push(...r.chunkMs);
      finals.push(r.finishMs);
      cpuMs += r.cpuMs;
      partials += r.partials;
      vCompute += sum(r.chunkMs) + r.finishMs;
      vAudio += seconds(u.audio);
      pairs.push({ reference: u.text, hypothesis: r.hypothesis });
      hypotheses.push({ voice, reference: u.text, hypothesis: r.hypothesis });
    }
    perVoice.push({ voice, wer: round(wordErrorRate(pairs)), rtf: round(vCompute / 1000 / vAudio), audioSeconds: round(vAudio, 2) });
    computeMs += vCompute;
    audioS += vAudio;
  }
  stream.close();
  await asr.close();
  return {
    engine: asr.name,
    args: asr.args(),
    chunkMs: (CHUNK_SAMPLES / 16000) * 1000,
    startupMs: round(startupMs, 1),
    rssGrowthMb: round(rssGrowthMb, 1),
    firstUtteranceRtf: round(firstUtteranceRtf),
    rtf: round(computeMs / 1000 / audioS),
    cpuRtf: round(cpuMs / 1000 / audioS),
    msPerChunk: summarize(allChunks),
    finalDelayMs: summarize(finals),
    partialsPerUtterance: round(partials / finals.length, 1),
    perVoice,
    hypotheses,
  };
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
