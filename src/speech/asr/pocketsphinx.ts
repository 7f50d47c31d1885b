/**
 * pocketsphinx streaming ASR through the project's N-API addon, with Debian's US-English model.
 * Partial hypotheses on every chunk, final hypothesis with word timestamps at end of utterance.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PcmFrame } from '../../audio/frame.js';
import { FullduplexError } from '../../errors.js';
import { loadNative, nativeError, type NativeAddon } from '../../native.js';
import type { AsrEngine, AsrResult, AsrStream, WordTiming } from '../types.js';
import { resample } from '../../audio/resampler.js';

export interface PocketsphinxOptions {
  /** Directory holding `en-us/`, `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir: string;
  /** Second, slower decoding pass; off keeps the real-time factor near 0.1 at a small accuracy cost. */
  fwdflat: boolean;
  /** Lattice best-path search at end of utterance; runs once per utterance, improves the final text. */
  bestpath: boolean;
  /**
   * Cap on active HMMs per frame (pocketsphinx default 30000). 2000 halves the compute (RTF 0.33 →
   * 0.16) for about one point of WER on synthesized speech (bench/lib/asr-variants.ts measures it).
   */
  maxHmmPerFrame: number;
  /** Gaussians evaluated per frame (default 4); 2 saves another ~15 % at no measurable WER cost. */
  topN: number;
  /**
   * Where live cepstral mean normalisation starts in a new session (and after `resetAdaptation`); null:
   * the model's own `-cmninit`. A start learned on tuning speakers helped telephone-band first turns and
   * cost wideband ones (`npm run study:cmn`), so the default stays the model's.
   */
  cmnInit: readonly number[] | null;
  /** Extra raw `-name value` pocketsphinx arguments, for experiments. */
  extraArgs: readonly string[];
}

export const defaultPocketsphinxOptions: PocketsphinxOptions = {
  modelDir: '/usr/share/pocketsphinx/model/en-us',
  fwdflat: false,
  bestpath: true,
  maxHmmPerFrame: 2000,
  topN: 2,
  cmnInit: null,
  extraArgs: [],
};

/** pocketsphinx reports 100 feature frames per second. */
const FRAMES_PER_SECOND = 100;
/** Tokens the decoder emits that are not words. */
const NON_WORDS = /^(<s>|<\/s>|<sil>|\[noise\]|\+\+.*\+\+|\[.*\])$/i;

export function cleanWords(raw: readonly (readonly [string, number, number, number?])[]): WordTiming[] {
  const out: WordTiming[] = [];
  for (const [w, sf, ef, posterior] of raw) {
    if (NON_WORDS.test(w)) continue;
    out.push({
      word: w.replace(/\(\d+\)$/, ''),
      start: sf / FRAMES_PER_SECOND,
      end: (ef + 1) / FRAMES_PER_SECOND,
      ...(posterior !== undefined && Number.isFinite(posterior) && { confidence: posterior }),
    });
  }
  return out;
}

export class PocketsphinxAsr implements AsrEngine {
  readonly name = 'pocketsphinx-5prealpha-en-us';
  readonly sampleRate = 16000;
  readonly options: PocketsphinxOptions;
  private readonly native: NativeAddon;

  constructor(options: Partial<PocketsphinxOptions> = {}) {
    this.options = { ...defaultPocketsphinxOptions, ...options };
    this.native = loadNative();
    const m = this.options.modelDir;
    for (const f of [join(m, 'en-us'), join(m, 'en-us.lm.bin'), join(m, 'cmudict-en-us.dict')]) {
      if (!existsSync(f)) {
        throw new FullduplexError('MODEL_MISSING', `pocketsphinx model file ${f} is missing (apt-get install pocketsphinx-en-us)`);
      }
    }
  }

  /**
   * The decoder arguments, exposed so `doctor` can print them. `batch`: a decoder for whole
   * recordings, which normalises the cepstrum over the whole recording (`-cmn batch`) instead of
   * adapting as it goes: reproducible, and on flite voices about half the word errors (8 % vs 15 %
   * for a decoder that starts each recording from its initial adaptation).
   */
  args(batch = false): string[] {
    const m = this.options.modelDir;
    return [
      '-hmm', join(m, 'en-us'),
      '-lm', join(m, 'en-us.lm.bin'),
      '-dict', join(m, 'cmudict-en-us.dict'),
      '-fwdflat', this.options.fwdflat ? 'yes' : 'no',
      '-bestpath', this.options.bestpath ? 'yes' : 'no',
      // The front end's own silence removal drops frames, which would shift every word timestamp
      // after a pause; Silero segments speech instead.
      '-remove_silence', 'no',
      '-maxhmmpf', String(this.options.maxHmmPerFrame),
      '-topn', String(this.options.topN),
      // Batch decoders may be handed digital silence (an agent that said nothing): half-bit dither
      // with a fixed seed keeps the front end sane on it, reproducibly.
      ...(batch ? ['-cmn', 'batch', '-dither', 'yes', '-seed', '1'] : []),
      ...this.options.extraArgs,
    ];
  }

  createStream(): PocketsphinxStream {
    return this.makeStream(false);
  }

  /**
   * A decoder for whole recordings that can be used again: each `push(samples, true)` + `finish()` is
   * one recording normalised over itself (a second pass over audio already heard, without the ~0.5 s
   * of making a decoder per recording). `transcribe` makes a fresh one instead, for exact repeatability.
   */
  createBatchStream(): PocketsphinxStream {
    return this.makeStream(true);
  }

  private makeStream(batch: boolean): PocketsphinxStream {
    let handle: unknown;
    try {
      handle = this.native.asrCreate(this.args(batch));
      // Set on the decoder, not as -cmninit: the model's feat.params overrides that argument.
      if (!batch && this.options.cmnInit) this.native.asrSetAdaptation(handle, [...this.options.cmnInit]);
    } catch (e) {
      throw nativeError(e);
    }
    return new PocketsphinxStream(this.native, handle);
  }

  async transcribe(audio: PcmFrame): Promise<AsrResult> {
    const pcm = audio.sampleRate === this.sampleRate ? audio : await resample(audio, this.sampleRate);
    // A fresh decoder per recording (~0.5 s): the decoder keeps state across utterances beyond its
    // cepstral adaptation, and the same recording must always give the same words.
    const s = this.makeStream(true);
    try {
      s.push(pcm.samples, true);
      return await s.finish();
    } finally {
      s.close();
    }
  }

  async close(): Promise<void> {}
}

export class PocketsphinxStream implements AsrStream {
  onPartial: ((partial: AsrResult) => void) | null = null;
  private inUtterance = false;
  private lastPartial = '';
  private closed = false;

  constructor(
    private readonly native: NativeAddon,
    private readonly handle: unknown,
  ) {}

  /** `wholeUtterance`: `samples` is a complete recording (batch decoders normalise over all of it). */
  push(samples: Int16Array, wholeUtterance = false): void {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'ASR stream is closed');
    if (!(samples instanceof Int16Array)) {
      throw new FullduplexError('BAD_AUDIO', 'ASR input must be an Int16Array of 16 kHz mono PCM');
    }
    try {
      if (!this.inUtterance) {
        this.native.asrStart(this.handle);
        this.inUtterance = true;
        this.lastPartial = '';
      }
      const hyp = this.native.asrProcess(this.handle, samples, wholeUtterance);
      if (hyp !== this.lastPartial) {
        this.lastPartial = hyp;
        this.onPartial?.({ text: hyp, words: [], final: false });
      }
    } catch (e) {
      throw nativeError(e);
    }
  }

  async finish(): Promise<AsrResult> {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'ASR stream is closed');
    if (!this.inUtterance) return { text: '', words: [], final: true };
    this.inUtterance = false;
    try {
      const r = this.native.asrEnd(this.handle);
      const words = cleanWords(r.words);
      return { text: words.map((w) => w.word).join(' '), words, final: true };
    } catch (e) {
      throw nativeError(e);
    }
  }

  /** Forget the channel adaptation learned from earlier utterances (between utterances only). */
  resetAdaptation(): void {
    if (this.closed || this.inUtterance) return;
    try {
      this.native.asrResetAdaptation(this.handle);
    } catch (e) {
      throw nativeError(e);
    }
  }

  /** The cepstral mean live normalisation currently subtracts: what it has learned of the channel so far. */
  adaptation(): number[] {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'ASR stream is closed');
    try {
      return this.native.asrAdaptation(this.handle);
    } catch (e) {
      throw nativeError(e);
    }
  }

  cancel(): void {
    if (this.inUtterance && !this.closed) {
      this.inUtterance = false;
      try {
        this.native.asrEnd(this.handle);
      } catch {
        // The result is being discarded; a failure to end it changes nothing for the caller.
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.asrFree(this.handle);
  }
}
