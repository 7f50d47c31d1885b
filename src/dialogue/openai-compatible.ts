/**
 * A streaming Chat Completions client for any OpenAI-compatible server (OpenAI, Ollama, llama.cpp
 * server, vLLM, …), over global fetch and server-sent events. In a voice session silence is the
 * worst failure, so nothing is thrown out of `reply()`: time-outs, HTTP errors, refused connections
 * and malformed streams become a short spoken apology, and the error goes to `onError`.
 */
import { FullduplexError, toFullduplexError } from '../errors.js';
import { SseParser } from './sse.js';
import type { DialogueMessage, DialogueModel, DialogueRequest } from './types.js';
import { ToolCallAssembler, toChatTools } from './openai-tools.js';

export interface OpenAiCompatibleOptions {
  /** Server root including the API version, e.g. 'http://127.0.0.1:11434/v1'. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as a Bearer token; local servers usually need none. */
  readonly apiKey: string | undefined;
  readonly temperature: number;
  /** Upper bound on reply length, in tokens: spoken replies should be short. */
  readonly maxTokens: number;
  /** Newer OpenAI models take 'max_completion_tokens'; most other servers take 'max_tokens'. */
  readonly maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** The system prompt; per-request `instructions` are appended to it. */
  readonly systemPrompt: string;
  /** Tell the model the current date and time (from `req.now`) in the system prompt. */
  readonly includeDateTime: boolean;
  /** Appended to an interrupted assistant turn so the model knows where the user cut in ('' to disable). */
  readonly interruptedMarker: string;
  /** From sending the request to the first text delta, ms. */
  readonly firstTokenTimeoutMs: number;
  /** Longest silence between stream chunks once text is flowing, ms. */
  readonly idleTimeoutMs: number;
  /** Whole reply, ms. */
  readonly totalTimeoutMs: number;
  /** After `data: [DONE]`, how long to wait for the server to end the response so the connection can be reused, ms. */
  readonly doneDrainMs: number;
  /** Spoken when the model cannot be reached before any text was produced. */
  readonly apology: string;
  /** Spoken when the stream fails after some text was already produced. */
  readonly midReplyApology: string;
  /** Extra HTTP headers (e.g. an organisation header or a proxy token). */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra request-body fields merged into every request (e.g. `{ top_p: 0.9 }`). */
  readonly extraBody: Readonly<Record<string, unknown>>;
  /** Receives every failure that was turned into an apology. Cancellation is not reported. */
  readonly onError: ((err: FullduplexError) => void) | undefined;
}

/**
 * Defaults. `baseUrl`, `model` and `apiKey` are overridden by the environment when the option is
 * not given: FULLDUPLEX_LLM_BASE_URL / OPENAI_BASE_URL, FULLDUPLEX_LLM_MODEL / OPENAI_MODEL,
 * FULLDUPLEX_LLM_API_KEY / OPENAI_API_KEY (the FULLDUPLEX_ name wins).
 */
export const OPENAI_COMPATIBLE_DEFAULTS: OpenAiCompatibleOptions = {
  baseUrl: 'https://api.openai.com/v1',
  model: 'gpt-4o-mini',
  apiKey: undefined,
  temperature: 0.7,
  maxTokens: 300,
  maxTokensField: 'max_tokens',
  systemPrompt:
    'You are a friendly voice assistant in a live spoken conversation, and everything you write is read aloud. ' +
    'Answer in one to three short sentences unless the user asks for more. Use plain spoken language: no markdown, ' +
    'lists, headings, emojis, code or links, and write numbers, dates and units the way people say them. ' +
    "The user's words come from a speech recognizer and may contain recognition errors; if a request is unclear, " +
    'ask a short clarifying question.',
  includeDateTime: true,
  interruptedMarker: ' —',
  firstTokenTimeoutMs: 20_000,
  idleTimeoutMs: 10_000,
  totalTimeoutMs: 120_000,
  doneDrainMs: 250,
  apology: "Sorry, I can't reach my language model right now.",
  midReplyApology: 'Sorry, I lost my connection there.',
  headers: {},
  extraBody: {},
  onError: undefined,
};

type Env = Readonly<Record<string, string | undefined>>;

/** Options as used: explicit option, else environment, else default. */
export function resolveOpenAiOptions(options: Partial<OpenAiCompatibleOptions> = {}, env: Env = process.env): OpenAiCompatibleOptions {
  const fromEnv = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v.trim() !== '')?.trim();
  const o: OpenAiCompatibleOptions = {
    ...OPENAI_COMPATIBLE_DEFAULTS,
    baseUrl: fromEnv('FULLDUPLEX_LLM_BASE_URL', 'OPENAI_BASE_URL') ?? OPENAI_COMPATIBLE_DEFAULTS.baseUrl,
    model: fromEnv('FULLDUPLEX_LLM_MODEL', 'OPENAI_MODEL') ?? OPENAI_COMPATIBLE_DEFAULTS.model,
    apiKey: fromEnv('FULLDUPLEX_LLM_API_KEY', 'OPENAI_API_KEY'),
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  };
  let url: URL;
  try {
    url = new URL(o.baseUrl);
  } catch {
    throw new FullduplexError('BAD_ARGUMENT', `OpenAI-compatible model: baseUrl "${o.baseUrl}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FullduplexError('BAD_ARGUMENT', `OpenAI-compatible model: baseUrl must be http(s), got ${url.protocol}`);
  }
  if (o.model.trim() === '') throw new FullduplexError('BAD_ARGUMENT', 'OpenAI-compatible model: model must not be empty');
  for (const key of ['firstTokenTimeoutMs', 'idleTimeoutMs', 'totalTimeoutMs', 'maxTokens'] as const) {
    if (!Number.isFinite(o[key]) || o[key] <= 0) throw new FullduplexError('BAD_ARGUMENT', `OpenAI-compatible model: ${key} must be > 0`);
  }
  return { ...o, baseUrl: o.baseUrl.replace(/\/+$/, '') };
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string | null;
  readonly tool_calls?: readonly { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  readonly tool_call_id?: string;
}

/** The request's conversation as Chat Completions messages, system prompt first. */
export function toChatMessages(req: Pick<DialogueRequest, 'history' | 'now' | 'instructions'>, o: OpenAiCompatibleOptions): ChatMessage[] {
  const system = [o.systemPrompt];
  if (o.interruptedMarker.trim() !== '') {
    system.push(
      `The user can interrupt you while you speak. An earlier reply of yours that ends with "${o.interruptedMarker.trim()}" ` +
        'was cut off there, so the user only heard that much; do not repeat it in full unless asked.',
    );
  }
  if (o.includeDateTime) {
    const when = new Intl.DateTimeFormat('en-US', { dateStyle: 'full', timeStyle: 'short' }).format(req.now ?? new Date());
    system.push(`The current date and time is ${when}.`);
  }
  if (req.instructions !== undefined && req.instructions.trim() !== '') system.push(req.instructions.trim());
  const out: ChatMessage[] = [{ role: 'system', content: system.join(' ') }];
  const history = req.history as readonly DialogueMessage[];
  for (const [i, m] of history.entries()) {
    if (m.role === 'tool') continue; // placed right after the call they answer (below)
    const content = m.role === 'assistant' && m.interrupted === true ? `${m.content.trimEnd()}${o.interruptedMarker}` : m.content;
    if (m.role !== 'assistant' || !m.toolCalls?.length) {
      out.push({ role: m.role, content });
      continue;
    }
    out.push({ role: 'assistant', content: content === '' ? null : content, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) });
    // The API wants every call answered by a tool message right after it: results that arrived later
    // (the user spoke meanwhile) move up, and a call with no result says so.
    for (const c of m.toolCalls) {
      const result = history.slice(i + 1).find((r) => r.role === 'tool' && r.toolCallId === c.id);
      out.push({ role: 'tool', tool_call_id: c.id, content: result?.content ?? 'No result: the call was cancelled.' });
    }
  }
  return out;
}

/** Why a failed HTTP status most likely happened, for the error message. */
function statusHint(status: number): string {
  if (status === 401 || status === 403) return 'authentication failed (check the API key)';
  if (status === 404) return 'not found (check baseUrl and model)';
  if (status === 429) return 'rate limited or out of quota';
  if (status >= 500) return 'server error';
  return 'request rejected';
}

/** The `message` of an OpenAI-style error body, or a short excerpt of the body. */
function errorDetail(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    const e = j.error;
    if (typeof e === 'string') return e;
    if (e !== undefined && typeof e.message === 'string') return e.message;
    if (typeof j.message === 'string') return j.message;
  } catch {
    // not JSON: fall through to the raw excerpt
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** `choices[0].delta.content` (or `message.content` for non-streamed bodies); throws on an error object. */
function contentOf(json: unknown, field: 'delta' | 'message'): { text: string; finished: boolean } {
  if (json === null || typeof json !== 'object') throw new FullduplexError('COMPONENT_FAILED', 'stream chunk is not a JSON object');
  const obj = json as { error?: unknown; choices?: { delta?: { content?: unknown }; message?: { content?: unknown }; finish_reason?: unknown }[] };
  if (obj.error !== undefined && obj.error !== null) {
    throw new FullduplexError('COMPONENT_FAILED', `language model error: ${errorDetail(JSON.stringify(obj))}`);
  }
  const choice = obj.choices?.[0];
  const content = choice?.[field]?.content;
  return { text: typeof content === 'string' ? content : '', finished: typeof choice?.finish_reason === 'string' };
}

/** Reads to the end of the body for at most `ms`; true when the end was reached. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), ms)));
  try {
    for (;;) {
      const r = await Promise.race([reader.read(), deadline]);
      if (r === 'late') return false;
      if (r.done) return true;
    }
  } finally {
    clearTimeout(timer);
  }
}

export class OpenAiCompatibleModel implements DialogueModel {
  readonly name: string;
  readonly options: OpenAiCompatibleOptions;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(options: Partial<OpenAiCompatibleOptions> = {}, env: Env = process.env) {
    this.options = resolveOpenAiOptions(options, env);
    this.name = `openai-compatible:${this.options.model}`;
  }

  async *reply(req: DialogueRequest): AsyncGenerator<string, void, undefined> {
    const o = this.options;
    if (req.signal.aborted) return;
    if (this.closed) {
      this.report(new FullduplexError('COMPONENT_FAILED', 'OpenAI-compatible model is closed'));
      yield o.apology;
      return;
    }
    const ctl = new AbortController();
    this.inFlight.add(ctl);
    const onCallerAbort = () => ctl.abort(req.signal.reason);
    req.signal.addEventListener('abort', onCallerAbort, { once: true });
    let timeout: FullduplexError | undefined;
    const expire = (message: string) => {
      timeout ??= new FullduplexError('TIMEOUT', message);
      ctl.abort(timeout);
    };
    let phaseTimer = setTimeout(() => expire(`no reply from ${o.baseUrl} within ${o.firstTokenTimeoutMs} ms`), o.firstTokenTimeoutMs);
    const totalTimer = setTimeout(() => expire(`reply took longer than ${o.totalTimeoutMs} ms`), o.totalTimeoutMs);
    let produced = false;
    let consumed = false;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    const url = `${o.baseUrl}/chat/completions`;
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...o.headers };
      if (o.apiKey !== undefined && o.apiKey !== '') headers.Authorization = `Bearer ${o.apiKey}`;
      const body = {
        model: o.model,
        messages: toChatMessages(req, o),
        stream: true,
        temperature: o.temperature,
        [o.maxTokensField]: o.maxTokens,
        ...toChatTools(req),
        ...o.extraBody,
      };
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: ctl.signal });
      } catch (e) {
        throw this.connectError(e, url);
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        throw new FullduplexError('COMPONENT_FAILED', `HTTP ${res.status} from ${url}: ${statusHint(res.status)}: ${errorDetail(text)}`);
      }
      if (res.body === null) throw new FullduplexError('COMPONENT_FAILED', `empty response body from ${url}`);
      // Some servers ignore stream:true and answer with one JSON body.
      if ((res.headers.get('content-type') ?? '').includes('application/json')) {
        const { text } = contentOf(JSON.parse(await res.text()) as unknown, 'message');
        consumed = true;
        if (text !== '') {
          produced = true;
          yield text;
        }
        return;
      }
      reader = res.body.getReader();
      const parser = new SseParser();
      const calls = new ToolCallAssembler();
      let sawDone = false;
      let finished = false;
      let ended = false;
      while (!ended && !sawDone) {
        const chunk = await reader.read();
        const events = chunk.done ? parser.end() : parser.pushBytes(chunk.value);
        if (produced) {
          clearTimeout(phaseTimer);
          phaseTimer = setTimeout(() => expire(`stream from ${url} idle for ${o.idleTimeoutMs} ms`), o.idleTimeoutMs);
        }
        for (const ev of events) {
          const data = ev.data.trim();
          if (data === '[DONE]') {
            sawDone = true;
            break;
          }
          if (data === '') continue;
          let json: unknown;
          try {
            json = JSON.parse(data);
          } catch {
            throw new FullduplexError('COMPONENT_FAILED', `malformed JSON in stream from ${url}: ${data.slice(0, 120)}`);
          }
          if (ev.event === 'error') throw new FullduplexError('COMPONENT_FAILED', `language model error: ${errorDetail(data)}`);
          const part = contentOf(json, 'delta');
          finished ||= part.finished;
          const callDeltas = calls.push(json);
          if (callDeltas && !produced) {
            // A call under way counts as the model answering (its first-token time limit is met).
            produced = true;
            clearTimeout(phaseTimer);
            phaseTimer = setTimeout(() => expire(`stream from ${url} idle for ${o.idleTimeoutMs} ms`), o.idleTimeoutMs);
          }
          if (part.text === '') continue;
          if (req.signal.aborted) return;
          if (!produced) {
            produced = true;
            clearTimeout(phaseTimer);
            phaseTimer = setTimeout(() => expire(`stream from ${url} idle for ${o.idleTimeoutMs} ms`), o.idleTimeoutMs);
          }
          yield part.text;
          if (req.signal.aborted) return;
        }
        if (chunk.done) {
          ended = true;
          if (!sawDone && !finished) throw new FullduplexError('COMPONENT_FAILED', `stream from ${url} ended before [DONE]`);
        }
      }
      if (!req.signal.aborted) for (const call of calls.finish()) req.onToolCall?.(call);
      consumed = ended || (await drain(reader, o.doneDrainMs));
    } catch (e) {
      // The caller cancelled, or close() did: nothing to apologise for.
      if (req.signal.aborted || (this.closed && timeout === undefined)) return;
      const err = timeout ?? toFullduplexError(e);
      this.report(err);
      yield produced ? ` ${o.midReplyApology}` : o.apology;
    } finally {
      clearTimeout(phaseTimer);
      clearTimeout(totalTimer);
      req.signal.removeEventListener('abort', onCallerAbort);
      // Closes the connection if the consumer stopped early or we bailed out mid-stream; a fully
      // read response leaves it open for the next turn (saves a TCP/TLS handshake).
      if (!consumed) {
        ctl.abort(new FullduplexError('CANCELLED', 'reply finished'));
        reader?.cancel().catch(() => undefined);
      }
      this.inFlight.delete(ctl);
    }
  }

  /** Aborts replies in flight; later replies only apologise. */
  async close(): Promise<void> {
    this.closed = true;
    for (const ctl of this.inFlight) ctl.abort(new FullduplexError('CANCELLED', 'model closed'));
    this.inFlight.clear();
  }

  private connectError(e: unknown, url: string): FullduplexError {
    if (e instanceof FullduplexError) return e;
    // undici puts the system error (ECONNREFUSED, ENOTFOUND, …) in `cause`.
    const cause = (e as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const detail = code ?? (e instanceof Error ? e.message : String(e));
    return new FullduplexError('COMPONENT_FAILED', `cannot connect to ${url}: ${detail}`, { cause: e });
  }

  private report(err: FullduplexError): void {
    try {
      this.options.onError?.(err);
    } catch {
      // A failing error handler must not silence the apology.
    }
  }
}
