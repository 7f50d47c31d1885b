/**
 * The OpenAI Realtime endpoint driven by the real @openai/agents-realtime client (RealtimeSession over
 * its WebSocket transport, pointed at our loopback URL), with real speech both ways.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { closeProtocolShared, concat, hear, paced, protocolServer, seconds, sharedWords, speechIn, track } from './helpers/protocol-endpoints.js';

type ServerEvent = { type: string; [k: string]: unknown };
type Server = Awaited<ReturnType<typeof protocolServer>>;

let server: Server;
before(async () => {
  server = await protocolServer();
});
after(async () => {
  await server.close();
  await closeProtocolShared();
});

const RATE = 24000;
const FRAME_MS = 20;

/** One conversation through the agents SDK: the user's track streamed in real time, everything recorded. */
async function converse(parts: readonly (string | number)[]) {
  const url = `${server.url}/v1/realtime?model=fullduplex-test`;
  const transport = new OpenAIRealtimeWebSocket({ url });
  const session = new RealtimeSession(new RealtimeAgent({ name: 'tester', instructions: 'Answer briefly.' }), { transport, model: 'fullduplex-test' });
  const events: (ServerEvent & { at: number })[] = [];
  const audio: { at: number; pcm: Int16Array }[] = [];
  const errors: unknown[] = [];
  const t0 = performance.now();
  transport.on('*', (e: ServerEvent) => events.push({ ...e, at: (performance.now() - t0) / 1000 }));
  session.on('audio', (e) => audio.push({ at: (performance.now() - t0) / 1000, pcm: new Int16Array(e.data.slice(0)) }));
  session.on('error', (e) => errors.push(e));
  await session.connect({ apiKey: 'sk-loopback', url });
  const user = await track(parts, RATE);
  const frame = (RATE * FRAME_MS) / 1000;
  const sendStart = (performance.now() - t0) / 1000;
  await paced(Math.ceil(user.samples.length / frame), FRAME_MS, (k) => session.sendAudio(user.samples.slice(k * frame, (k + 1) * frame).buffer));
  // Let the last response finish (the machine may be slow): silence keeps flowing meanwhile, as from a microphone.
  const open = () => ofType(events, 'response.created').length > ofType(events, 'response.done').length;
  const quiet = new Int16Array(frame);
  for (let i = 0; i < 500 && open(); i++) {
    await new Promise((r) => setTimeout(r, FRAME_MS));
    session.sendAudio(quiet.slice().buffer);
  }
  await new Promise((r) => setTimeout(r, 300)); // the SDK's item.retrieve round trips
  const history = structuredClone(session.history);
  session.close();
  return { events, audio, errors, history, sendStart, spans: user.spans };
}

function ofType<E extends ServerEvent>(events: readonly E[], type: string): E[] {
  return events.filter((e) => e.type === type);
}

/** The event timeline, for failure messages. */
function timeline(events: readonly (ServerEvent & { at: number })[]): string {
  return events
    .filter((e) => !e.type.endsWith('.delta'))
    .map((e) => `${e.at.toFixed(2)} ${e.type} ${JSON.stringify(e.response ? { status: (e.response as { status: string }).status } : (e.transcript ?? e.audio_start_ms ?? e.audio_end_ms ?? ''))}`)
    .join('\n');
}

test('agents SDK: a spoken question gets a spoken answer, with transcripts of both sides in the history', async () => {
  const r = await converse([1, 'What time is it?', 4]);
  assert.deepEqual(r.errors, []);
  const types = r.events.map((e) => e.type);
  for (const t of ['session.created', 'session.updated', 'input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed', 'conversation.item.input_audio_transcription.completed', 'response.created', 'response.output_audio.delta', 'response.output_audio_transcript.delta', 'response.done']) {
    assert.ok(types.includes(t), `no ${t}\n${timeline(r.events)}`);
  }
  const updated = ofType(r.events, 'session.updated').at(-1)!.session as { instructions: string; audio: { input: { turn_detection: { type: string; interrupt_response: boolean } } } };
  assert.equal(updated.instructions, 'Answer briefly.');
  assert.equal(updated.audio.input.turn_detection.type, 'semantic_vad');
  assert.equal(updated.audio.input.turn_detection.interrupt_response, true, 'defaults are reported, so the SDK knows the server interrupts');
  const done = ofType(r.events, 'response.done')[0]!.response as { status: string; output: { content: { transcript: string }[] }[] };
  assert.equal(done.status, 'completed');
  const transcript = done.output[0]!.content[0]!.transcript;
  assert.match(transcript, /\w/);

  const user = r.history.find((i) => i.type === 'message' && i.role === 'user');
  const agent = r.history.find((i) => i.type === 'message' && i.role === 'assistant');
  assert.match(JSON.stringify(user), /time/, 'the user turn carries its transcript');
  assert.ok(JSON.stringify(agent).includes(transcript), 'the answer carries its transcript');

  // The answer is real speech: an independent VAD finds it and the recogniser hears its words.
  const pcm = { samples: concat(r.audio.map((a) => a.pcm)), sampleRate: RATE };
  const speech = await speechIn(pcm);
  assert.ok(seconds(speech) > 0.8, `only ${seconds(speech).toFixed(2)} s of speech in the answer`);
  const heard = await hear(pcm);
  assert.ok(sharedWords(heard, transcript).length > 0, `heard "${heard}" for "${transcript}"`);
  // Audio arrives at the pace it is played (the engine streams in real time), after the question.
  const question = ofType(r.events, 'input_audio_buffer.speech_stopped')[0] as unknown as { at: number };
  assert.ok(r.audio[0]!.at > question.at, 'no audio before the question ended');
});

test('agents SDK: barging in cancels the response (turn_detected), the SDK truncates it, and the interruption is answered', async () => {
  const r = await converse([1, 'Please tell me a long story.', 5, 'Wait, what time is it?', 5]);
  assert.deepEqual(r.errors, []);
  const started = ofType(r.events, 'input_audio_buffer.speech_started') as (ServerEvent & { at: number; audio_start_ms: number })[];
  assert.equal(started.length >= 2, true, `speech_started: ${started.length}`);
  const cancelled = r.events.filter((e) => e.type === 'response.done' && (e.response as { status: string }).status === 'cancelled');
  assert.equal(cancelled.length, 1, 'one response cancelled');
  const details = (cancelled[0]!.response as { status_details: { reason: string } }).status_details;
  assert.equal(details.reason, 'turn_detected');
  // speech_started comes first, so the client stops playback before the response is closed.
  const bargeIn = started.find((s) => s.at <= (cancelled[0] as unknown as { at: number }).at && s.at > r.audio[0]!.at)!;
  assert.ok(bargeIn, 'a speech_started announced the barge-in');
  const onset = r.spans[1]!.start * 1000;
  assert.ok(Math.abs(bargeIn.audio_start_ms - onset) < 600, `barge-in audio_start_ms ${bargeIn.audio_start_ms}, the user began at ${onset.toFixed(0)} ms\n${timeline(r.events)}`);

  // The SDK sent conversation.item.truncate with what it had played; the server kept only those words.
  const truncated = ofType(r.events, 'conversation.item.truncated')[0] as unknown as { item_id: string; audio_end_ms: number } | undefined;
  assert.ok(truncated, 'conversation.item.truncated');
  assert.ok(truncated.audio_end_ms > 500, `audio_end_ms ${truncated.audio_end_ms}`);
  const retrieved = r.events.filter((e) => e.type === 'conversation.item.retrieved' && (e.item as { id: string }).id === truncated.item_id).at(-1);
  const full = (cancelled[0]!.response as { output: { content: { transcript: string }[] }[] }).output[0]!.content[0]!.transcript;
  const kept = (retrieved!.item as { content: { transcript: string }[] }).content[0]!.transcript;
  assert.ok(kept.length > 0 && kept.length < full.length, `kept "${kept}" of "${full}"`);
  assert.ok(full.startsWith(kept), 'the kept words are the beginning of the answer');

  // The interruption is answered by a second, completed response.
  const completed = r.events.filter((e) => e.type === 'response.done' && (e.response as { status: string }).status === 'completed');
  assert.ok(completed.length >= 1, `the interruption was answered\n${timeline(r.events)}`);
  const transcripts = ofType(r.events, 'conversation.item.input_audio_transcription.completed').map((e) => e.transcript as string);
  assert.match(transcripts.at(-1)!, /time/);
});
