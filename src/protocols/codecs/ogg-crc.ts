/**
 * CRC-32 as Ogg uses it (RFC 3533): generator polynomial 0x04c11db7, initial value 0, no bit
 * reflection and no final XOR — which differs from the zlib/PNG CRC-32, so node:zlib's crc32 cannot be used.
 */

/** The Ogg CRC generator polynomial, processed most-significant bit first. */
export const OGG_CRC_POLYNOMIAL = 0x04c11db7;

/** Byte-at-a-time lookup table: entry i is the CRC register after shifting byte i through it. */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ OGG_CRC_POLYNOMIAL : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

/** Continue a CRC over bytes[start, end). Start a new CRC with crc = 0. */
export function oggCrcUpdate(crc: number, bytes: Uint8Array, start = 0, end = bytes.length): number {
  let r = crc >>> 0;
  for (let i = start; i < end; i++) r = ((r << 8) ^ TABLE[((r >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return r;
}

/** Continue a CRC over `count` zero bytes (the page's own CRC field is summed as zeros). */
export function oggCrcZeros(crc: number, count: number): number {
  let r = crc >>> 0;
  for (let i = 0; i < count; i++) r = ((r << 8) ^ TABLE[(r >>> 24) & 0xff]!) >>> 0;
  return r;
}

/** CRC of a whole buffer. */
export function oggCrc(bytes: Uint8Array): number {
  return oggCrcUpdate(0, bytes);
}
