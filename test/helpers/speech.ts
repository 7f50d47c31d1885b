/** Shared helpers for tests that run the real speech components on synthesized audio. */
import type { PcmFrame } from '../../src/audio/frame.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { FliteTts } from '../../src/speech/tts/flite.js';

let tts: FliteTts | undefined;

export function synth(text: string, voice = 'slt'): PcmFrame {
  tts ??= new FliteTts();
  const c = tts.synthesizeAll(text, voice);
  return { samples: c.samples, sampleRate: c.sampleRate };
}

export function silence(seconds: number, sampleRate = 16000): Int16Array {
  return new Int16Array(Math.round(seconds * sampleRate));
}

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function whiteNoise(seconds: number, dbfs: number, seed = 1, sampleRate = 16000): Int16Array {
  const r = rng(seed);
  const amp = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3); // uniform noise RMS = amp/√3
  return Int16Array.from({ length: Math.round(seconds * sampleRate) }, () => Math.round((r() * 2 - 1) * amp));
}

/** Pink noise by Paul Kellet's economy filter, scaled to the requested RMS level. */
export function pinkNoise(seconds: number, dbfs: number, seed = 2, sampleRate = 16000): Int16Array {
  const r = rng(seed);
  const n = Math.round(seconds * sampleRate);
  const x = new Float64Array(n);
  let b0 = 0, b1 = 0, b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = r() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    x[i] = b0 + b1 + b2 + w * 0.1848;
  }
  let acc = 0;
  for (const v of x) acc += v * v;
  const scale = (32768 * 10 ** (dbfs / 20)) / Math.sqrt(acc / n);
  return Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * scale))));
}

/** Start and end (seconds) of the audible part of a clip: first/last 10 ms frame above −50 dBFS (quieter tails are inaudible in practice). */
export function audibleBounds(f: PcmFrame, thresholdDbfs = -50): { start: number; end: number } {
  const hop = Math.round(f.sampleRate / 100);
  const thr = 32768 * 10 ** (thresholdDbfs / 20);
  let first = -1;
  let last = -1;
  for (let i = 0; i + hop <= f.samples.length; i += hop) {
    let acc = 0;
    for (let k = i; k < i + hop; k++) acc += f.samples[k]! * f.samples[k]!;
    if (Math.sqrt(acc / hop) > thr) {
      if (first < 0) first = i;
      last = i + hop;
    }
  }
  return { start: Math.max(0, first) / f.sampleRate, end: Math.max(0, last) / f.sampleRate };
}

/** A clip cut to its audible part plus a small margin, so that pauses between clips are what they say. */
export function trimClip(f: PcmFrame, marginS = 0.03): PcmFrame {
  const b = audibleBounds(f);
  const a = Math.max(0, Math.floor((b.start - marginS) * f.sampleRate));
  const e = Math.min(f.samples.length, Math.ceil((b.end + marginS) * f.sampleRate));
  return { samples: f.samples.slice(a, e), sampleRate: f.sampleRate };
}

/**
 * Concatenate clips (trimmed of the synthesizer's own leading and trailing silence) and pauses,
 * returning the audio and the audible bounds of each clip in it.
 */
export function compose(parts: readonly (PcmFrame | number)[], sampleRate = 16000) {
  const pieces: Int16Array[] = [];
  const spans: { start: number; end: number }[] = [];
  let t = 0;
  for (let p of parts) {
    if (typeof p === 'number') {
      pieces.push(silence(p, sampleRate));
      t += p;
    } else {
      p = trimClip(p);
      const b = audibleBounds(p);
      spans.push({ start: t + b.start, end: t + b.end });
      pieces.push(p.samples);
      t += p.samples.length / sampleRate;
    }
  }
  return { audio: { samples: concatInt16(pieces), sampleRate } as PcmFrame, spans };
}
