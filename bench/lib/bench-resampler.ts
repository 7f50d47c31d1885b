/** Streaming resampler (libsamplerate-js, SINC_FASTEST) cost per 20 ms frame, on real speech. */
import type { PcmFrame } from '../../src/audio/frame.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { resample, StreamingResampler } from '../../src/audio/resampler.js';
import { now, round, summarize, timeAsync, type Summary } from './stats.js';

export interface ResamplerResult {
  from: number;
  to: number;
  quality: string;
  createMs: number;
  frames: number;
  msPerFrame: Summary;
  /** Compute over audio duration. */
  rtf: number;
}

async function benchPair(speech16k: PcmFrame, from: number, to: number): Promise<ResamplerResult> {
  const source = from === speech16k.sampleRate ? speech16k : await resample(speech16k, from);
  const [r, createMs] = await timeAsync(() => StreamingResampler.create(from, to));
  const frame = from / 50;
  const costs: number[] = [];
  for (let i = 0; i + frame <= source.samples.length; i += frame) {
    const piece = source.samples.subarray(i, i + frame);
    const t0 = now();
    r.process(piece);
    costs.push(now() - t0);
  }
  r.destroy();
  const total = costs.reduce((a, b) => a + b, 0);
  return {
    from,
    to,
    quality: 'fastest',
    createMs: round(createMs, 1),
    frames: costs.length,
    msPerFrame: summarize(costs),
    rtf: round(total / (costs.length * 20)),
  };
}

export async function benchResampler(clips: readonly PcmFrame[]): Promise<ResamplerResult[]> {
  const speech: PcmFrame = { samples: concatInt16(clips.map((c) => c.samples)), sampleRate: 16000 };
  return [await benchPair(speech, 48000, 16000), await benchPair(speech, 16000, 24000)];
}
