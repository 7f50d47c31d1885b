/**
 * respond() and settle() on scripted components: a typed turn runs in order with the audio pushed
 * before it, cuts the agent like a barge-in, and settle() returns only once the reply it started is
 * generated and synthesized.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFullduplexError } from '../src/errors.js';
import { fakeSession } from './helpers/fake-session.js';
import { FakeTts } from './helpers/fakes/index.js';

const WINDOW = 512;

function voiced(windows: number): Int16Array {
  const out = new Int16Array(windows * WINDOW);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(3300 * Math.sin((2 * Math.PI * 150 * i) / 16000));
  return out;
}

test('respond() runs after the audio pushed before it, and drops the half-spoken turn', async () => {
  const f = await fakeSession({ speech: [{ startMs: 0, endMs: 960 }], asr: ['never finished'], replies: ['It is sunny.'] });
  // 30 windows of speech pushed without waiting, then a typed turn: the audio must be processed first.
  const pushed = f.session.pushAudio(voiced(30));
  const responded = f.session.respond('what is the weather');
  await Promise.all([pushed, responded]);
  await f.session.settle();
  const types = f.session.events.map((e) => e.type);
  assert.ok(types.indexOf('user_speech_start') >= 0, 'the pushed audio was heard');
  assert.ok(types.indexOf('user_speech_start') < types.indexOf('user_text'), 'audio first, then the typed turn');
  assert.deepEqual(f.events('user_text').map((e) => e.text), ['what is the weather']);
  assert.deepEqual(f.dialogue.requests, [[{ role: 'user', content: 'what is the weather' }]]);
  // Play it out: the dropped spoken turn never becomes a turn of its own.
  await f.run(3000);
  assert.equal(f.events('transcript_final').length, 0);
  assert.deepEqual(f.session.history, [{ role: 'user', content: 'what is the weather' }, { role: 'assistant', content: 'It is sunny.' }]);
  await f.session.close();
});

test('respond() while the agent speaks cuts it, keeping what was heard, and answers the typed turn', async () => {
  const f = await fakeSession({ replies: ['One two three four five six seven eight nine ten.', 'Fine.'] });
  await f.session.respond('count to ten');
  await f.run(800); // four 200 ms words played
  await f.session.respond('never mind');
  await f.run(1000);
  const [cut] = f.events('agent_speech_truncated');
  assert.ok(cut && cut.heardText.split(' ').length >= 3 && cut.heardText.split(' ').length <= 5, `heard '${cut?.heardText}'`);
  assert.deepEqual(f.dialogue.requests[1], [
    { role: 'user', content: 'count to ten' },
    { role: 'assistant', content: cut.heardText, interrupted: true },
    { role: 'user', content: 'never mind' },
  ]);
  assert.deepEqual(f.events('agent_speech_stop').map((e) => e.reason), ['interrupted', 'completed']);
  await f.session.close();
});

test('respond() without text answers the history as it stands', async () => {
  const f = await fakeSession({ replies: ['Hello.', 'Still here.'] });
  await f.session.respond('hi');
  await f.run(1000);
  await f.session.respond();
  await f.run(1000);
  assert.deepEqual(f.dialogue.requests[1], [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'Hello.' }]);
  assert.equal(f.events('user_text').length, 1);
  await f.session.close();
});

test('settle() returns once the reply is generated and synthesized, however slow the model', async () => {
  const f = await fakeSession({ replies: [{ text: 'First clause here. And a second one.', firstDelayMs: 30, wordDelayMs: 5 }] });
  await f.session.respond('hi');
  await f.session.settle();
  assert.deepEqual(f.events('agent_text').map((e) => e.text), ['First clause here.', 'And a second one.']);
  assert.deepEqual(f.tts.texts.slice(-2), ['First clause here.', 'And a second one.']);
  // Nothing is pulled yet, so the whole reply is waiting to play: 7 words of 200 ms.
  await f.run(1600);
  assert.deepEqual(f.events('agent_speech_stop').map((e) => e.reason), ['completed']);
  await f.session.close();
});

test('a closed session refuses respond() and reports pushed audio as an error event', async () => {
  const f = await fakeSession();
  await f.session.close();
  await f.session.close(); // idempotent
  assert.equal(f.events('session_end').length, 1);
  await assert.rejects(f.session.respond('hello'), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  await f.session.pushAudio(new Int16Array(512)); // never throws
  assert.equal(f.events('error').at(-1)?.component, 'input');
});

test('a synthesizer at another rate is resampled: the reply plays as long as its words last', async () => {
  const tts = new FakeTts({ sampleRate: 22050 });
  const f = await fakeSession({ tts, replies: ['One two three four five.'] });
  await f.session.respond('count to five');
  await f.run(2000);
  const [start] = f.events('agent_speech_start');
  const [stop] = f.events('agent_speech_stop');
  assert.equal(stop?.reason, 'completed');
  const played = stop!.t - start!.t;
  assert.ok(Math.abs(played - 1.0) < 0.1, `five 200 ms words played in ${played.toFixed(3)} s`);
  const audible = f.agent.reduce((n, w) => n + w.filter((s) => Math.abs(s) > 100).length, 0);
  assert.ok(audible > 0.8 * 16000 && audible <= 1.05 * 16000, `${audible} audible samples at 16 kHz`);
  await f.session.close();
});
