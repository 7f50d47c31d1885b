import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { synth } from './helpers/speech.js';
import { closeVad, decisions, eventsOf, run, speechBetween, timeline } from './helpers/conversation.js';
import { whiteNoise } from './helpers/speech.js';

after(closeVad);

const LONG_REQUEST = 'Please tell me a long story.';

test('a barge-in during a long answer stops the agent fast, and the interruption is answered', async () => {
  const { result, spans, agent } = await run([1, synth(LONG_REQUEST), 5, synth('Wait, what time is it?'), 5]);
  const interruption = spans[1]!;
  const before = speechBetween(agent, interruption.start - 1, interruption.start);
  assert.ok(before.length > 0, `the agent was not speaking when the user barged in\n${timeline(result)}`);
  // The agent's channel goes quiet shortly after the user starts.
  const cut = agent.find((s) => s.start < interruption.start && s.end > interruption.start - 0.5);
  assert.ok(cut && cut.end - interruption.start < 0.35, `agent still talking ${((cut?.end ?? 0) - interruption.start).toFixed(2)} s after the barge-in\n${timeline(result)}`);
  assert.equal(decisions(result, 'cancel').length, 1, timeline(result));
  const truncated = eventsOf(result, 'agent_speech_truncated')[0];
  assert.ok(truncated && truncated.heardText.length < truncated.fullText.length, 'history keeps only what was heard');
  const replies = eventsOf(result, 'agent_reply_start');
  assert.equal(replies.length, 2, timeline(result));
  assert.match(replies[1]!.userText, /time/);
  assert.ok(speechBetween(agent, interruption.end, interruption.end + 3).length > 0, 'the interruption is answered');
});

/** The agent is still telling its story (it lasts over a minute) well after each overlap. */
function keptTalking(agent: { start: number; end: number }[], spans: { start: number; end: number }[], from: number) {
  for (const s of spans.slice(from)) {
    assert.ok(speechBetween(agent, s.end + 0.6, s.end + 2).length > 0, `agent silent after the overlap at ${s.start.toFixed(2)} s`);
  }
}

test('an "uh huh" during the answer does not stop it', async () => {
  const { result, spans, agent } = await run([1, synth(LONG_REQUEST), 4, synth('uh huh'), 3, synth('okay'), 3], { maxTailS: 0 });
  assert.equal(decisions(result, 'cancel').length, 0, timeline(result));
  assert.equal(eventsOf(result, 'agent_speech_truncated').length, 0);
  assert.equal(eventsOf(result, 'agent_reply_start').length, 1, 'no new turn for a backchannel');
  assert.equal(eventsOf(result, 'agent_speech_stop').length, 0, timeline(result));
  keptTalking(agent, spans, 1);
});

test('a noise burst over the agent does not end its turn; it keeps or resumes talking', async () => {
  const burst = { samples: whiteNoise(0.4, -12, 5), sampleRate: 16000 };
  const cough = synth('Ah!', 'awb');
  const { result, spans, agent } = await run([1, synth(LONG_REQUEST), 4, burst, 2, cough, 3], { maxTailS: 0 });
  assert.equal(decisions(result, 'cancel').length, 0, timeline(result));
  assert.equal(eventsOf(result, 'agent_speech_stop').length, 0, timeline(result));
  assert.equal(eventsOf(result, 'agent_reply_start').length, 1, 'no new turn for noise');
  keptTalking(agent, spans, 1);
});
