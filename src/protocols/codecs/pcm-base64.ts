/**
 * Base64 audio as JSON protocols carry it: PCM16 little-endian (OpenAI Realtime, Gemini Live) and float32
 * little-endian (the MiniCPM-o demo). Node's own base64 decoder silently skips junk, so the text is
 * checked first and damage becomes a BAD_AUDIO error instead of shifted samples.
 */
import { FullduplexError } from '../../errors.js';

/** Standard alphabet (RFC 4648 §4). A hand scan, not a regex: V8's regex engine overflows its stack near 10 MB. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const IS_BASE64_CHAR = (() => {
  const t = new Uint8Array(128);
  for (const c of ALPHABET) t[c.charCodeAt(0)] = 1;
  return t;
})();
const PAD = 0x3d; // '='
const BYTES_PER_PCM16 = 2;
const BYTES_PER_FLOAT32 = 4;

/** Why `text` is not padded standard base64, or null when it is. */
function base64Problem(text: string): string | null {
  if (text.length % 4 !== 0) return `length ${text.length} is not a multiple of 4`;
  let pad = 0;
  if (text.charCodeAt(text.length - 1) === PAD) pad = text.charCodeAt(text.length - 2) === PAD ? 2 : 1;
  for (let i = 0; i < text.length - pad; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || IS_BASE64_CHAR[c] === 0) return `character ${JSON.stringify(text[i])} at ${i} is not in the base64 alphabet`;
  }
  return null;
}

export function isValidBase64(text: string): boolean {
  return typeof text === 'string' && base64Problem(text) === null;
}

/** Strictly decode standard padded base64. */
export function decodeBase64(text: string, where = 'base64'): Uint8Array {
  if (typeof text !== 'string') throw new FullduplexError('BAD_AUDIO', `${where}: expected a base64 string, got ${typeof text}`);
  const why = base64Problem(text);
  if (why !== null) throw new FullduplexError('BAD_AUDIO', `${where}: not valid base64 (${why})`);
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function pcm16ToBase64(samples: Int16Array): string {
  if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'pcm16ToBase64: expected an Int16Array');
  const bytes = new Uint8Array(samples.length * BYTES_PER_PCM16);
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) v.setInt16(i * BYTES_PER_PCM16, samples[i]!, true);
  return encodeBase64(bytes);
}

export function base64ToPcm16(text: string, where = 'PCM16 base64'): Int16Array {
  const bytes = decodeBase64(text, where);
  if (bytes.length % BYTES_PER_PCM16 !== 0) {
    throw new FullduplexError('BAD_AUDIO', `${where}: ${bytes.length} bytes is not a whole number of 16-bit samples`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Int16Array(bytes.length / BYTES_PER_PCM16);
  for (let i = 0; i < out.length; i++) out[i] = v.getInt16(i * BYTES_PER_PCM16, true);
  return out;
}

export function float32ToBase64(samples: Float32Array): string {
  if (!(samples instanceof Float32Array)) throw new FullduplexError('BAD_AUDIO', 'float32ToBase64: expected a Float32Array');
  const bytes = new Uint8Array(samples.length * BYTES_PER_FLOAT32);
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) v.setFloat32(i * BYTES_PER_FLOAT32, samples[i]!, true);
  return encodeBase64(bytes);
}

/** Float32 LE samples; NaN or infinite values are rejected (they would poison any later DSP). */
export function base64ToFloat32(text: string, where = 'float32 base64'): Float32Array {
  const bytes = decodeBase64(text, where);
  if (bytes.length % BYTES_PER_FLOAT32 !== 0) {
    throw new FullduplexError('BAD_AUDIO', `${where}: ${bytes.length} bytes is not a whole number of 32-bit float samples`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / BYTES_PER_FLOAT32);
  for (let i = 0; i < out.length; i++) {
    const x = v.getFloat32(i * BYTES_PER_FLOAT32, true);
    if (!Number.isFinite(x)) throw new FullduplexError('BAD_AUDIO', `${where}: sample ${i} is not a finite number`);
    out[i] = x;
  }
  return out;
}
