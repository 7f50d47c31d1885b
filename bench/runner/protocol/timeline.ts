/**
 * What a remote system's listener heard, on the input's timeline. Audio that arrives at time t (from
 * the moment the first input sample was sent) plays from sample t·rate, or right after the audio
 * still playing, as a client's player queues it; a barge-in flush (OpenAI's speech_started, Gemini's
 * interrupted) silences everything queued beyond "now". The result is cut or padded to the input's
 * length, so sample i of the output was heard at the same moment as sample i of the input.
 */
import { FullduplexError } from '../../../src/errors.js';

export interface PlacedSpan {
  readonly start: number;
  readonly end: number;
}

export class OutputTimeline {
  private readonly buf: Int16Array;
  /** Where the player's queue ends (the next queued sample plays here). */
  private cursor = -Infinity;
  private origin: number | undefined;
  private placed = 0;
  private flushedSamples = 0;
  /** How long arriving audio waited behind audio still playing (the player's queue), samples. */
  private queueWaitMax = 0;
  private queueWaitSum = 0;
  private placements = 0;
  private droppedSamples = 0;

  constructor(
    readonly sampleRate: number,
    /** Length of the recording in samples (the input's duration at this rate). */
    readonly length: number,
    /**
     * A player that keeps its latency bounded (Moshi's web client drops audio once its buffer grows
     * past a limit): audio queued more than this far behind its arrival is dropped. Undefined: the
     * queue may grow without end (clients of systems that send faster than real time), ms.
     */
    readonly maxQueueMs?: number,
  ) {
    if (!Number.isInteger(length) || length < 0) throw new FullduplexError('BAD_ARGUMENT', `OutputTimeline: bad length ${length}`);
    this.buf = new Int16Array(length);
  }

  /** The moment (performance.now(), ms) the first input sample was sent: sample 0 of the timeline. */
  start(atMs: number): void {
    this.origin = atMs;
  }

  get started(): boolean {
    return this.origin !== undefined;
  }

  /** Timeline sample for a wall-clock moment (ms); negative before the first input sample. */
  indexAt(atMs: number): number {
    if (this.origin === undefined) throw new FullduplexError('BAD_ARGUMENT', 'OutputTimeline: start() first');
    return Math.round(((atMs - this.origin) / 1000) * this.sampleRate);
  }

  /**
   * Queue audio that arrived at `atMs`; returns where it landed. Parts before sample 0 (audio streamed
   * before the input began) or past the end are played but not recorded.
   */
  place(samples: Int16Array, atMs: number): PlacedSpan {
    const at = this.indexAt(atMs);
    if (this.maxQueueMs !== undefined && this.cursor - at > (this.maxQueueMs / 1000) * this.sampleRate) {
      // Too far behind: the oldest queued audio is skipped so this piece plays at the latency cap.
      const keep = at + Math.round((this.maxQueueMs / 1000) * this.sampleRate);
      this.droppedSamples += this.cursor - keep;
      this.buf.fill(0, Math.max(0, Math.min(keep, this.length)), Math.max(0, Math.min(this.cursor, this.length)));
      this.cursor = keep;
    }
    const start = Math.max(at, this.cursor);
    const end = start + samples.length;
    if (at >= 0) {
      this.queueWaitMax = Math.max(this.queueWaitMax, start - at);
      this.queueWaitSum += start - at;
      this.placements++;
    }
    const a = Math.max(0, start);
    const b = Math.min(this.length, end);
    if (b > a) this.buf.set(samples.subarray(a - start, b - start), a);
    this.cursor = end;
    this.placed += samples.length;
    return { start, end };
  }

  /** The player stops at `atMs`: audio queued beyond it is never heard. Returns the samples dropped. */
  flush(atMs: number): number {
    const now = this.indexAt(atMs);
    if (this.cursor <= now) return 0;
    const dropped = this.cursor - now;
    this.buf.fill(0, Math.max(0, Math.min(now, this.length)), Math.max(0, Math.min(this.cursor, this.length)));
    this.cursor = now;
    this.flushedSamples += dropped;
    return dropped;
  }

  /** Samples of a span that had played by `atMs`. */
  playedOf(span: PlacedSpan, atMs: number): number {
    return Math.max(0, Math.min(span.end, this.indexAt(atMs)) - span.start);
  }

  get stats(): { placedSeconds: number; flushedSeconds: number; droppedSeconds: number; queuedBeyondEndSeconds: number; queueWaitMeanMs: number; queueWaitMaxMs: number } {
    return {
      placedSeconds: round3(this.placed / this.sampleRate),
      flushedSeconds: round3(this.flushedSamples / this.sampleRate),
      droppedSeconds: round3(this.droppedSamples / this.sampleRate),
      queueWaitMeanMs: Math.round((this.queueWaitSum / Math.max(1, this.placements) / this.sampleRate) * 1000),
      queueWaitMaxMs: Math.round((this.queueWaitMax / this.sampleRate) * 1000),
      queuedBeyondEndSeconds: round3(Number.isFinite(this.cursor) ? Math.max(0, this.cursor - this.length) / this.sampleRate : 0),
    };
  }

  /** The recording: exactly `length` samples. */
  output(): Int16Array {
    return this.buf;
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
