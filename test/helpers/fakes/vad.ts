/**
 * A voice activity detector that reads a script instead of the audio: speech probability comes from
 * a list of speech spans in stream time (ms), so session tests decide exactly when the user talks.
 * It keeps the real detector's window framing (any push length, one result per completed window),
 * and can be told to fail or hang at a given stream time.
 */
import { FullduplexError } from '../../../src/errors.js';
import type { VadWindowResult, VoiceActivityDetector } from '../../../src/speech/types.js';

export interface SpeechSpan {
  readonly startMs: number;
  readonly endMs: number;
}

export interface FakeVadOptions {
  /** Where the user speaks, in stream time (ms since the first sample pushed). */
  readonly speech?: readonly SpeechSpan[];
  readonly sampleRate?: number;
  readonly windowSamples?: number;
  /** Probability inside / outside a speech span. */
  readonly speechProbability?: number;
  readonly silenceProbability?: number;
  /** Windows starting in [fromMs, toMs) reject with COMPONENT_FAILED. */
  readonly failBetweenMs?: readonly [number, number];
}

export class FakeVad implements VoiceActivityDetector {
  readonly name = 'fake-vad';
  readonly sampleRate: number;
  readonly windowSamples: number;
  /** The scripted speech spans. */
  readonly speech: readonly SpeechSpan[];
  /** Every window decided so far (survives reset), for tests that check what the detector saw. */
  readonly decided: VadWindowResult[] = [];
  private readonly o: Required<Omit<FakeVadOptions, 'failBetweenMs'>> & Pick<FakeVadOptions, 'failBetweenMs'>;
  private partial = 0;
  private windows = 0;
  private closed = false;
  closeCount = 0;

  constructor(o: FakeVadOptions = {}) {
    this.o = { speech: [], sampleRate: 16000, windowSamples: 512, speechProbability: 0.95, silenceProbability: 0.02, ...o };
    this.sampleRate = this.o.sampleRate;
    this.windowSamples = this.o.windowSamples;
    this.speech = this.o.speech;
  }

  async push(samples: Int16Array): Promise<VadWindowResult[]> {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'fake-vad: closed');
    if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'fake-vad: audio must be an Int16Array');
    const out: VadWindowResult[] = [];
    this.partial += samples.length;
    while (this.partial >= this.windowSamples) {
      this.partial -= this.windowSamples;
      const start = (this.windows * this.windowSamples) / this.sampleRate;
      const end = ((this.windows + 1) * this.windowSamples) / this.sampleRate;
      this.windows++;
      const fail = this.o.failBetweenMs;
      if (fail && start * 1000 >= fail[0] && start * 1000 < fail[1]) {
        throw new FullduplexError('COMPONENT_FAILED', `fake-vad: scripted failure at ${(start * 1000).toFixed(0)} ms`);
      }
      const mid = ((start + end) / 2) * 1000;
      const speaking = this.o.speech.some((s) => mid >= s.startMs && mid < s.endMs);
      const r = { probability: speaking ? this.o.speechProbability : this.o.silenceProbability, start, end };
      this.decided.push(r);
      out.push(r);
    }
    return out;
  }

  reset(): void {
    this.partial = 0;
    this.windows = 0;
  }

  async close(): Promise<void> {
    this.closeCount++;
    this.closed = true;
  }
}
