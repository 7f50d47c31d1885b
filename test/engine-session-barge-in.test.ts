/**
 * Barge-in on scripted components: the agent stops, and only the words the user heard join the
 * history (what the next request shows the model), not the whole reply it had generated.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeSession } from './helpers/fake-session.js';

const STORY = 'Once upon a time there was a fox who lived in a very dark forest.';
const WORDS = STORY.split(' ');

async function bargeIn(heardSamples?: (played: number) => number) {
  const f = await fakeSession({
    speech: [
      { startMs: 200, endMs: 1000 },
      { startMs: 2000, endMs: 3000 }, // over the agent, long enough to be confirmed
    ],
    asr: ['tell me a story', 'wait stop'],
    replies: [STORY, 'Okay.'],
    ...(heardSamples && { heardSamples: (u: { played: number }) => heardSamples(u.played) }),
  });
  await f.run(6000);
  return f;
}

test('a confirmed barge-in stops the agent, and only the heard words join the history', async () => {
  const f = await bargeIn();
  const stops = f.events('agent_speech_stop');
  assert.deepEqual(stops.map((e) => e.reason), ['interrupted', 'completed']);
  const [cut] = f.events('agent_speech_truncated');
  assert.ok(cut, 'the cut is on the timeline');
  assert.equal(cut.fullText, STORY);
  // One word is 200 ms of tone: the words heard are the words played, give or take the one in progress.
  const playedWords = cut.playedSeconds / (f.tts.wordMs / 1000);
  const heardWords = cut.heardText.split(' ');
  assert.ok(heardWords.length >= 2 && heardWords.length < WORDS.length, `heard ${cut.heardText}`);
  assert.ok(Math.abs(heardWords.length - playedWords) <= 1, `${heardWords.length} words heard for ${playedWords.toFixed(1)} played`);
  assert.ok(STORY.startsWith(cut.heardText));
  // The agent fell silent within a window of the cut: nothing after it in the pulled audio until the next reply.
  const cutWindow = Math.round(cut.t / 0.032);
  const nextStart = Math.round(f.events('agent_speech_start')[1]!.t / 0.032);
  assert.ok(f.agent.slice(cutWindow + 1, nextStart).every((w) => w.every((s) => s === 0)), 'silent after the cut');
  // The model's next request shows what the user heard, marked as interrupted.
  assert.deepEqual(f.dialogue.requests[1], [
    { role: 'user', content: 'tell me a story' },
    { role: 'assistant', content: cut.heardText, interrupted: true },
    { role: 'user', content: 'wait stop' },
  ]);
  await f.session.close();
});

test('heard audio reported downstream (a flushed jitter buffer) limits the heard text', async () => {
  const perWord = 0.2 * 16000;
  const f = await bargeIn(() => 2 * perWord); // the listener heard two words, whatever was pulled
  const [cut] = f.events('agent_speech_truncated');
  assert.equal(cut?.heardText, 'Once upon');
  assert.equal(cut?.playedSeconds, 0.4);
  assert.deepEqual(f.dialogue.requests[1]?.[1], { role: 'assistant', content: 'Once upon', interrupted: true });
  await f.session.close();
});

test('a barge-in before anything was heard leaves no assistant turn', async () => {
  const f = await bargeIn(() => 0);
  const [cut] = f.events('agent_speech_truncated');
  assert.equal(cut?.heardText, '');
  assert.deepEqual(f.dialogue.requests[1], [
    { role: 'user', content: 'tell me a story' },
    { role: 'user', content: 'wait stop' },
  ]);
  await f.session.close();
});
