/**
 * flite, in-process through the N-API addon: synthesis runs on a worker thread and streams chunks of
 * ~16 ms as they are produced; cancelling stops the synthesizer within one chunk.
 */
import { FullduplexError } from '../../errors.js';
import { loadNative, nativeError, type NativeAddon } from '../../native.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../types.js';
import { ChunkQueue } from './chunk-queue.js';
import { validateTtsText } from './text-limits.js';

/** Voices linked into the addon and their output rates (kal is the 8 kHz diphone voice). */
export const FLITE_VOICES = { slt: 16000, rms: 16000, awb: 16000, kal16: 16000, kal: 8000 } as const;
export type FliteVoice = keyof typeof FLITE_VOICES;

export class FliteTts implements TtsEngine {
  readonly name = 'flite-2.2';
  readonly voices = Object.keys(FLITE_VOICES) as FliteVoice[];
  readonly defaultVoice: FliteVoice;
  private readonly native: NativeAddon;

  constructor(options: { voice?: string } = {}) {
    this.native = loadNative();
    this.defaultVoice = this.checkVoice(options.voice ?? 'slt');
  }

  sampleRateOf(voice: string): number {
    return FLITE_VOICES[this.checkVoice(voice)];
  }

  audioIdentity(voice: string): string {
    return `flite:${this.name}:${voice}@${this.sampleRateOf(voice)}`;
  }

  synthesize(text: string, options: TtsSynthesisOptions = {}): AsyncIterable<TtsChunk> {
    const clean = validateTtsText(text, 'flite');
    const voice = this.checkVoice(options.voice ?? this.defaultVoice);
    let job: unknown;
    const queue = new ChunkQueue(() => {
      if (job !== undefined) this.native.ttsCancel(job);
    }, options.signal);
    try {
      job = this.native.ttsStart(voice, clean, (samples, sampleRate, done, _cancelled, error) => {
        if (samples && samples.length > 0) queue.push({ samples, sampleRate });
        if (done) queue.end(error ? new FullduplexError('COMPONENT_FAILED', `flite: ${error}`) : undefined);
      });
    } catch (e) {
      throw nativeError(e);
    }
    if (options.signal?.aborted) this.native.ttsCancel(job);
    return queue;
  }

  /** Whole-utterance synthesis on the calling thread (scenario generation, tests). */
  synthesizeAll(text: string, voice: string = this.defaultVoice): TtsChunk {
    const clean = validateTtsText(text, 'flite');
    try {
      return this.native.ttsSynthesize(this.checkVoice(voice), clean);
    } catch (e) {
      throw nativeError(e);
    }
  }

  async close(): Promise<void> {}

  private checkVoice(voice: string): FliteVoice {
    if (!(voice in FLITE_VOICES)) {
      throw new FullduplexError('MODEL_MISSING', `flite voice '${voice}' is not available (voices: ${this.voices.join(', ')})`);
    }
    return voice as FliteVoice;
  }
}
