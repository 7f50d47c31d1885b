/**
 * Audio in the session's formats: base64 PCM16 at 24 kHz, or G.711 μ-law / A-law at 8 kHz. Input is
 * decoded to PCM16 at its own rate (the engine resamples); output leaves the engine at 16 kHz and is
 * resampled and encoded per response, the resampler's tail flushed when the response ends.
 */
import { LIVE_RESAMPLER_QUALITY, StreamingResampler } from '../../audio/resampler.js';
import type { ResamplerPool } from '../../audio/resampler-pool.js';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../codecs/g711.js';
import { base64ToPcm16, decodeBase64, encodeBase64, pcm16ToBase64 } from '../codecs/pcm-base64.js';
import type { AudioFormatRow } from './endpoint-config.js';

export function decodeInputAudio(b64: string, format: AudioFormatRow): Int16Array {
  if (format.bytesPerSample === 2) return base64ToPcm16(b64, 'input_audio_buffer.append audio');
  const codes = decodeBase64(b64, 'input_audio_buffer.append audio');
  return format.beta === 'g711_ulaw' ? decodeMulaw(codes) : decodeAlaw(codes);
}

export function encodeOutputAudio(samples: Int16Array, format: AudioFormatRow): string {
  if (format.bytesPerSample === 2) return pcm16ToBase64(samples);
  return encodeBase64(format.beta === 'g711_ulaw' ? encodeMulaw(samples) : encodeAlaw(samples));
}

/** Engine audio (16 kHz) → the session's output format, as base64 deltas. */
export class OutputAudioEncoder {
  private constructor(
    readonly format: AudioFormatRow,
    private readonly resampler: StreamingResampler,
    private readonly pool: ResamplerPool | undefined,
  ) {}

  /** With a pool, a warm resampler (given back on destroy). */
  static async create(format: AudioFormatRow, engineRate: number, pool?: ResamplerPool): Promise<OutputAudioEncoder> {
    const r = pool ? await pool.take(engineRate, format.sampleRate) : await StreamingResampler.create(engineRate, format.sampleRate, { quality: LIVE_RESAMPLER_QUALITY });
    return new OutputAudioEncoder(format, r, pool);
  }

  /** Samples in the output format for a piece of engine audio (may be a little short at first). */
  convert(samples: Int16Array): Int16Array {
    return this.resampler.process(samples);
  }

  /** The resampler's tail at the end of a response (it starts afresh for the next one). */
  flush(): Int16Array {
    return this.resampler.flush();
  }

  encode(samples: Int16Array): string {
    return encodeOutputAudio(samples, this.format);
  }

  destroy(): void {
    if (this.pool) this.pool.give(this.resampler);
    else this.resampler.destroy();
  }
}
