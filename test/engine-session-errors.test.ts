/**
 * Failing and hanging components on scripted fakes: each failure becomes an error event naming the
 * component, and the session goes on to answer the next turn.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultReplyOptions } from '../src/engine/reply.js';
import { fakeSession } from './helpers/fake-session.js';
import { FakeDialogue, FakeTts, FakeVad } from './helpers/fakes/index.js';

const TWO_TURNS = [
  { startMs: 200, endMs: 1400 },
  { startMs: 4000, endMs: 5200 },
];

test('a VAD that fails for a while gives error events, and the turn after it is answered', async () => {
  const vad = new FakeVad({ speech: TWO_TURNS, failBetweenMs: [200, 1400] });
  const f = await fakeSession({ vad, asr: ['what time is it'], replies: ['It is noon.'] });
  await f.run(7000);
  const errors = f.events('error');
  assert.ok(errors.length > 0 && errors.every((e) => e.component === 'vad' && e.code === 'COMPONENT_FAILED'));
  assert.deepEqual(f.events('transcript_final').map((e) => e.text), ['what time is it']);
  assert.deepEqual(f.events('agent_speech_start').map((e) => e.text), ['It is noon.']);
  await f.session.close();
});

test('a recogniser that fails on one turn gives an error event, and the next turn is answered', async () => {
  const f = await fakeSession({ speech: TWO_TURNS, asr: [{ text: 'lost', fail: true }, 'what time is it'], replies: ['It is noon.'] });
  await f.run(7000);
  assert.deepEqual(f.events('error').map((e) => [e.component, e.code]), [['asr', 'COMPONENT_FAILED']]);
  assert.equal(f.events('transcript_final').at(-1)?.text, 'what time is it');
  assert.deepEqual(f.dialogue.requests.at(-1)?.at(-1), { role: 'user', content: 'what time is it' });
  assert.equal(f.events('agent_speech_start').at(-1)?.text, 'It is noon.');
  await f.session.close();
});

test('a dialogue model that throws is reported, the agent apologises, and the next turn is answered', async () => {
  const dialogue = new FakeDialogue({ replies: [{ error: 'upstream 500' }, 'It is noon.'] });
  const f = await fakeSession({ speech: TWO_TURNS, asr: ['hello there', 'what time is it'], dialogue });
  await f.run(8000);
  assert.deepEqual(f.events('error').map((e) => e.component), ['dialogue']);
  assert.deepEqual(f.events('agent_speech_start').map((e) => e.text), [defaultReplyOptions.apology, 'It is noon.']);
  await f.session.close();
});

test('a dialogue model that hangs times out with an apology, and the next turn is answered', async () => {
  const dialogue = new FakeDialogue({ replies: [{ hang: true }, 'It is noon.'] });
  const f = await fakeSession({ speech: TWO_TURNS, asr: ['hello there', 'what time is it'], dialogue, reply: { firstTextTimeoutMs: 50 } });
  await f.run(8000);
  assert.deepEqual(f.events('error').map((e) => [e.component, e.code]), [['dialogue', 'TIMEOUT']]);
  assert.equal(dialogue.aborted, 1, 'the hung request was aborted');
  assert.deepEqual(f.events('agent_speech_start').map((e) => e.text), [defaultReplyOptions.apology, 'It is noon.']);
  await f.session.close();
});

test('a synthesizer that fails mid-reply is reported, and the next turn is answered', async () => {
  const tts = new FakeTts({ failOn: /broken/ });
  const f = await fakeSession({ speech: TWO_TURNS, asr: ['hello there', 'what time is it'], tts, replies: ['This reply is broken.', 'It is noon.'] });
  await f.run(8000);
  const errors = f.events('error');
  assert.ok(errors.length >= 1 && errors.every((e) => e.code === 'COMPONENT_FAILED'), JSON.stringify(errors));
  assert.equal(f.events('agent_speech_start').at(-1)?.text, 'It is noon.');
  assert.equal(f.events('agent_speech_stop').at(-1)?.reason, 'completed');
  await f.session.close();
});
