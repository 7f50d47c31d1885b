/**
 * `response.create`'s own `tools` / `tool_choice` hold for that response alone (docs/protocols.md),
 * checked with the `openai` package's OpenAIRealtimeWS against the endpoint. The engine's language
 * model is a loopback Chat Completions server that records each request and answers with the names of
 * the tools it was offered, so every response's transcript says which tools its reply used:
 * - typed turns: the override reaches its reply; a failed response's override does not leak;
 * - spoken turns with turn detection off: the reply readied in the user's pause (with the session's
 *   tools) is not the one an override answers with; a cancelled response's override does not leak;
 *   the next turn the engine takes itself uses the session's tools again.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { openaiRealtimeClient, type RealtimeEvent } from './helpers/openai-realtime-client.js';
import { encodeBase64 } from '../src/protocols/codecs/pcm-base64.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from './helpers/chat-completions-server.js';
import { closeProtocolShared, paced, protocolServer, track, waitFor } from './helpers/protocol-endpoints.js';

type Ev = RealtimeEvent;
type Response = { id: string; status: string; output: { content?: { transcript?: string; text?: string }[] }[]; status_details: unknown };
let llm: ChatCompletionsServer;
let server: Awaited<ReturnType<typeof protocolServer>>;

const tool = (name: string) => ({ type: 'function' as const, name, description: `The ${name} tool`, parameters: { type: 'object', properties: {} } });

before(async () => {
  // Never calls a tool: says which it was offered ("offered alpha"), or "offered nothing".
  llm = await startChatCompletionsServer((_last, body) => `Offered ${(body.tools ?? []).map((t) => t.function.name).join(' and ') || 'nothing'}.`);
  server = await protocolServer({}, { dialogue: { baseUrl: llm.baseUrl, model: 'loopback', apiKey: 'none' } });
});
after(async () => {
  await server.close();
  await llm.close();
  await closeProtocolShared();
});

const openaiClient = () => openaiRealtimeClient(server.port);

const done = (events: readonly Ev[]) => events.filter((e) => e.type === 'response.done').map((e) => e.response as Response);
const said = (r: Response) => r.output.flatMap((o) => o.content ?? []).map((p) => p.transcript ?? p.text ?? '').join(' ');
const timeline = (events: readonly Ev[]) => events.filter((e) => !e.type.endsWith('.delta')).map((e) => e.type).join(', ');

/** The next response.done after the `n` already seen. */
async function nextDone(events: readonly Ev[], n: number, what: string): Promise<Response> {
  await waitFor(() => done(events).length > n, 30_000, `${what}; got ${timeline(events)}`);
  return done(events)[n]!;
}

async function speak(rt: OpenAIRealtimeWS, parts: (string | number)[], atFrame?: { k: number; run: () => void }): Promise<void> {
  const user = await track(parts, 24000);
  await paced(Math.ceil(user.samples.length / 480), 20, (k) => {
    if (k === atFrame?.k) atFrame.run();
    rt.send({ type: 'input_audio_buffer.append', audio: encodeBase64(new Uint8Array(user.samples.slice(k * 480, (k + 1) * 480).buffer)) });
  });
}

test('typed turns: the override answers its own response only, and a failed response leaves nothing behind', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', tools: [tool('alpha')], tool_choice: 'auto', audio: { input: { turn_detection: null } } } });
  await waitFor(() => events.some((e) => e.type === 'session.updated'), 10_000, 'session.updated');

  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First question.' }] } });
  rt.send({ type: 'response.create', response: { tools: [tool('bravo')], tool_choice: 'none' } } as never);
  const first = await nextDone(events, 0, 'the first response');
  assert.equal(first.status, 'completed');
  assert.match(said(first), /bravo/i, 'the response used its own tools');
  const asked = llm.requests.filter((r) => r.messages.some((m) => m.content === 'First question.'));
  assert.deepEqual(asked.map((r) => [r.tools?.map((t) => t.function.name), r.tool_choice]), [[['bravo'], 'none']], 'the model was offered the override');

  // The agent spoke last: this response.create fails (no user turn), and its override goes with it.
  rt.send({ type: 'response.create', response: { tools: [tool('charlie')] } } as never);
  const failed = await nextDone(events, 1, 'the failed response');
  assert.equal(failed.status, 'failed');

  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Second question.' }] } });
  rt.send({ type: 'response.create' });
  const second = await nextDone(events, 2, 'the second response');
  assert.match(said(second), /alpha/i, `the session's tools again (said "${said(second)}")`);
  const last = llm.requests.filter((r) => r.messages.some((m) => m.content === 'Second question.'));
  assert.deepEqual(last.map((r) => r.tools?.map((t) => t.function.name)), [['alpha']]);
  rt.close();
});

test('spoken turns: a reply readied with the session tools is not the override response, a cancelled override does not leak, and the engine’s own next turn uses the session tools', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', tools: [tool('alpha')], audio: { input: { turn_detection: null } } } });
  await waitFor(() => events.some((e) => e.type === 'session.updated'), 10_000, 'session.updated');

  // Turn detection off: the engine readies a reply in the user's pause (offered alpha), then the client
  // commits and asks for a response with its own tools.
  const before = llm.requests.length;
  await speak(rt, [0.5, 'What is the weather in Paris today?', 1.5]);
  await waitFor(() => llm.requests.length > before, 10_000, 'a reply readied in the pause');
  assert.deepEqual(llm.requests.at(-1)!.tools?.map((t) => t.function.name), ['alpha'], 'readied with the session tools');
  rt.send({ type: 'input_audio_buffer.commit' });
  rt.send({ type: 'response.create', response: { tools: [tool('bravo')] } } as never);
  const first = await nextDone(events, 0, 'the first response');
  assert.equal(first.status, 'completed');
  assert.match(said(first), /bravo/i, `the override answered (said "${said(first)}")`);

  // A response asked for mid-speech with an override, cancelled before it began: nothing of it stays.
  await speak(rt, [0.3, 'Tell me about the trains to London tomorrow morning.', 1.5], {
    k: 60,
    run: () => {
      rt.send({ type: 'response.create', response: { tools: [tool('charlie')] } } as never);
      rt.send({ type: 'response.cancel' });
    },
  });
  const cancelled = await nextDone(events, 1, 'the cancelled response');
  assert.notEqual(cancelled.status, 'completed', `withdrawn (said "${said(cancelled)}")`);
  rt.send({ type: 'input_audio_buffer.commit' });
  rt.send({ type: 'response.create' });
  const second = await nextDone(events, 2, 'the second response');
  assert.match(said(second), /alpha/i, `the session's tools (said "${said(second)}")`);

  // The engine takes the next turn itself: the session's tools.
  rt.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } } } });
  await waitFor(() => events.filter((e) => e.type === 'session.updated').length >= 2, 10_000, 'turn detection on');
  await speak(rt, [0.3, 'And what about Berlin?', 2]);
  const third = await nextDone(events, 3, 'the third response');
  assert.equal(third.status, 'completed');
  assert.match(said(third), /alpha/i, `the session's tools (said "${said(third)}")`);
  const names = events.filter((e) => e.type === 'error').map((e) => JSON.stringify(e.error));
  assert.deepEqual(names, [], 'no errors');
  rt.close();
});
