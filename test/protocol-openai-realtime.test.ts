import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import type { RealtimeClientEvent as OpenAIClientEvent } from 'openai/resources/realtime/realtime';
import {
  lookupAudioFormat,
  parseClientEvent,
  parseServerEvent,
  serverEventToDialect,
  sessionDialect,
  sessionToBeta,
  sessionToGa,
  itemToGa,
  toBetaEventType,
  toGaEventType,
  type RealtimeErrorEvent,
  type RealtimeServerEvent,
} from '../src/protocols/openai-realtime/events.js';
import { pcm16ToBase64 } from '../src/protocols/codecs/pcm-base64.js';

const ids = () => {
  let n = 0;
  return () => `event_test_${++n}`;
};

function expectError(frame: string | Uint8Array, code: string, param: string | null, clientEventId: string | null = null): RealtimeErrorEvent {
  const r = parseClientEvent(frame, { newEventId: ids() });
  assert.equal(r.ok, false, `expected an error for ${String(frame).slice(0, 80)}`);
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.type, 'error');
  assert.equal(r.error.event_id, 'event_test_1');
  assert.equal(r.error.error.type, 'invalid_request_error');
  assert.equal(r.error.error.code, code);
  assert.equal(r.error.error.param, param);
  assert.equal(r.error.error.event_id, clientEventId);
  assert.ok(r.error.error.message.length > 10);
  return r.error;
}

function expectOk(event: unknown): void {
  const r = parseClientEvent(JSON.stringify(event));
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
}

test('valid client events in both dialects parse (typed with the openai package for GA)', () => {
  const ga: OpenAIClientEvent[] = [
    {
      type: 'session.update',
      event_id: 'c1',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        output_modalities: ['audio'],
        audio: {
          input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'semantic_vad', eagerness: 'auto' }, transcription: { model: 'whisper-1' } },
          output: { format: { type: 'audio/pcmu' }, voice: 'alloy' },
        },
      },
    },
    { type: 'input_audio_buffer.append', audio: pcm16ToBase64(new Int16Array(480)) },
    { type: 'input_audio_buffer.commit' },
    { type: 'input_audio_buffer.clear' },
    { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
    { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 1234 },
    { type: 'conversation.item.delete', item_id: 'item_1' },
    { type: 'conversation.item.retrieve', item_id: 'item_1' },
    { type: 'response.create' },
    { type: 'response.create', response: { instructions: 'x', output_modalities: ['text'] } },
    { type: 'response.cancel' },
    { type: 'output_audio_buffer.clear' },
  ];
  ga.forEach(expectOk);
  expectOk({
    type: 'session.update',
    session: { modalities: ['text', 'audio'], input_audio_format: 'g711_ulaw', output_audio_format: 'pcm16', voice: 'verse', turn_detection: null, input_audio_transcription: null },
  });
  expectOk({ type: 'session.update', session: { audio: { input: { format: 'audio/pcma', turn_detection: { type: 'server_vad', silence_duration_ms: 500 } } } } });
  const bytes = new TextEncoder().encode(JSON.stringify({ type: 'input_audio_buffer.commit', event_id: 'b' }));
  assert.ok(parseClientEvent(bytes).ok, 'UTF-8 bytes are accepted like text');
});

test('invalid client frames become the protocol error event', () => {
  expectError('{"type": "session.update",', 'invalid_json', null);
  expectError(new Uint8Array([0xff, 0xfe]), 'invalid_json', null);
  expectError('[1,2]', 'invalid_type', null);
  expectError('"hello"', 'invalid_type', null);
  expectError('{"event_id":"e1"}', 'missing_required_parameter', 'type', 'e1');
  expectError('{"type":42}', 'invalid_type', 'type');
  const unknown = expectError('{"type":"response.explode","event_id":"e2"}', 'invalid_value', 'type', 'e2');
  assert.match(unknown.error.message, /response\.explode.*Supported values/);
  expectError('{"type":"input_audio_buffer.append","event_id":"e3","audio":"not base64!"}', 'invalid_value', 'audio', 'e3');
  expectError('{"type":"input_audio_buffer.append","audio":"AAA"}', 'invalid_value', 'audio');
  expectError('{"type":"input_audio_buffer.append"}', 'missing_required_parameter', 'audio');
  expectError('{"type":"input_audio_buffer.append","audio":123}', 'invalid_type', 'audio');
  expectError('{"type":"conversation.item.truncate","item_id":"i","content_index":0,"audio_end_ms":-5}', 'invalid_type', 'audio_end_ms');
  expectError('{"type":"conversation.item.truncate","item_id":"i","audio_end_ms":5}', 'missing_required_parameter', 'content_index');
  expectError('{"type":"conversation.item.create","item":{"role":"user"}}', 'missing_required_parameter', 'item.type');
  expectError('{"type":"session.update"}', 'missing_required_parameter', 'session');
  expectError('{"type":"session.update","session":{"input_audio_format":"pcm8"}}', 'invalid_value', 'session.input_audio_format');
  expectError('{"type":"session.update","session":{"audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}}', 'invalid_value', 'session.audio.input.format');
  expectError('{"type":"session.update","session":{"output_modalities":["video"]}}', 'invalid_value', 'session.output_modalities');
  expectError('{"type":"session.update","session":{"turn_detection":{"type":"magic_vad"}}}', 'invalid_value', 'session.turn_detection');
  expectError('{"type":"session.update","session":{"type":"chat"}}', 'invalid_value', 'session.type');
  expectError('{"type":"response.cancel","event_id":7}', 'invalid_type', 'event_id');
  // Default ids look like OpenAI's.
  const r = parseClientEvent('nope');
  assert.ok(!r.ok && /^event_[0-9a-f]{22}$/.test(r.error.event_id));
});

test('audio formats in every spelling', () => {
  assert.deepEqual(lookupAudioFormat('pcm16')?.ga, { type: 'audio/pcm', rate: 24000 });
  assert.deepEqual(lookupAudioFormat({ type: 'audio/pcm' })?.beta, 'pcm16');
  assert.equal(lookupAudioFormat({ type: 'audio/pcm', rate: 24000 })?.sampleRate, 24000);
  assert.equal(lookupAudioFormat('g711_ulaw')?.ga.type, 'audio/pcmu');
  assert.equal(lookupAudioFormat({ type: 'audio/pcmu' })?.beta, 'g711_ulaw');
  assert.equal(lookupAudioFormat('audio/pcma')?.beta, 'g711_alaw');
  assert.equal(lookupAudioFormat('g711_alaw')?.sampleRate, 8000);
  assert.equal(lookupAudioFormat('mp3'), null);
  assert.equal(lookupAudioFormat({ type: 'audio/pcm', rate: 16000 }), null);
});

test('beta ↔ GA session and event-name normalisation', () => {
  const beta = {
    instructions: 'hi',
    modalities: ['audio', 'text'] as ('audio' | 'text')[],
    input_audio_format: 'pcm16' as const,
    output_audio_format: 'g711_ulaw' as const,
    voice: 'alloy',
    turn_detection: { type: 'server_vad' as const, threshold: 0.5 },
    input_audio_transcription: null,
    max_response_output_tokens: 'inf' as const,
    temperature: 0.8,
  };
  assert.equal(sessionDialect(beta), 'beta');
  const ga = sessionToGa(beta);
  assert.deepEqual(ga, {
    instructions: 'hi',
    output_modalities: ['audio', 'text'],
    max_output_tokens: 'inf',
    temperature: 0.8,
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad', threshold: 0.5 }, transcription: null },
      output: { format: { type: 'audio/pcmu' }, voice: 'alloy' },
    },
  });
  assert.equal(sessionDialect(ga), 'ga');
  assert.deepEqual(sessionToBeta(ga), beta);
  assert.deepEqual(sessionToGa(ga), ga, 'GA stays GA');
  // GA string formats become objects; a GA field beats its beta twin.
  assert.deepEqual(sessionToGa({ audio: { output: { format: 'audio/pcma' as never, voice: 'ash' } }, voice: 'alloy' }).audio?.output, { format: { type: 'audio/pcma' }, voice: 'ash' });
  assert.equal(sessionToBeta({ type: 'realtime', output_modalities: ['text'] })['type'], undefined);

  assert.equal(toGaEventType('response.audio.delta'), 'response.output_audio.delta');
  assert.equal(toGaEventType('response.audio_transcript.done'), 'response.output_audio_transcript.done');
  assert.equal(toGaEventType('response.text.delta'), 'response.output_text.delta');
  assert.equal(toBetaEventType('response.output_audio.done'), 'response.audio.done');
  assert.equal(toBetaEventType('response.done'), 'response.done');

  assert.deepEqual(itemToGa({ type: 'message', role: 'assistant', content: [{ type: 'audio', transcript: 'x' }] }).content, [{ type: 'output_audio', transcript: 'x' }]);
  assert.deepEqual(itemToGa({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] }).content, [{ type: 'input_text', text: 'x' }]);
});

test('server events: parse either dialect to GA, write GA or beta', () => {
  const delta: RealtimeServerEvent = { type: 'response.output_audio.delta', event_id: 'e1', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAAA' };
  const asBeta = serverEventToDialect(delta, 'beta');
  assert.equal(asBeta['type'], 'response.audio.delta');
  assert.equal(serverEventToDialect(delta, 'ga'), delta);
  const parsed = parseServerEvent(JSON.stringify(asBeta));
  assert.deepEqual(parsed, { known: true, event: delta, dialect: 'beta' });

  const created = parseServerEvent(JSON.stringify({ type: 'session.created', event_id: 'e', session: { input_audio_format: 'g711_alaw', modalities: ['audio'] } }));
  assert.equal(created.dialect, 'beta');
  assert.deepEqual((created.event as { session: unknown }).session, { output_modalities: ['audio'], audio: { input: { format: { type: 'audio/pcma' } } } });

  const done = serverEventToDialect(
    { type: 'response.done', event_id: 'e', response: { id: 'r', status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'hel' }] }] } },
    'beta',
  );
  assert.deepEqual((done['response'] as { output: { content: unknown }[] }).output[0]!.content, [{ type: 'audio', transcript: 'hel' }]);

  assert.equal(parseServerEvent('{"type":"conversation.item.input_audio_transcription.delta","delta":"x"}').known, false);
  assert.throws(() => parseServerEvent('{"type":"response.output_audio.delta","delta":"AAAA"}'), /response_id/);
  assert.throws(() => parseServerEvent('not json'));
  assert.throws(() => parseServerEvent('{"no":"type"}'));
});

/**
 * The real @openai/agents-realtime client, pointed at a loopback WebSocket: every frame it sends —
 * session setup, audio, text, response requests and the barge-in truncate — must pass parseClientEvent.
 */
test('frames sent by @openai/agents-realtime all validate', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as { port: number }).port;
  const frames: string[] = [];
  let socket: WsSocket | undefined;
  wss.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data) => frames.push(data.toString()));
    ws.send(JSON.stringify({ type: 'session.created', event_id: 'e0', session: { type: 'realtime', id: 'sess_1', audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { format: { type: 'audio/pcm', rate: 24000 } } } } }));
  });
  const transport = new OpenAIRealtimeWebSocket({ url: `ws://127.0.0.1:${port}/v1/realtime?model=test` });
  try {
    await transport.connect({ apiKey: 'sk-loopback-test', model: 'gpt-realtime', initialSessionConfig: { instructions: 'Be brief.', voice: 'alloy' } });
    transport.sendAudio(new Int16Array(2400).buffer, { commit: true });
    transport.sendMessage('hello there', {});
    transport.requestResponse?.();
    // Play a bit of assistant audio so that interrupt() has something to truncate.
    const send = (e: object) => socket!.send(JSON.stringify(e));
    send({ type: 'response.created', event_id: 'e1', response: { id: 'resp_1', status: 'in_progress', output: [] } });
    send({ type: 'response.output_item.added', event_id: 'e2', response_id: 'resp_1', output_index: 0, item: { id: 'item_9', type: 'message', role: 'assistant', content: [] } });
    send({ type: 'response.output_audio.delta', event_id: 'e3', response_id: 'resp_1', item_id: 'item_9', output_index: 0, content_index: 0, delta: pcm16ToBase64(new Int16Array(4800)) });
    await new Promise((r) => setTimeout(r, 150));
    transport.interrupt();
    await new Promise((r) => setTimeout(r, 150));
  } finally {
    transport.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
  if (process.env["PROTOCOL_TEST_DUMP"]) for (const f of frames) console.log(f.slice(0, 400));
  const types = frames.map((f) => {
    const r = parseClientEvent(f);
    assert.ok(r.ok, `${f.slice(0, 200)} → ${r.ok ? '' : JSON.stringify(r.error.error)}`);
    return r.event.type;
  });
  for (const t of ['session.update', 'input_audio_buffer.append', 'input_audio_buffer.commit', 'conversation.item.create', 'response.create', 'conversation.item.truncate']) {
    assert.ok(types.includes(t as never), `saw ${t} (got ${types.join(', ')})`);
  }
});
