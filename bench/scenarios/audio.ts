/**
 * Audio building blocks for scenario generation: deterministic random numbers, noise, levels, the
 * audible part of a clip, and mixing clips onto a track. Everything is 16 kHz mono and pure (no I/O),
 * so the same script always gives the same samples.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { BOUNDS } from './config.js';

export const SCENARIO_RATE = 16000;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32); scenarios never use Math.random. */
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

/** A stable 32-bit seed from a string (FNV-1a), so each sample id has its own random stream. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function silence(seconds: number, sampleRate = SCENARIO_RATE): Int16Array {
  return new Int16Array(Math.max(0, Math.round(seconds * sampleRate)));
}

/** Pink noise (Paul Kellet's economy filter) at the requested RMS level. */
export function pinkNoise(seconds: number, dbfs: number, seed: number, sampleRate = SCENARIO_RATE): Int16Array {
  const r = rng(seed);
  const n = Math.round(seconds * sampleRate);
  const x = new Float64Array(n);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < n; i++) {
    const w = r() * 2 - 1;
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    x[i] = b0 + b1 + b2 + w * 0.1848;
  }
  let acc = 0;
  for (const v of x) acc += v * v;
  const scale = n === 0 ? 0 : (32768 * 10 ** (dbfs / 20)) / Math.sqrt(acc / n || 1);
  return Int16Array.from(x, (v) => clamp16(v * scale));
}

export function clamp16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}

export interface Bounds {
  readonly start: number;
  readonly end: number;
}

/** Level of each 10 ms frame, dBFS. */
function frameLevels(f: PcmFrame): number[] {
  const hop = Math.round(f.sampleRate / 100);
  const out: number[] = [];
  for (let i = 0; i + hop <= f.samples.length; i += hop) {
    let acc = 0;
    for (let k = i; k < i + hop; k++) acc += f.samples[k]! * f.samples[k]!;
    out.push(acc > 0 ? 20 * Math.log10(Math.sqrt(acc / hop) / 32768) : -Infinity);
  }
  return out;
}

/**
 * Start and end (seconds) of the speech in a clip: from the first to the last 10 ms frame above
 * coreDbfs, extended over the contiguous frames above edgeDbfs on either side. The ground-truth
 * timestamps come from here. The two levels keep weak consonants in but leave out the low, separate
 * breath some flite voices (kal16) put before the first word.
 */
export function speechBounds(f: PcmFrame, coreDbfs: number = BOUNDS.coreDbfs, edgeDbfs: number = BOUNDS.edgeDbfs): Bounds {
  const lv = frameLevels(f);
  let first = lv.findIndex((x) => x > coreDbfs);
  if (first < 0) return { start: 0, end: 0 };
  let last = lv.length - 1;
  while (lv[last]! <= coreDbfs) last--;
  while (first > 0 && lv[first - 1]! > edgeDbfs) first--;
  while (last < lv.length - 1 && lv[last + 1]! > edgeDbfs) last++;
  const hop = Math.round(f.sampleRate / 100);
  return { start: (first * hop) / f.sampleRate, end: ((last + 1) * hop) / f.sampleRate };
}

/** A clip cut to its speech plus a small margin, so that the pauses placed between clips are what they say. */
export function trimClip(f: PcmFrame, marginS = 0.03): PcmFrame {
  const b = speechBounds(f);
  const a = Math.max(0, Math.floor((b.start - marginS) * f.sampleRate));
  const e = Math.min(f.samples.length, Math.ceil((b.end + marginS) * f.sampleRate));
  return { samples: f.samples.slice(a, e), sampleRate: f.sampleRate };
}

/**
 * Speech level of a clip: RMS in dBFS over its 10 ms frames above −50 dBFS (an "active speech level"
 * in the spirit of ITU-T P.56, simplified), so the level does not depend on how much silence it has.
 * Scenario clips are measured at TRACK.referenceLevelDbfs and then scaled, so a quiet voice's level is
 * its gain, not what of it stays above the gate; `gateDbfs` moves the gate with that gain.
 */
export function speechLevelDbfs(f: PcmFrame, gateDbfs = -50): number {
  const hop = Math.round(f.sampleRate / 100);
  const thr = 32768 * 10 ** (gateDbfs / 20);
  let acc = 0;
  let n = 0;
  for (let i = 0; i + hop <= f.samples.length; i += hop) {
    let e = 0;
    for (let k = i; k < i + hop; k++) e += f.samples[k]! * f.samples[k]!;
    if (Math.sqrt(e / hop) > thr) {
      acc += e;
      n += hop;
    }
  }
  return n === 0 ? -Infinity : 20 * Math.log10(Math.sqrt(acc / n) / 32768);
}

/** The clip scaled so its speech level is `dbfs`. */
export function atLevel(f: PcmFrame, dbfs: number): PcmFrame {
  const now = speechLevelDbfs(f);
  if (!Number.isFinite(now)) return f;
  const g = 10 ** ((dbfs - now) / 20);
  return { samples: Int16Array.from(f.samples, (v) => clamp16(v * g)), sampleRate: f.sampleRate };
}

/** Adds `clip` into `track` starting at `atS` seconds (the part past the end of the track is dropped). */
export function mixInto(track: Float64Array, clip: Int16Array, atS: number, sampleRate = SCENARIO_RATE): void {
  const at = Math.round(atS * sampleRate);
  for (let i = 0; i < clip.length && at + i < track.length; i++) if (at + i >= 0) track[at + i]! += clip[i]!;
}

export function toInt16(track: Float64Array): Int16Array {
  return Int16Array.from(track, clamp16);
}
