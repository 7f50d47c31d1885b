/**
 * The one interface every dialogue model implements: text history in, a stream of text deltas out.
 * The duplex engine only sees this, so the embedded rule-based model, an OpenAI-compatible server or
 * anything else can drop in. Models stream so that TTS can start on the first clause.
 */

export interface DialogueMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
  /**
   * Assistant turns only: the user barged in and playback stopped part-way. `content` should then be
   * the text that was actually spoken (or queued), so a model can tell what the user heard.
   */
  readonly interrupted?: boolean;
}

export interface DialogueRequest {
  /** Conversation so far, oldest first; the last entry is the user turn to answer. */
  readonly history: readonly DialogueMessage[];
  /**
   * Aborting stops the reply promptly: the iterator ends (it does not throw) and no further deltas
   * are produced. Callers know they aborted, so an abort is not reported as an error.
   */
  readonly signal: AbortSignal;
  /** Wall-clock time of the turn; models that mention the time or date use it (default: now). */
  readonly now?: Date;
  /** Extra per-request instructions appended to the model's own system prompt, if it has one. */
  readonly instructions?: string;
}

export interface DialogueModel {
  readonly name: string;
  /**
   * Streams the reply as text deltas (fragments to be concatenated as-is, spacing included).
   * Failures a caller cannot fix mid-conversation are turned into a short spoken apology rather than
   * thrown, so a voice session never goes silent; models report them through their own options.
   */
  reply(req: DialogueRequest): AsyncIterable<string>;
  close?(): Promise<void>;
}

/** The user turn a request asks about (the last user message), or '' when there is none. */
export function lastUserText(history: readonly DialogueMessage[]): string {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i]!;
    if (m.role === 'user') return m.content;
  }
  return '';
}
