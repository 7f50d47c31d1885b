/**
 * Ogg Opus streams (RFC 7845) of mono 24 kHz PCM16: the form Moshi and PersonaPlex carry inside their
 * 0x01 audio messages. The encoder emits pages as soon as they fill; the decoder takes bytes in any split.
 */
import { FullduplexError } from '../../errors.js';
import { isOpusHead, isOpusTags, OPUS_GRANULE_RATE, opusHead, opusTags, parseOpusHead, type OpusHead } from './opus-head.js';
import { OggPageReader } from './ogg-reader.js';
import { OggPageWriter } from './ogg-writer.js';
import {
  OPUS_FRAME_SAMPLES_24K,
  OPUS_SAMPLE_RATE_24K,
  OpusDecoder,
  OpusEncoder24k,
  type OpusEncoderOptions,
  type OpusSampleRate,
} from './opus-packet.js';

/** Frames per page of the Moshi reference web client (opus-recorder): 2 × 20 ms. */
export const DEFAULT_FRAMES_PER_PAGE = 2;
/** Upper bound on frames per page: 50 × 20 ms = 1 s, far beyond any streaming use. */
export const MAX_FRAMES_PER_PAGE = 50;
export const DEFAULT_OPUS_VENDOR = 'fullduplex';
const GRANULE_PER_SAMPLE_24K = OPUS_GRANULE_RATE / OPUS_SAMPLE_RATE_24K;

/**
 * Identical packets the encoder must have made for consecutive all-zero frames before the next ones
 * reuse the packet: by then libopus has settled on digital silence (it does after 3–5 frames).
 */
export const SETTLED_SILENCE_PACKETS = 3;

export interface OggOpusStreamEncoderOptions extends OpusEncoderOptions {
  serial?: number;
  framesPerPage?: number;
  vendor?: string;
  /**
   * Once the encoder has settled on digital silence, send its silence packet again for further
   * all-zero frames instead of encoding them (encoding a zero frame costs libopus more than a speech
   * frame: ~0.15 against ~0.08 ms here). The decoded stream stays silence; the encoder resumes from
   * its settled state, so the first speech frames after a gap differ from a full encode by about what
   * the codec's own noise does. For streams whose silence is exact zeros (an agent's output); default false.
   */
  reuseSilence?: boolean;
}

export class OggOpusStreamEncoder {
  /** Pre-skip in 48 kHz samples written to OpusHead: the encoder's lookahead. */
  readonly preSkip: number;
  private readonly encoder: OpusEncoder24k;
  private readonly writer: OggPageWriter;
  private readonly framesPerPage: number;
  private readonly vendor: string;
  private pending = new Int16Array(OPUS_FRAME_SAMPLES_24K);
  private pendingLength = 0;
  private pagePackets: Uint8Array[] = [];
  private framesEncoded = 0;
  private samplesIn = 0;
  private started = false;
  private ended = false;
  private readonly reuseSilence: boolean;
  /** The last packet made for an all-zero frame, and how many times in a row it was made. */
  private silence: { packet: Uint8Array; repeats: number } | undefined;

  constructor(opts: OggOpusStreamEncoderOptions = {}) {
    const framesPerPage = opts.framesPerPage ?? DEFAULT_FRAMES_PER_PAGE;
    if (!Number.isInteger(framesPerPage) || framesPerPage < 1 || framesPerPage > MAX_FRAMES_PER_PAGE) {
      throw new FullduplexError('BAD_ARGUMENT', `OggOpusStreamEncoder: framesPerPage must be 1..${MAX_FRAMES_PER_PAGE} (got ${framesPerPage})`);
    }
    this.framesPerPage = framesPerPage;
    this.encoder = new OpusEncoder24k(opts);
    this.writer = new OggPageWriter(opts.serial === undefined ? {} : { serial: opts.serial });
    this.vendor = opts.vendor ?? DEFAULT_OPUS_VENDOR;
    this.reuseSilence = opts.reuseSilence ?? false;
    this.preSkip = this.encoder.lookahead * GRANULE_PER_SAMPLE_24K;
  }

  get serial(): number {
    return this.writer.serial;
  }

  /** The OpusHead and OpusTags pages, the first time only (push and flush call it too). */
  start(): Uint8Array[] {
    if (this.started) return [];
    this.started = true;
    const head = opusHead({ channels: 1, preSkip: this.preSkip, inputSampleRate: OPUS_SAMPLE_RATE_24K });
    return this.writer.writeHeaders(head, opusTags(this.vendor));
  }

  /** Add PCM16 at 24 kHz of any length; returns the pages completed by it (headers first on the first call). */
  push(samples: Int16Array): Uint8Array[] {
    if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'OggOpusStreamEncoder.push: expected an Int16Array');
    this.checkOpen('push');
    const pages = this.start();
    this.samplesIn += samples.length;
    let o = 0;
    while (o < samples.length) {
      const take = Math.min(samples.length - o, OPUS_FRAME_SAMPLES_24K - this.pendingLength);
      this.pending.set(samples.subarray(o, o + take), this.pendingLength);
      this.pendingLength += take;
      o += take;
      if (this.pendingLength === OPUS_FRAME_SAMPLES_24K) {
        this.encodePending();
        if (this.pagePackets.length === this.framesPerPage) pages.push(this.emitPage(this.pagePackets, this.framesEncoded * GRANULE_PER_SAMPLE_24K * OPUS_FRAME_SAMPLES_24K));
      }
    }
    return pages;
  }

  /**
   * End the stream: pad with silence until every input sample has left the encoder's lookahead, write the
   * last page with EOS and a granule that trims the padding (RFC 7845 §4.4). The encoder is then finished.
   */
  flush(): Uint8Array[] {
    this.checkOpen('flush');
    const pages = this.start();
    const needed = this.samplesIn + this.encoder.lookahead;
    while (this.framesEncoded * OPUS_FRAME_SAMPLES_24K < needed) {
      this.pending.fill(0, this.pendingLength);
      this.pendingLength = OPUS_FRAME_SAMPLES_24K;
      this.encodePending();
      if (this.pagePackets.length === this.framesPerPage && this.framesEncoded * OPUS_FRAME_SAMPLES_24K < needed) {
        pages.push(this.emitPage(this.pagePackets, this.framesEncoded * GRANULE_PER_SAMPLE_24K * OPUS_FRAME_SAMPLES_24K));
      }
    }
    const finalGranule = this.preSkip + this.samplesIn * GRANULE_PER_SAMPLE_24K;
    pages.push(this.writer.writePackets(this.pagePackets, finalGranule, { eos: true }));
    this.pagePackets = [];
    this.ended = true;
    return pages;
  }

  private encodePending(): void {
    this.pagePackets.push(this.reuseSilence ? this.encodeOrReuse() : this.encoder.encode(this.pending));
    this.pendingLength = 0;
    this.framesEncoded++;
  }

  private encodeOrReuse(): Uint8Array {
    const zero = this.pending.every((s) => s === 0);
    const s = this.silence;
    if (zero && s && s.repeats >= SETTLED_SILENCE_PACKETS) return s.packet;
    const packet = this.encoder.encode(this.pending);
    if (!zero) this.silence = undefined;
    else if (s && sameBytes(s.packet, packet)) s.repeats++;
    else this.silence = { packet, repeats: 1 };
    return packet;
  }

  private emitPage(packets: Uint8Array[], granule: number): Uint8Array {
    this.pagePackets = [];
    return this.writer.writePackets(packets, granule);
  }

  private checkOpen(where: string): void {
    if (this.ended) throw new FullduplexError('BAD_ARGUMENT', `OggOpusStreamEncoder.${where}: the stream was already flushed`);
  }
}

export interface OggOpusStreamDecoderOptions {
  /** Output rate, default 24000. */
  sampleRate?: OpusSampleRate;
  maxPacketBytes?: number;
}

export interface OggOpusDecodeResult {
  /** Mono PCM16 at the decoder's rate, pre-skip removed. */
  pcm: Int16Array;
  /** Damaged pages or packets (BAD_AUDIO), skipped; decoding went on. */
  errors: FullduplexError[];
  /** An end-of-stream page was read. */
  ended: boolean;
}

export class OggOpusStreamDecoder {
  readonly sampleRate: OpusSampleRate;
  private readonly reader: OggPageReader;
  private readonly decoder: OpusDecoder;
  private streamHead: OpusHead | null = null;
  private skipRemaining = 0;
  /** Samples produced since OpusHead, in 48 kHz units, to compare with the final page's granule. */
  private decoded48 = 0;

  constructor(opts: OggOpusStreamDecoderOptions = {}) {
    this.decoder = new OpusDecoder(opts.sampleRate === undefined ? {} : { sampleRate: opts.sampleRate });
    this.sampleRate = this.decoder.sampleRate;
    this.reader = new OggPageReader(opts.maxPacketBytes === undefined ? {} : { maxPacketBytes: opts.maxPacketBytes });
  }

  /** The stream's OpusHead, once read. */
  get head(): OpusHead | null {
    return this.streamHead;
  }

  push(bytes: Uint8Array): OggOpusDecodeResult {
    const read = this.reader.push(bytes);
    const errors = read.errors;
    const out: Int16Array[] = [];
    for (const p of read.packets) {
      if (isOpusHead(p.data)) {
        this.startStream(p.data, errors);
        continue;
      }
      if (isOpusTags(p.data)) continue;
      let pcm: Int16Array;
      try {
        pcm = this.decoder.decode(p.data);
      } catch (e) {
        errors.push(e instanceof FullduplexError ? e : new FullduplexError('BAD_AUDIO', String(e)));
        continue;
      }
      const toGranule = OPUS_GRANULE_RATE / this.sampleRate;
      this.decoded48 += pcm.length * toGranule;
      // End trimming: the EOS page's granule says where the real audio stops inside its last packet.
      if (p.eos && p.lastOnPage && this.streamHead && p.pageGranule >= 0 && this.decoded48 > p.pageGranule) {
        const excess = Math.min(pcm.length, Math.round((this.decoded48 - p.pageGranule) / toGranule));
        pcm = pcm.subarray(0, pcm.length - excess);
      }
      if (this.skipRemaining > 0) {
        const drop = Math.min(this.skipRemaining, pcm.length);
        this.skipRemaining -= drop;
        pcm = pcm.subarray(drop);
      }
      if (pcm.length > 0) out.push(pcm);
    }
    return { pcm: concat(out), errors, ended: read.pages.some((pg) => pg.eos) };
  }

  private startStream(packet: Uint8Array, errors: FullduplexError[]): void {
    try {
      this.streamHead = parseOpusHead(packet);
    } catch (e) {
      errors.push(e as FullduplexError);
      return;
    }
    // Pre-skip is counted at 48 kHz whatever rate we decode at.
    this.skipRemaining = Math.round((this.streamHead.preSkip * this.sampleRate) / OPUS_GRANULE_RATE);
    this.decoded48 = 0;
    this.decoder.reset();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concat(parts: readonly Int16Array[]): Int16Array {
  if (parts.length === 1) return parts[0]!.slice();
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
