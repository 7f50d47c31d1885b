/**
 * The live runtime's control calls (src/server/session-control.ts) on scripted components: utterances
 * named by id (a transport on another thread cannot hold them), cancel and truncate by id, a reply
 * asked for whatever the turn state; and the validation of option updates from the native protocol.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePredictorOverrides } from '../src/engine/option-updates.js';
import { applyControl, UtteranceIds, type SessionControl } from '../src/server/session-control.js';
import { ResamplerPool } from '../src/audio/resampler-pool.js';
import { StreamingResampler } from '../src/audio/resampler.js';
import { fakeSession } from './helpers/fake-session.js';

type WithoutType<T> = T extends unknown ? Omit<T, 'type'> : never;
const control = (m: WithoutType<SessionControl>) => ({ type: 'control', ...m }) as SessionControl;

test('request_reply: nothing to answer, then the history is answered once the user spoke last', async () => {
  const f = await fakeSession({ replies: ['It is noon.'] });
  const ids = new UtteranceIds();
  const failed: Error[] = [];
  assert.deepEqual(applyControl(f.session, control({ action: 'request_reply' }), ids, (e) => failed.push(e)), { reply: 'no_user_turn' });
  applyControl(f.session, control({ action: 'add_context', role: 'user', content: 'What time is it?' }), ids, (e) => failed.push(e));
  assert.deepEqual(applyControl(f.session, control({ action: 'request_reply' }), ids, (e) => failed.push(e)), { reply: 'responding' });
  await f.run(1500);
  assert.equal(f.session.history.at(-1)?.content, 'It is noon.');
  assert.deepEqual(applyControl(f.session, control({ action: 'request_reply' }), ids, (e) => failed.push(e)), { reply: 'no_user_turn' }, 'the assistant spoke last');
  assert.deepEqual(failed, []);
  await f.session.close();
});

test('cancel_utterance and truncate_heard name the utterance by id; a stale id changes nothing', async () => {
  const f = await fakeSession({ replies: ['One two three four five six seven eight nine ten.'] });
  const ids = new UtteranceIds();
  const onError = (e: Error) => assert.fail(e);
  await f.session.respond('count to ten');
  await f.run(1000);
  const u = f.session.output.utterance;
  assert.ok(u && u.kind === 'reply');
  const id = ids.idOf(u);
  assert.equal(ids.idOf(u), id, 'an utterance keeps its id');
  assert.deepEqual(applyControl(f.session, control({ action: 'cancel_utterance', utteranceId: id + 1 }), ids, onError), { cancelled: false }, 'not the one playing');
  assert.equal(f.session.output.utterance, u);
  const heardSamples = Math.round(u.played / 2);
  assert.deepEqual(applyControl(f.session, control({ action: 'cancel_utterance', utteranceId: id, heardSamples, reason: 'client_cancelled' }), ids, onError), { cancelled: true });
  const truncated = applyControl(f.session, control({ action: 'truncate_heard', utteranceId: id, heardSamples }), ids, onError);
  const heard = truncated.heardText ?? '';
  assert.ok(heard.length > 0 && 'One two three four five six seven eight nine ten.'.startsWith(heard), `heard '${heard}'`);
  assert.deepEqual(f.session.history.at(-1), { role: 'assistant', content: heard, interrupted: true });
  assert.deepEqual(applyControl(f.session, control({ action: 'truncate_heard', utteranceId: 999, heardSamples: 0 }), ids, onError), { heardText: '' }, 'an unknown id');
  const actions = f.events('control').map((e) => e.action);
  assert.ok(actions.includes('cancel_reply') && actions.includes('truncate_heard'), actions.join(' '));
  await f.session.close();
});

test('option updates: known options of the right type pass; unknown or invalid ones are named', () => {
  assert.deepEqual(parsePredictorOverrides({ eagerness: 'low', maxHoldMs: 2000, endOfTurn: { policy: 'rules', commitUnsureMs: 900, modelThreshold: 0.7 }, backchannel: { enabled: false, phrases: ['Mm'] } }), {
    eagerness: 'low',
    maxHoldMs: 2000,
    endOfTurn: { policy: 'rules', commitUnsureMs: 900, modelThreshold: 0.7 },
    backchannel: { enabled: false, phrases: ['mm'] },
  });
  const refused: [Record<string, unknown>, RegExp][] = [
    [{}, /names no option/],
    [{ eagerness: 'eager' }, /'eagerness' must be 'low', 'medium', 'high'/],
    [{ loudness: 3 }, /unknown option 'loudness'/],
    [{ endOfTurn: 5 }, /'endOfTurn' must be an object/],
    [{ endOfTurn: { commitSoonMs: 5 } }, /unknown option 'endOfTurn.commitSoonMs'/],
    [{ bargeIn: { confirmWords: '3' } }, /'bargeIn.confirmWords' must be a number/],
    [{ maxHoldMs: Number.NaN }, /'maxHoldMs' must be a number/],
    [{ backchannel: { enabled: 'yes' } }, /'backchannel.enabled' must be true or false/],
    [{ bargeIn: { stopWords: Array.from({ length: 51 }, () => 'x') } }, /'bargeIn.stopWords' must be a list/],
  ];
  for (const [input, message] of refused) assert.throws(() => parsePredictorOverrides(input), message, JSON.stringify(input));
});

test('a resampler from the pool, given back and taken again, resamples like a fresh one', async () => {
  // The live paths' converter (speexdsp) and libsamplerate's both reset fully when given back.
  for (const quality of [undefined, 'fastest'] as const) {
    const pool = new ResamplerPool(1, quality);
    await pool.warm(16000, 24000);
    const tone = Int16Array.from({ length: 3200 }, (_, i) => Math.round(8000 * Math.sin(i / 7)));
    const first = await pool.take(16000, 24000);
    first.process(tone.subarray(0, 1000)); // a stream cut short: the pool must reset it
    pool.give(first);
    const again = await pool.take(16000, 24000);
    assert.equal(again, first, 'the spare was reused');
    const fresh = await StreamingResampler.create(16000, 24000, { quality: pool.quality });
    assert.deepEqual(again.process(tone), fresh.process(tone), pool.quality);
    fresh.destroy();
    pool.give(again);
    pool.close();
  }
});
