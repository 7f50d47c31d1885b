/**
 * Tool calls on scripted components (fake VAD, ASR, TTS and dialogue, virtual clock): the duplex rules
 * around them. A speculative reply's call never runs unless the turn is committed; a slow tool gets a
 * filler; a barge-in while a tool runs cancels the pending answer, not the user's new turn, and the
 * call and its result still enter the history.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DialogueRequest, ToolCall } from '../src/dialogue/types.js';
import { toolsWithHandlers, type ToolDefinition } from '../src/engine/tools.js';
import type { FullduplexError } from '../src/errors.js';
import { fakeSession } from './helpers/fake-session.js';

const WEATHER_CALL: ToolCall = { id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' };

/** The model calls get_weather for a weather question, and answers once it has the result. */
function weatherModel(req: DialogueRequest) {
  const last = req.history.at(-1)!;
  if (last.role === 'tool') return { text: `It is ${JSON.parse(last.content).sky} in Paris.` };
  if (last.content.includes('weather')) return { text: '', toolCalls: [{ ...WEATHER_CALL, id: `call_${req.history.length}` }] };
  return { text: 'Okay.' };
}

function weatherTool(delayS: number, clock: { sleep(s: number): Promise<void> } | undefined, calls: unknown[]): ToolDefinition {
  return {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    async handler(args) {
      calls.push(args);
      if (delayS > 0) await clock!.sleep(delayS);
      return { sky: 'sunny' };
    },
  };
}

test('a tool call in a discarded speculation never runs; the committed turn is answered', async () => {
  const ran: unknown[] = [];
  const f = await fakeSession({
    speech: [
      { startMs: 200, endMs: 1000 },
      { startMs: 1400, endMs: 2400 },
    ],
    asr: ['the weather', 'never mind'],
    // Only the fragment asks for the weather; the whole turn ("the weather never mind") does not.
    replies: (req) => (req.history.at(-1)!.content === 'the weather' ? weatherModel(req) : { text: 'Okay.' }),
    tools: toolsWithHandlers([weatherTool(0, undefined, ran)]),
  });
  await f.run(5000);
  assert.equal(f.events('speculation_start')[0]?.text, 'the weather');
  assert.ok(f.events('speculation_discarded').length >= 1, 'the speculation was thrown away');
  assert.ok(f.dialogue.fullRequests.some((r) => r.tools?.length === 1), 'the speculative request offered the tool (and the model called it)');
  assert.deepEqual(ran, [], 'the handler never ran');
  assert.equal(f.events('tool_call').length, 0);
  assert.deepEqual(f.session.toolRuns, { committed: 0, uncommitted: 0 });
  assert.deepEqual(f.events('agent_speech_start').map((e) => e.text), ['Okay.']);
  await f.session.close();
});

test('a slow tool: the agent says a filler past the threshold, then answers with the result', async () => {
  const ran: unknown[] = [];
  let clock: { sleep(s: number): Promise<void> } | undefined;
  const f = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: ['what is the weather in paris'],
    replies: weatherModel,
    tools: toolsWithHandlers([weatherTool(1, { sleep: (s) => clock!.sleep(s) }, ran)]),
    toolOptions: { fillerAfterMs: 200, fillers: ['One moment.'] },
  });
  clock = f.clock;
  await f.run(6000);
  assert.deepEqual(ran, [{ city: 'Paris' }]);
  const [call] = f.events('tool_call');
  const [result] = f.events('tool_result');
  const [filler] = f.events('tool_filler');
  const [reply] = f.events('agent_reply_start');
  assert.ok(call && result && filler && reply);
  assert.ok(call.t >= reply.t, 'the call runs after the commit');
  assert.ok(filler.t - call.t >= 0.2 - 1e-6 && filler.t - call.t < 0.3, `filler ${((filler.t - call.t) * 1000).toFixed(0)} ms after the call`);
  assert.ok(result.t - call.t >= 1 - 1e-6, 'the result came after the tool’s second');
  assert.deepEqual(f.events('agent_text').map((e) => e.text), ['One moment.', 'It is sunny in Paris.']);
  assert.deepEqual(f.events('agent_speech_stop').map((e) => e.reason), ['completed']);
  // The model's second request carried the call and its result.
  const second = f.dialogue.requests[1]!;
  assert.deepEqual(second.slice(-2), [
    { role: 'assistant', content: 'One moment.', toolCalls: [{ ...WEATHER_CALL, id: call.callId }] },
    { role: 'tool', content: '{"sky":"sunny"}', toolCallId: call.callId },
  ]);
  // …and so does the session's history.
  assert.deepEqual(
    f.session.history.map((m) => m.role),
    ['user', 'assistant', 'tool', 'assistant'],
  );
  assert.equal(f.session.history.at(-1)?.content, 'One moment. It is sunny in Paris.');
  assert.deepEqual(f.session.toolRuns, { committed: 1, uncommitted: 0 });
  await f.session.close();
});

test('a quick tool gets no filler', async () => {
  const f = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: ['what is the weather in paris'],
    replies: weatherModel,
    tools: toolsWithHandlers([weatherTool(0, undefined, [])]),
  });
  await f.run(4000);
  assert.equal(f.events('tool_filler').length, 0);
  assert.deepEqual(f.events('agent_text').map((e) => e.text), ['It is sunny in Paris.']);
  await f.session.close();
});

test('a barge-in during a tool call cancels the pending answer, not the new turn; the result is recorded', async () => {
  let clock: { sleep(s: number): Promise<void> } | undefined;
  const f = await fakeSession({
    speech: [
      { startMs: 200, endMs: 1400 },
      { startMs: 2200, endMs: 3400 }, // while the 3 s tool runs
    ],
    asr: ['what is the weather in paris', 'never mind tell me a joke'],
    replies: weatherModel,
    tools: toolsWithHandlers([weatherTool(3, { sleep: (s) => clock!.sleep(s) }, [])]),
    toolOptions: { fillerAfterMs: 200, fillers: ['One moment.'] },
  });
  clock = f.clock;
  await f.run(9000);
  const stops = f.events('agent_speech_stop');
  assert.equal(stops[0]?.reason, 'interrupted', 'the waiting reply was cut');
  const finals = f.events('transcript_final').map((e) => e.text);
  assert.deepEqual(finals, ['what is the weather in paris', 'never mind tell me a joke'], 'the new turn was heard whole');
  const texts = f.events('agent_text').map((e) => e.text);
  assert.ok(!texts.some((t) => t.includes('sunny')), `the weather answer was never spoken: ${texts.join(' | ')}`);
  assert.equal(texts.at(-1), 'Okay.', 'the new turn was answered');
  const [result] = f.events('tool_result');
  assert.equal(result?.output, '{"sky":"sunny"}', 'the tool finished and its result was recorded');
  const roles = f.session.history.map((m) => m.role);
  assert.ok(roles.includes('tool') && f.session.history.some((m) => m.toolCalls?.length === 1), `history: ${roles.join(',')}`);
  await f.session.close();
});

test('a failing or hanging tool becomes an error result the model answers; the session goes on', async () => {
  const errors: string[] = [];
  const f = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: ['what is the weather in paris'],
    replies: (req) => {
      const last = req.history.at(-1)!;
      if (last.role === 'tool') return { text: last.content.startsWith('Error') ? 'Sorry, the weather service failed.' : 'Odd.' };
      return weatherModel(req);
    },
    tools: toolsWithHandlers([{ name: 'get_weather', handler: () => { throw new Error('service down'); } }]),
    onEvent: (e) => e.type === 'error' && errors.push(e.message),
  });
  await f.run(4000);
  assert.equal(f.events('tool_result')[0]?.isError, true);
  assert.match(f.events('tool_result')[0]!.output, /service down/);
  assert.deepEqual(f.events('agent_text').map((e) => e.text).at(-1), 'Sorry, the weather service failed.');
  await f.session.close();

  const g = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: ['what is the weather in paris'],
    replies: (req) => (req.history.at(-1)!.role === 'tool' ? { text: 'It timed out.' } : weatherModel(req)),
    tools: toolsWithHandlers([{ name: 'get_weather', handler: () => new Promise(() => undefined) }]),
    toolOptions: { timeoutMs: 1000 },
  });
  await g.run(5000);
  assert.match(g.events('tool_result')[0]?.output ?? '', /did not answer within 1 s/);
  assert.equal(g.events('agent_text').at(-1)?.text, 'It timed out.');
  await g.session.close();
});

test('results from the application: submitToolResult answers a call; unknown ids are refused', async () => {
  const f = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: ['what is the weather in paris'],
    replies: weatherModel,
    tools: { specs: [{ name: 'get_weather' }] },
  });
  const calls: string[] = [];
  f.session.setTools({ specs: [{ name: 'get_weather' }] });
  await f.run(2500);
  for (const c of f.events('tool_call')) calls.push(c.callId);
  assert.equal(calls.length, 1);
  assert.throws(() => f.session.submitToolResult('call_nope', '{}'), (e: FullduplexError) => e.code === 'BAD_ARGUMENT' && /call_nope/.test(e.message));
  f.session.submitToolResult(calls[0]!, '{"sky":"sunny"}');
  assert.throws(() => f.session.submitToolResult(calls[0]!, '{}'), /already has a result/);
  await f.run(2000);
  assert.equal(f.events('agent_text').at(-1)?.text, 'It is sunny in Paris.');
  assert.throws(() => f.session.setTools({ specs: [{ name: 'bad name!' }] }), /name must be/);
  await f.session.close();
});
