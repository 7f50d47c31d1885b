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
import { BandwidthDetector, type Bandwidth } from './bandwidth.js';
import { mapNarrowband, type NarrowbandWeights } from './narrowband-map.js';
import { NARROWBAND_WEIGHTS } from './narrowband-weights.js';

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
  /**
   * What channel the caller's speech came through. 'wide' (the default): as heard. 'narrow': an 8 kHz
   * channel (telephone, G.711), whose cepstra are mapped to the wideband ones the model knows
   * (narrowband-map.ts). 'auto': decided per caller from their speech (bandwidth.ts; the audio waits
   * until a wideband voice's first fricative, or 0.8 s of speech without one), and again by the
   * majority of later utterances' votes. 'auto' is not yet the default: in the full set it took some
   * wideband espeak voices for narrowband early on (README "Benchmarks"). Live streams only: batch
   * decoders (scoring, `transcribe`) hear every recording as it is.
   */
  bandwidth: 'auto' | Bandwidth;
  /** The narrowband map (`npm run train:narrowband` writes the default; a channel of your own may want its own). */
  narrowbandMap: NarrowbandWeights;
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
  bandwidth: 'wide',
  narrowbandMap: NARROWBAND_WEIGHTS,
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
    return new PocketsphinxStream(this.native, handle, batch ? 'wide' : this.options.bandwidth, this.options.narrowbandMap);
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
  /** The channel was heard as narrow or wide, or the decision changed ('auto' streams). */
  onBandwidth: ((bandwidth: Bandwidth, highBandDb: number) => void) | null = null;
  private inUtterance = false;
  private lastPartial = '';
  private closed = false;
  private readonly detector: BandwidthDetector | null;
  /** Audio of this utterance held back while an 'auto' stream decides what channel it hears. */
  private held: Int16Array[] = [];
  /** This utterance went through the narrowband map (its last partial frame must too). */
  private mapped = false;

  constructor(
    private readonly native: NativeAddon,
    private readonly handle: unknown,
    private readonly bandwidthMode: PocketsphinxOptions['bandwidth'] = 'wide',
    private readonly narrowbandMap: NarrowbandWeights = NARROWBAND_WEIGHTS,
  ) {
    this.detector = bandwidthMode === 'auto' ? new BandwidthDetector() : null;
  }

  /** The channel this stream hears: fixed, or what 'auto' has decided (null before it has). */
  get bandwidth(): Bandwidth | null {
    return this.detector ? this.detector.bandwidth : (this.bandwidthMode as Bandwidth);
  }

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
        this.held = [];
        this.mapped = false;
      }
      const hyp = this.decode(samples, wholeUtterance);
      if (hyp !== this.lastPartial) {
        this.lastPartial = hyp;
        this.onPartial?.({ text: hyp, words: [], final: false });
      }
    } catch (e) {
      throw nativeError(e);
    }
  }

  private decode(samples: Int16Array, wholeUtterance: boolean): string {
    const known = this.bandwidth;
    if (known !== null) {
      this.detector?.push(samples); // still listening: the decision is taken again at the utterance's end
      return this.decodeAs(known, samples, wholeUtterance);
    }
    // Deciding: nothing reaches the decoder yet (its front end included). The held chunks are then
    // decoded one by one as they came, so a wideband caller's words (posteriors too, which depend on
    // the chunking) are exactly what they were without the wait; only the first partials come later.
    this.held.push(samples.slice());
    const band = this.detector!.push(samples);
    if (band === null) return this.lastPartial;
    this.onBandwidth?.(band, this.detector!.decidedOnDb!);
    return this.flushHeld(band);
  }

  private decodeAs(band: Bandwidth, samples: Int16Array, wholeUtterance = false): string {
    if (band === 'wide') return this.native.asrProcess(this.handle, samples, wholeUtterance);
    this.mapped = true;
    return this.native.asrProcessFeatures(this.handle, mapNarrowband(this.native.asrFeatures(this.handle, samples), this.narrowbandMap));
  }

  private flushHeld(band: Bandwidth): string {
    const held = this.held;
    this.held = [];
    let hyp = this.lastPartial;
    for (const chunk of held) hyp = this.decodeAs(band, chunk);
    return hyp;
  }

  async finish(): Promise<AsrResult> {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'ASR stream is closed');
    if (!this.inUtterance) return { text: '', words: [], final: true };
    this.inUtterance = false;
    try {
      const before = this.bandwidth;
      const band = this.detector?.end() ?? before;
      if (band !== null && band !== before) this.onBandwidth?.(band, this.detector!.decidedOnDb!);
      // Held audio (still undecided when the utterance ended) goes the way just decided; with too
      // little speech to tell, as heard. A changed decision applies from the next utterance.
      if (this.held.length > 0) this.flushHeld(band ?? 'wide');
      // The front end's last partial frame goes through the map like the rest of the utterance.
      if (this.mapped) {
        const tail = this.native.asrFeatures(this.handle, new Int16Array(0), true);
        if (tail.length > 0) this.native.asrProcessFeatures(this.handle, mapNarrowband(tail, this.narrowbandMap));
      }
      const r = this.native.asrEnd(this.handle);
      const words = cleanWords(r.words);
      return { text: words.map((w) => w.word).join(' '), words, final: true };
    } catch (e) {
      throw nativeError(e);
    }
  }

  /** Forget the channel adaptation learned from earlier utterances, bandwidth included (between utterances only). */
  resetAdaptation(): void {
    if (this.closed || this.inUtterance) return;
    this.detector?.reset();
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
