/**
 * Graceful drain: the server stops taking sessions (`/readyz` answers 503, upgrades get 503, a `start`
 * on a connection opened before gets SHUTTING_DOWN and close 1013), the running sessions get
 * `graceSeconds` to end by themselves, and any that outlast it hear the agent say goodbye in its own
 * voice before they close (native: 4003; Realtime and Moshi, which know no such code: 1001). Then the server closes (every recording finished on disk).
 * `cutShort()` (a second SIGTERM) skips what is left of the wait and the goodbyes.
 */
import type { DrainOptions } from './options.js';

export interface DrainTarget {
  /** Sessions still running, over every transport. */
  activeSessions(): number;
  /** The agent says `text` in each running session, which then closes; resolves when all have. */
  sayGoodbye(text: string, maxMs: number): Promise<void>;
  /** Close the server: remaining connections, the engines, the recordings. */
  close(): Promise<void>;
  log(line: string): void;
}

/** How often the drain looks whether the sessions have ended, ms. */
const POLL_MS = 100;

export class Drain {
  private started: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private short = false;

  constructor(private readonly o: DrainOptions) {}

  get draining(): boolean {
    return this.started !== undefined;
  }

  /** Start the drain (idempotent); resolves when the server is closed. */
  run(target: DrainTarget): Promise<void> {
    this.started ??= this.drain(target);
    return this.started;
  }

  /** Stop waiting: close now (recordings are still finished). */
  cutShort(): void {
    this.short = true;
    this.wake?.();
  }

  private async drain(t: DrainTarget): Promise<void> {
    const deadline = Date.now() + this.o.graceSeconds * 1000;
    t.log(`draining: no new sessions; ${t.activeSessions()} running get ${this.o.graceSeconds} s to finish`);
    while (!this.short && t.activeSessions() > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
      });
    }
    const left = t.activeSessions();
    if (!this.short && left > 0) {
      t.log(`draining: ${left} session(s) outlasted the grace period; saying goodbye`);
      await t.sayGoodbye(this.o.farewell, this.o.farewellMaxSeconds * 1000);
    }
    await t.close();
    t.log('drained');
  }
}
