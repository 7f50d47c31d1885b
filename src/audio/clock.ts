import { FullduplexError } from '../errors.js';

/** Cancels a pending timer; calling it after the timer fired (or twice) does nothing. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The time source the engine runs on. Everything time-dependent (turn-taking timeouts, pacing of audio
 * output, latency accounting) goes through a Clock so tests and benchmarks can run on virtual time.
 */
export interface Clock {
  /** Seconds since the clock started. */
  now(): number;
  /** Resolve after `seconds`; rejects with FullduplexError('CANCELLED') if `signal` aborts first. */
  sleep(seconds: number, signal?: AbortSignal): Promise<void>;
  /** Call `cb` once after `seconds`. */
  setTimer(seconds: number, cb: () => void): TimerHandle;
}

function checkDelay(seconds: number, where: string): void {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new FullduplexError('BAD_ARGUMENT', `${where}: delay must be a finite number of seconds >= 0 (got ${seconds})`);
  }
}

function cancelled(signal: AbortSignal): FullduplexError {
  return new FullduplexError('CANCELLED', 'sleep aborted', { cause: signal.reason });
}

/** Shared sleep on top of setTimer, so both clocks abort the same way. */
function sleepWith(clock: Clock, seconds: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    checkDelay(seconds, 'sleep'); // reported through the promise, like every other sleep failure
  } catch (e) {
    return Promise.reject(e);
  }
  if (signal?.aborted) return Promise.reject(cancelled(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(cancelled(signal!));
    };
    const timer = clock.setTimer(seconds, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Wall-clock time from performance.now(); timers are plain setTimeout. */
export class RealClock implements Clock {
  private readonly startMs = performance.now();

  now(): number {
    return (performance.now() - this.startMs) / 1000;
  }

  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, seconds, signal);
  }

  setTimer(seconds: number, cb: () => void): TimerHandle {
    checkDelay(seconds, 'setTimer');
    // Node turns longer delays into 1 ms (with a warning); refuse instead of firing early.
    if (seconds * 1000 > MAX_TIMEOUT_MS) throw new FullduplexError('BAD_ARGUMENT', `setTimer: ${seconds} s is too long`);
    const id = setTimeout(cb, seconds * 1000);
    return { cancel: () => clearTimeout(id) };
  }
}

interface Entry {
  readonly at: number; // integer nanoseconds
  readonly seq: number;
  readonly cb: () => void;
  cancelled: boolean;
}

const NS = 1e9;

function toNs(seconds: number): number {
  return Math.round(seconds * NS);
}

/** Let every queued promise continuation run: a macrotask hop drains the whole microtask queue first. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Deterministic clock: time moves only through advance()/advanceTo()/charge()/runUntilIdle().
 *
 * Timers fire in (due time, creation order). Before each timer and after the last one, the advancing call
 * yields one macrotask (setImmediate) so promise continuations of what just fired (e.g. code after
 * `await clock.sleep(x)`) run while now() still reads that timer's time, and any timers they schedule
 * inside the window fire in order too. Callers must therefore `await` advance(); code under test that
 * waits on real I/O or real timers between steps is not covered by that flush and must be awaited
 * separately. A timer callback that throws stops the advance and the error propagates from it, with
 * now() left at that timer's time.
 */
export class VirtualClock implements Clock {
  // Integer nanoseconds, so that e.g. three advance(0.1) land exactly where sleep(0.3) is due.
  private t: number;
  private seq = 0;
  private queue: Entry[] = []; // sorted by (at, seq)
  private advancing = false;

  constructor(start = 0) {
    checkDelay(start, 'VirtualClock start');
    this.t = toNs(start);
  }

  now(): number {
    return this.t / NS;
  }

  sleep(seconds: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, seconds, signal);
  }

  setTimer(seconds: number, cb: () => void): TimerHandle {
    checkDelay(seconds, 'setTimer');
    const entry: Entry = { at: this.t + toNs(seconds), seq: this.seq++, cb, cancelled: false };
    // Binary search for the first entry due strictly later, so equal times keep creation order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.queue[mid]!.at <= entry.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, entry);
    return {
      cancel: () => {
        if (entry.cancelled) return;
        entry.cancelled = true;
        const i = this.queue.indexOf(entry);
        if (i >= 0) this.queue.splice(i, 1);
      },
    };
  }

  /** Number of timers (including sleeps) not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.queue.length;
  }

  /** Due time of the next timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    const next = this.queue[0];
    return next && next.at / NS;
  }

  /** Move time forward by `seconds`, firing everything due on the way (see class comment). */
  async advance(seconds: number): Promise<void> {
    checkDelay(seconds, 'advance');
    await this.advanceNs(this.t + toNs(seconds));
  }

  /** Charge measured compute time to virtual time (same as advance; named for what callers mean). */
  charge(seconds: number): Promise<void> {
    return this.advance(seconds);
  }

  /** Move time to `seconds` since clock start. */
  async advanceTo(seconds: number): Promise<void> {
    const target = toNs(seconds);
    if (!Number.isFinite(seconds) || target < this.t) {
      throw new FullduplexError('BAD_ARGUMENT', `advanceTo(${seconds}): time cannot go backwards from ${this.now()}`);
    }
    await this.advanceNs(target);
  }

  private advanceNs(target: number): Promise<void> {
    return this.run((next) => next.at <= target, Infinity, target);
  }

  /**
   * Fire timers in order, letting time jump to each, until none remain. Repeating timers would never
   * go idle, so more than `maxTimers` firings is an error rather than a hang.
   */
  async runUntilIdle(maxTimers = 100_000): Promise<void> {
    await this.run(() => true, maxTimers, undefined);
  }

  /** Fire due timers one by one, then move to `endAt` (if given) and let continuations settle. */
  private async run(due: (next: Entry) => boolean, maxTimers: number, endAt: number | undefined): Promise<void> {
    if (this.advancing) {
      throw new FullduplexError('BAD_ARGUMENT', 'VirtualClock: advance called while another advance is in progress');
    }
    this.advancing = true;
    try {
      let fired = 0;
      for (;;) {
        await settle(); // continuations of the previous timer may schedule earlier-due timers
        const next = this.queue[0];
        if (!next || !due(next)) break;
        if (fired++ >= maxTimers) {
          throw new FullduplexError('BAD_ARGUMENT', `VirtualClock.runUntilIdle: still busy after ${maxTimers} timers`);
        }
        this.queue.shift();
        next.cancelled = true; // makes a late cancel() a no-op
        this.t = next.at;
        next.cb();
      }
      if (endAt !== undefined) this.t = endAt;
      await settle();
    } finally {
      this.advancing = false;
    }
  }
}
