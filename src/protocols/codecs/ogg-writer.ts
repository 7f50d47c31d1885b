/**
 * Writes one logical Ogg stream (one serial number) page by page. The caller decides what goes on a
 * page — Opus over Moshi wants the headers on their own pages and then a page every one or two 20 ms frames,
 * sent as soon as it exists — so this writer never buffers: every call returns finished pages.
 */
import { randomInt } from 'node:crypto';
import { FullduplexError } from '../../errors.js';
import { concatBytes } from '../../audio/frame.js';
import {
  buildOggPage,
  lacingFor,
  OGG_FLAG_BOS,
  OGG_FLAG_CONTINUED,
  OGG_FLAG_EOS,
  OGG_LACING_CONTINUES,
  OGG_MAX_SEGMENTS,
  OGG_NO_GRANULE,
} from './ogg-page.js';

export interface OggPageWriterOptions {
  /** Stream serial number; random when omitted (streams in one physical file must differ). */
  serial?: number;
}

export interface WritePacketsOptions {
  /** Mark the last page produced as the end of the stream. */
  eos?: boolean;
}

export class OggPageWriter {
  readonly serial: number;
  private sequence = 0;
  private ended = false;

  constructor(opts: OggPageWriterOptions = {}) {
    const serial = opts.serial ?? randomInt(0, 2 ** 32);
    if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw new FullduplexError('BAD_ARGUMENT', `OggPageWriter: serial ${serial} is not a uint32`);
    this.serial = serial;
  }

  /** Pages written so far (the next page's sequence number). */
  get pagesWritten(): number {
    return this.sequence;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * The two Ogg Opus header pages (RFC 7845 §3): OpusHead alone on the BOS page, then OpusTags starting
   * on a fresh page; both with granule 0. Returns [headPage, tagsPages] — the second element is one page
   * unless the tags exceed a page, in which case it holds all of their pages back to back.
   */
  writeHeaders(opusHead: Uint8Array, opusTags: Uint8Array): [Uint8Array, Uint8Array] {
    if (this.sequence !== 0) throw new FullduplexError('BAD_ARGUMENT', 'OggPageWriter.writeHeaders: headers must be the first pages of the stream');
    const head = this.paginate([opusHead], [0], OGG_FLAG_BOS, false);
    const tags = this.paginate([opusTags], [0], 0, false);
    return [head, tags];
  }

  /**
   * Put packets on a page. `granule` is the stream position after the last packet (for Opus: 48 kHz samples
   * including pre-skip), or one position per packet. Returns the bytes of one page — or of several
   * consecutive pages when the packets need more than 255 lacing values (a packet may span pages; pages
   * where no packet ends carry granule -1). A page on which several packets end only needs the per-packet
   * form when it is not the last page.
   */
  writePackets(packets: readonly Uint8Array[], granule: number | readonly number[], opts: WritePacketsOptions = {}): Uint8Array {
    const granules = typeof granule === 'number' ? null : granule;
    if (granules !== null && granules.length !== packets.length) {
      throw new FullduplexError('BAD_ARGUMENT', `OggPageWriter.writePackets: ${granules.length} granules for ${packets.length} packets`);
    }
    for (const g of granules ?? [granule as number]) {
      if (!Number.isSafeInteger(g) || g < OGG_NO_GRANULE) throw new FullduplexError('BAD_ARGUMENT', `OggPageWriter.writePackets: bad granule ${g}`);
    }
    const perPacket = granules ?? packets.map((_, i) => (i === packets.length - 1 ? (granule as number) : Number.NaN));
    return this.paginate(packets, perPacket, 0, opts.eos ?? false, typeof granule === 'number' ? granule : undefined);
  }

  private paginate(packets: readonly Uint8Array[], granules: readonly number[], firstFlags: number, eos: boolean, emptyGranule?: number): Uint8Array {
    if (this.ended) throw new FullduplexError('BAD_ARGUMENT', 'OggPageWriter: the stream already ended (EOS written)');
    // Flatten to segments, remembering which packet each lacing value belongs to.
    const lacing: number[] = [];
    const owner: number[] = [];
    packets.forEach((p, i) => {
      for (const l of lacingFor(p.length)) {
        lacing.push(l);
        owner.push(i);
      }
    });
    // Plan every page first so a bad granule argument fails before any sequence number is used.
    const plan: { start: number; end: number; granule: number }[] = [];
    for (let seg = 0; seg === 0 || seg < lacing.length; seg += OGG_MAX_SEGMENTS) {
      const end = Math.min(seg + OGG_MAX_SEGMENTS, lacing.length);
      let lastEnded = -1;
      for (let s = seg; s < end; s++) if (lacing[s]! < OGG_LACING_CONTINUES) lastEnded = owner[s]!;
      const granule = packets.length === 0 ? (emptyGranule ?? OGG_NO_GRANULE) : lastEnded >= 0 ? granules[lastEnded]! : OGG_NO_GRANULE;
      if (Number.isNaN(granule)) {
        throw new FullduplexError('BAD_ARGUMENT', 'OggPageWriter.writePackets: packets end on more than one page; pass one granule per packet');
      }
      plan.push({ start: seg, end, granule });
    }
    const offsets = packets.map(() => 0);
    const pages = plan.map(({ start, end, granule }, n) => {
      const body: Uint8Array[] = [];
      for (let s = start; s < end; s++) {
        const i = owner[s]!;
        body.push(packets[i]!.subarray(offsets[i], offsets[i]! + lacing[s]!));
        offsets[i]! += lacing[s]!;
      }
      let flags = n === 0 ? firstFlags : 0;
      if (start > 0 && lacing[start - 1] === OGG_LACING_CONTINUES) flags |= OGG_FLAG_CONTINUED;
      if (eos && n === plan.length - 1) flags |= OGG_FLAG_EOS;
      return buildOggPage({ flags, granulePosition: granule, serial: this.serial, sequence: this.sequence++ }, lacing.slice(start, end), body);
    });
    if (eos) this.ended = true;
    return pages.length === 1 ? pages[0]! : concatBytes(pages);
  }
}
