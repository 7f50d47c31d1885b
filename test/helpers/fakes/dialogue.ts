/**
 * A dialogue model with scripted replies: each request takes the next entry (or asks a function),
 * streams it word by word with optional wall-clock delays, and can fail or hang on purpose. Every
 * request's history is kept so tests can check what the model was told (heard text included).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FullduplexError } from '../../../src/errors.js';
import type { DialogueMessage, DialogueModel, DialogueRequest, ToolCall } from '../../../src/dialogue/types.js';

export type ScriptedReply =
  | string
  | { readonly text: string; readonly firstDelayMs?: number; readonly wordDelayMs?: number; /** reported through onToolCall after the text */ readonly toolCalls?: readonly ToolCall[] }
  | { readonly error: string; readonly afterText?: string }
  | { readonly hang: true };

export interface FakeDialogueOptions {
  /** Replies in order, or a function of the request; past the end of a list, the last entry repeats. */
  readonly replies: readonly ScriptedReply[] | ((req: DialogueRequest) => ScriptedReply);
}

export class FakeDialogue implements DialogueModel {
  readonly name = 'fake-dialogue';
  /** Every request as made (tools offered included). */
  readonly fullRequests: DialogueRequest[] = [];
  /** The history of every request, in order. */
  readonly requests: (readonly DialogueMessage[])[] = [];
  /** Requests whose signal aborted before their reply ended. */
  aborted = 0;
  closeCount = 0;

  constructor(private readonly o: FakeDialogueOptions) {}

  reply(req: DialogueRequest): AsyncIterable<string> {
    this.requests.push(req.history.map((m) => ({ ...m })));
    this.fullRequests.push(req);
    const r = this.next(req);
    const signal = req.signal;
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          if ('hang' in r) {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
            return;
          }
          if ('error' in r) {
            if (r.afterText) yield r.afterText;
            throw new FullduplexError('COMPONENT_FAILED', `fake-dialogue: ${r.error}`);
          }
          const words = r.text.split(/(?<=\s)/);
          for (const [i, w] of words.entries()) {
            const delay = i === 0 ? r.firstDelayMs : r.wordDelayMs;
            if (delay) await sleep(delay, undefined, { signal }).catch(() => undefined);
            if (signal.aborted) return;
            yield w;
          }
          if (!signal.aborted) for (const c of r.toolCalls ?? []) req.onToolCall?.(c);
        } finally {
          if (signal.aborted) self.aborted++;
        }
      },
    };
  }

  async close(): Promise<void> {
    this.closeCount++;
  }

  private next(req: DialogueRequest): Exclude<ScriptedReply, string> {
    const list = this.o.replies;
    const r = typeof list === 'function' ? list(req) : list[Math.min(this.requests.length - 1, list.length - 1)];
    if (r === undefined) throw new FullduplexError('BAD_ARGUMENT', 'fake-dialogue: no scripted reply');
    return typeof r === 'string' ? { text: r } : r;
  }
}
