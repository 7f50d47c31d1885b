/**
 * Real-time playback into a session, as a sound card would do it: every 32 ms one window of the
 * user's audio goes in and one window of the agent's audio comes out, paced by wall-clock time.
 * Deadlines are absolute (start + k · 32 ms, from performance.now()), so a late window does not push
 * every later one back: the schedule cannot drift.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../src/audio/clock.js';
import { ENGINE_SAMPLE_RATE, WINDOW_SAMPLES, type ConversationSession } from '../../src/engine/session.js';
import { REALTIME } from './config.js';

export interface RealtimePlayback {
  /** The agent's audio, exactly as long as the input. */
  readonly output: Int16Array;
  /** Session clock time of input sample 0 (subtract it to put session events on the input's timeline). */
  readonly startedAt: number;
  /** Windows handled more than REALTIME.lateAfterMs after their deadline (the machine could not keep up). */
  readonly lateWindows: number;
  readonly maxLateMs: number;
}

const WINDOW_MS = (WINDOW_SAMPLES / ENGINE_SAMPLE_RATE) * 1000;

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Plays `input` (16 kHz) into `session`. At tick k the window recorded during the previous 32 ms
 * (k − 1) is pushed and the agent audio for the next 32 ms (k) is pulled, the same convention as the
 * offline simulator, so the two clocks record the same thing.
 */
export async function playRealtime(session: ConversationSession, clock: Clock, input: Int16Array, signal?: AbortSignal): Promise<RealtimePlayback> {
  const n = Math.ceil(input.length / WINDOW_SAMPLES);
  const out = new Int16Array(n * WINDOW_SAMPLES);
  const window = (k: number): Int16Array => {
    const w = new Int16Array(WINDOW_SAMPLES);
    w.set(input.subarray(k * WINDOW_SAMPLES, (k + 1) * WINDOW_SAMPLES));
    return w;
  };
  const t0 = performance.now() + REALTIME.startLeadMs;
  let startedAt = 0;
  let lateWindows = 0;
  let maxLateMs = 0;
  let pushed: Promise<void> = Promise.resolve();
  for (let k = 0; k <= n; k++) {
    if (signal?.aborted) break;
    const wait = t0 + k * WINDOW_MS - performance.now();
    if (wait > 0) await sleepMs(wait);
    const late = -(t0 + k * WINDOW_MS - performance.now());
    maxLateMs = Math.max(maxLateMs, late);
    if (late > REALTIME.lateAfterMs) lateWindows++;
    if (k === 0) startedAt = clock.now();
    // Not awaited: the session queues windows itself, as a live server's input would.
    if (k > 0) pushed = session.pushAudio(window(k - 1), ENGINE_SAMPLE_RATE);
    if (k < n) out.set(session.pullAudio(WINDOW_SAMPLES), k * WINDOW_SAMPLES);
  }
  await pushed;
  return { output: out.subarray(0, input.length), startedAt, lateWindows, maxLateMs: Math.round(maxLateMs) };
}
