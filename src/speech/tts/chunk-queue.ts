/**
 * A push → async-iterator bridge for engines that produce audio in callbacks (native threads,
 * subprocess pipes). Aborting ends iteration at once: at most the chunk being handed over escapes.
 */
import { FullduplexError } from '../../errors.js';
import type { TtsChunk } from '../types.js';

export class ChunkQueue implements AsyncIterable<TtsChunk> {
  private readonly items: TtsChunk[] = [];
  private done = false;
  private error: FullduplexError | undefined;
  private wake: (() => void) | undefined;

  private readonly detach: () => void = () => {};

  constructor(private readonly onCancel: () => void, signal?: AbortSignal) {
    if (signal) {
      if (signal.aborted) this.cancel();
      else {
        // One signal often spans many syntheses (a whole reply): let go of it when this one ends.
        const listener = () => this.cancel();
        signal.addEventListener('abort', listener, { once: true });
        this.detach = () => signal.removeEventListener('abort', listener);
      }
    }
  }

  push(chunk: TtsChunk): void {
    if (this.done) return;
    this.items.push(chunk);
    this.wake?.();
  }

  end(error?: FullduplexError): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.detach();
    this.wake?.();
  }

  cancel(): void {
    if (this.done) return;
    this.items.length = 0;
    this.onCancel();
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<TtsChunk> {
    try {
      for (;;) {
        const next = this.items.shift();
        if (next) {
          yield next;
          continue;
        }
        if (this.done) {
          if (this.error) throw this.error;
          return;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      // A consumer that stops early (break/return) cancels the synthesis behind it.
      this.cancel();
    }
  }
}
