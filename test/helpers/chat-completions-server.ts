/**
 * A loopback stand-in for an OpenAI-compatible server (no LLM can run here): POST /v1/chat/completions
 * with `stream: true` answers in the exact Chat Completions SSE wire format, one word per chunk with a
 * short pause between chunks, then a `finish_reason` chunk and `data: [DONE]`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChatCompletionsServer {
  /** Base URL including /v1, for OpenAiCompatibleModel's baseUrl. */
  readonly baseUrl: string;
  /** Request bodies received, in order. */
  readonly requests: { model: string; stream: boolean; messages: { role: string; content: string }[] }[];
  /** Streams the client closed before the reply ended. */
  readonly closedEarly: () => number;
  close(): Promise<void>;
}

export async function startChatCompletionsServer(reply: (lastUser: string) => string, wordDelayMs = 5): Promise<ChatCompletionsServer> {
  const requests: ChatCompletionsServer['requests'] = [];
  let closedEarly = 0;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      return;
    }
    const body = JSON.parse(raw) as ChatCompletionsServer['requests'][number];
    requests.push(body);
    const last = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const words = reply(last).split(/(?<= )/);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    let done = false;
    res.on('close', () => {
      if (!done) closedEarly++;
    });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    for (const w of words) {
      if (res.destroyed) return;
      res.write(chunk({ content: w }, null));
      await sleep(wordDelayMs);
    }
    done = true;
    res.write(chunk({}, 'stop'));
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
