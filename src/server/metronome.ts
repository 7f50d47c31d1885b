/**
 * One drift-free real-time beat for every live session of the process: frame k is due at
 * origin + k·frameMs, whatever the lateness of earlier ticks, so audio leaves at exactly the real-time
 * rate on average. One timer for all sessions keeps timer overhead flat as sessions are added. A
 * member reads the frame index (LiveSession, which runs every transport's sessions).
 */
import { performance } from 'node:perf_hooks';

export interface Beat {
  /** Called with the index of the newest due frame (frames are numbered from the metronome's origin). */
  tick(frameIndex: number): void;
}

export class Metronome {
  private readonly members = new Set<Beat>();
  private readonly origin = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private next = 1;
  /** Ticks that fired more than one frame late (the event loop was busy). */
  lateTicks = 0;
  /** Largest lateness seen, ms. */
  maxLateMs = 0;

  constructor(readonly frameMs: number) {}

  /** Index of the frame being played now. */
  currentFrame(): number {
    return Math.floor((performance.now() - this.origin) / this.frameMs);
  }

  add(b: Beat): void {
    this.members.add(b);
    if (!this.timer) {
      this.next = this.currentFrame() + 1;
      this.schedule();
    }
  }

  delete(b: Beat): void {
    this.members.delete(b);
    if (this.members.size === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    this.members.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const due = this.origin + this.next * this.frameMs;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - performance.now()));
  }

  private fire(): void {
    const now = performance.now();
    const frame = Math.floor((now - this.origin) / this.frameMs);
    const late = now - (this.origin + this.next * this.frameMs);
    if (late > this.frameMs) this.lateTicks++;
    this.maxLateMs = Math.max(this.maxLateMs, late);
    for (const b of [...this.members]) {
      try {
        b.tick(frame);
      } catch {
        // A member's failure is its own business (each session guards itself); the beat goes on.
      }
    }
    this.next = frame + 1;
    if (this.members.size > 0) this.schedule();
    else this.timer = undefined;
  }
}
