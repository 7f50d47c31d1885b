/**
 * Function calling through the OpenAI-compatible client against a loopback server that streams
 * `tool_calls` exactly as Chat Completions does, the embedded model's plain refusal, and the library's
 * `tools` with handlers on createLocalSession (real flite, pocketsphinx and Silero; a typed turn).
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { VirtualClock } from '../src/audio/clock.js';
import { EmbeddedDialogueModel, NO_TOOLS_NOTICE } from '../src/dialogue/embedded.js';
import { OpenAiCompatibleModel } from '../src/dialogue/openai-compatible.js';
import type { ToolCall } from '../src/dialogue/types.js';
import { createLocalSession } from '../src/engine/local.js';
import { startChatCompletionsServer } from './helpers/chat-completions-server.js';

const server = await startChatCompletionsServer((_last, body) => {
  if (body.messages.at(-1)!.role === 'tool') {
    const weather = body.messages.find((m) => m.role === 'tool' && m.content?.startsWith('{'));
    return `The weather service says ${weather ? JSON.parse(weather.content!).sky : 'nothing'}.`;
  }
  return { text: 'Let me look. ', toolCalls: [{ name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' }, { name: 'get_time', arguments: '{}' }] };
});
after(() => server.close());

const TOOLS = [
  { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time' },
];

test('the client sends the tools and assembles streamed tool calls from fragments', async () => {
  const model = new OpenAiCompatibleModel({ baseUrl: server.baseUrl, model: 'loopback', apiKey: undefined }, {});
  const calls: ToolCall[] = [];
  let text = '';
  for await (const d of model.reply({ history: [{ role: 'user', content: 'weather in paris?' }], signal: new AbortController().signal, tools: TOOLS, toolChoice: 'auto', onToolCall: (c) => calls.push(c) })) text += d;
  assert.equal(text, 'Let me look. ');
  assert.equal(calls.length, 2);
  assert.equal(calls[0]!.name, 'get_weather');
  assert.deepEqual(JSON.parse(calls[0]!.arguments), { city: 'Paris', unit: 'celsius' });
  assert.match(calls[0]!.id, /^call_/);
  assert.equal(calls[1]!.name, 'get_time');
  const body = server.requests.at(-1)!;
  assert.deepEqual(body.tools, [
    { type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: TOOLS[0]!.parameters } },
    { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
  ]);
  assert.equal(body.tool_choice, 'auto');
  await model.close();
});

test('the history carries calls and results as Chat Completions messages, each call answered', async () => {
  const model = new OpenAiCompatibleModel({ baseUrl: server.baseUrl, model: 'loopback', apiKey: undefined }, {});
  let text = '';
  const history = [
    { role: 'user' as const, content: 'weather and time?' },
    { role: 'assistant' as const, content: '', toolCalls: [{ id: 'call_a', name: 'get_weather', arguments: '{}' }, { id: 'call_b', name: 'get_time', arguments: '{}' }] },
    { role: 'user' as const, content: 'hurry up' }, // spoken while the tools ran
    { role: 'tool' as const, content: '{"sky":"sunny"}', toolCallId: 'call_a' },
  ];
  for await (const d of model.reply({ history, signal: new AbortController().signal, tools: TOOLS })) text += d;
  const msgs = server.requests.at(-1)!.messages.slice(1);
  assert.deepEqual(msgs, [
    { role: 'user', content: 'weather and time?' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }, { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 'call_a', content: '{"sky":"sunny"}' },
    { role: 'tool', tool_call_id: 'call_b', content: 'No result: the call was cancelled.' },
    { role: 'user', content: 'hurry up' },
  ]);
  assert.equal(text, 'Let me look. ', 'the last message is the user turn, so the server calls again');
  await model.close();
});

test('the embedded model says once that it cannot use tools, and how to get a model that can', async () => {
  const model = new EmbeddedDialogueModel();
  const ask = async (history: { role: 'user' | 'assistant'; content: string }[]) => {
    let text = '';
    for await (const d of model.reply({ history, signal: new AbortController().signal, tools: TOOLS })) text += d;
    return text;
  };
  const first = await ask([{ role: 'user', content: 'hello' }]);
  assert.ok(first.startsWith(NO_TOOLS_NOTICE), first);
  assert.match(first, /--llm-url/);
  const second = await ask([{ role: 'user', content: 'hello' }, { role: 'assistant', content: first }, { role: 'user', content: 'thanks' }]);
  assert.ok(!second.includes('--llm-url'), 'said once per conversation');
});

test('library: createLocalSession with tools and handlers answers a typed request with the tool result, spoken', async () => {
  const clock = new VirtualClock();
  const seen: unknown[] = [];
  const session = await createLocalSession(clock, {
    dialogue: { baseUrl: server.baseUrl, model: 'loopback', apiKey: 'none' },
    tools: [
      { ...TOOLS[0]!, handler: async (args) => (seen.push(args), { sky: 'sunny' }) },
      { name: 'get_time', handler: () => { throw new Error('no clock here'); } },
    ],
  });
  await session.respond('what is the weather in paris');
  let audio = 0;
  for (let i = 0; i < 2000 && !session.events.some((e) => e.type === 'agent_speech_stop'); i++) {
    audio += session.pullAudio(512).some((s) => s !== 0) ? 1 : 0;
    await clock.advance(0.032);
    await session.settle();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(seen, [{ city: 'Paris', unit: 'celsius' }]);
  const results = session.events.filter((e) => e.type === 'tool_result');
  assert.deepEqual(results.map((e) => [e.name, e.isError]).sort(), [['get_time', true], ['get_weather', false]]);
  const texts = session.events.filter((e) => e.type === 'agent_text').map((e) => e.text);
  assert.deepEqual(texts, ['Let me look.', 'The weather service says sunny.']);
  assert.ok(audio > 10, 'the answer was synthesized and played');
  assert.equal(session.events.filter((e) => e.type === 'error').length, 0);
  await session.close();
});
