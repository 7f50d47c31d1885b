import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { OPENAI_COMPATIBLE_DEFAULTS, OpenAiCompatibleModel, resolveOpenAiOptions, type OpenAiCompatibleOptions } from '../src/dialogue/openai-compatible.js';
import { SseParser, type SseEvent } from '../src/dialogue/sse.js';
import type { DialogueMessage } from '../src/dialogue/types.js';
import { FullduplexError, isFullduplexError } from '../src/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { model?: string; stream?: boolean; messages?: { role: string; content: string }[]; max_tokens?: number; temperature?: number };
}

interface TestServer {
  readonly baseUrl: string;
  readonly requests: Recorded[];
  /** Resolves when the server sees the client's connection close. */
  readonly clientClosed: Promise<void>;
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, rec: Recorded) => void | Promise<void>): Promise<TestServer> {
  const requests: Recorded[] = [];
  let onClosed: () => void = () => undefined;
  const clientClosed = new Promise<void>((r) => (onClosed = r));
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') };
      requests.push(rec);
      res.on('close', onClosed);
      void handler(req, res, rec);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/v1`, requests, clientClosed };
}

function chunkEvent(content: string | undefined, finish: string | null = null, extra: Record<string, unknown> = {}): string {
  const delta = content === undefined ? {} : { content, ...extra };
  return `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

const SIZES = [1, 2, 5, 3, 7, 11, 13, 4, 1, 17];

/** Writes `payload` in awkward pieces (splitting lines, CRLFs and UTF-8 characters), flushing each. */
async function writeAwkwardly(res: ServerResponse, payload: string): Promise<void> {
  res.socket?.setNoDelay(true);
  const bytes = Buffer.from(payload, 'utf8');
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = SIZES[i % SIZES.length]!;
    res.write(bytes.subarray(at, at + size));
    at += size;
    await sleep(1);
  }
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
}

const DELTAS = ['Héllo', ' there', ' — ', 'nice 👋', ' to meet you.'];

function fullStream(): string {
  return [
    ': connected\n\n',
    chunkEvent('', null, { role: 'assistant' }),
    chunkEvent(DELTAS[0]),
    chunkEvent(DELTAS[1]).replace(/\n/g, '\r\n'), // CRLF line endings are legal SSE
    ': keep-alive\n\n',
    chunkEvent(DELTAS[2]),
    chunkEvent(DELTAS[3]),
    chunkEvent(DELTAS[4]),
    chunkEvent(undefined, 'stop'),
    'data: [DONE]\n\n',
  ].join('');
}

interface Run {
  readonly deltas: string[];
  readonly errors: FullduplexError[];
  readonly ms: number;
}

const HISTORY: DialogueMessage[] = [
  { role: 'user', content: 'tell me a story' },
  { role: 'assistant', content: 'Once upon a time there', interrupted: true },
  { role: 'user', content: 'hi' },
];

async function run(opts: Partial<OpenAiCompatibleOptions>, signal = new AbortController().signal, onDelta?: (d: string) => void): Promise<Run> {
  const errors: FullduplexError[] = [];
  const model = new OpenAiCompatibleModel({ onError: (e) => errors.push(e), ...opts }, {});
  const deltas: string[] = [];
  const started = Date.now();
  for await (const d of model.reply({ history: HISTORY, signal, now: new Date('2026-04-14T16:25:00Z') })) {
    deltas.push(d);
    onDelta?.(d);
  }
  return { deltas, errors, ms: Date.now() - started };
}

describe('OpenAI-compatible model: streaming', () => {
  it('sends a well-formed request and streams the deltas', async () => {
    const srv = await serve(async (_req, res) => {
      sseHead(res);
      await writeAwkwardly(res, fullStream());
      res.end();
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'test-model', apiKey: 'sk-test', maxTokens: 123, temperature: 0.3 });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.deltas, DELTAS);
    const req = srv.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test');
    assert.match(req.headers['content-type'] ?? '', /application\/json/);
    assert.equal(req.body.model, 'test-model');
    assert.equal(req.body.stream, true);
    assert.equal(req.body.max_tokens, 123);
    assert.equal(req.body.temperature, 0.3);
    const msgs = req.body.messages!;
    assert.equal(msgs[0]!.role, 'system');
    assert.match(msgs[0]!.content, /no markdown/);
    assert.match(msgs[0]!.content, /2026/, 'tells the model the date');
    assert.deepEqual(msgs.slice(1), [
      { role: 'user', content: 'tell me a story' },
      { role: 'assistant', content: 'Once upon a time there —' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('sends no Authorization header without a key, and appends instructions', async () => {
    const srv = await serve((_req, res) => {
      sseHead(res);
      res.end(chunkEvent('ok') + 'data: [DONE]\n\n');
    });
    const model = new OpenAiCompatibleModel({ baseUrl: srv.baseUrl, model: 'm' }, {});
    const out: string[] = [];
    for await (const d of model.reply({ history: [{ role: 'user', content: 'x' }], signal: new AbortController().signal, instructions: 'Speak like a pirate.' })) out.push(d);
    assert.deepEqual(out, ['ok']);
    assert.equal(srv.requests[0]!.headers.authorization, undefined);
    assert.match(srv.requests[0]!.body.messages![0]!.content, /Speak like a pirate\.$/);
  });

  it('leaves a fully read connection open for the next turn', async () => {
    const ports: number[] = [];
    const srv = await serve((req, res) => {
      ports.push(req.socket.remotePort ?? -1);
      sseHead(res);
      res.write(chunkEvent('ok') + chunkEvent(undefined, 'stop') + 'data: [DONE]\n\n');
      setTimeout(() => res.end(), 20); // the response ends a little after [DONE]
    });
    assert.deepEqual((await run({ baseUrl: srv.baseUrl, model: 'm' })).deltas, ['ok']);
    await sleep(50); // the client returns the socket to its pool asynchronously
    assert.deepEqual((await run({ baseUrl: srv.baseUrl, model: 'm' })).deltas, ['ok']);
    assert.equal(ports.length, 2);
    assert.equal(ports[0], ports[1], 'same client socket for both requests');
  });

  it('accepts a server that ignores stream:true and answers with JSON', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Whole reply.' }, finish_reason: 'stop' }] }));
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm' });
    assert.deepEqual(r.deltas, ['Whole reply.']);
    assert.deepEqual(r.errors, []);
  });
});

describe('OpenAI-compatible model: cancellation', () => {
  /** A server that sends one delta, then keeps the stream open with a delta every 50 ms. */
  async function endless(): Promise<TestServer> {
    return serve(async (_req, res) => {
      sseHead(res);
      res.write(chunkEvent('First.'));
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        await sleep(50);
        if (!res.destroyed) res.write(chunkEvent(' more'));
      }
      res.end();
    });
  }

  it('aborting the signal ends the reply and closes the connection', async () => {
    const srv = await endless();
    const ctl = new AbortController();
    const r = await run({ baseUrl: srv.baseUrl, model: 'm' }, ctl.signal, () => ctl.abort());
    assert.deepEqual(r.deltas, ['First.']);
    assert.deepEqual(r.errors, [], 'a cancel is not an error');
    assert.ok(r.ms < 2000, `took ${r.ms} ms`);
    await Promise.race([srv.clientClosed, sleep(2000).then(() => assert.fail('server never saw the connection close'))]);
  });

  it('an abort while waiting for the server ends the reply at once', async () => {
    const srv = await serve((_req, res) => {
      sseHead(res);
      res.write(chunkEvent('First.')); // then silence: the client sits in a read
    });
    const ctl = new AbortController();
    const model = new OpenAiCompatibleModel({ baseUrl: srv.baseUrl, model: 'm', idleTimeoutMs: 10_000 }, {});
    const it = model.reply({ history: HISTORY, signal: ctl.signal })[Symbol.asyncIterator]();
    assert.equal((await it.next()).value, 'First.');
    const started = Date.now();
    setTimeout(() => ctl.abort(), 50);
    assert.equal((await it.next()).done, true);
    assert.ok(Date.now() - started < 1000, `ended after ${Date.now() - started} ms`);
    await Promise.race([srv.clientClosed, sleep(2000).then(() => assert.fail('server never saw the connection close'))]);
  });

  it('breaking out of the loop also closes the connection', async () => {
    const srv = await endless();
    const model = new OpenAiCompatibleModel({ baseUrl: srv.baseUrl, model: 'm' }, {});
    for await (const d of model.reply({ history: HISTORY, signal: new AbortController().signal })) {
      assert.equal(d, 'First.');
      break;
    }
    await Promise.race([srv.clientClosed, sleep(2000).then(() => assert.fail('server never saw the connection close'))]);
  });

  it('close() aborts a reply in flight', async () => {
    const srv = await endless();
    const errors: FullduplexError[] = [];
    const model = new OpenAiCompatibleModel({ baseUrl: srv.baseUrl, model: 'm', onError: (e) => errors.push(e) }, {});
    const out: string[] = [];
    for await (const d of model.reply({ history: HISTORY, signal: new AbortController().signal })) {
      out.push(d);
      if (out.length === 1) await model.close();
    }
    assert.deepEqual(out, ['First.']);
    assert.deepEqual(errors, []);
    await Promise.race([srv.clientClosed, sleep(2000).then(() => assert.fail('server never saw the connection close'))]);
  });
});

describe('OpenAI-compatible model: failures become a spoken apology', () => {
  const APOLOGY = OPENAI_COMPATIBLE_DEFAULTS.apology;

  for (const [status, pattern] of [
    [500, /HTTP 500.*server error.*boom/],
    [401, /HTTP 401.*authentication failed.*Incorrect API key/],
    [404, /HTTP 404.*not found/],
    [429, /HTTP 429.*rate limited/],
  ] as const) {
    it(`HTTP ${status}`, async () => {
      const srv = await serve((_req, res) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: status === 401 ? 'Incorrect API key provided' : 'boom', type: 'x' } }));
      });
      const r = await run({ baseUrl: srv.baseUrl, model: 'm', apiKey: 'sk-secret-value' });
      assert.deepEqual(r.deltas, [APOLOGY]);
      assert.equal(r.errors.length, 1);
      assert.ok(isFullduplexError(r.errors[0], 'COMPONENT_FAILED'));
      assert.match(r.errors[0]!.message, pattern);
      assert.doesNotMatch(r.errors[0]!.message, /sk-secret-value/);
    });
  }

  it('a server that never answers times out', async () => {
    const srv = await serve(() => undefined);
    const r = await run({ baseUrl: srv.baseUrl, model: 'm', firstTokenTimeoutMs: 200 });
    assert.deepEqual(r.deltas, [APOLOGY]);
    assert.ok(isFullduplexError(r.errors[0], 'TIMEOUT'), String(r.errors[0]));
    assert.ok(r.ms >= 150 && r.ms < 2000, `took ${r.ms} ms`);
    await Promise.race([srv.clientClosed, sleep(2000).then(() => assert.fail('hung connection was not closed'))]);
  });

  it('a stream that stalls after some text times out with a mid-reply apology', async () => {
    const srv = await serve((_req, res) => {
      sseHead(res);
      res.write(chunkEvent('Hello'));
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm', idleTimeoutMs: 200 });
    assert.deepEqual(r.deltas, ['Hello', ` ${OPENAI_COMPATIBLE_DEFAULTS.midReplyApology}`]);
    assert.ok(isFullduplexError(r.errors[0], 'TIMEOUT'));
    assert.match(r.errors[0]!.message, /idle/);
  });

  it('the total time-out caps a slow trickle', async () => {
    const srv = await serve(async (_req, res) => {
      sseHead(res);
      for (let i = 0; i < 100 && !res.destroyed; i++) {
        res.write(chunkEvent('.'));
        await sleep(40);
      }
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm', totalTimeoutMs: 300 });
    assert.ok(isFullduplexError(r.errors[0], 'TIMEOUT'));
    assert.ok(r.ms < 1500, `took ${r.ms} ms`);
    assert.equal(r.deltas.at(-1), ` ${OPENAI_COMPATIBLE_DEFAULTS.midReplyApology}`);
  });

  it('connection refused', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const r = await run({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm' });
    assert.deepEqual(r.deltas, [APOLOGY]);
    assert.ok(isFullduplexError(r.errors[0], 'COMPONENT_FAILED'));
    assert.match(r.errors[0]!.message, /cannot connect.*ECONNREFUSED/);
  });

  it('malformed JSON in the stream', async () => {
    const srv = await serve((_req, res) => {
      sseHead(res);
      res.end('data: {"choices": [oops\n\ndata: [DONE]\n\n');
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm' });
    assert.deepEqual(r.deltas, [APOLOGY]);
    assert.match(r.errors[0]!.message, /malformed JSON/);
  });

  it('an error object in the stream', async () => {
    const srv = await serve((_req, res) => {
      sseHead(res);
      res.end(chunkEvent('Partial') + 'data: {"error":{"message":"model overloaded","type":"server_error"}}\n\n');
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm' });
    assert.deepEqual(r.deltas, ['Partial', ` ${OPENAI_COMPATIBLE_DEFAULTS.midReplyApology}`]);
    assert.match(r.errors[0]!.message, /model overloaded/);
  });

  it('a connection that drops before [DONE]', async () => {
    const srv = await serve(async (_req, res) => {
      sseHead(res);
      res.write(chunkEvent('Cut'));
      await sleep(20);
      res.socket?.destroy();
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm' });
    assert.deepEqual(r.deltas, ['Cut', ` ${OPENAI_COMPATIBLE_DEFAULTS.midReplyApology}`]);
    assert.equal(r.errors.length, 1);
  });

  it('an onError handler that throws does not silence the apology', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    const r = await run({ baseUrl: srv.baseUrl, model: 'm', onError: () => { throw new Error('handler bug'); } });
    assert.deepEqual(r.deltas, [APOLOGY]);
  });
});

describe('OpenAI-compatible model: options', () => {
  it('takes baseUrl, model and key from the environment, options first', () => {
    const env = { FULLDUPLEX_LLM_BASE_URL: 'http://127.0.0.1:8080/v1/', OPENAI_BASE_URL: 'http://ignored/v1', OPENAI_MODEL: 'llama', OPENAI_API_KEY: 'k1' };
    const o = resolveOpenAiOptions({}, env);
    assert.equal(o.baseUrl, 'http://127.0.0.1:8080/v1');
    assert.equal(o.model, 'llama');
    assert.equal(o.apiKey, 'k1');
    assert.equal(resolveOpenAiOptions({ model: 'explicit' }, env).model, 'explicit');
    const d = resolveOpenAiOptions({}, {});
    assert.equal(d.baseUrl, 'https://api.openai.com/v1');
    assert.equal(d.apiKey, undefined);
    assert.equal(new OpenAiCompatibleModel({}, { FULLDUPLEX_LLM_MODEL: 'qwen', OPENAI_MODEL: 'x' }).name, 'openai-compatible:qwen');
  });

  it('rejects invalid options with BAD_ARGUMENT', () => {
    assert.throws(() => resolveOpenAiOptions({ baseUrl: 'not a url' }, {}), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
    assert.throws(() => resolveOpenAiOptions({ baseUrl: 'ftp://x/v1' }, {}), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
    assert.throws(() => resolveOpenAiOptions({ idleTimeoutMs: 0 }, {}), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  });
});

describe('SseParser', () => {
  const wire = 'data: one\n\n: comment\nevent: error\ndata: two\ndata: lines\r\n\r\nid: 7\ndata: {"x":"é👋"}\r\rdata: tail';

  function feed(bytes: Buffer, size: number): SseEvent[] {
    const p = new SseParser();
    const out: SseEvent[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(...p.pushBytes(bytes.subarray(i, i + size)));
    out.push(...p.end());
    return out;
  }

  it('parses events the same way however the bytes are split', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(wire, 'utf8')]);
    const expected: SseEvent[] = [
      { event: 'message', data: 'one' },
      { event: 'error', data: 'two\nlines' },
      { event: 'message', data: '{"x":"é👋"}', id: '7' },
      { event: 'message', data: 'tail', id: '7' },
    ];
    for (const size of [1, 2, 3, 5, bytes.length]) assert.deepEqual(feed(bytes, size), expected, `chunks of ${size}`);
  });

  it('does not dispatch a lone CR early when CRLF is split', () => {
    const p = new SseParser();
    assert.deepEqual(p.pushText('data: a\r'), []);
    assert.deepEqual(p.pushText('\n'), []);
    assert.deepEqual(p.pushText('\r\n'), [{ event: 'message', data: 'a' }]);
  });
});
