/**
 * ITU-T G.711 companding at 8 kHz: μ-law (North America/Japan; OpenAI `audio/pcmu`, beta `g711_ulaw`) and
 * A-law (elsewhere; `audio/pcma`, `g711_alaw`). One byte per sample, 8 segments of 16 steps each.
 * Works on 16-bit linear samples (the 14-bit μ-law / 13-bit A-law ranges scaled up), as telephony stacks do.
 */
import { FullduplexError } from '../../errors.js';

export const G711_SAMPLE_RATE = 8000;
/** μ-law adds this bias so that every segment boundary falls on a power of two. */
const MULAW_BIAS = 0x84;
/** Largest magnitude μ-law can represent once biased (32635 + 132 = 32767). */
const MULAW_CLIP = 32635;
/** Transmitted μ-law bytes are inverted (all bits), A-law bytes have their even bits inverted. */
const MULAW_INVERT = 0xff;
const ALAW_INVERT = 0x55;
const SIGN_BIT = 0x80;

/** Index (0..7) of the segment for a biased magnitude: the position of its top bit above bit 7. */
function segmentOf(magnitude: number): number {
  let seg = 0;
  for (let v = magnitude >> 8; v > 0 && seg < 7; v >>= 1) seg++;
  return seg;
}

export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? SIGN_BIT : 0;
  if (s < 0) s = -s;
  s = Math.min(s, MULAW_CLIP) + MULAW_BIAS;
  const seg = segmentOf(s);
  const mantissa = (s >> (seg + 3)) & 0x0f;
  return (sign | (seg << 4) | mantissa) ^ MULAW_INVERT;
}

export function mulawToLinear(code: number): number {
  const u = (code & 0xff) ^ MULAW_INVERT;
  const seg = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << seg) - MULAW_BIAS;
  return u & SIGN_BIT ? 0 - magnitude : magnitude; // 0 - 0 is +0, so negative zero decodes to a plain 0
}

export function linearToAlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  // A-law's sign bit is 1 for positive values (before the even-bit inversion).
  const sign = s >= 0 ? SIGN_BIT : 0;
  if (s < 0) s = Math.min(32767, -s - 1); // one's-complement style: -1 maps onto the smallest negative step
  let code: number;
  if (s < 256) {
    code = s >> 4; // segment 0 is linear with step 16
  } else {
    const seg = segmentOf(s);
    code = (seg << 4) | ((s >> (seg + 3)) & 0x0f);
  }
  return (sign | code) ^ ALAW_INVERT;
}

export function alawToLinear(code: number): number {
  const a = (code & 0xff) ^ ALAW_INVERT;
  const seg = (a >> 4) & 0x07;
  const step = (a & 0x0f) << 4;
  // Reconstruct at the middle of the quantisation interval.
  const magnitude = seg === 0 ? step + 8 : (step + 0x108) << (seg - 1);
  return a & SIGN_BIT ? magnitude : -magnitude;
}

// Decoding is a table look-up: 256 codes each way.
const MULAW_TABLE = Int16Array.from({ length: 256 }, (_, c) => mulawToLinear(c));
const ALAW_TABLE = Int16Array.from({ length: 256 }, (_, c) => alawToLinear(c));

export function encodeMulaw(samples: Int16Array): Uint8Array {
  checkSamples(samples, 'encodeMulaw');
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = linearToMulaw(samples[i]!);
  return out;
}

export function decodeMulaw(codes: Uint8Array): Int16Array {
  checkCodes(codes, 'decodeMulaw');
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = MULAW_TABLE[codes[i]!]!;
  return out;
}

export function encodeAlaw(samples: Int16Array): Uint8Array {
  checkSamples(samples, 'encodeAlaw');
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = linearToAlaw(samples[i]!);
  return out;
}

export function decodeAlaw(codes: Uint8Array): Int16Array {
  checkCodes(codes, 'decodeAlaw');
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = ALAW_TABLE[codes[i]!]!;
  return out;
}

function checkSamples(samples: unknown, where: string): void {
  if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', `${where}: expected an Int16Array`);
}

function checkCodes(codes: unknown, where: string): void {
  if (!(codes instanceof Uint8Array)) throw new FullduplexError('BAD_AUDIO', `${where}: expected a Uint8Array`);
}
