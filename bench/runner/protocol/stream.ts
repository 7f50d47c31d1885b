/**
 * Streaming a scenario into a remote system as a microphone would: one frame every `frameMs` on a
 * drift-free schedule (frame k leaves at t0 + k·frameMs; a late tick catches up), then waiting until
 * the input's full duration has passed, so the recording covers exactly the input.
 */
import { performance } from 'node:perf_hooks';

export interface StreamResult {
  /** performance.now() when the first frame was sent: sample 0 of the timeline. */
  readonly t0: number;
  /** Ticks that fired more than one frame late (this client could not keep up). */
  readonly lateTicks: number;
  /** The run stopped early (aborted, or the connection closed). */
  readonly stoppedEarly: boolean;
}

export interface StreamOptions {
  readonly frameMs: number;
  readonly signal?: AbortSignal;
  /** Still connected? Streaming stops when this turns false. */
  readonly isOpen: () => boolean;
  /** Called once, just before the first frame goes out (start the recording's clock there). */
  readonly onStart?: (t0: number) => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Send `input` in frames of `frameSamples`; resolves when the input's duration has elapsed. */
export async function streamInput(input: Int16Array, sampleRate: number, frameSamples: number, send: (chunk: Int16Array) => void, o: StreamOptions): Promise<StreamResult> {
  const frames = Math.ceil(input.length / frameSamples);
  const t0 = performance.now();
  o.onStart?.(t0);
  let lateTicks = 0;
  let k = 0;
  while (k < frames) {
    if (o.signal?.aborted || !o.isOpen()) return { t0, lateTicks, stoppedEarly: true };
    const wait = t0 + k * o.frameMs - performance.now();
    if (wait > 0) await sleep(wait);
    else if (-wait > o.frameMs) lateTicks++;
    const due = Math.min(frames - 1, Math.floor((performance.now() - t0) / o.frameMs));
    for (; k <= due; k++) send(input.subarray(k * frameSamples, (k + 1) * frameSamples));
  }
  const endAt = t0 + (input.length / sampleRate) * 1000;
  while (performance.now() < endAt && !o.signal?.aborted && o.isOpen()) await sleep(Math.min(o.frameMs, endAt - performance.now()));
  return { t0, lateTicks, stoppedEarly: !!o.signal?.aborted };
}
