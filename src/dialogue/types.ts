/**
 * The one interface every dialogue model implements: text history in, a stream of text deltas out.
 * The duplex engine only sees this, so the embedded rule-based model, an OpenAI-compatible server or
 * anything else can drop in. Models stream so that TTS can start on the first clause.
 */

export interface DialogueMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  /** Assistant turns only: the tools the model called in this turn (content is what it said before). */
  readonly toolCalls?: readonly ToolCall[];
  /** Tool turns only: the call this message is the result of. */
  readonly toolCallId?: string;
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
  /** Tools the model may call (models that cannot call tools say so instead of answering). */
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: ToolChoice;
  /**
   * Receives each complete tool call the model makes, before the text stream ends. The caller decides
   * when (and whether) it runs: the model only reports it.
   */
  readonly onToolCall?: (call: ToolCall) => void;
}

/** A function the model may call: its name, what it does, and its arguments as a JSON schema. */
export interface ToolSpec {
  readonly name: string;
  readonly description?: string;
  /** JSON schema of the arguments object. */
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** Chat Completions' tool_choice: 'auto' (default), 'none', 'required', or one named function. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly type: 'function'; readonly name: string };

/** One call the model made: `arguments` is the JSON text the model wrote (it may be malformed). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** A tool name as Chat Completions and Realtime accept it. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Checks tool declarations from an application or a client; returns what is wrong, or undefined. */
export function toolSpecProblem(tools: unknown): string | undefined {
  if (!Array.isArray(tools)) return 'tools must be an array';
  const seen = new Set<string>();
  for (const [i, t] of tools.entries()) {
    if (t === null || typeof t !== 'object') return `tools[${i}] must be an object`;
    const { name, description, parameters } = t as Record<string, unknown>;
    if (typeof name !== 'string' || !TOOL_NAME_PATTERN.test(name)) return `tools[${i}].name must be 1-64 letters, digits, _ or -`;
    if (seen.has(name)) return `tools[${i}].name "${name}" is declared twice`;
    seen.add(name);
    if (description !== undefined && typeof description !== 'string') return `tools[${i}].description must be a string`;
    if (parameters !== undefined && (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters))) return `tools[${i}].parameters must be a JSON schema object`;
  }
  return undefined;
}

/** Checks a tool_choice value; returns what is wrong, or undefined. */
export function toolChoiceProblem(choice: unknown, tools: readonly ToolSpec[]): string | undefined {
  if (choice === 'auto' || choice === 'none' || choice === 'required') return undefined;
  if (choice !== null && typeof choice === 'object') {
    const c = choice as { type?: unknown; name?: unknown; function?: { name?: unknown } };
    const name = c.name ?? c.function?.name;
    if (c.type === 'function' && typeof name === 'string') return tools.some((t) => t.name === name) ? undefined : `tool_choice names "${name}", which is not among the tools`;
  }
  return "tool_choice must be 'auto', 'none', 'required' or { type: 'function', name }";
}

/** A tool_choice in Chat Completions' or Realtime's spelling, normalised. */
export function normalizeToolChoice(choice: unknown): ToolChoice {
  if (choice === 'none' || choice === 'required') return choice;
  if (choice !== null && typeof choice === 'object') {
    const c = choice as { name?: unknown; function?: { name?: unknown } };
    const name = c.name ?? c.function?.name;
    if (typeof name === 'string') return { type: 'function', name };
  }
  return 'auto';
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
