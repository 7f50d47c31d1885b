/**
 * The OpenAI Realtime endpoint driven by the `openai` package's own WebSocket client (OpenAIRealtimeWS).
 * The package always builds a wss:// URL; its `options` go to the `ws` constructor, whose
 * `createConnection` lets it speak plain TCP to our loopback server. Also: beta clients (header
 * `OpenAI-Beta: realtime=v1`, flat session fields, beta event names) on a raw socket.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { openaiRealtimeClient, type RealtimeEvent } from './helpers/openai-realtime-client.js';
import WebSocket from 'ws';
import { decodeMulaw, encodeAlaw, encodeMulaw } from '../src/protocols/codecs/g711.js';
import { base64ToPcm16, decodeBase64, encodeBase64 } from '../src/protocols/codecs/pcm-base64.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeProtocolShared, concat, hear, lastRecordedEvents, paced, protocolServer, seconds, sharedWords, speechIn, track, waitFor } from './helpers/protocol-endpoints.js';

type Ev = RealtimeEvent;
type Server = Awaited<ReturnType<typeof protocolServer>>;
let server: Server;
before(async () => {
  server = await protocolServer();
});
after(async () => {
  await server.close();
  await closeProtocolShared();
});

/** The openai package's client, pointed at the loopback server over plain TCP. */
const openaiClient = () => openaiRealtimeClient(server.port);

const of = (events: readonly Ev[], type: string) => events.filter((e) => e.type === type);
const status = (e: Ev) => (e.response as { status: string; status_details: { reason?: string } | null });

async function until(events: readonly Ev[], test: (e: Ev) => boolean, what: string, timeoutMs = 20_000): Promise<Ev> {
  await waitFor(() => events.some(test), timeoutMs, `${what}; got ${[...new Set(events.map((e) => e.type))].join(', ')}`);
  return events.find(test)!;
}

test('openai package: G.711 μ-law both ways with server_vad; the answer is speech at 8 kHz', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad', silence_duration_ms: 600 } }, output: { format: { type: 'audio/pcmu' } } } } });
  const updated = await until(events, (e) => e.type === 'session.updated', 'session.updated');
  const td = (updated.session as { audio: { input: { turn_detection: Record<string, unknown> } } }).audio.input.turn_detection;
  assert.deepEqual({ type: td['type'], threshold: td['threshold'], prefix: td['prefix_padding_ms'], silence: td['silence_duration_ms'] }, { type: 'server_vad', threshold: 0.5, prefix: 300, silence: 600 });
  const live = server.sessions.at(-1)!.predictor.options;
  assert.equal(live.endOfTurn.commitUnsureMs, 600, 'silence_duration_ms became the end-of-turn wait');

  const user = await track([0.5, 'What time is it?', 3.5], 8000);
  await paced(Math.ceil(user.samples.length / 160), 20, (k) => rt.send({ type: 'input_audio_buffer.append', audio: encodeBase64(encodeMulaw(user.samples.subarray(k * 160, (k + 1) * 160))) }));
  const done = await until(events, (e) => e.type === 'response.done', 'response.done');
  rt.close();
  assert.equal(status(done).status, 'completed');
  const pcm = { samples: concat(of(events, 'response.output_audio.delta').map((e) => decodeMulaw(decodeBase64(e.delta as string)))), sampleRate: 8000 };
  const transcript = of(events, 'response.output_audio_transcript.done')[0]!.transcript as string;
  // Telephone-band audio is too narrow for the recogniser to check words reliably; its length must fit them.
  const speech = seconds(await speechIn(pcm));
  const words = transcript.split(/\s+/).length;
  assert.ok(speech > 0.8 && words / speech > 1 && words / speech < 6, `${speech.toFixed(2)} s of speech for ${words} words: "${transcript}"`);
  assert.equal(of(events, 'error').length, 0, JSON.stringify(of(events, 'error')));
});

test('openai package: turn_detection null — commit and response.create; cancel, truncate and their errors', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
  await until(events, (e) => e.type === 'session.updated', 'session.updated');
  rt.send({ type: 'input_audio_buffer.commit', event_id: 'commit-empty' });
  const empty = await until(events, (e) => e.type === 'error', 'an error for an empty commit');
  assert.equal((empty.error as { code: string; event_id: string }).code, 'input_audio_buffer_commit_empty');
  assert.equal((empty.error as { event_id: string }).event_id, 'commit-empty', 'the error names the client event');

  const send24k = async (parts: (string | number)[]) => {
    const user = await track(parts, 24000);
    await paced(Math.ceil(user.samples.length / 480), 20, (k) => rt.send({ type: 'input_audio_buffer.append', audio: encodeBase64(new Uint8Array(user.samples.slice(k * 480, (k + 1) * 480).buffer)) }));
  };
  await send24k([0.5, 'What time is it?', 1.5]);
  assert.equal(of(events, 'input_audio_buffer.speech_started').length, 0, 'no speech events without turn detection');
  assert.equal(of(events, 'response.created').length, 0, 'no answer until asked');
  rt.send({ type: 'input_audio_buffer.commit' });
  rt.send({ type: 'response.create' });
  const first = await until(events, (e) => e.type === 'response.done', 'the first response');
  assert.equal(status(first).status, 'completed');
  assert.match((await until(events, (e) => e.type === 'conversation.item.input_audio_transcription.completed', 'transcript')).transcript as string, /time/);

  await send24k([0.3, 'Please tell me a long story.', 1]);
  rt.send({ type: 'input_audio_buffer.commit' });
  rt.send({ type: 'response.create' });
  const created = await until(events, (e) => e.type === 'response.created' && (e.response as { id: string }).id !== (first.response as { id: string }).id, 'the second response');
  const id = (created.response as { id: string }).id;
  const story = () => of(events, 'response.output_audio.delta').filter((e) => e.response_id === id).length;
  await waitFor(() => story() >= 75 || events.some((e) => e.type === 'response.done' && (e.response as { id: string }).id === id), 20_000, 'story audio');
  assert.ok(story() >= 75, `only ${story()} deltas of story: ${JSON.stringify(events.filter((e) => !e.type.endsWith('delta')).slice(-12))}`);
  rt.send({ type: 'response.create', event_id: 'second-create' });
  const busy = await until(events, (e) => e.type === 'error' && (e.error as { event_id: string }).event_id === 'second-create', 'active response error');
  assert.equal((busy.error as { code: string }).code, 'conversation_already_has_active_response');
  rt.send({ type: 'response.cancel' });
  const cancelled = await until(events, (e) => e.type === 'response.done' && (e.response as { id: string }).id === id, 'the cancelled response');
  assert.deepEqual([status(cancelled).status, status(cancelled).status_details?.reason], ['cancelled', 'client_cancelled']);

  const itemId = (cancelled.response as { output: { id: string }[] }).output[0]!.id;
  rt.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 999_999, event_id: 'too-far' });
  const tooFar = await until(events, (e) => e.type === 'error' && (e.error as { event_id: string }).event_id === 'too-far', 'truncate past the end');
  assert.equal((tooFar.error as { param: string }).param, 'audio_end_ms');
  rt.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 800 });
  const truncated = await until(events, (e) => e.type === 'conversation.item.truncated', 'truncated');
  assert.equal(truncated.audio_end_ms, 800);
  rt.send({ type: 'conversation.item.retrieve', item_id: itemId });
  const retrieved = await until(events, (e) => e.type === 'conversation.item.retrieved', 'retrieved');
  const kept = (retrieved.item as { content: { transcript: string }[] }).content[0]!.transcript;
  const full = (cancelled.response as { output: { content: { transcript: string }[] }[] }).output[0]!.content[0]!.transcript;
  assert.ok(kept.split(' ').length < full.split(' ').length && full.startsWith(kept), `kept "${kept}" of "${full}"`);
  assert.ok(server.sessions.at(-1)!.history.some((m) => m.role === 'assistant' && m.content === kept && m.interrupted), 'the engine remembers only what was heard');
  rt.close();
});

test('beta client: OpenAI-Beta header, flat session fields, A-law in, beta event names out, eagerness mapped', async () => {
  const ws = new WebSocket(`${server.url}/v1/realtime?model=fullduplex`, { headers: { Authorization: 'Bearer sk-loopback', 'OpenAI-Beta': 'realtime=v1' } });
  const events: Ev[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Ev));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const created = await until(events, (e) => e.type === 'session.created', 'session.created');
  assert.equal((created.session as Record<string, unknown>)['input_audio_format'], 'pcm16', 'beta session shape');
  ws.send(JSON.stringify({ type: 'session.update', session: { modalities: ['text', 'audio'], input_audio_format: 'g711_alaw', output_audio_format: 'pcm16', turn_detection: { type: 'semantic_vad', eagerness: 'high' }, input_audio_transcription: { model: 'whisper-1' } } }));
  const updated = await until(events, (e) => e.type === 'session.updated', 'session.updated');
  const s = updated.session as Record<string, unknown>;
  assert.equal(s['input_audio_format'], 'g711_alaw');
  assert.equal((s['turn_detection'] as { eagerness: string }).eagerness, 'high');
  assert.equal(server.sessions.at(-1)!.predictor.options.eagerness, 'high', 'eagerness reached the predictor');

  const user = await track([0.5, 'What time is it?', 3.5], 8000);
  await paced(Math.ceil(user.samples.length / 160), 20, (k) => ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: encodeBase64(encodeAlaw(user.samples.subarray(k * 160, (k + 1) * 160))) })));
  await until(events, (e) => e.type === 'response.done', 'response.done');
  ws.close();
  const types = new Set(events.map((e) => e.type));
  for (const t of ['conversation.item.created', 'response.audio.delta', 'response.audio_transcript.delta', 'response.audio.done', 'response.audio_transcript.done']) assert.ok(types.has(t), `no ${t}`);
  for (const t of ['conversation.item.added', 'response.output_audio.delta', 'response.output_audio_transcript.delta']) assert.ok(!types.has(t), `GA event ${t} sent to a beta client`);
  const item = (of(events, 'response.output_item.done')[0]!.item as { content: { type: string }[] }).content[0]!;
  assert.equal(item.type, 'audio', 'beta content part name');
  const pcm = { samples: concat(of(events, 'response.audio.delta').map((e) => base64ToPcm16(e.delta as string))), sampleRate: 24000 };
  assert.ok(seconds(await speechIn(pcm)) > 0.8, 'the answer is speech');
});

test('openai package: output_modalities text — the answer comes as output_text deltas, no audio', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
  await until(events, (e) => e.type === 'session.updated', 'session.updated');
  const user = await track([0.5, 'What time is it?', 3], 24000);
  await paced(Math.ceil(user.samples.length / 480), 20, (k) => rt.send({ type: 'input_audio_buffer.append', audio: encodeBase64(new Uint8Array(user.samples.slice(k * 480, (k + 1) * 480).buffer)) }));
  const done = await until(events, (e) => e.type === 'response.done', 'response.done');
  rt.close();
  assert.equal(status(done).status, 'completed');
  assert.equal(of(events, 'response.output_audio.delta').length, 0, 'no audio');
  const text = of(events, 'response.output_text.done')[0]!.text as string;
  assert.equal(of(events, 'response.output_text.delta').map((e) => e.delta).join(''), text);
  assert.match(text, /\w/);
  assert.deepEqual((done.response as { output: { content: { type: string; text: string }[] }[] }).output[0]!.content[0], { type: 'output_text', text });
});

test('openai package: a typed user message and response.create are answered aloud; nothing new to answer fails cleanly', async () => {
  const { rt, events } = await openaiClient();
  rt.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
  await until(events, (e) => e.type === 'session.updated', 'session.updated');
  rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What time is it?' }] } });
  await until(events, (e) => e.type === 'conversation.item.added', 'item added');
  rt.send({ type: 'response.create' });
  const done = await until(events, (e) => e.type === 'response.done', 'response.done');
  assert.equal(status(done).status, 'completed', JSON.stringify(status(done)));
  const id = (done.response as { id: string }).id;
  const pcm = { samples: concat(of(events, 'response.output_audio.delta').filter((e) => e.response_id === id).map((e) => base64ToPcm16(e.delta as string))), sampleRate: 24000 };
  const transcript = of(events, 'response.output_audio_transcript.done').find((e) => e.response_id === id)!.transcript as string;
  assert.match(transcript, /^It.s /, `the time is answered: "${transcript}"`);
  const heard = await hear(pcm);
  assert.ok(sharedWords(heard, transcript).length >= 2, `the audio says the transcript: heard "${heard}" for "${transcript}"`);
  const history = server.sessions.at(-1)!.history;
  assert.deepEqual(history.slice(0, 1), [{ role: 'user', content: 'What time is it?' }]);
  assert.equal(history.at(-1)?.role, 'assistant');

  // The assistant spoke last: nothing to answer.
  rt.send({ type: 'response.create' });
  const failed = await until(events, (e) => e.type === 'response.done' && (e.response as { id: string }).id !== id, 'the second response');
  const details = (failed.response as { status: string; status_details: { error?: { code: string } } }).status_details;
  assert.deepEqual([status(failed).status, details.error?.code], ['failed', 'no_user_turn']);
  assert.equal(of(events, 'error').length, 0, JSON.stringify(of(events, 'error')));
  rt.close();

  // The session ran on the live runtime, which recorded it like a native one.
  const recorded = await lastRecordedEvents(server.sessionsDir);
  assert.ok(recorded.some((e) => e.type === 'control' && e.action === 'add_context' && e.detail === 'user: What time is it?'), 'the typed item is on the recorded timeline');
  assert.ok(recorded.some((e) => e.type === 'agent_text'), 'the answer is on the recorded timeline');
  const newest = readdirSync(server.sessionsDir).sort().at(-1)!;
  assert.equal((JSON.parse(readFileSync(join(server.sessionsDir, newest, 'session.json'), 'utf8')) as { client: string }).client, 'openai-realtime');
});
