/**
 * Function calling on the Realtime endpoint, as OpenAI's clients expect it: `tools` / `tool_choice`
 * from session.update (and per response from response.create) become the engine's tools; the engine's
 * `tool_call` (a committed reply only) becomes a `function_call` output item of the reply's response
 * with its `response.function_call_arguments.delta` / `.done` events; the client's
 * `conversation.item.create {function_call_output}` gives the engine the result, and its
 * `response.create` asks for the spoken answer (the engine's tools run with afterCall 'end', as in
 * OpenAI's API, where a response ends with its function call).
 *
 * The endpoint talks to this module through `RealtimeToolsHost` only, so it can move to another
 * transport of the same session.
 */
import type { SessionHandle } from '../../server/session-host.js';
import type { EngineEvent } from '../../engine/events.js';
import { normalizeToolChoice, toolChoiceProblem, toolSpecProblem, type ToolSpec } from '../../dialogue/types.js';
import { announceAdded, announceDone, newId, type Conversation, type RealtimeOut } from './endpoint-conversation.js';
import type { ResponseStream } from './endpoint-response.js';
import type { ConversationItem } from './types.js';

export interface RealtimeToolsHost extends RealtimeOut {
  /** The session on the live runtime (its control calls and tool results cross to its thread). */
  readonly handle: SessionHandle;
  readonly conversation: Conversation;
  error(code: string, message: string, param?: string | null, clientEventId?: string | null): void;
}

interface KnownCall {
  readonly name: string;
  /** The response that carried it (engine calls); a client-created call has none. */
  readonly response: ResponseStream | undefined;
  answered: boolean;
}

/** Calls remembered per connection (oldest forgotten first). */
const MAX_CALLS = 256;

export class RealtimeTools {
  private readonly calls = new Map<string, KnownCall>();
  /** The session's tools (session.update), to return to after a response.create override. */
  private sessionTools: { specs: ToolSpec[]; choice: unknown } = { specs: [], choice: 'auto' };
  /** The response whose reply the engine's tools are set for now (a response.create with its own). */
  private overrideFor: ResponseStream | undefined;

  constructor(private readonly host: RealtimeToolsHost) {}

  /**
   * `tools` / `tool_choice` of a session.update (either may be absent: the other stays). Returns what
   * is wrong (nothing changes then), or undefined.
   */
  sessionUpdate(tools: unknown, choice: unknown): string | undefined {
    const next = this.parse(tools ?? this.sessionTools.specs, choice ?? this.sessionTools.choice);
    if (typeof next === 'string') return next;
    this.sessionTools = next;
    // While an override waits for its reply, the session's new set applies after it.
    if (!this.overrideFor) this.apply(next);
    return undefined;
  }

  /**
   * `response.create`'s own tools / tool_choice, checked: what is wrong, else the set to give
   * `useOverride` (undefined: the response takes the session's).
   */
  responseOverride(tools: unknown, choice: unknown): string | { specs: ToolSpec[]; choice: unknown } | undefined {
    if (tools === undefined && choice === undefined) return undefined;
    return this.parse(tools ?? this.sessionTools.specs, choice ?? this.sessionTools.choice);
  }

  /**
   * The override holds for `response`'s reply alone. The engine's tools change now, before the reply
   * is asked for (a reply keeps the tools it started with, and one readied earlier with other tools is
   * readied again), and return to the session's as soon as that reply starts or the response ends
   * without one (failed, cancelled, timed out), so nothing of it reaches a later reply.
   */
  useOverride(t: { specs: ToolSpec[]; choice: unknown }, response: ResponseStream): void {
    this.apply(t);
    this.overrideFor = response;
    response.onEnd(() => this.endOverride(response));
  }

  private endOverride(response: ResponseStream): void {
    if (this.overrideFor !== response) return;
    this.overrideFor = undefined;
    // After the engine event being handled (no control call from inside its emit); a newer override
    // made meanwhile stands.
    queueMicrotask(() => {
      if (!this.overrideFor) this.apply(this.sessionTools);
    });
  }

  /** Engine events this module cares about; `response` is the reply's response (if any). */
  onEngineEvent(e: EngineEvent, response: ResponseStream | undefined): void {
    // The reply the override was for has started with it (the engine made it before this event).
    if (e.type === 'agent_reply_start' && this.overrideFor) this.endOverride(this.overrideFor);
    if (e.type !== 'tool_call') return;
    if (!response?.active) {
      // No response to carry it (it was cancelled meanwhile): the call is void.
      this.remember(e.callId, { name: e.name, response, answered: true });
      return;
    }
    const item: ConversationItem & { id: string } = { id: newId('item'), object: 'realtime.item', type: 'function_call', status: 'in_progress', name: e.name, call_id: e.callId, arguments: '' };
    const outputIndex = response.addOutputItem(item);
    const previous = this.host.conversation.add(item);
    const ref = { response_id: response.id, item_id: item.id, output_index: outputIndex, call_id: e.callId };
    this.host.send({ type: 'response.output_item.added', response_id: response.id, output_index: outputIndex, item: structuredClone(item) });
    announceAdded(this.host, item, previous);
    this.host.send({ type: 'response.function_call_arguments.delta', ...ref, delta: e.arguments });
    item.arguments = e.arguments;
    item.status = 'completed';
    this.host.send({ type: 'response.function_call_arguments.done', ...ref, name: e.name, arguments: e.arguments });
    this.host.send({ type: 'response.output_item.done', response_id: response.id, output_index: outputIndex, item: structuredClone(item) });
    announceDone(this.host, item, previous);
    this.remember(e.callId, { name: e.name, response, answered: false });
  }

  /**
   * `conversation.item.create` of a `function_call` (the client's own record of a call) or a
   * `function_call_output` (a call's result). Errors get the Realtime error shape; returns success.
   */
  itemCreate(item: ConversationItem, eventId: string | undefined): boolean {
    const fail = (code: string, message: string, param: string) => (this.host.error(code, message, param, eventId ?? null), false);
    const callId = item.call_id;
    if (typeof callId !== 'string' || callId === '' || callId.length > 200) return fail('invalid_value', "Invalid 'item.call_id': expected a non-empty string.", 'item.call_id');
    const id = typeof item.id === 'string' && item.id !== '' ? item.id.slice(0, 64) : newId('item');
    if (this.host.conversation.has(id)) return fail('invalid_value', `An item with id '${id}' already exists.`, 'item.id');
    if (item.type === 'function_call') {
      if (typeof item.name !== 'string' || item.name === '') return fail('invalid_value', "Invalid 'item.name': expected the function's name.", 'item.name');
      const args = typeof item.arguments === 'string' ? item.arguments : '';
      if (!isJson(args)) return fail('invalid_value', `Invalid 'item.arguments': not valid JSON: ${args.slice(0, 80)}`, 'item.arguments');
      if (this.calls.has(callId)) return fail('invalid_value', `A function call with call_id '${callId.slice(0, 80)}' already exists.`, 'item.call_id');
      void this.host.handle.control({ type: 'control', action: 'add_tool_call', callId, name: item.name, arguments: args });
      this.remember(callId, { name: item.name, response: undefined, answered: false });
      return this.store({ id, object: 'realtime.item', type: 'function_call', status: 'completed', call_id: callId, name: item.name, arguments: args });
    }
    const output = typeof item.output === 'string' ? item.output : undefined;
    if (output === undefined) return fail('invalid_value', "Invalid 'item.output': expected a string.", 'item.output');
    const call = this.calls.get(callId);
    if (!call) return fail('invalid_value', `Tool call ID '${callId.slice(0, 80)}' not found in conversation.`, 'item.call_id');
    if (call.response && call.response.finalStatus !== 'completed' && call.response.finalStatus !== 'in_progress') {
      return fail('invalid_value', `Tool call '${callId.slice(0, 80)}' was cancelled with its response (${call.response.id}); its output is not accepted.`, 'item.call_id');
    }
    if (call.answered) return fail('invalid_value', `Tool call '${callId.slice(0, 80)}' already has an output.`, 'item.call_id');
    // Known and unanswered (checked above); a result the engine still refuses comes back as a runtime error.
    if (call.response) this.host.handle.toolResult({ type: 'tool_result', callId, output });
    else void this.host.handle.control({ type: 'control', action: 'add_tool_output', callId, output });
    call.answered = true;
    return this.store({ id, object: 'realtime.item', type: 'function_call_output', status: 'completed', call_id: callId, output });
  }

  private store(item: ConversationItem & { id: string }): true {
    const previous = this.host.conversation.add(item);
    announceAdded(this.host, item, previous);
    announceDone(this.host, item, previous);
    return true;
  }

  private remember(callId: string, call: KnownCall): void {
    this.calls.set(callId, call);
    while (this.calls.size > MAX_CALLS) this.calls.delete(this.calls.keys().next().value!);
  }

  private parse(tools: unknown, choice: unknown): { specs: ToolSpec[]; choice: unknown } | string {
    if (!Array.isArray(tools)) return "Invalid 'tools': expected an array of function tools.";
    for (const [i, t] of tools.entries()) {
      const type = (t as { type?: unknown } | null)?.type;
      if (type !== undefined && type !== 'function') return `Invalid 'tools[${i}].type': only 'function' tools are supported (got '${String(type).slice(0, 20)}').`;
    }
    const problem = toolSpecProblem(tools);
    if (problem) return `Invalid 'tools': ${problem}.`;
    const specs = (tools as ToolSpec[]).map(({ name, description, parameters }) => ({ name, ...(description !== undefined && { description }), ...(parameters !== undefined && { parameters }) }));
    const choiceProblem = toolChoiceProblem(choice, specs);
    if (choiceProblem) return `Invalid 'tool_choice': ${choiceProblem}.`;
    return { specs, choice };
  }

  private apply(t: { specs: ToolSpec[]; choice: unknown }): void {
    void this.host.handle.control({ type: 'control', action: 'set_tools', tools: t.specs, ...(t.specs.length > 0 && { toolChoice: normalizeToolChoice(t.choice) }), afterCall: 'end' });
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
