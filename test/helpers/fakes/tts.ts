/**
 * A synthesizer that says every word as a short tone: one chunk per word, `wordMs` long at the
 * declared rate, its pitch derived from the word. Output length is proportional to the word count,
 * so tests can tell how much of a reply was played, and heard text maps back to words exactly.
 */
import { FullduplexError } from '../../../src/errors.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../../../src/speech/types.js';
import { validateTtsText } from '../../../src/speech/tts/text-limits.js';

export interface FakeTtsOptions {
  readonly sampleRate?: number;
  /** Audio per word, ms. */
  readonly wordMs?: number;
  /** Texts matching this fail (synthesis rejects with COMPONENT_FAILED after the first word). */
  readonly failOn?: RegExp;
}

export class FakeTts implements TtsEngine {
  readonly name = 'fake-tts';
  readonly voices = ['tone', 'low'];
  readonly defaultVoice = 'tone';
  readonly rate: number;
  readonly wordMs: number;
  /** Every text synthesized, in order. */
  readonly texts: string[] = [];
  closeCount = 0;

  constructor(private readonly o: FakeTtsOptions = {}) {
    this.rate = o.sampleRate ?? 16000;
    this.wordMs = o.wordMs ?? 200;
  }

  /** Samples one word takes. */
  get samplesPerWord(): number {
    return Math.round((this.wordMs / 1000) * this.rate);
  }

  sampleRateOf(voice: string): number {
    this.checkVoice(voice);
    return this.rate;
  }

  synthesize(text: string, options: TtsSynthesisOptions = {}): AsyncIterable<TtsChunk> {
    const clean = validateTtsText(text, 'fake-tts');
    const voice = this.checkVoice(options.voice ?? this.defaultVoice);
    this.texts.push(clean);
    const words = clean.split(/\s+/).filter(Boolean);
    const { rate, samplesPerWord } = this;
    const fail = this.o.failOn?.test(clean) ?? false;
    const signal = options.signal;
    return {
      async *[Symbol.asyncIterator]() {
        for (const [i, w] of words.entries()) {
          if (signal?.aborted) return;
          if (fail && i > 0) throw new FullduplexError('COMPONENT_FAILED', `fake-tts: scripted failure on '${clean}'`);
          await Promise.resolve(); // chunks arrive asynchronously, as from a real synthesizer
          yield { samples: tone(w, voice, samplesPerWord, rate), sampleRate: rate };
        }
      },
    };
  }

  async close(): Promise<void> {
    this.closeCount++;
  }

  private checkVoice(voice: string): string {
    if (!this.voices.includes(voice)) {
      throw new FullduplexError('MODEL_MISSING', `fake-tts voice '${voice}' is not available (voices: ${this.voices.join(', ')})`);
    }
    return voice;
  }
}

/** A word's tone: 200-600 Hz from its letters (an octave lower for 'low'), at about −12 dBFS. */
function tone(word: string, voice: string, n: number, rate: number): Int16Array {
  let h = 0;
  for (const c of word) h = (h * 31 + c.charCodeAt(0)) % 400;
  const f = (200 + h) / (voice === 'low' ? 2 : 1);
  const out = new Int16Array(n);
  // Starts at a peak (cosine), so leading-silence trimming never eats into a word.
  for (let i = 0; i < n; i++) out[i] = Math.round(8000 * Math.cos((2 * Math.PI * f * i) / rate));
  return out;
}
