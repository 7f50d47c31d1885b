/**
 * A recogniser that hears what it is told to: each utterance's final text comes from a script, in
 * order, while its timing comes from the audio actually pushed. Partials reveal the scripted words one
 * at a time as audio arrives (one word per `wordMs`), and the final's words are spread evenly over the
 * utterance's audio, so word timings stay tied to what the session pushed.
 */
import { FullduplexError } from '../../../src/errors.js';
import type { PcmFrame } from '../../../src/audio/frame.js';
import type { AsrEngine, AsrResult, AsrStream, WordTiming } from '../../../src/speech/types.js';

export interface ScriptedUtterance {
  /** The final hypothesis. */
  readonly text: string;
  /** Partials to give instead of the final's growing prefix (one per `wordMs` of audio). */
  readonly partials?: readonly string[];
  /** finish() rejects with COMPONENT_FAILED instead of answering. */
  readonly fail?: boolean;
}

export interface FakeAsrOptions {
  readonly sampleRate?: number;
  /** Audio per revealed partial word, ms. */
  readonly wordMs?: number;
}

export class FakeAsr implements AsrEngine {
  readonly name = 'fake-asr';
  readonly sampleRate: number;
  readonly wordMs: number;
  /** Utterances not yet finished, shared by every stream of this engine, in order. */
  readonly script: ScriptedUtterance[];
  /** Finals given so far. */
  readonly finals: AsrResult[] = [];
  readonly streams: FakeAsrStream[] = [];
  closeCount = 0;

  constructor(script: readonly (string | ScriptedUtterance)[] = [], o: FakeAsrOptions = {}) {
    this.script = script.map((u) => (typeof u === 'string' ? { text: u } : u));
    this.sampleRate = o.sampleRate ?? 16000;
    this.wordMs = o.wordMs ?? 250;
  }

  createStream(): FakeAsrStream {
    const s = new FakeAsrStream(this);
    this.streams.push(s);
    return s;
  }

  async transcribe(audio: PcmFrame): Promise<AsrResult> {
    if (audio.sampleRate !== this.sampleRate) {
      throw new FullduplexError('BAD_SAMPLE_RATE', `fake-asr: expected ${this.sampleRate} Hz, got ${audio.sampleRate}`);
    }
    const s = new FakeAsrStream(this);
    try {
      s.push(audio.samples);
      return await s.finish();
    } finally {
      s.close();
    }
  }

  async close(): Promise<void> {
    this.closeCount++;
  }
}

export class FakeAsrStream implements AsrStream {
  onPartial: ((partial: AsrResult) => void) | null = null;
  /** Samples of the current utterance. */
  private samples = 0;
  private revealed = 0;
  private closed = false;
  cancelled = 0;

  constructor(private readonly engine: FakeAsr) {}

  push(samples: Int16Array): void {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'fake-asr: stream is closed');
    if (!(samples instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', 'fake-asr: audio must be an Int16Array');
    this.samples += samples.length;
    const next = this.engine.script[0];
    if (!next || next.fail) return;
    const partials = next.partials ?? prefixes(next.text);
    const due = Math.min(partials.length, Math.floor(this.audioMs() / this.engine.wordMs));
    if (due > this.revealed) {
      this.revealed = due;
      this.onPartial?.({ text: partials[due - 1]!, words: [], final: false });
    }
  }

  /** The next scripted final, its words spread over the audio pushed; no audio, no words. */
  async finish(): Promise<AsrResult> {
    if (this.closed) throw new FullduplexError('BAD_ARGUMENT', 'fake-asr: stream is closed');
    const seconds = this.audioMs() / 1000;
    this.samples = 0;
    this.revealed = 0;
    if (seconds === 0) return { text: '', words: [], final: true };
    const next = this.engine.script.shift();
    if (next?.fail) throw new FullduplexError('COMPONENT_FAILED', 'fake-asr: scripted failure');
    const text = next?.text ?? '';
    const tokens = text.split(/\s+/).filter(Boolean);
    const each = seconds / Math.max(1, tokens.length);
    const words: WordTiming[] = tokens.map((word, i) => ({ word, start: i * each, end: (i + 1) * each, confidence: 0.9 }));
    const r: AsrResult = { text, words, final: true };
    this.engine.finals.push(r);
    return r;
  }

  cancel(): void {
    if (this.samples > 0) this.cancelled++;
    this.samples = 0;
    this.revealed = 0;
  }

  close(): void {
    this.closed = true;
  }

  private audioMs(): number {
    return (this.samples / this.engine.sampleRate) * 1000;
  }
}

function prefixes(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  return words.map((_, i) => words.slice(0, i + 1).join(' '));
}
