import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { FullduplexError } from '../errors.js';
import { loadNative } from '../native.js';
import { assertSampleRate, concatInt16, float32ToInt16, int16ToFloat32, type PcmFrame } from './frame.js';

// The package is CommonJS; under NodeNext its named exports are only reachable through the default import.
const { create, ConverterType } = libsamplerate;

type SrcInstance = Awaited<ReturnType<typeof create>>;

/**
 * 'fastest' | 'medium' | 'best': libsamplerate's sinc converters (WASM). 'speex': speexdsp's resampler at
 * its quality 5 in the native addon (native/src/resampler_speex.c): about a fifth of 'fastest''s CPU
 * (measured 24 → 16 kHz in 20 ms pieces: 1.3 against 7.3 ms per second of audio), its stopband a
 * little shallower, and made in microseconds instead of a WASM load.
 */
export type ResamplerQuality = 'fastest' | 'medium' | 'best' | 'speex';

/**
 * The live audio paths' converter: a 24 kHz or 8 kHz connection's input to the engine, the engine's
 * output to a connection, recordings. Twenty conversations resample twice each, every 20 ms.
 */
export const LIVE_RESAMPLER_QUALITY: ResamplerQuality = 'speex';

/** speexdsp's quality (0–10) for 'speex': 5 is its "desktop" setting, far above what speech needs. */
const SPEEX_QUALITY = 5;

/** One stream's converter state, whichever library does the work. */
interface Converter {
  convert(samples: Int16Array): Int16Array;
  /** Forget the stream (a new one follows). */
  reset(): void;
  destroy(): void;
}

function libsamplerateConverter(src: SrcInstance): Converter {
  return {
    convert: (samples) => float32ToInt16(src.full(int16ToFloat32(samples))),
    // The library's setters re-init its C state.
    reset: () => void (src.converterType = src.converterType),
    destroy: () => src.destroy(),
  };
}

function speexConverter(fromRate: number, toRate: number): Converter {
  const n = loadNative();
  const handle = n.resamplerCreate(fromRate, toRate, SPEEX_QUALITY);
  return {
    convert: (samples) => n.resamplerProcess(handle, samples),
    reset: () => n.resamplerReset(handle),
    destroy: () => n.resamplerDestroy(handle),
  };
}

/**
 * Default converter: libsamplerate's SINC_FASTEST (97 dB SNR, 80 % passband). That passband still reaches
 * 6.4 kHz at a 16 kHz output, more than speech recognition or VAD use, at ~2.5x less CPU and half the
 * delay of SINC_MEDIUM (measured: ~1.2 % of real time for 48k->16k in 20 ms pieces, 20 input samples held back).
 */
export const DEFAULT_RESAMPLER_QUALITY: ResamplerQuality = 'fastest';

const CONVERTERS = {
  fastest: ConverterType.SRC_SINC_FASTEST,
  medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
  best: ConverterType.SRC_SINC_BEST_QUALITY,
  speex: undefined,
} as const;

export interface ResamplerOptions {
  /** Converter quality; default DEFAULT_RESAMPLER_QUALITY. */
  quality?: ResamplerQuality;
}

/** Upper bound on zeros fed by flush() to drain the filter (the longest sinc tail is far shorter). */
const MAX_FLUSH_SECONDS = 1;

/**
 * Input zeros after which the converter's whole history is zero (SINC_FASTEST reads ~20 samples either
 * side; the best converter a few hundred), so more zeros would only come out as zeros.
 */
const SILENT_HISTORY_SAMPLES = 1024;

export interface ProcessOptions {
  /**
   * Return digital silence without running the converter when the input is all zeros and the filter
   * holds only zeros already (the output is the same, sample for sample). For streams whose silence is
   * exact zeros, such as an agent's output between replies; a microphone's never is.
   */
  skipDigitalSilence?: boolean;
}

/**
 * Streaming mono PCM16 resampler (libsamplerate's sinc converters, or speexdsp's for 'speex').
 *
 * Both hold the filter's look-ahead inside until more input comes. libsamplerate-js's `full()` keeps the converter state across calls (checked: feeding a signal in 20 ms
 * pieces gives bit-identical output to one call), but it never sets `end_of_input`, so the filter's
 * look-ahead tail stays inside. `flush()` therefore pushes zeros through and trims the output so the total
 * stream length is exactly floor(inputSamples * toRate / fromRate). The samples equal those of
 * libsamplerate's own end-of-input handling (its `simple()` call), whose float bookkeeping sometimes
 * yields one sample fewer.
 * speexdsp starts its output with the signal (its run-in of zeros skipped), so the same trimming holds.
 * A libsamplerate instance loads its own WASM module (~12 ms, ~8 MB of transfer buffers); a speexdsp one
 * is a few kB of native state. Create one per stream and `destroy()` it when done.
 */
export class StreamingResampler {
  readonly fromRate: number;
  readonly toRate: number;
  private src: Converter | null;
  private inputTotal = 0;
  private outputTotal = 0;
  /** Zeros at the end of the input so far (counted up to SILENT_HISTORY_SAMPLES). */
  private trailingZeros = 0;
  private destroyed = false;

  private constructor(fromRate: number, toRate: number, src: Converter | null) {
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.src = src;
  }

  static async create(fromRate: number, toRate: number, opts: ResamplerOptions = {}): Promise<StreamingResampler> {
    assertSampleRate(fromRate, 'StreamingResampler input');
    assertSampleRate(toRate, 'StreamingResampler output');
    const quality = opts.quality ?? DEFAULT_RESAMPLER_QUALITY;
    if (!(quality in CONVERTERS)) throw new FullduplexError('BAD_ARGUMENT', `StreamingResampler: unknown quality '${quality}'`);
    if (fromRate === toRate) return new StreamingResampler(fromRate, toRate, null);
    const type = CONVERTERS[quality];
    try {
      const src = type === undefined ? speexConverter(fromRate, toRate) : libsamplerateConverter(await create(1, fromRate, toRate, { converterType: type }));
      return new StreamingResampler(fromRate, toRate, src);
    } catch (e) {
      throw new FullduplexError('COMPONENT_FAILED', `resampler create failed (${quality}): ${String(e)}`, { cause: e });
    }
  }

  /** Output samples still held inside the filter (what flush() would emit). */
  get pendingOutputSamples(): number {
    return Math.max(0, this.expectedOutput() - this.outputTotal);
  }

  /** Resample the next piece of the stream. Output may be shorter than the rate ratio suggests at first. */
  process(samples: Int16Array, opts: ProcessOptions = {}): Int16Array {
    this.checkAlive('process');
    if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'StreamingResampler.process: expected Int16Array');
    if (samples.length === 0) return new Int16Array(0);
    if (this.src === null) return samples.slice();
    const zerosAtEnd = trailingZeros(samples);
    const silentBefore = this.trailingZeros >= SILENT_HISTORY_SAMPLES;
    this.trailingZeros = zerosAtEnd === samples.length ? Math.min(SILENT_HISTORY_SAMPLES, this.trailingZeros + zerosAtEnd) : zerosAtEnd;
    // Only a whole number of output samples keeps the converter's phase where it was.
    if (opts.skipDigitalSilence && silentBefore && zerosAtEnd === samples.length && (samples.length * this.toRate) % this.fromRate === 0) {
      const n = (samples.length * this.toRate) / this.fromRate;
      this.inputTotal += samples.length;
      this.outputTotal += n;
      return new Int16Array(n);
    }
    this.inputTotal += samples.length;
    const out = this.run(samples);
    this.outputTotal += out.length;
    return out;
  }

  /**
   * Emit the filter's tail so the stream's total length is exact, then reset: the next process() call
   * starts an independent stream.
   */
  flush(): Int16Array {
    this.checkAlive('flush');
    const src = this.src;
    if (src === null) return new Int16Array(0);
    const want = this.expectedOutput() - this.outputTotal;
    const parts: Int16Array[] = [];
    let got = 0;
    const chunk = new Int16Array(Math.ceil(this.fromRate / 50));
    for (let fed = 0; got < want && fed < this.fromRate * MAX_FLUSH_SECONDS; fed += chunk.length) {
      const out = this.run(chunk);
      parts.push(out);
      got += out.length;
    }
    const tail = new Int16Array(Math.max(0, want));
    let o = 0;
    for (const p of parts) {
      const take = Math.min(p.length, tail.length - o);
      tail.set(p.subarray(0, take), o);
      o += take;
    }
    // Re-initialise the converter so no tail leaks into the next stream.
    src.reset();
    this.inputTotal = 0;
    this.outputTotal = 0;
    this.trailingZeros = 0;
    return tail;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.src?.destroy();
    this.src = null;
  }

  private expectedOutput(): number {
    return Math.floor((this.inputTotal * this.toRate) / this.fromRate);
  }

  private run(input: Int16Array): Int16Array {
    try {
      return this.src!.convert(input);
    } catch (e) {
      throw new FullduplexError('COMPONENT_FAILED', `resampler failed: ${String(e)}`, { cause: e });
    }
  }

  private checkAlive(where: string): void {
    if (this.destroyed) throw new FullduplexError('BAD_ARGUMENT', `StreamingResampler.${where}: already destroyed`);
  }
}

/** One-shot conversion of a whole frame (same result as streaming it and flushing). */
export async function resample(frame: PcmFrame, toRate: number, opts: ResamplerOptions = {}): Promise<PcmFrame> {
  assertSampleRate(frame.sampleRate, 'resample input');
  assertSampleRate(toRate, 'resample output');
  if (frame.sampleRate === toRate) return { samples: frame.samples.slice(), sampleRate: toRate };
  const r = await StreamingResampler.create(frame.sampleRate, toRate, opts);
  try {
    return { samples: concatInt16([r.process(frame.samples), r.flush()]), sampleRate: toRate };
  } finally {
    r.destroy();
  }
}

function trailingZeros(samples: Int16Array): number {
  let i = samples.length;
  while (i > 0 && samples[i - 1] === 0) i--;
  return samples.length - i;
}
