/**
 * The protocol clients as benchmark targets, end to end over loopback: OpenAI Realtime and Moshi
 * against this project's own endpoints, Gemini Live against a server that speaks its wire format.
 * Each run streams a real spoken scenario in real time and must come back with a recording exactly as
 * long as the input, the answer after the question on the same timeline, and barge-ins handled as a
 * client's player handles them.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createProtocolTarget } from '../bench/runner/protocol-targets.js';
import type { TargetRunResult } from '../bench/runner/target.js';
import { plannedText } from '../bench/runner/score-sample.js';
import { startGeminiFakeServer, type GeminiFakeServer } from './helpers/gemini-fake-server.js';
import { localSessionFactory } from './helpers/local-sessions.js';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { closeProtocolShared, lastRecordedEvents, protocolServer, recordedInstructions, seconds, speechIn, track } from './helpers/protocol-endpoints.js';

type Server = Awaited<ReturnType<typeof protocolServer>>;
let server: Server;
let gemini: GeminiFakeServer;
const geminiParts = { asr: new PocketsphinxAsr(), tts: new FliteTts() };
before(async () => {
  server = await protocolServer();
  gemini = await startGeminiFakeServer({ createSession: localSessionFactory(geminiParts) });
});
after(async () => {
  await server.close();
  await gemini.close();
  await geminiParts.asr.close();
  await geminiParts.tts.close();
  await closeProtocolShared();
});

const QUESTION = [1, 'What time is it?', 4] as const;
const BARGE_IN = [1, 'Please tell me a long story.', 5, 'Wait, what time is it?', 4] as const;

async function runTarget(spec: string, parts: readonly (string | number)[]) {
  const input = await track(parts, 16000);
  const target = createProtocolTarget(spec);
  assert.ok(target, `no target for ${spec}`);
  const r: TargetRunResult = await target.run(input, { clock: 'realtime' });
  await target.close();
  const speech = await speechIn(r.output);
  return { input, r, speech };
}

function assertAligned(input: { samples: Int16Array; sampleRate: number }, r: TargetRunResult): void {
  const inS = input.samples.length / input.sampleRate;
  const outS = r.output.samples.length / r.output.sampleRate;
  assert.ok(Math.abs(inS - outS) < 0.001, `output lasts ${outS} s for ${inS} s of input`);
}

test('openai-realtime:// target against our endpoint: aligned recording, answer after the question', async () => {
  const { input, r, speech } = await runTarget(`openai-realtime://127.0.0.1:${server.port}/v1/realtime?model=fullduplex`, QUESTION);
  assertAligned(input, r);
  const qEnd = input.spans[0]!.end;
  assert.equal(r.info?.['responses'], 1, JSON.stringify(r.info));
  assert.ok(speech.length > 0 && speech[0]!.start > qEnd - 0.05, `speech ${JSON.stringify(speech)} vs question end ${qEnd}`);
  assert.ok(speech[0]!.start - qEnd < 2.5, `answer began ${(speech[0]!.start - qEnd).toFixed(2)} s after the question`);
  assert.ok(seconds(speech) > 0.8);
});

test('openai-realtime:// target: a barge-in stops playback, truncates the item, and the interruption is answered', async () => {
  const { input, r, speech } = await runTarget(`openai-realtime://127.0.0.1:${server.port}?model=fullduplex`, BARGE_IN);
  assertAligned(input, r);
  const info = r.info!;
  assert.ok((info['truncations'] as number) >= 1, JSON.stringify(info));
  assert.ok((info['cancelledResponses'] as number) >= 1, JSON.stringify(info));
  const barge = input.spans[1]!;
  // The story plays until shortly after the user starts talking over it, then stops.
  const story = speech.find((s) => s.start < barge.start && s.end > barge.start - 1);
  assert.ok(story, `the story was playing when the user barged in: ${JSON.stringify(speech)}`);
  assert.ok(story.end - barge.start < 1.5, `the story went on ${(story.end - barge.start).toFixed(2)} s into the barge-in`);
  assert.ok(speech.some((s) => s.start > barge.end), `no answer to the interruption: ${JSON.stringify(speech)}`);
  // The words of each response, as the v1.5 labeller reads them: the story was the reply under way.
  const planned = plannedText(r.events, barge.start);
  assert.match(planned ?? '', /^Here's a story\. Once upon a time/, JSON.stringify(r.events));
  assert.ok(r.events!.filter((e) => e.type === 'agent_reply_start').length >= (info['responses'] as number), 'one reply per response.created');
});

test('moshi:// target (PersonaPlex prompts) against our endpoint: aligned recording, answer after the question', async () => {
  const { input, r, speech } = await runTarget(`moshi://127.0.0.1:${server.port}?text_prompt=${encodeURIComponent('You are a helpful assistant.')}&voice_prompt=NATF0.pt`, QUESTION);
  assertAligned(input, r);
  const qEnd = input.spans[0]!.end;
  assert.ok(speech.length > 0 && speech[0]!.start > qEnd - 0.05, `speech ${JSON.stringify(speech)} vs question end ${qEnd}`);
  assert.ok(speech[0]!.start - qEnd < 2.5, `answer began ${(speech[0]!.start - qEnd).toFixed(2)} s after the question`);
  assert.match(String(r.info?.['text']), /\w/);
  assert.equal(recordedInstructions(await lastRecordedEvents(server.sessionsDir)), 'You are a helpful assistant.', 'text_prompt became the instructions');
});

test('gemini-live:// target against a loopback Gemini Live server: transcripts, aligned answer, interrupted on barge-in', async () => {
  const url = new URL(gemini.url);
  const { input, r, speech } = await runTarget(`gemini-live://127.0.0.1:${url.port}${url.pathname}?model=models/gemini-test&instructions=Be%20brief.`, BARGE_IN);
  assertAligned(input, r);
  const info = r.info!;
  assert.match(String(info['inputTranscript']), /story/);
  assert.match(String(info['outputTranscript']), /\w/);
  assert.ok((info['interruptions'] as number) >= 1, JSON.stringify(info));
  const barge = input.spans[1]!;
  const story = speech.find((s) => s.start < barge.start && s.end > barge.start - 1);
  assert.ok(story && story.end - barge.start < 1.5, `story ${JSON.stringify(story)} vs barge-in at ${barge.start}`);
  assert.ok(speech.some((s) => s.start > barge.end), 'the interruption is answered');
  assert.match(plannedText(r.events, barge.start) ?? '', /story/i, JSON.stringify(r.events));
});
