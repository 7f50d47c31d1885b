/**
 * Function calling on the OpenAI Realtime endpoint, driven by OpenAI's own clients over loopback: a
 * RealtimeAgent with a `tool()` (@openai/agents-realtime) completes a spoken round trip, and the
 * `openai` package's OpenAIRealtimeWS sees the exact function-call events and the Realtime error shape
 * for bad tool messages. The engine's language model is the loopback Chat Completions server, which
 * streams a tool call and, once it has the result, a text answer that the engine speaks.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { openaiRealtimeClient, type RealtimeEvent } from './helpers/openai-realtime-client.js';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import { startChatCompletionsServer, type ChatCompletionsServer } from './helpers/chat-completions-server.js';
import { closeProtocolShared, concat, hear, paced, protocolServer, seconds, sharedWords, speechIn, track, waitFor } from './helpers/protocol-endpoints.js';

type Ev = RealtimeEvent;
let llm: ChatCompletionsServer;
let server: Awaited<ReturnType<typeof protocolServer>>;

before(async () => {
  llm = await startChatCompletionsServer((last, body) => {
    const result = [...body.messages].reverse().find((m) => m.role === 'tool');
    if (body.messages.at(-1)!.role === 'tool' && result) return `It is ${JSON.parse(result.content ?? '{}').sky ?? 'unknown'} in Paris today.`;
    if (/slowly/i.test(last)) return { text: 'Let me look that up for you, it may take a little while. ', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
    return { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
  });
  server = await protocolServer({}, { dialogue: { baseUrl: llm.baseUrl, model: 'loopback', apiKey: 'none' } });
});
after(async () => {
  await server.close();
  await llm.close();
  await closeProtocolShared();
});

const of = (events: readonly Ev[], type: string) => events.filter((e) => e.type === type);

test('agents SDK: a RealtimeAgent with a tool() completes a spoken tool round trip', async () => {
  const RATE = 24000;
  const FRAME_MS = 20;
  const calls: unknown[] = [];
  const getWeather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
    execute: async (args: unknown) => (calls.push(args), JSON.stringify({ sky: 'sunny' })),
  });
  const url = `${server.url}/v1/realtime?model=fullduplex-test`;
  const transport = new OpenAIRealtimeWebSocket({ url });
  const session = new RealtimeSession(new RealtimeAgent({ name: 'weather', instructions: 'Use the tool.', tools: [getWeather] }), { transport, model: 'fullduplex-test' });
  const events: (Ev & { at: number })[] = [];
  const audio: Int16Array[] = [];
  const errors: unknown[] = [];
  const t0 = performance.now();
  transport.on('*', (e: Ev) => events.push({ ...e, at: (performance.now() - t0) / 1000 }));
  session.on('audio', (e) => audio.push(new Int16Array(e.data.slice(0))));
  session.on('error', (e) => errors.push(e));
  await session.connect({ apiKey: 'sk-loopback', url });
  const user = await track([1, 'What is the weather in Paris?', 3], RATE);
  const frame = (RATE * FRAME_MS) / 1000;
  await paced(Math.ceil(user.samples.length / frame), FRAME_MS, (k) => session.sendAudio(user.samples.slice(k * frame, (k + 1) * frame).buffer));
  const answered = () => events.some((e) => e.type === 'response.done' && JSON.stringify(e.response).includes('sunny'));
  const quiet = new Int16Array(frame);
  for (let i = 0; i < 600 && !answered(); i++) {
    await new Promise((r) => setTimeout(r, FRAME_MS));
    session.sendAudio(quiet.slice().buffer);
  }
  session.close();
  const timeline = events.filter((e) => !e.type.endsWith('.delta') || e.type.includes('function')).map((e) => `${e.at.toFixed(2)} ${e.type}`).join('\n');
  assert.deepEqual(errors, [], timeline);
  assert.deepEqual(calls, [{ city: 'Paris' }], `the SDK ran the tool\n${timeline}`);
  const updated = of(events, 'session.updated').at(-1)!.session as { tools: { name: string }[] };
  assert.equal(updated.tools[0]?.name, 'get_weather', 'the session reports its tools');
  assert.equal(llm.requests[0]?.tools?.[0]?.function.name, 'get_weather', 'the language model was offered the tool');
  const argsDone = of(events, 'response.function_call_arguments.done')[0] as Ev & { call_id: string; name: string; arguments: string };
  assert.ok(argsDone, timeline);
  assert.equal(argsDone.name, 'get_weather');
  const callDone = of(events, 'response.done').find((e) => (e.response as { output: { type: string }[] }).output.some((o) => o.type === 'function_call'))!;
  assert.equal((callDone.response as { status: string }).status, 'completed');
  // The answer: a completed response whose transcript has the tool's result, spoken.
  const final = of(events, 'response.done').find((e) => JSON.stringify(e.response).includes('sunny'));
  assert.ok(final, `answered with the result\n${timeline}`);
  const pcm = { samples: concat(audio), sampleRate: RATE };
  assert.ok(seconds(await speechIn(pcm)) > 0.8, 'the answer is speech');
  const heard = await hear(pcm);
  assert.ok(sharedWords(heard, 'It is sunny in Paris today').length > 0, `heard "${heard}"`);
  // The engine's model saw the call and its result, in Chat Completions form.
  const last = llm.requests.at(-1)!.messages;
  assert.deepEqual(last.slice(-2).map((m) => m.role), ['assistant', 'tool']);
  assert.equal(last.at(-1)!.tool_call_id, argsDone.call_id);
});

const openaiClient = () => openaiRealtimeClient(server.port);

async function until(events: readonly Ev[], test: (e: Ev) => boolean, what: string, timeoutMs = 20_000): Promise<Ev> {
  await waitFor(() => events.some(test), timeoutMs, `${what}; got ${events.map((e) => e.type).join(', ')}`);
  return events.find(test)!;
}

const errorsOf = (events: readonly Ev[]) => of(events, 'error').map((e) => e.error as { type: string; code: string; message: string; param: string | null; event_id: string | null });

test('openai package: function_call events, the output answered aloud, and bad tool messages get Realtime errors', async () => {
  const { rt, events } = await openaiClient();
  const WEATHER = { type: 'function' as const, name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
  rt.send({ type: 'session.update', session: { type: 'realtime', tools: [WEATHER], tool_choice: 'auto', audio: { input: { turn_detection: null } } } });
  await until(events, (e) => e.type === 'session.updated', 'session.updated');
  rt.send({ type: 'session.update', session: { type: 'realtime', tools: [{ type: 'mcp', server_label: 'x' }] } as never });
  await until(events, (e) => e.type === 'error', 'error for an mcp tool');
  assert.match(errorsOf(events)[0]!.message, /only 'function' tools/);

  // A typed question; the response carries the function call.
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] } });
  rt.send({ type: 'response.create' });
  const added = await until(events, (e) => e.type === 'response.output_item.added' && (e.item as { type: string }).type === 'function_call', 'function_call item');
  const done = await until(events, (e) => e.type === 'response.done', 'response.done');
  const delta = of(events, 'response.function_call_arguments.delta')[0] as Ev & { call_id: string; delta: string; item_id: string; output_index: number };
  const argsDone = of(events, 'response.function_call_arguments.done')[0] as Ev & { call_id: string; arguments: string; name: string };
  assert.equal(delta.item_id, (added.item as { id: string }).id);
  assert.equal(delta.output_index, 0, 'no message item: the response only called the function');
  assert.deepEqual(JSON.parse(argsDone.arguments), { city: 'Paris' });
  const response = done.response as { status: string; output: { type: string; call_id: string; name: string; arguments: string; status: string }[] };
  assert.equal(response.status, 'completed');
  assert.deepEqual(response.output.map((o) => [o.type, o.name, o.call_id, o.status]), [['function_call', 'get_weather', argsDone.call_id, 'completed']]);

  // Bad tool messages: each an error in the Realtime shape; nothing else changes.
  rt.send({ type: 'conversation.item.create', event_id: 'ev_unknown', item: { type: 'function_call_output', call_id: 'call_nope', output: '{}' } });
  rt.send({ type: 'conversation.item.create', event_id: 'ev_badjson', item: { type: 'function_call', call_id: 'call_mine', name: 'get_weather', arguments: '{"city": Par' } });
  await waitFor(() => errorsOf(events).length >= 3, 5000, 'two more errors');
  const [, unknown, badJson] = errorsOf(events);
  assert.deepEqual([unknown!.type, unknown!.code, unknown!.param, unknown!.event_id], ['invalid_request_error', 'invalid_value', 'item.call_id', 'ev_unknown']);
  assert.match(unknown!.message, /call_nope/);
  assert.deepEqual([badJson!.code, badJson!.param, badJson!.event_id], ['invalid_value', 'item.arguments', 'ev_badjson']);

  // The real output, then response.create: the answer is spoken (audio and its transcript).
  rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: argsDone.call_id, output: '{"sky":"sunny"}' } });
  await until(events, (e) => (e.type === 'conversation.item.added' || e.type === 'conversation.item.created') && (e.item as { type: string }).type === 'function_call_output', 'output item added');
  rt.send({ type: 'response.create' });
  const answer = await until(events, (e) => e.type === 'response.done' && e !== done, 'the answer');
  assert.equal((answer.response as { status: string }).status, 'completed');
  assert.match(JSON.stringify(answer.response), /sunny in Paris/);
  const audioDeltas = of(events, 'response.output_audio.delta').filter((e) => e.response_id === (answer.response as { id: string }).id);
  assert.ok(audioDeltas.length > 5, 'spoken');

  // A second output for the same call is refused too.
  rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: argsDone.call_id, output: '{}' } });
  await waitFor(() => errorsOf(events).length >= 4, 5000, 'a fourth error');
  assert.match(errorsOf(events)[3]!.message, /already has an output/);

  // Per-response tools are checked like the session's.
  rt.send({ type: 'response.create', event_id: 'ev_resp_tools', response: { tools: [{ type: 'function', name: 'no spaces allowed' }] } } as never);
  await waitFor(() => errorsOf(events).length >= 5, 5000, 'an error for response.tools');
  assert.deepEqual([errorsOf(events)[4]!.param, errorsOf(events)[4]!.event_id], ['response.tools', 'ev_resp_tools']);

  // A call whose response is cancelled: its output is refused.
  const before = of(events, 'response.function_call_arguments.done').length;
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Slowly, what is the weather?' }] } });
  rt.send({ type: 'response.create' });
  await until(events, (e) => e.type === 'response.function_call_arguments.done' && of(events, 'response.function_call_arguments.done').length > before, 'second call');
  const second = of(events, 'response.function_call_arguments.done').at(-1) as Ev & { call_id: string; response_id: string };
  rt.send({ type: 'response.cancel' });
  await until(events, (e) => e.type === 'response.done' && (e.response as { id: string }).id === second.response_id, 'cancelled response');
  rt.send({ type: 'conversation.item.create', event_id: 'ev_cancelled', item: { type: 'function_call_output', call_id: second.call_id, output: '{}' } });
  await waitFor(() => errorsOf(events).length >= 6, 5000, 'a sixth error');
  const cancelled = errorsOf(events)[5]!;
  assert.deepEqual([cancelled.code, cancelled.event_id], ['invalid_value', 'ev_cancelled']);
  assert.match(cancelled.message, /cancelled/);
  rt.close();
});
