/**
 * A loopback stand-in for an OpenAI-compatible server (no LLM can run here): POST /v1/chat/completions
 * with `stream: true` answers in the exact Chat Completions SSE wire format, one word per chunk with a
 * short pause between chunks, then a `finish_reason` chunk and `data: [DONE]`.
 *
 * A reply may call tools instead, streamed as OpenAI streams them: the first delta of each call carries
 * `index`, `id`, `type` and `function.name` with empty arguments, the arguments follow in fragments
 * across chunks, and the last chunk says `finish_reason: "tool_calls"`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChatRequestMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface ChatRequestBody {
  model: string;
  stream: boolean;
  messages: ChatRequestMessage[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
}

/** What the server answers: text, or tool calls (with optional text before them). */
export type ScriptedChatReply = string | { readonly text?: string; readonly toolCalls: readonly { readonly name: string; readonly arguments: string }[] };

export interface ChatCompletionsServer {
  /** Base URL including /v1, for OpenAiCompatibleModel's baseUrl. */
  readonly baseUrl: string;
  /** Request bodies received, in order. */
  readonly requests: ChatRequestBody[];
  /** Streams the client closed before the reply ended. */
  readonly closedEarly: () => number;
  close(): Promise<void>;
}

let callSeq = 0;

export async function startChatCompletionsServer(
  reply: (lastUser: string, body: ChatRequestBody) => ScriptedChatReply,
  wordDelayMs = 5,
): Promise<ChatCompletionsServer> {
  const requests: ChatRequestBody[] = [];
  let closedEarly = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const body = JSON.parse(raw) as ChatRequestBody;
    requests.push(body);
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const answer = reply(last ?? '', body);
    const text = typeof answer === 'string' ? answer : (answer.text ?? '');
    const words = text === '' ? [] : text.split(/(?<= )/);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    let done = false;
    res.on('close', () => {
      if (!done) closedEarly++;
    });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model, system_fingerprint: 'fp_loopback', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: typeof answer === 'string' || answer.text ? '' : null, refusal: null }, null));
    for (const w of words) {
      if (res.destroyed) return;
      res.write(chunk({ content: w }, null));
      await sleep(wordDelayMs);
    }
    const calls = typeof answer === 'string' ? [] : answer.toolCalls;
    for (const [index, call] of calls.entries()) {
      if (res.destroyed) return;
      const id = `call_${(++callSeq).toString().padStart(4, '0')}loopback`;
      res.write(chunk({ tool_calls: [{ index, id, type: 'function', function: { name: call.name, arguments: '' } }] }, null));
      // Arguments in fragments of a few characters, as OpenAI streams them.
      for (let i = 0; i < call.arguments.length; i += 4) {
        res.write(chunk({ tool_calls: [{ index, function: { arguments: call.arguments.slice(i, i + 4) } }] }, null));
        await sleep(1);
      }
    }
    done = true;
    res.write(chunk({}, calls.length > 0 ? 'tool_calls' : 'stop'));
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    closedEarly: () => closedEarly,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
