/**
 * Opus for the wire protocols: mono 24 kHz with 20 ms frames (what Moshi and its web client use), on
 * @evan/opus (libopus; prebuilt native addon, WASM fallback). libopus encodes and decodes at
 * 8/12/16/24/48 kHz directly, so no resampling is needed at 24 kHz.
 */
import { Decoder, Encoder } from '@evan/opus';
import { FullduplexError } from '../../errors.js';

export const OPUS_SAMPLE_RATE_24K = 24000;
export const OPUS_FRAME_MS = 20;
/** Samples in one 20 ms frame at 24 kHz. */
export const OPUS_FRAME_SAMPLES_24K = (OPUS_SAMPLE_RATE_24K * OPUS_FRAME_MS) / 1000;
/** Rates libopus runs at natively. */
export const OPUS_SAMPLE_RATES = [8000, 12000, 16000, 24000, 48000] as const;
export type OpusSampleRate = (typeof OPUS_SAMPLE_RATES)[number];
export type OpusApplication = 'voip' | 'audio' | 'restricted_lowdelay';

/** libopus OPUS_GET_LOOKAHEAD request; @evan/opus's typings misspell the getter (`lookhead`), so ask directly. */
const OPUS_GET_LOOKAHEAD = 4027;

export interface OpusEncoderOptions {
  /** Target bits per second; default: libopus chooses (about 27 kb/s for mono 24 kHz). */
  bitrate?: number;
  /** 'voip' (default) tunes for speech. */
  application?: OpusApplication;
  /** 0..10, default libopus's 9 — cost per frame is small either way (see the protocol tests). */
  complexity?: number;
}

/** Mono 24 kHz Opus encoder taking exactly one 20 ms frame per call. */
export class OpusEncoder24k {
  readonly sampleRate = OPUS_SAMPLE_RATE_24K;
  readonly frameSamples = OPUS_FRAME_SAMPLES_24K;
  /** Encoder delay in samples at 24 kHz; the stream's pre-skip must cover it. */
  readonly lookahead: number;
  private readonly enc: Encoder;

  constructor(opts: OpusEncoderOptions = {}) {
    try {
      this.enc = new Encoder({ channels: 1, sample_rate: OPUS_SAMPLE_RATE_24K, application: opts.application ?? 'voip' });
      if (opts.bitrate !== undefined) this.enc.bitrate = opts.bitrate;
      if (opts.complexity !== undefined) this.enc.complexity = opts.complexity as Encoder['complexity'];
      this.lookahead = this.enc.ctl(OPUS_GET_LOOKAHEAD);
    } catch (e) {
      throw new FullduplexError('COMPONENT_FAILED', `Opus encoder init failed: ${errText(e)}`, { cause: e });
    }
  }

  encode(frame: Int16Array): Uint8Array {
    if (!(frame instanceof Int16Array) || frame.length !== this.frameSamples) {
      const got = frame instanceof Int16Array ? `${frame.length} samples` : 'not an Int16Array';
      throw new FullduplexError('BAD_AUDIO', `OpusEncoder24k.encode: expected one 20 ms frame of ${this.frameSamples} samples (${got})`);
    }
    try {
      return this.enc.encode(frame);
    } catch (e) {
      throw new FullduplexError('COMPONENT_FAILED', `Opus encode failed: ${errText(e)}`, { cause: e });
    }
  }
}

export interface OpusDecoderOptions {
  /** Output rate, default 24000; any Opus packet decodes at any of these rates. */
  sampleRate?: OpusSampleRate;
}

/** Mono Opus decoder (stereo packets are downmixed by libopus). Survives bad packets. */
export class OpusDecoder {
  readonly sampleRate: OpusSampleRate;
  private readonly dec: Decoder;

  constructor(opts: OpusDecoderOptions = {}) {
    const rate = opts.sampleRate ?? OPUS_SAMPLE_RATE_24K;
    if (!(OPUS_SAMPLE_RATES as readonly number[]).includes(rate)) {
      throw new FullduplexError('BAD_SAMPLE_RATE', `OpusDecoder: ${rate} Hz is not an Opus rate (${OPUS_SAMPLE_RATES.join(', ')})`);
    }
    this.sampleRate = rate;
    try {
      this.dec = new Decoder({ channels: 1, sample_rate: rate });
    } catch (e) {
      throw new FullduplexError('COMPONENT_FAILED', `Opus decoder init failed: ${errText(e)}`, { cause: e });
    }
  }

  /** Decode one packet (any frame size 2.5–120 ms). A damaged packet throws BAD_AUDIO; the next one decodes normally. */
  decode(packet: Uint8Array): Int16Array {
    if (!(packet instanceof Uint8Array)) throw new FullduplexError('BAD_AUDIO', 'OpusDecoder.decode: expected a Uint8Array');
    // libopus reads an empty packet as "lost" and the WASM build then returns 120 ms of concealment while
    // the native build errors: reject it the same way on both.
    if (packet.length === 0) throw new FullduplexError('BAD_AUDIO', 'OpusDecoder.decode: empty packet');
    let bytes: Uint8Array;
    try {
      bytes = this.dec.decode(packet);
    } catch (e) {
      throw new FullduplexError('BAD_AUDIO', `Opus packet rejected: ${errText(e)}`, { cause: e });
    }
    // The library returns native-endian PCM16 bytes; copy so the samples own an aligned buffer.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Int16Array(copy.buffer, 0, copy.byteLength >> 1);
  }

  /** Forget decoder state (e.g. at a new stream). */
  reset(): void {
    this.dec.reset();
  }
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
