/**
 * Ready-made streaming resamplers for streams that start often (a session's 24 kHz input, its
 * recording, a protocol connection's output), of the live paths' quality (LIVE_RESAMPLER_QUALITY,
 * speexdsp: made in microseconds). With a libsamplerate quality, making one loads its own WASM module:
 * about 12 ms on an idle machine, 60–400 ms on a loaded one, during which the thread (and every
 * session's beat on it) stalls, and a new connection waits before its first event. A stream takes a warm one and gives it
 * back when done (flushed, so the next stream starts clean); the pool makes a fresh spare a little
 * later whenever it hands one out. `threadResamplers` is this thread's pool (worker threads have their own).
 */
import { LIVE_RESAMPLER_QUALITY, StreamingResampler, type ResamplerQuality } from './resampler.js';

/** A spare is made this long after one was taken, ms (off the new connection's start-up). */
const REFILL_DELAY_MS = 2000;

export class ResamplerPool {
  private readonly idle = new Map<string, StreamingResampler[]>();
  private readonly making = new Map<string, number>();
  private closed = false;

  /** `spares`: warm resamplers kept per rate pair; `quality`: the converter of every one it makes. */
  constructor(
    private readonly spares: number,
    readonly quality: ResamplerQuality = LIVE_RESAMPLER_QUALITY,
  ) {}

  /** Have `spares` resamplers from `fromRate` to `toRate` ready before the first connection asks. */
  async warm(fromRate: number, toRate: number): Promise<void> {
    await Promise.all(Array.from({ length: this.spares }, () => this.makeSpare(fromRate, toRate)));
  }

  /** A resampler of its own for one stream (warm if one is ready); hand it back with `give`. */
  async take(fromRate: number, toRate: number): Promise<StreamingResampler> {
    const ready = this.idle.get(key(fromRate, toRate))?.pop();
    // The spare is made later: loading WASM holds up this thread, and the connection that just took
    // one is still starting. (A connection that ends gives its resampler back, which refills too.)
    if (!this.closed) setTimeout(() => void this.makeSpare(fromRate, toRate).catch(() => undefined), REFILL_DELAY_MS).unref();
    return ready ?? StreamingResampler.create(fromRate, toRate, { quality: this.quality });
  }

  /** A resampler whose stream has ended: reset and kept as a spare (or destroyed if enough are kept). */
  give(r: StreamingResampler): void {
    const list = this.idle.get(key(r.fromRate, r.toRate)) ?? [];
    try {
      r.flush();
    } catch {
      return; // already destroyed
    }
    if (this.closed || list.length >= this.spares) return r.destroy();
    list.push(r);
    this.idle.set(key(r.fromRate, r.toRate), list);
  }

  close(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const r of list.splice(0)) r.destroy();
  }

  private async makeSpare(fromRate: number, toRate: number): Promise<void> {
    const k = key(fromRate, toRate);
    const have = (this.idle.get(k)?.length ?? 0) + (this.making.get(k) ?? 0);
    if (this.closed || have >= this.spares) return;
    this.making.set(k, (this.making.get(k) ?? 0) + 1);
    try {
      const r = await StreamingResampler.create(fromRate, toRate, { quality: this.quality });
      const list = this.idle.get(k) ?? [];
      if (this.closed || list.length >= this.spares) return r.destroy();
      list.push(r);
      this.idle.set(k, list);
    } finally {
      this.making.set(k, (this.making.get(k) ?? 1) - 1);
    }
  }
}

function key(fromRate: number, toRate: number): string {
  return `${fromRate}>${toRate}`;
}

/** Warm resamplers kept per rate pair by `threadResamplers`. */
export const THREAD_SPARE_RESAMPLERS = 2;

/** This thread's pool (module state is per thread). */
export const threadResamplers = new ResamplerPool(THREAD_SPARE_RESAMPLERS);
