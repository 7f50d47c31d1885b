/**
 * Chat Completions function calling: the request's `tools` / `tool_choice` fields, and the streamed
 * `tool_calls` deltas put back together. OpenAI streams a call as deltas keyed by `index`: the first
 * carries `id`, `type` and `function.name`, later ones carry fragments of `function.arguments`.
 */
import type { DialogueRequest, ToolCall } from './types.js';

/** The request-body fields for the request's tools (none when it has none). */
export function toChatTools(req: Pick<DialogueRequest, 'tools' | 'toolChoice'>): Record<string, unknown> {
  if (!req.tools || req.tools.length === 0) return {};
  const tools = req.tools.map((t) => ({
    type: 'function',
    function: { name: t.name, ...(t.description !== undefined && { description: t.description }), parameters: t.parameters ?? { type: 'object', properties: {} } },
  }));
  const choice = req.toolChoice;
  const tool_choice = choice === undefined ? undefined : typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
  return { tools, ...(tool_choice !== undefined && { tool_choice }) };
}

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

export class ToolCallAssembler {
  private readonly calls = new Map<number, PartialCall>();

  /** Reads one stream chunk's tool-call deltas; true when it had any. */
  push(chunk: unknown): boolean {
    const deltas = (chunk as { choices?: { delta?: { tool_calls?: unknown } }[] } | null)?.choices?.[0]?.delta?.tool_calls;
    if (!Array.isArray(deltas)) return false;
    for (const [k, d] of deltas.entries()) {
      if (d === null || typeof d !== 'object') continue;
      const { index, id, function: fn } = d as { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } };
      // Some servers leave `index` out when they send whole calls; their position stands in for it.
      const at = typeof index === 'number' ? index : k;
      const call = this.calls.get(at) ?? { id: '', name: '', arguments: '' };
      this.calls.set(at, call);
      if (typeof id === 'string' && id !== '') call.id = id;
      if (typeof fn?.name === 'string') call.name += fn.name;
      if (typeof fn?.arguments === 'string') call.arguments += fn.arguments;
    }
    return true;
  }

  /** The complete calls, in index order (a call with no id gets one; one with no name is dropped). */
  finish(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .filter(([, c]) => c.name !== '')
      .map(([i, c]) => ({ id: c.id || `call_${i}_${Math.random().toString(36).slice(2, 10)}`, name: c.name, arguments: c.arguments || '{}' }));
  }
}
