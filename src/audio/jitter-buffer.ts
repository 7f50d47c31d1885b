import { FullduplexError } from '../errors.js';
import { assertSampleRate, type PcmFrame } from './frame.js';

export interface JitterBufferOptions {
  /**
   * Audio to accumulate before playback starts, and restarts after an underrun, in ms. Trades start-up
   * delay for fewer glitches when the producer (TTS, network) delivers in bursts. 0 = play at once.
   */
  prefillMs: number;
  /**
   * Most audio held, in ms; pushing beyond it drops the oldest samples (counted in droppedSamples).
   * Generous because TTS typically renders a whole reply faster than real time and pushes it at once;
   * dropping reply audio would be a bug, while 30 s at 48 kHz is under 3 MB.
   */
  maxBufferMs: number;
  /** After an underrun, wait for prefillMs again (true) or resume as soon as any audio arrives (false). */
  rePrefillAfterUnderrun: boolean;
}

export const defaultJitterBufferOptions: Readonly<JitterBufferOptions> = Object.freeze({
  prefillMs: 60,
  maxBufferMs: 30_000,
  rePrefillAfterUnderrun: true,
});

/**
 * idle: nothing playing (start, after flush, after an ended stream drained); waiting for prefill.
 * playing: handing out audio.
 * rebuffering: ran dry while playing, waiting to refill; the zeros it emits count as underrun samples.
 */
export type JitterBufferState = 'idle' | 'playing' | 'rebuffering';

export interface JitterBufferStats {
  playedSamples: number;
  underruns: number;
  underrunSamples: number;
  overflows: number;
  droppedSamples: number;
  flushedSamples: number;
}

/**
 * Playback buffer for mono PCM16 at one fixed rate. The producer push()es audio whenever it has some; the
 * audio output pull()s exactly n samples per device callback and always gets them (zeros when starved).
 *
 * Call markEnd() when the producer has finished an utterance: the tail then plays even if it is shorter
 * than the prefill, and running dry afterwards is not an underrun.
 */
export class JitterBuffer {
  readonly sampleRate: number;
  readonly options: Readonly<JitterBufferOptions>;
  private readonly prefillSamples: number;
  private readonly ring: Int16Array;
  private head = 0; // index of the oldest buffered sample
  private size = 0;
  private mode: JitterBufferState = 'idle';
  private ended = false;
  private readonly counters: JitterBufferStats = {
    playedSamples: 0,
    underruns: 0,
    underrunSamples: 0,
    overflows: 0,
    droppedSamples: 0,
    flushedSamples: 0,
  };

  constructor(sampleRate: number, options: Partial<JitterBufferOptions> = {}) {
    assertSampleRate(sampleRate, 'JitterBuffer');
    const o = { ...defaultJitterBufferOptions, ...options };
    if (!Number.isFinite(o.prefillMs) || o.prefillMs < 0) throw badOption(`prefillMs ${o.prefillMs}`);
    if (!Number.isFinite(o.maxBufferMs) || o.maxBufferMs <= 0) throw badOption(`maxBufferMs ${o.maxBufferMs}`);
    if (o.prefillMs > o.maxBufferMs) throw badOption(`prefillMs ${o.prefillMs} exceeds maxBufferMs ${o.maxBufferMs}`);
    this.sampleRate = sampleRate;
    this.options = Object.freeze(o);
    this.prefillSamples = Math.round((o.prefillMs * sampleRate) / 1000);
    this.ring = new Int16Array(Math.max(1, Math.round((o.maxBufferMs * sampleRate) / 1000)));
  }

  get state(): JitterBufferState {
    return this.mode;
  }

  get bufferedSamples(): number {
    return this.size;
  }

  get bufferedSeconds(): number {
    return this.size / this.sampleRate;
  }

  /** Real audio handed to the output so far (zero fill excluded): what the listener has heard. */
  get playedSamples(): number {
    return this.counters.playedSamples;
  }

  get playedSeconds(): number {
    return this.counters.playedSamples / this.sampleRate;
  }

  stats(): JitterBufferStats {
    return { ...this.counters };
  }

  /** Queue audio for playback. A PcmFrame must match the buffer's rate. */
  push(audio: Int16Array | PcmFrame): void {
    let samples: Int16Array;
    if (audio instanceof Int16Array) samples = audio;
    else if (audio && audio.samples instanceof Int16Array) {
      if (audio.sampleRate !== this.sampleRate) {
        throw new FullduplexError('BAD_SAMPLE_RATE', `JitterBuffer: got ${audio.sampleRate} Hz, buffer runs at ${this.sampleRate} Hz`);
      }
      samples = audio.samples;
    } else throw new FullduplexError('BAD_AUDIO', 'JitterBuffer.push: expected Int16Array or PcmFrame');
    if (samples.length === 0) return;
    this.ended = false; // more audio means the utterance goes on

    const cap = this.ring.length;
    if (samples.length > cap) samples = this.drop(samples, samples.length - cap);
    const overflow = this.size + samples.length - cap;
    if (overflow > 0) {
      this.head = (this.head + overflow) % cap;
      this.size -= overflow;
      this.countDrop(overflow);
    }
    const tail = (this.head + this.size) % cap;
    const first = Math.min(samples.length, cap - tail);
    this.ring.set(samples.subarray(0, first), tail);
    this.ring.set(samples.subarray(first), 0);
    this.size += samples.length;
  }

  /** The producer has finished for now: play out what is buffered without waiting for prefill. */
  markEnd(): void {
    this.ended = true;
  }

  /** Exactly n samples for the output device: buffered audio, then zeros if there is not enough. */
  pull(n: number): Int16Array {
    if (!Number.isInteger(n) || n < 0) throw badOption(`pull(${n}): need a whole number of samples >= 0`);
    const out = new Int16Array(n);
    if (n === 0) return out;
    if (this.mode !== 'playing' && this.readyToStart()) this.mode = 'playing';
    if (this.mode === 'rebuffering') {
      this.counters.underrunSamples += n;
      return out;
    }
    if (this.mode === 'idle') return out;

    const take = Math.min(n, this.size);
    this.read(out, take);
    this.counters.playedSamples += take;
    if (this.size === 0 && this.ended) {
      this.mode = 'idle';
      this.ended = false;
    } else if (take < n) {
      this.mode = 'rebuffering';
      this.counters.underruns++;
      this.counters.underrunSamples += n - take;
    }
    return out;
  }

  /** Barge-in: discard everything buffered at once. Returns how many samples were dropped. */
  flush(): number {
    const dropped = this.size;
    this.head = 0;
    this.size = 0;
    this.mode = 'idle';
    this.ended = false;
    this.counters.flushedSamples += dropped;
    return dropped;
  }

  private readyToStart(): boolean {
    if (this.size === 0) return false;
    if (this.ended) return true;
    if (this.mode === 'rebuffering' && !this.options.rePrefillAfterUnderrun) return true;
    return this.size >= this.prefillSamples;
  }

  private read(out: Int16Array, count: number): void {
    const cap = this.ring.length;
    const first = Math.min(count, cap - this.head);
    out.set(this.ring.subarray(this.head, this.head + first), 0);
    out.set(this.ring.subarray(0, count - first), first);
    this.head = (this.head + count) % cap;
    this.size -= count;
  }

  /** A single push larger than the whole buffer keeps only its newest part. */
  private drop(samples: Int16Array, excess: number): Int16Array {
    this.countDrop(this.size + excess);
    this.head = 0;
    this.size = 0;
    return samples.subarray(excess);
  }

  private countDrop(count: number): void {
    this.counters.overflows++;
    this.counters.droppedSamples += count;
  }
}

function badOption(what: string): FullduplexError {
  return new FullduplexError('BAD_ARGUMENT', `JitterBuffer: invalid ${what}`);
}
