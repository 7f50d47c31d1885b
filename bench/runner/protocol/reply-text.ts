/**
 * The text a remote system said it was speaking, as the engine's own targets report it: one
 * `agent_reply_start` per reply and one `agent_text` with the reply's whole transcript. The v1.5
 * labeller reads it to tell a reply that carried on through an overlap ("continued text") from a new
 * one, so every target that reports its words is judged by the same rule. Times are seconds from the
 * first input sample.
 */
import type { EngineEvent } from '../../../src/engine/events.js';

export class ReplyTextLog {
  private readonly replies: { t: number; text: string[] }[] = [];
  private open = false;

  /** `origin`: performance.now() of the first input sample, once known. */
  constructor(private readonly origin: () => number | undefined) {}

  /** A new reply began (response.created; Gemini's first content after a turn ended). */
  start(atMs: number): void {
    const t = this.seconds(atMs);
    if (t === undefined) return;
    this.replies.push({ t, text: [] });
    this.open = true;
  }

  /** A piece of the current reply's transcript (starts a reply if none is open). */
  text(atMs: number, piece: string): void {
    if (!this.open) this.start(atMs);
    this.replies.at(-1)?.text.push(piece);
  }

  /** The reply ended (turn complete, interrupted); the next text starts a new one. */
  end(): void {
    this.open = false;
  }

  events(): EngineEvent[] {
    const out: EngineEvent[] = [];
    for (const r of this.replies) {
      out.push({ type: 'agent_reply_start', t: r.t, userText: '' });
      const text = r.text.join('').replace(/\s+/g, ' ').trim();
      if (text) out.push({ type: 'agent_text', t: r.t, text });
    }
    return out;
  }

  private seconds(atMs: number): number | undefined {
    const o = this.origin();
    return o === undefined ? undefined : (atMs - o) / 1000;
  }
}
