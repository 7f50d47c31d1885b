/**
 * Ogg page layout (RFC 3533 §6), shared by the writer and the reader.
 *
 *   0  "OggS"            capture pattern
 *   4  version           always 0
 *   5  header type       flags below
 *   6  granule position  int64 LE, -1 when no packet ends on the page
 *  14  serial number     uint32 LE
 *  18  page sequence     uint32 LE
 *  22  CRC               uint32 LE, computed with this field zeroed
 *  26  segment count     0..255, followed by that many lacing values, then the body
 */
import { oggCrcUpdate, oggCrcZeros } from './ogg-crc.js';

export const OGG_CAPTURE = Uint8Array.of(0x4f, 0x67, 0x67, 0x53); // "OggS"
export const OGG_VERSION = 0;
export const OGG_HEADER_BYTES = 27;
export const OGG_CRC_OFFSET = 22;
/** A page holds at most 255 lacing values. */
export const OGG_MAX_SEGMENTS = 255;
/** A lacing value of 255 means "the packet continues in the next segment". */
export const OGG_LACING_CONTINUES = 255;
/** Largest possible page: header + full segment table + 255 full segments. */
export const OGG_MAX_PAGE_BYTES = OGG_HEADER_BYTES + OGG_MAX_SEGMENTS + OGG_MAX_SEGMENTS * OGG_LACING_CONTINUES;

/** Header-type flags. */
export const OGG_FLAG_CONTINUED = 0x01;
export const OGG_FLAG_BOS = 0x02;
export const OGG_FLAG_EOS = 0x04;

/** Granule value meaning "no packet finishes on this page". */
export const OGG_NO_GRANULE = -1;

export interface OggPageHeader {
  flags: number;
  granulePosition: number;
  serial: number;
  sequence: number;
}

/** Assemble one page from its header fields, lacing values and body bytes; fills in the CRC. */
export function buildOggPage(h: OggPageHeader, lacing: readonly number[], body: readonly Uint8Array[]): Uint8Array {
  const bodyBytes = body.reduce((n, b) => n + b.length, 0);
  const page = new Uint8Array(OGG_HEADER_BYTES + lacing.length + bodyBytes);
  const v = new DataView(page.buffer);
  page.set(OGG_CAPTURE, 0);
  v.setUint8(4, OGG_VERSION);
  v.setUint8(5, h.flags);
  v.setBigInt64(6, BigInt(h.granulePosition), true);
  v.setUint32(14, h.serial >>> 0, true);
  v.setUint32(18, h.sequence >>> 0, true);
  v.setUint8(26, lacing.length);
  page.set(lacing, OGG_HEADER_BYTES);
  let o = OGG_HEADER_BYTES + lacing.length;
  for (const b of body) {
    page.set(b, o);
    o += b.length;
  }
  v.setUint32(OGG_CRC_OFFSET, pageCrc(page, 0, page.length), true);
  return page;
}

/** CRC of the page at bytes[start, end), treating its CRC field as zeros. */
export function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = oggCrcUpdate(0, bytes, start, start + OGG_CRC_OFFSET);
  crc = oggCrcZeros(crc, 4);
  return oggCrcUpdate(crc, bytes, start + OGG_CRC_OFFSET + 4, end);
}

/** Lacing values for one packet: a run of 255s and a final value < 255 (0 when the length is a multiple of 255). */
export function lacingFor(packetLength: number): number[] {
  const out = new Array<number>(Math.floor(packetLength / OGG_LACING_CONTINUES) + 1).fill(OGG_LACING_CONTINUES);
  out[out.length - 1] = packetLength % OGG_LACING_CONTINUES;
  return out;
}
