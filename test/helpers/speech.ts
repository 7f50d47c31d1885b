/** Shared helpers for tests that run the real speech components on synthesized audio. */
import type { PcmFrame } from '../../src/audio/frame.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { pinkNoise as scenarioPinkNoise, rng, silence } from '../../bench/scenarios/audio.js';

let tts: FliteTts | undefined;

export function synth(text: string, voice = 'slt'): PcmFrame {
  tts ??= new FliteTts();
  const c = tts.synthesizeAll(text, voice);
  return { samples: c.samples, sampleRate: c.sampleRate };
}

/** Seeded PRNG, silence and pink noise are the scenario generator's own (bench/scenarios/audio.ts). */
export { rng, silence } from '../../bench/scenarios/audio.js';

export function whiteNoise(seconds: number, dbfs: number, seed = 1, sampleRate = 16000): Int16Array {
  const r = rng(seed);
  const amp = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3); // uniform noise RMS = amp/√3
  return Int16Array.from({ length: Math.round(seconds * sampleRate) }, () => Math.round((r() * 2 - 1) * amp));
}

export function pinkNoise(seconds: number, dbfs: number, seed = 2, sampleRate = 16000): Int16Array {
  return scenarioPinkNoise(seconds, dbfs, seed, sampleRate);
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
