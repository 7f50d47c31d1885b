/**
 * What the listener actually heard. The server pulls agent audio from the engine in real time and
 * streams it; the client buffers it (prefill), plays it, and on barge-in flushes what is still
 * buffered. The client reports its playback position in the output stream, and which stream ranges
 * it dropped unheard. This ledger maps stream positions back to the engine's utterances, so a
 * barge-in commits to the history only the words that came out of the speaker.
 *
 * Within one sent frame the utterance's audio is taken to start at the frame start (a frame is
 * 20 ms, far below a word).
 */
import type { OutputUtterance } from '../engine/control.js';

interface SentFrame {
  readonly start: number;
  readonly end: number;
  readonly utterance: OutputUtterance | undefined;
  /** Samples of `utterance` the frame carries. */
  readonly samples: number;
  /** Stream position up to which this frame has been credited. */
  credited: number;
}

export class PlaybackLedger {
  private readonly frames: SentFrame[] = [];
  private dropped: { from: number; to: number }[] = [];
  private readonly heard = new WeakMap<OutputUtterance, number>();
  private position = 0;
  private sentSamples = 0;

  /** Output-stream samples sent so far. */
  get sent(): number {
    return this.sentSamples;
  }

  /** The client's last reported playback position. */
  get played(): number {
    return this.position;
  }

  /** Stream samples sent but not yet played (an estimate of the client's buffer). */
  get backlog(): number {
    return this.sentSamples - this.position;
  }

  /** A frame of `n` samples went out, carrying `utteranceSamples` of `utterance`'s audio. */
  recordSent(n: number, utterance: OutputUtterance | undefined, utteranceSamples: number): void {
    this.frames.push({ start: this.sentSamples, end: this.sentSamples + n, utterance, samples: Math.min(n, utteranceSamples), credited: this.sentSamples });
    this.sentSamples += n;
  }

  /** The client dropped `count` samples from stream position `from` without playing them. */
  recordDropped(from: number, count: number): void {
    const to = Math.min(from + count, this.sentSamples);
    if (to > from) this.dropped.push({ from, to });
  }

  /** The client's speaker has consumed the stream up to `position` (played or dropped). */
  advance(position: number): void {
    const target = Math.min(position, this.sentSamples);
    if (target <= this.position) return;
    this.position = target;
    while (this.frames.length > 0) {
      const f = this.frames[0]!;
      const upTo = Math.min(f.end, target);
      if (upTo > f.credited) {
        if (f.utterance && f.samples > 0) this.credit(f, f.credited, upTo);
        f.credited = upTo;
      }
      if (f.end > target) break;
      this.frames.shift();
    }
    this.dropped = this.dropped.filter((d) => d.to > target);
  }

  /** Samples of `u` the listener has heard. */
  heardOf(u: OutputUtterance): number {
    return this.heard.get(u) ?? 0;
  }

  private credit(f: SentFrame, from: number, to: number): void {
    const audioIn = (x: number) => Math.min(Math.max(x - f.start, 0), f.samples);
    let n = audioIn(to) - audioIn(from);
    for (const d of this.dropped) {
      const a = Math.max(from, d.from);
      const b = Math.min(to, d.to);
      if (b > a) n -= audioIn(b) - audioIn(a);
    }
    if (n > 0) this.heard.set(f.utterance!, this.heardOf(f.utterance!) + n);
  }
}
