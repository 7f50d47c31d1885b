/**
 * Tools over the native protocol (a real server on loopback, a worker thread, the loopback Chat
 * Completions server as the language model): tools declared in `start`, a `tool_call` message out,
 * the client's `tool_result` back, and the answer spoken; bad results get clear errors and the
 * session goes on.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseClientMessage, type ServerMessage } from '../src/server/protocol.js';
import { startChatCompletionsServer } from './helpers/chat-completions-server.js';
import { closeSharedComponents, RawClient, testServer, wsUrl } from './helpers/server.js';

const llm = await startChatCompletionsServer((_last, body) => {
  const tool = body.messages.find((m) => m.role === 'tool');
  if (tool) return `It is ${JSON.parse(tool.content ?? '{}').sky} in Paris.`;
  return { toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
});
const server = await testServer({ workers: 1, warmSessions: 1, engine: { dialogue: { baseUrl: llm.baseUrl, model: 'loopback' } } });
after(async () => {
  await server.close();
  await llm.close();
  await closeSharedComponents();
});

const WEATHER = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

test('start declares tools; tool_call goes out, tool_result comes back, and the answer is spoken (through a worker thread)', async () => {
  const c = await RawClient.connect(wsUrl(server));
  const ready = await c.start({ client: 'tools test', tools: [WEATHER], toolChoice: 'auto' });
  c.send({ type: 'text', text: 'What is the weather in Paris?' });
  const call = (await c.next((m) => m.type === 'tool_call')) as Extract<ServerMessage, { type: 'tool_call' }>;
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
  assert.ok(llm.requests[0]?.tools?.[0]?.function.name === 'get_weather', 'the model was offered the tool');

  // Wrong answers first: each is an error message, and the call still waits for its result.
  c.send({ type: 'tool_result', callId: 'call_nope', output: '{}' });
  assert.match((await c.error('UNKNOWN_TOOL_CALL')).message, /call_nope/);
  c.send({ type: 'tool_result', callId: call.callId, output: { sky: 'sunny' } });
  assert.match((await c.error('BAD_MESSAGE')).message, /'output' must be a string/);
  c.send({ type: 'tool_result', output: 'x' });
  assert.match((await c.error('BAD_MESSAGE')).message, /'callId'/);

  c.send({ type: 'tool_result', callId: call.callId, output: '{"sky":"sunny"}' });
  const spoken = await c.next((m) => m.type === 'spoken' && m.kind === 'reply' && /sunny/.test(m.text), 20_000);
  assert.ok(spoken);
  await c.next((m) => m.type === 'event' && m.event.type === 'agent_speech_stop');
  c.send({ type: 'tool_result', callId: call.callId, output: '{}' });
  assert.match((await c.error('UNKNOWN_TOOL_CALL')).message, /already has a result/);
  const last = llm.requests.at(-1)!;
  assert.deepEqual(last.messages.slice(-2).map((m) => m.role), ['assistant', 'tool']);
  const events = c.messages.flatMap((m) => (m.type === 'event' ? [m.event.type] : []));
  assert.ok(events.includes('tool_call') && events.includes('tool_result'), 'both on the timeline');
  // Tools can change mid-session (control set_tools); a bad declaration is refused, the session goes on.
  c.send({ type: 'control', action: 'set_tools', tools: [{ name: 'bad name' }] });
  assert.match((await c.error('BAD_MESSAGE')).message, /'tools': tools\[0\]\.name/);
  c.send({ type: 'control', action: 'set_tools', tools: [] });
  await c.next((m) => m.type === 'event' && m.event.type === 'control' && m.event.action === 'set_tools');
  c.send({ type: 'stop' });
  await c.closed;
  // The session's record shows the call and its result between the turns.
  const dir = server.options.recording.sessionsDir;
  const folder = readdirSync(dir).find((d) => d.includes(ready.sessionId))!;
  const transcript = await waitForFile(join(dir, folder, 'transcript.txt'));
  assert.match(transcript, /user \(typed\): +What is the weather in Paris\?\n.*agent calls get_weather\(\{"city":"Paris"\}\)\n.*get_weather answers: \{"sky":"sunny"\}\n.*agent: It is sunny in Paris\./);
});

test('malformed tool declarations in start are refused with a clear message', () => {
  const start = (extra: object) => JSON.stringify({ type: 'start', protocol: 1, inputSampleRate: 16000, ...extra });
  assert.throws(() => parseClientMessage(start({ tools: [{ name: 'bad name' }] })), /'tools': tools\[0\]\.name/);
  assert.throws(() => parseClientMessage(start({ tools: [WEATHER, WEATHER] })), /declared twice/);
  assert.throws(() => parseClientMessage(start({ tools: [WEATHER], toolChoice: { type: 'function', name: 'other' } })), /not among the tools/);
  const ok = parseClientMessage(start({ tools: [WEATHER], toolChoice: { type: 'function', function: { name: 'get_weather' } } }));
  assert.deepEqual(ok.type === 'start' && ok.toolChoice, { type: 'function', name: 'get_weather' });
});

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    try {
      const text = readFileSync(path, 'utf8');
      if (text.includes('agent:')) return text;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return readFileSync(path, 'utf8');
}
