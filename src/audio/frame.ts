import { FullduplexError } from '../errors.js';

/** A block of mono PCM16 audio with an explicit sample rate. The project's unit of audio. */
export interface PcmFrame {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

/** Sample rates the project accepts anywhere audio enters. */
export const SUPPORTED_SAMPLE_RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000] as const;

export function assertSampleRate(sampleRate: number, where: string): void {
  if (!Number.isInteger(sampleRate) || !(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new FullduplexError(
      'BAD_SAMPLE_RATE',
      `${where}: sample rate ${sampleRate} is not supported (use one of ${SUPPORTED_SAMPLE_RATES.join(', ')})`,
    );
  }
}

export function frame(samples: Int16Array, sampleRate: number): PcmFrame {
  assertSampleRate(sampleRate, 'frame');
  return { samples, sampleRate };
}

export function durationSeconds(f: PcmFrame): number {
  return f.samples.length / f.sampleRate;
}

/** Interpret little-endian PCM16 bytes; an odd byte count is an error, not a silent truncation. */
export function int16FromBytes(bytes: Uint8Array, where = 'audio'): Int16Array {
  if (bytes.byteLength % 2 !== 0) {
    throw new FullduplexError('BAD_AUDIO', `${where}: ${bytes.byteLength} bytes is not a whole number of 16-bit samples`);
  }
  const out = new Int16Array(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function bytesFromInt16(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return out;
}

export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]!));
    out[i] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
  }
  return out;
}

export function concatInt16(parts: readonly Int16Array[]): Int16Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int16Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Root-mean-square level in dBFS (−∞ for digital silence). */
export function rmsDbfs(samples: Int16Array | Float32Array): number {
  if (samples.length === 0) return -Infinity;
  const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
  let acc = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]! * scale;
    acc += v * v;
  }
  const rms = Math.sqrt(acc / samples.length);
  return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}
