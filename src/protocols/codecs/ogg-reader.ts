/**
 * Streaming Ogg demuxer for one logical stream. Bytes arrive in arbitrary pieces (a page may be split
 * across WebSocket messages, or several pages may share one), so `push` buffers until whole pages exist.
 * Damage never stops the stream: a page with a bad CRC or version is reported and the reader looks for
 * the next "OggS"; a packet whose pages went missing is dropped and reported.
 */
import { FullduplexError } from '../../errors.js';
import {
  OGG_CAPTURE,
  OGG_FLAG_BOS,
  OGG_FLAG_CONTINUED,
  OGG_FLAG_EOS,
  OGG_HEADER_BYTES,
  OGG_LACING_CONTINUES,
  OGG_CRC_OFFSET,
  OGG_VERSION,
  pageCrc,
} from './ogg-page.js';

/**
 * Largest packet reassembled across pages before it is dropped. Opus packets are at most ~61 kB
 * (RFC 6716 §3.2.5 caps a 120 ms code-3 packet); the limit stops a peer from growing memory without end.
 */
export const DEFAULT_MAX_OGG_PACKET_BYTES = 1 << 20;

export interface OggPageInfo {
  serial: number;
  sequence: number;
  /** Stream position after the last packet that ends on this page; -1 when none ends here. */
  granulePosition: number;
  bos: boolean;
  eos: boolean;
  /** The page starts with the rest of a packet from the previous page. */
  continued: boolean;
  /** Packets that end on this page. */
  packetCount: number;
}

export interface OggPacket {
  data: Uint8Array;
  serial: number;
  /** Sequence number of the page on which the packet ends. */
  pageSequence: number;
  /** That page's granule position (Ogg assigns it to the last packet ending there; see lastOnPage). */
  pageGranule: number;
  /** The packet is the last one ending on its page, so pageGranule is its own end position. */
  lastOnPage: boolean;
  /** Flags of the page on which the packet ends. */
  bos: boolean;
  eos: boolean;
}

export interface OggReadResult {
  packets: OggPacket[];
  pages: OggPageInfo[];
  /** Damage found while reading these bytes (code BAD_AUDIO); reading went on past it. */
  errors: FullduplexError[];
}

export interface OggPageReaderOptions {
  maxPacketBytes?: number;
}

export class OggPageReader {
  private buf = new Uint8Array(64 * 1024);
  private len = 0;
  private partial: Uint8Array[] | null = null;
  private partialBytes = 0;
  private expectedSequence: number | null = null;
  /** Loss already reported (bad page, lost sync): don't report the resulting sequence gap again. */
  private lossReported = false;
  private inGarbage = false;
  private readonly maxPacketBytes: number;
  private pageCount = 0;
  private discarded = 0;

  constructor(opts: OggPageReaderOptions = {}) {
    this.maxPacketBytes = opts.maxPacketBytes ?? DEFAULT_MAX_OGG_PACKET_BYTES;
  }

  /** Valid pages read so far. */
  get pagesRead(): number {
    return this.pageCount;
  }

  /** Bytes thrown away while looking for a valid page. */
  get bytesDiscarded(): number {
    return this.discarded;
  }

  /** Bytes waiting for the rest of their page. */
  get bufferedBytes(): number {
    return this.len;
  }

  push(bytes: Uint8Array): OggReadResult {
    if (!(bytes instanceof Uint8Array)) throw new FullduplexError('BAD_ARGUMENT', 'OggPageReader.push: expected a Uint8Array');
    this.append(bytes);
    const result: OggReadResult = { packets: [], pages: [], errors: [] };
    let pos = 0;
    for (;;) {
      const avail = this.len - pos;
      if (avail < OGG_CAPTURE.length) break;
      if (!this.captureAt(pos)) {
        const next = this.findCapture(pos + 1);
        // Keep a tail that might be the start of a capture pattern split across pushes.
        const skipTo = next >= 0 ? next : this.len - (OGG_CAPTURE.length - 1);
        this.skip(result, skipTo - pos, 'bytes that are not an Ogg page');
        pos = skipTo;
        continue;
      }
      if (avail < OGG_HEADER_BYTES) break;
      if (this.buf[pos + 4] !== OGG_VERSION) {
        this.skip(result, 1, `an Ogg page with unknown version ${this.buf[pos + 4]}`);
        pos += 1;
        continue;
      }
      const segments = this.buf[pos + 26]!;
      if (avail < OGG_HEADER_BYTES + segments) break;
      let bodyBytes = 0;
      for (let s = 0; s < segments; s++) bodyBytes += this.buf[pos + OGG_HEADER_BYTES + s]!;
      const pageBytes = OGG_HEADER_BYTES + segments + bodyBytes;
      if (avail < pageBytes) break;
      const view = new DataView(this.buf.buffer, this.buf.byteOffset + pos, pageBytes);
      if (view.getUint32(OGG_CRC_OFFSET, true) !== pageCrc(this.buf, pos, pos + pageBytes)) {
        // Could also be a false "OggS" inside damaged data: resync one byte on, not a whole page.
        this.skip(result, 1, 'an Ogg page with a bad CRC');
        pos += 1;
        continue;
      }
      this.inGarbage = false;
      this.readPage(view, pos, segments, result);
      pos += pageBytes;
    }
    this.consume(pos);
    return result;
  }

  private readPage(view: DataView, pos: number, segments: number, result: OggReadResult): void {
    const flags = view.getUint8(5);
    const granule = Number(view.getBigInt64(6, true));
    const serial = view.getUint32(14, true);
    const sequence = view.getUint32(18, true);
    const bos = (flags & OGG_FLAG_BOS) !== 0;
    const eos = (flags & OGG_FLAG_EOS) !== 0;
    const continued = (flags & OGG_FLAG_CONTINUED) !== 0;
    this.pageCount++;

    if (bos) {
      if (this.partial) this.lose(result, 'a new stream began inside an unfinished packet');
    } else if (this.expectedSequence !== null && sequence !== this.expectedSequence) {
      if (!this.lossReported) result.errors.push(damage(`Ogg page sequence jumped from ${this.expectedSequence - 1} to ${sequence}: pages were lost`));
      if (this.partial) this.dropPartial();
    }
    this.expectedSequence = (sequence + 1) >>> 0;
    this.lossReported = false;
    if (!continued && this.partial) this.lose(result, 'an Ogg page did not continue the unfinished packet before it');
    // A continuation whose start we never saw (joined mid-stream or lost a page) cannot be completed.
    let skipping = continued && !this.partial;

    const ended: Uint8Array[] = [];
    let o = pos + OGG_HEADER_BYTES + segments;
    for (let s = 0; s < segments; s++) {
      const l = this.buf[pos + OGG_HEADER_BYTES + s]!;
      if (!skipping) {
        this.partial ??= [];
        this.partial.push(this.buf.slice(o, o + l));
        this.partialBytes += l;
        if (this.partialBytes > this.maxPacketBytes) {
          this.lose(result, `an Ogg packet grew past ${this.maxPacketBytes} bytes`);
          skipping = true;
        }
      }
      o += l;
      if (l < OGG_LACING_CONTINUES) {
        if (!skipping) ended.push(this.takePartial());
        skipping = false;
      }
    }
    ended.forEach((data, i) => {
      const lastOnPage = i === ended.length - 1;
      result.packets.push({ data, serial, pageSequence: sequence, pageGranule: granule, lastOnPage, bos, eos });
    });
    result.pages.push({ serial, sequence, granulePosition: granule, bos, eos, continued, packetCount: ended.length });
  }

  private takePartial(): Uint8Array {
    const parts = this.partial ?? [];
    const out = parts.length === 1 ? parts[0]! : new Uint8Array(this.partialBytes);
    if (parts.length !== 1) {
      let o = 0;
      for (const p of parts) {
        out.set(p, o);
        o += p.length;
      }
    }
    this.dropPartial();
    return out;
  }

  private dropPartial(): void {
    this.partial = null;
    this.partialBytes = 0;
  }

  private lose(result: OggReadResult, why: string): void {
    this.dropPartial();
    result.errors.push(damage(`dropped an Ogg packet: ${why}`));
  }

  /** Discard bytes while resynchronising; report once per run of damage. */
  private skip(result: OggReadResult, n: number, what: string): void {
    if (n <= 0) return;
    this.discarded += n;
    if (!this.inGarbage) result.errors.push(damage(`skipped ${what}; looking for the next page`));
    this.inGarbage = true;
    this.lossReported = true;
    // A lost page may have held the rest of the unfinished packet.
    if (this.partial) this.dropPartial();
  }

  private captureAt(pos: number): boolean {
    for (let i = 0; i < OGG_CAPTURE.length; i++) if (this.buf[pos + i] !== OGG_CAPTURE[i]) return false;
    return true;
  }

  private findCapture(from: number): number {
    for (let p = from; p + OGG_CAPTURE.length <= this.len; p++) if (this.captureAt(p)) return p;
    return -1;
  }

  private append(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes.length));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private consume(n: number): void {
    if (n === 0) return;
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
  }
}

function damage(message: string): FullduplexError {
  return new FullduplexError('BAD_AUDIO', message);
}
