/** Bad input and failing components: the session keeps running and says so in its timeline. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { resample } from '../src/audio/resampler.js';
import { simulate } from '../src/engine/simulate.js';
import type { DialogueModel, DialogueRequest } from '../src/dialogue/types.js';
import { EmbeddedDialogueModel } from '../src/dialogue/embedded.js';
import { CONVERSATIONAL_SENTENCES } from './fixtures/sentences.js';
import { compose, silence, synth } from './helpers/speech.js';
import { agentSpeech, closeVad, eventsOf, run, speechBetween, timeline } from './helpers/conversation.js';

after(closeVad);

test('silence only: no speech, no turn, no error', async () => {
  const { result, agent } = await run([silence(6)].map((s) => ({ samples: s, sampleRate: 16000 })));
  assert.deepEqual(agent, []);
  assert.equal(eventsOf(result, 'decision').length, 0, timeline(result));
  assert.equal(eventsOf(result, 'error').length, 0);
});

test('a clipped, overdriven question is still understood and answered', async () => {
  const q = synth('What time is it?');
  const loud = { samples: q.samples.map((v) => Math.max(-32768, Math.min(32767, v * 12))), sampleRate: q.sampleRate };
  const { result, spans, agent } = await run([1, loud, 4]);
  assert.ok(speechBetween(agent, spans[0]!.end, spans[0]!.end + 4).length > 0, timeline(result));
  assert.equal(eventsOf(result, 'error').length, 0);
});

for (const rate of [8000, 48000]) {
  test(`input at ${rate / 1000} kHz is resampled inside the session and answered`, async () => {
    const { audio, spans } = compose([1, synth('What time is it?'), 4]);
    const input = await resample(audio, rate);
    const result = await simulate(input, { maxTailS: 10 });
    assert.equal(result.sampleRate, 16000);
    const agent = await agentSpeech(result);
    assert.ok(speechBetween(agent, spans[0]!.end, spans[0]!.end + 4).length > 0, timeline(result));
    const heard = eventsOf(result, 'transcript_final')[0]?.text ?? '';
    // The recogniser's model is wideband: from telephone-band audio it gets only some of the words.
    if (rate >= 16000) assert.match(heard, /time/);
    else assert.ok(heard.length > 0, 'some words were recognised');
  });
}

test('wrong input types and rates are error events; the session goes on', async () => {
  const { createLocalSession } = await import('../src/engine/local.js');
  const { VirtualClock } = await import('../src/audio/clock.js');
  const clock = new VirtualClock();
  const session = await createLocalSession(clock);
  await session.pushAudio(new Float32Array(512) as unknown as Int16Array, 16000);
  await session.pushAudio(new Int16Array(512), 12345);
  const errors = session.events.filter((e) => e.type === 'error');
  assert.deepEqual(errors.map((e) => (e as { code: string }).code), ['BAD_AUDIO', 'BAD_SAMPLE_RATE']);
  const q = synth('What time is it?');
  const input = compose([0.5, q, 3]).audio.samples;
  for (let i = 0; i < input.length; i += 512) {
    session.pullAudio(512);
    await clock.advance(0.032);
    await session.pushAudio(input.subarray(i, i + 512), 16000);
    await session.settle();
  }
  assert.ok(session.events.some((e) => e.type === 'agent_reply_start'), 'still answers');
  await session.close();
});

/** Fails the way a broken model server might: the first call throws, later calls work. */
class FlakyModel implements DialogueModel {
  readonly name = 'flaky';
  calls = 0;
  private readonly inner = new EmbeddedDialogueModel();
  async *reply(req: DialogueRequest): AsyncIterable<string> {
    if (this.calls++ === 0) throw new Error('model crashed');
    yield* this.inner.reply(req);
  }
}

/** Never answers (but honours the abort signal, like a stuck HTTP request would). */
class HangingModel implements DialogueModel {
  readonly name = 'hanging';
  async *reply(req: DialogueRequest): AsyncIterable<string> {
    await new Promise<void>((resolve) => req.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
}

test('a dialogue model that throws: error event, spoken apology, and the next turn works', async () => {
  const { result, spans, agent } = await run([1, synth('What time is it?'), 4, synth('Hello there.'), 4], { dialogue: new FlakyModel() });
  const errors = eventsOf(result, 'error');
  assert.equal(errors.length, 1, timeline(result));
  assert.equal(errors[0]!.component, 'dialogue');
  assert.ok(eventsOf(result, 'agent_text').some((e) => /sorry/i.test(e.text)), 'apologises');
  assert.ok(speechBetween(agent, spans[0]!.end, spans[1]!.start).length > 0, 'the apology is spoken');
  assert.ok(speechBetween(agent, spans[1]!.end, spans[1]!.end + 4).length > 0, 'the next question is answered');
});

test('a dialogue model that hangs: time-out, spoken apology, session goes on', async () => {
  const { result, spans, agent } = await run([1, synth('What time is it?'), 4], {
    dialogue: new HangingModel(),
    reply: { firstTextTimeoutMs: 300 },
  });
  const errors = eventsOf(result, 'error');
  assert.deepEqual(errors.map((e) => e.code), ['TIMEOUT'], timeline(result));
  assert.ok(speechBetween(agent, spans[0]!.end, spans[0]!.end + 3).length > 0, 'the apology is spoken');
});

test('a ten-minute monologue: the session keeps listening, holds the turn, and stays responsive', async () => {
  const parts: (ReturnType<typeof synth> | number)[] = [1, synth('Let me tell you the whole story from the beginning.'), 0.4];
  let seconds = 0;
  for (let i = 0; seconds < 600; i++) {
    const clip = synth(CONVERSATIONAL_SENTENCES[i % CONVERSATIONAL_SENTENCES.length]!, ['slt', 'rms', 'awb'][i % 3]);
    parts.push(clip, 0.4);
    seconds += clip.samples.length / clip.sampleRate + 0.4;
  }
  parts.push(synth('What time is it?'), 4);
  const { result, spans } = await run(parts, { maxTailS: 10 });
  assert.equal(eventsOf(result, 'error').length, 0, 'no component failed');
  const last = spans[spans.length - 1]!;
  const answered = eventsOf(result, 'agent_reply_start').filter((e) => e.t > last.end);
  assert.ok(answered.length >= 1, 'the question after the monologue is answered');
  assert.ok(result.agent.length >= result.user.length - 512);
});
