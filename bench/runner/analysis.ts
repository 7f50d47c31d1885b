/**
 * What the scorer hears: VAD segments and ASR words of a recording, from the same components for
 * every target (so a number from a foreign system and one from ours differ only by the system).
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { SileroVad } from '../../src/speech/vad/silero.js';
import { mergeSegments, type Segment, type Word } from '../metrics/types.js';
import { SCORING_ASR, SCORING_VAD, TRANSCRIPTION } from './config.js';
import { speechTimestamps } from './speech-timestamps.js';
import { TranscriptionEndpointAsr, type TranscriptionEndpointOptions } from './transcription-endpoint.js';
import type { WordTiming } from '../../src/speech/types.js';

export const ANALYSIS_RATE = 16000;

export interface AnalyzerInfo {
  readonly asr: string;
  readonly asrOptions: Record<string, unknown>;
  readonly vad: string;
  readonly vadOptions: Record<string, unknown>;
}

/** The recogniser that hears the outputs: pocketsphinx (default) or a transcription endpoint. */
export interface ScoringRecognizer {
  readonly name: string;
  /** Its settings, for run.json. */
  readonly info: Record<string, unknown>;
  transcribe(audio: PcmFrame): Promise<{ readonly words: readonly WordTiming[] }>;
  close(): Promise<void>;
}

export interface AnalyzerOptions {
  /** Hear the outputs through this OpenAI-compatible transcription endpoint instead of pocketsphinx. */
  readonly asrEndpoint?: Partial<TranscriptionEndpointOptions> & { url: string };
}

export class Analyzer {
  private constructor(
    private readonly vad: SileroVad,
    private readonly asr: ScoringRecognizer,
  ) {}

  static async create(o: AnalyzerOptions = {}): Promise<Analyzer> {
    const asr = o.asrEndpoint ? new TranscriptionEndpointAsr(o.asrEndpoint) : pocketsphinxRecognizer();
    return new Analyzer(await SileroVad.create(), asr);
  }

  get info(): AnalyzerInfo {
    return {
      asr: this.asr.name,
      asrOptions: this.asr.info,
      vad: this.vad.name,
      vadOptions: { ...SCORING_VAD },
    };
  }

  /**
   * Speech segments (seconds) by upstream's rules (see SCORING_VAD), at sample resolution: each
   * time is exactly sample / 16000, the value upstream's get_timing.py divides out, so float
   * comparisons and rounding (returnSeconds) behave as upstream's do.
   */
  async segments(audio: PcmFrame): Promise<Segment[]> {
    const a = await to16k(audio);
    this.vad.reset();
    const windows = await this.vad.push(a.samples);
    this.vad.reset();
    const onGrid = (t: number) => Math.round(t * ANALYSIS_RATE) / ANALYSIS_RATE;
    return speechTimestamps(windows, a.samples.length / ANALYSIS_RATE, SCORING_VAD).map((s) => ({ start: onGrid(s.start), end: onGrid(s.end) }));
  }

  /**
   * Words with times in the recording. Each region of speech (VAD segments joined across short gaps)
   * is one recogniser utterance with a little audio on either side: pocketsphinx is far more
   * accurate on utterance-sized pieces than on a minute of mostly silence, and the silence between
   * regions holds no words by construction of the VAD.
   */
  async words(audio: PcmFrame, segments: readonly Segment[]): Promise<Word[]> {
    const a = await to16k(audio);
    const out: Word[] = [];
    for (const r of mergeSegments(segments, TRANSCRIPTION.joinGapS)) {
      const from = Math.max(0, Math.floor((r.start - TRANSCRIPTION.padS) * ANALYSIS_RATE));
      const to = Math.min(a.samples.length, Math.ceil((r.end + TRANSCRIPTION.padS) * ANALYSIS_RATE));
      if (to - from < ANALYSIS_RATE * 0.05) continue;
      const res = await this.asr.transcribe({ samples: a.samples.subarray(from, to), sampleRate: ANALYSIS_RATE });
      const t0 = from / ANALYSIS_RATE;
      for (const w of res.words) out.push({ text: w.word, start: round3(t0 + w.start), end: round3(t0 + w.end) });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.asr.close();
    await this.vad.close();
  }
}

function pocketsphinxRecognizer(): ScoringRecognizer {
  const asr = new PocketsphinxAsr(SCORING_ASR);
  return {
    name: asr.name,
    info: { maxHmmPerFrame: asr.options.maxHmmPerFrame, topN: asr.options.topN, bestpath: asr.options.bestpath },
    transcribe: (audio) => asr.transcribe(audio),
    close: () => asr.close(),
  };
}

async function to16k(audio: PcmFrame): Promise<PcmFrame> {
  return audio.sampleRate === ANALYSIS_RATE ? audio : resample(audio, ANALYSIS_RATE);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
