/**
 * User audio as the engine reads it: any supported rate in, resampled to the engine's rate and cut
 * into fixed windows, the remainder kept for the next chunk.
 */
import { assertSampleRate } from '../audio/frame.js';
import type { StreamingResampler } from '../audio/resampler.js';
import { threadResamplers } from '../audio/resampler-pool.js';
import { FullduplexError } from '../errors.js';

export class InputWindows {
  private resampler: StreamingResampler | undefined;
  private rate: number;
  private pending = new Int16Array(0);

  constructor(
    private readonly engineRate: number,
    private readonly windowSamples: number,
  ) {
    this.rate = engineRate;
  }

  /** The whole windows `samples` completes (a bad chunk throws a FullduplexError and changes nothing). */
  async push(samples: Int16Array, sampleRate: number): Promise<Int16Array[]> {
    if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'audio must be an Int16Array of mono PCM16');
    assertSampleRate(sampleRate, 'session input');
    let pcm = samples;
    if (sampleRate !== this.engineRate) {
      if (!this.resampler || this.rate !== sampleRate) {
        if (this.resampler) threadResamplers.give(this.resampler);
        this.resampler = await threadResamplers.take(sampleRate, this.engineRate);
        this.rate = sampleRate;
      }
      pcm = this.resampler.process(samples);
    }
    const all = new Int16Array(this.pending.length + pcm.length);
    all.set(this.pending);
    all.set(pcm, this.pending.length);
    const out: Int16Array[] = [];
    let i = 0;
    for (; i + this.windowSamples <= all.length; i += this.windowSamples) out.push(all.slice(i, i + this.windowSamples));
    this.pending = all.slice(i);
    return out;
  }

  close(): void {
    if (this.resampler) threadResamplers.give(this.resampler);
    this.resampler = undefined;
  }
}
