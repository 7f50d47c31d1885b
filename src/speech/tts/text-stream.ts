/**
 * Incremental speech: text arrives clause by clause (from a streaming dialogue model), audio leaves as
 * soon as each clause is synthesized. One TtsTextStream per agent utterance; `cancel()` stops the
 * current synthesis within one chunk and drops clauses not yet spoken.
 */
import type { TtsChunk, TtsEngine } from '../types.js';

export interface SpokenChunk extends TtsChunk {
  /** The clause this audio belongs to, so the engine can tell which words were heard. */
  readonly clause: string;
  readonly clauseIndex: number;
}

export class TtsTextStream implements AsyncIterable<SpokenChunk> {
  private readonly clauses: string[] = [];
  private ended = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;

  constructor(
    private readonly engine: TtsEngine,
    private readonly voice?: string,
  ) {}

  write(clause: string): void {
    if (this.ended || this.abort.signal.aborted) return;
    if (clause.trim().length === 0) return;
    this.clauses.push(clause.trim());
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  cancel(): void {
    this.abort.abort();
    this.clauses.length = 0;
    this.wake?.();
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SpokenChunk> {
    let index = 0;
    for (;;) {
      if (this.abort.signal.aborted) return;
      const clause = this.clauses.shift();
      if (clause === undefined) {
        if (this.ended) return;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
        continue;
      }
      const signal = this.abort.signal;
      for await (const chunk of this.engine.synthesize(clause, { voice: this.voice, signal })) {
        if (signal.aborted) return;
        yield { ...chunk, clause, clauseIndex: index };
      }
      index++;
    }
  }
}
