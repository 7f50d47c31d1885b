/**
 * Speaking-rate changes for synthesized speech. flite has no rate control through the addon, so the
 * scenarios change the tempo afterwards with WSOLA (waveform-similarity overlap-add): the audio is
 * cut into overlapping frames taken at a stretched hop, and each frame is shifted by up to ±10 ms to
 * the position whose waveform best continues the previous one. Pitch and timbre stay; only the tempo
 * changes. Deterministic.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { FullduplexError } from '../../src/errors.js';
import { clamp16 } from './audio.js';
import { STRETCH } from './config.js';

/** Tempo change by `rate` (1.2 = 20 % faster, output 1/1.2 as long). rate 1 returns the input. */
export function changeRate(f: PcmFrame, rate: number): PcmFrame {
  if (!(rate >= STRETCH.minRate && rate <= STRETCH.maxRate)) {
    throw new FullduplexError('BAD_ARGUMENT', `speaking rate ${rate} is outside ${STRETCH.minRate}..${STRETCH.maxRate}`);
  }
  if (rate === 1 || f.samples.length === 0) return f;
  const x = f.samples;
  const n = Math.round(STRETCH.frameS * f.sampleRate);
  const hop = n >> 1;
  const tol = Math.round(STRETCH.toleranceS * f.sampleRate);
  const outLen = Math.round(x.length / rate);
  const out = new Float64Array(outLen + n);
  const norm = new Float64Array(outLen + n);
  const win = Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const at = (i: number): number => (i >= 0 && i < x.length ? x[i]! : 0);
  let prev = 0;
  for (let m = 0; m * hop < outLen; m++) {
    const nominal = Math.round(m * hop * rate);
    let pos = nominal;
    if (m > 0) {
      // The natural continuation of the previous frame is prev + hop; pick the candidate most like it.
      const want = prev + hop;
      let best = -Infinity;
      for (let d = -tol; d <= tol; d++) {
        const p = nominal + d;
        if (p < 0) continue;
        let c = 0;
        for (let i = 0; i < hop; i++) c += at(want + i) * at(p + i);
        if (c > best) {
          best = c;
          pos = p;
        }
      }
    }
    const o = m * hop;
    for (let i = 0; i < n; i++) {
      out[o + i]! += at(pos + i) * win[i]!;
      norm[o + i]! += win[i]!;
    }
    prev = pos;
  }
  const samples = new Int16Array(outLen);
  for (let i = 0; i < outLen; i++) samples[i] = clamp16(norm[i]! > 1e-3 ? out[i]! / norm[i]! : 0);
  return { samples, sampleRate: f.sampleRate };
}
