/**
 * Ogg Opus identification and comment headers (RFC 7845 §5). Only channel mapping family 0
 * (mono or stereo, no mapping table) is produced; parsing accepts any family so a caller can reject it.
 */
import { FullduplexError } from '../../errors.js';

const HEAD_MAGIC = 'OpusHead';
const TAGS_MAGIC = 'OpusTags';
/** Fixed part of OpusHead: magic 8, version 1, channels 1, pre-skip 2, input rate 4, gain 2, family 1. */
export const OPUS_HEAD_BYTES = 19;
/** RFC 7845 version 1; decoders must accept any version whose major nibble is 0. */
export const OPUS_HEAD_VERSION = 1;
/** Opus granule positions and pre-skip always count samples at 48 kHz, whatever the decode rate. */
export const OPUS_GRANULE_RATE = 48000;

export interface OpusHeadFields {
  /** 1 or 2 for mapping family 0. */
  channels: number;
  /** Samples at 48 kHz to discard from the decoder output at the start of the stream. */
  preSkip: number;
  /** Rate of the original input, informational only (decoders need not use it). */
  inputSampleRate: number;
  /** Q7.8 dB gain to apply on output; 0 for anything this project writes. */
  outputGain?: number;
}

export interface OpusHead extends Required<OpusHeadFields> {
  version: number;
  mappingFamily: number;
}

export function opusHead(fields: OpusHeadFields): Uint8Array {
  const { channels, preSkip, inputSampleRate } = fields;
  const outputGain = fields.outputGain ?? 0;
  if (channels !== 1 && channels !== 2) throw new FullduplexError('BAD_ARGUMENT', `opusHead: channels must be 1 or 2 (got ${channels})`);
  if (!Number.isInteger(preSkip) || preSkip < 0 || preSkip > 0xffff) throw new FullduplexError('BAD_ARGUMENT', `opusHead: preSkip ${preSkip} is not a 16-bit count`);
  if (!Number.isInteger(inputSampleRate) || inputSampleRate < 0 || inputSampleRate > 0xffffffff) {
    throw new FullduplexError('BAD_ARGUMENT', `opusHead: inputSampleRate ${inputSampleRate} is not a 32-bit rate`);
  }
  if (!Number.isInteger(outputGain) || outputGain < -32768 || outputGain > 32767) throw new FullduplexError('BAD_ARGUMENT', `opusHead: outputGain ${outputGain} out of range`);
  const out = new Uint8Array(OPUS_HEAD_BYTES);
  const v = new DataView(out.buffer);
  out.set(ascii(HEAD_MAGIC), 0);
  v.setUint8(8, OPUS_HEAD_VERSION);
  v.setUint8(9, channels);
  v.setUint16(10, preSkip, true);
  v.setUint32(12, inputSampleRate, true);
  v.setInt16(16, outputGain, true);
  v.setUint8(18, 0); // mapping family 0: mono/stereo, no table follows
  return out;
}

export function isOpusHead(packet: Uint8Array): boolean {
  return startsWith(packet, HEAD_MAGIC);
}

export function isOpusTags(packet: Uint8Array): boolean {
  return startsWith(packet, TAGS_MAGIC);
}

export function parseOpusHead(packet: Uint8Array): OpusHead {
  if (!isOpusHead(packet)) throw new FullduplexError('BAD_AUDIO', 'parseOpusHead: packet does not start with "OpusHead"');
  if (packet.length < OPUS_HEAD_BYTES) throw new FullduplexError('BAD_AUDIO', `parseOpusHead: ${packet.length} bytes is shorter than the ${OPUS_HEAD_BYTES}-byte header`);
  const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = v.getUint8(8);
  // The upper nibble is the major version; a change there means an incompatible format.
  if (version >> 4 !== 0) throw new FullduplexError('BAD_AUDIO', `parseOpusHead: unsupported version ${version}`);
  const channels = v.getUint8(9);
  if (channels === 0) throw new FullduplexError('BAD_AUDIO', 'parseOpusHead: channel count 0');
  const mappingFamily = v.getUint8(18);
  if (mappingFamily === 0 && channels > 2) throw new FullduplexError('BAD_AUDIO', `parseOpusHead: family 0 allows 1 or 2 channels, not ${channels}`);
  return {
    version,
    channels,
    preSkip: v.getUint16(10, true),
    inputSampleRate: v.getUint32(12, true),
    outputGain: v.getInt16(16, true),
    mappingFamily,
  };
}

/** OpusTags with a vendor string and optional "KEY=value" user comments. */
export function opusTags(vendor: string, comments: readonly string[] = []): Uint8Array {
  const enc = new TextEncoder();
  const parts = [enc.encode(vendor), ...comments.map((c) => enc.encode(c))];
  // magic, then each string with its u32 length, plus the u32 comment count after the vendor
  const out = new Uint8Array(8 + 4 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const v = new DataView(out.buffer);
  out.set(ascii(TAGS_MAGIC), 0);
  let o = 8;
  parts.forEach((p, i) => {
    v.setUint32(o, p.length, true);
    o += 4;
    out.set(p, o);
    o += p.length;
    if (i === 0) {
      v.setUint32(o, comments.length, true);
      o += 4;
    }
  });
  return out;
}

export interface OpusTags {
  vendor: string;
  comments: string[];
}

export function parseOpusTags(packet: Uint8Array): OpusTags {
  if (!isOpusTags(packet)) throw new FullduplexError('BAD_AUDIO', 'parseOpusTags: packet does not start with "OpusTags"');
  const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const dec = new TextDecoder();
  let o = 8;
  const field = (): string => {
    if (o + 4 > packet.length) throw new FullduplexError('BAD_AUDIO', 'parseOpusTags: truncated length field');
    const n = v.getUint32(o, true);
    o += 4;
    if (o + n > packet.length) throw new FullduplexError('BAD_AUDIO', 'parseOpusTags: string runs past the packet');
    const s = dec.decode(packet.subarray(o, o + n));
    o += n;
    return s;
  };
  const vendor = field();
  if (o + 4 > packet.length) throw new FullduplexError('BAD_AUDIO', 'parseOpusTags: missing comment count');
  const count = v.getUint32(o, true);
  o += 4;
  const comments: string[] = [];
  for (let i = 0; i < count; i++) comments.push(field());
  return { vendor, comments };
}

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
  return true;
}
