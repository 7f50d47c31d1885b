/**
 * A language model that needs a tool for every request (no LLM runs here): it calls `lookup` with the
 * user's words, and answers once the result is in the history. It streams like a model and reports
 * its calls through `onToolCall`, so the engine treats it as it would an OpenAI-compatible one.
 */
import type { DialogueModel, DialogueRequest } from '../../src/dialogue/types.js';

export class ToolCallingModel implements DialogueModel {
  readonly name = 'bench-tool-calling-model';
  /** Requests made, and whether each one was offered tools and called one. */
  readonly requests: { userText: string; called: boolean }[] = [];
  private seq = 0;

  async *reply(req: DialogueRequest): AsyncGenerator<string> {
    const last = req.history.at(-1);
    const userText = [...req.history].reverse().find((m) => m.role === 'user')?.content ?? '';
    if (last?.role === 'tool' || !req.tools?.length || req.toolChoice === 'none') {
      this.requests.push({ userText, called: false });
      for (const w of 'Here is what I found. It is sunny and warm today.'.split(/(?<= )/)) {
        if (req.signal.aborted) return;
        yield w;
      }
      return;
    }
    this.requests.push({ userText, called: true });
    if (req.signal.aborted) return;
    req.onToolCall?.({ id: `call_${++this.seq}`, name: 'lookup', arguments: JSON.stringify({ query: userText }) });
  }
}
