/**
 * Tool calls inside one session: the tools on offer, each committed call run by the application's
 * handler (or handed to a client, which answers with `submitToolResult`), its result or failure, and
 * both written to the history. A call is only ever started for a committed reply (reply.ts waits for
 * the commit), and a result that arrives after a barge-in is still recorded, just not spoken.
 */
import type { Clock, TimerHandle } from '../audio/clock.js';
import type { DialogueMessage, ToolCall, ToolChoice, ToolSpec } from '../dialogue/types.js';
import { toolChoiceProblem, toolSpecProblem } from '../dialogue/types.js';
import { FullduplexError, toFullduplexError } from '../errors.js';
import type { EngineEvent } from './events.js';
import type { ToolOptions } from './options.js';

/** What a tool handler gets besides the arguments. */
export interface ToolContext {
  /** Aborted when the call times out or the session closes. */
  readonly signal: AbortSignal;
  readonly call: ToolCall;
}

/** A tool with its handler (the library's form): the result is sent to the model as text or JSON. */
export interface ToolDefinition extends ToolSpec {
  /** `args`: the JSON arguments the model wrote, parsed (check them: models make mistakes). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(args: any, ctx: ToolContext): unknown;
}

export interface SessionTools {
  readonly specs: readonly ToolSpec[];
  readonly choice?: ToolChoice;
  /** Runs a call; without one the application answers each `tool_call` event with `submitToolResult`. */
  readonly handler?: (call: ToolCall, ctx: ToolContext) => unknown;
  /**
   * 'answer' (default): the agent waits for the results (saying a filler if it takes long) and answers
   * with them. 'end': the reply ends with the call, as in OpenAI's Realtime API; the application
   * submits the results and asks for the answer with `respond()`.
   */
  readonly afterCall?: 'answer' | 'end';
}

export interface ToolResult {
  readonly callId: string;
  readonly name: string;
  readonly output: string;
  readonly isError: boolean;
}

/** Tools given with handlers, as a SessionTools. */
export function toolsWithHandlers(defs: readonly ToolDefinition[], choice?: ToolChoice): SessionTools {
  const byName = new Map(defs.map((d) => [d.name, d]));
  return {
    specs: defs.map(({ name, description, parameters }) => ({ name, ...(description !== undefined && { description }), ...(parameters !== undefined && { parameters }) })),
    ...(choice !== undefined && { choice }),
    handler: (call, ctx) => {
      const def = byName.get(call.name);
      if (!def) throw new FullduplexError('BAD_ARGUMENT', `no tool named "${call.name}"`);
      let args: unknown;
      try {
        args = JSON.parse(call.arguments);
      } catch {
        throw new FullduplexError('BAD_ARGUMENT', `the arguments of ${call.name} are not JSON: ${call.arguments.slice(0, 120)}`);
      }
      return def.handler(args, ctx);
    },
  };
}

/** Checks tools from an application or a client; throws BAD_ARGUMENT saying what is wrong. */
export function checkTools(t: SessionTools): void {
  const problem = toolSpecProblem(t.specs) ?? (t.choice !== undefined ? toolChoiceProblem(t.choice, t.specs) : undefined);
  if (problem) throw new FullduplexError('BAD_ARGUMENT', problem);
}

interface Pending {
  readonly call: ToolCall;
  readonly abort: AbortController;
  readonly timer: TimerHandle | undefined;
  readonly resolve: (r: ToolResult) => void;
}

export interface ToolHost {
  readonly clock: Clock;
  readonly options: ToolOptions;
  readonly history: DialogueMessage[];
  emit(e: EngineEvent): void;
  stamp(): number;
}

export class ToolCalls {
  private current: SessionTools | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Calls handed to the application (afterCall 'end') and not yet answered. */
  private readonly handedOver = new Map<string, ToolCall>();
  private readonly answered = new Set<string>();
  /** How many calls were started, by whether their reply had been committed (the second is always 0). */
  readonly runs = { committed: 0, uncommitted: 0 };

  constructor(private readonly host: ToolHost, tools?: SessionTools) {
    if (tools) this.set(tools);
  }

  get tools(): SessionTools | undefined {
    return this.current;
  }

  set(tools: SessionTools | undefined): void {
    if (tools) checkTools(tools);
    this.current = tools && tools.specs.length > 0 ? tools : undefined;
  }

  /**
   * A committed reply made these calls: they join the history and run. Resolves with every result
   * (errors and time-outs become error results) once all are in; with afterCall 'end', at once with none.
   */
  run(calls: readonly ToolCall[], userText: string, committed: boolean): Promise<ToolResult[]> {
    if (committed) this.runs.committed += calls.length;
    else this.runs.uncommitted += calls.length; // never happens: reply.ts calls only after the commit
    this.host.history.push({ role: 'assistant', content: '', toolCalls: calls });
    const t = this.host.stamp();
    for (const c of calls) this.host.emit({ type: 'tool_call', t, callId: c.id, name: c.name, arguments: c.arguments, userText });
    if (this.current?.afterCall === 'end') {
      for (const c of calls) this.handedOver.set(c.id, c);
      return Promise.resolve([]);
    }
    return Promise.all(calls.map((c) => this.start(c)));
  }

  /** The application's result for a call handed to it. Throws BAD_ARGUMENT for an unknown or answered call. */
  submit(callId: string, output: string, isError = false): void {
    if (typeof callId !== 'string' || typeof output !== 'string') throw new FullduplexError('BAD_ARGUMENT', 'a tool result needs a call id and an output string');
    if (this.answered.has(callId)) throw new FullduplexError('BAD_ARGUMENT', `tool call "${callId.slice(0, 80)}" already has a result`);
    const p = this.pending.get(callId);
    if (p) return this.settle(p, output, isError);
    const handed = this.handedOver.get(callId);
    if (!handed) throw new FullduplexError('BAD_ARGUMENT', `no tool call with id "${callId.slice(0, 80)}" is waiting for a result`);
    this.handedOver.delete(callId);
    this.record({ callId, name: handed.name, output, isError });
  }

  close(): void {
    for (const p of [...this.pending.values()]) this.settle(p, 'The session ended before the tool answered.', true);
    this.handedOver.clear();
  }

  private start(call: ToolCall): Promise<ToolResult> {
    return new Promise<ToolResult>((resolve) => {
      const abort = new AbortController();
      const timeoutS = this.host.options.timeoutMs / 1000;
      const timer = this.host.clock.setTimer(timeoutS, () => {
        const p = this.pending.get(call.id);
        if (p) this.settle(p, `The tool ${call.name} did not answer within ${timeoutS} s.`, true);
      });
      const p: Pending = { call, abort, timer, resolve };
      this.pending.set(call.id, p);
      const handler = this.current?.handler;
      if (!handler) return; // the application answers with submitToolResult
      void (async () => {
        try {
          const out = await handler(call, { signal: abort.signal, call });
          if (this.pending.get(call.id) === p) this.settle(p, typeof out === 'string' ? out : JSON.stringify(out ?? null), false);
        } catch (e) {
          if (this.pending.get(call.id) === p) this.settle(p, `Error: ${toFullduplexError(e).message}`, true);
        }
      })();
    });
  }

  private settle(p: Pending, output: string, isError: boolean): void {
    this.pending.delete(p.call.id);
    p.timer?.cancel();
    p.abort.abort();
    const r: ToolResult = { callId: p.call.id, name: p.call.name, output, isError };
    this.record(r);
    p.resolve(r);
  }

  private record(r: ToolResult): void {
    this.answered.add(r.callId);
    this.host.history.push({ role: 'tool', content: r.output, toolCallId: r.callId });
    this.host.emit({ type: 'tool_result', t: this.host.stamp(), callId: r.callId, name: r.name, output: r.output, isError: r.isError });
  }
}
