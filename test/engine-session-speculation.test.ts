/**
 * Speculation on scripted components (fake VAD, ASR, TTS and dialogue, virtual clock): a reply
 * generated during the pause is used when the turn's final transcript is what it answered, and thrown
 * away when the user goes on, so the model is asked again with the whole turn.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeSession } from './helpers/fake-session.js';

test('a speculative reply is used when the final transcript is the speculated one', async () => {
  const f = await fakeSession({ speech: [{ startMs: 200, endMs: 1400 }], asr: ['what time is it'], replies: ['It is noon.'] });
  await f.run(3000);
  const [spec] = f.events('speculation_start');
  const [used] = f.events('speculation_used');
  assert.equal(spec?.text, 'what time is it');
  assert.equal(used?.text, 'what time is it');
  assert.equal(f.events('speculation_discarded').length, 0);
  assert.equal(f.dialogue.requests.length, 1, 'the model is asked once: the speculative reply is the reply');
  assert.deepEqual(f.dialogue.requests[0], [{ role: 'user', content: 'what time is it' }]);
  // The reply played whole: three words of 200 ms each.
  const stop = f.events('agent_speech_stop');
  assert.deepEqual(stop.map((e) => [e.kind, e.reason]), [['reply', 'completed']]);
  assert.deepEqual(f.session.history, [{ role: 'user', content: 'what time is it' }, { role: 'assistant', content: 'It is noon.' }]);
  const [final] = f.events('transcript_final');
  assert.equal(final?.words.length, 4);
  assert.ok(final!.words.every((w, i) => i === 0 || w.start >= final!.words[i - 1]!.end - 1e-9), 'word times ascend');
  await f.session.close();
});

test('speculation reads the final hypothesis, not the partials that preceded it', async () => {
  const f = await fakeSession({
    speech: [{ startMs: 200, endMs: 1400 }],
    asr: [{ text: 'what is the time', partials: ['what', 'what is', 'what is a', 'what is a dime'] }],
  });
  await f.run(3000);
  assert.ok(f.events('transcript_partial').some((e) => e.text === 'what is a dime'), 'the partials were shown');
  assert.deepEqual(f.events('speculation_start').map((e) => e.text), ['what is the time']);
  assert.deepEqual(f.events('speculation_used').map((e) => e.text), ['what is the time']);
  await f.session.close();
});

test('a speculative reply is discarded when the user goes on, and the whole turn is answered', async () => {
  const f = await fakeSession({
    speech: [
      { startMs: 200, endMs: 1000 },
      { startMs: 1400, endMs: 2400 },
    ],
    // A short fragment is unclear: speculated on at once, committed only after a longer pause.
    asr: ['the weather', 'in paris tomorrow'],
    replies: (req) => ({ text: req.history.at(-1)!.content.includes('paris') ? 'Sunny in Paris.' : 'Go on.' }),
  });
  await f.run(5000);
  assert.equal(f.events('speculation_start')[0]?.text, 'the weather');
  assert.ok(f.events('speculation_discarded').length >= 1, 'the first speculation was thrown away');
  const [final] = f.events('transcript_final');
  assert.equal(final?.text, 'the weather in paris tomorrow');
  assert.equal(f.events('transcript_final').length, 1, 'one turn, not two');
  // The reply that played answers the whole turn; the abandoned one never reached the speaker.
  assert.deepEqual(f.events('agent_speech_start').map((e) => e.text), ['Sunny in Paris.']);
  assert.deepEqual(f.dialogue.requests.at(-1), [{ role: 'user', content: 'the weather in paris tomorrow' }]);
  assert.deepEqual(f.session.history.map((m) => m.content), ['the weather in paris tomorrow', 'Sunny in Paris.']);
  assert.deepEqual(f.dialogue.requests[0], [{ role: 'user', content: 'the weather' }], 'the speculation asked about the fragment');
  assert.equal(f.dialogue.requests.length, 2);
  await f.session.close();
});
