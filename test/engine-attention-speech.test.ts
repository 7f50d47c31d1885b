/** Attention on real synthesized speech through the session: a soft-onset barge-in is the user; a distant first voice is not. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PcmFrame } from '../src/audio/frame.js';
import { atLevel } from '../bench/scenarios/audio.js';
import { compose, synth, trimClip } from './helpers/speech.js';
import { simulate } from '../src/engine/simulate.js';
import { closeVad, decisions, eventsOf, run, timeline } from './helpers/conversation.js';

after(closeVad);

/** The first `seconds` of a clip's audible part, `db` quieter. */
function softOnset(f: PcmFrame, seconds: number, db: number): PcmFrame {
  const g = 10 ** (-db / 20);
  const t = trimClip(f);
  return { samples: Int16Array.from(t.samples.subarray(0, Math.round(seconds * t.sampleRate)), (x) => Math.round(x * g)), sampleRate: t.sampleRate };
}

test('an interruption that opens softly (300 ms of murmur 24 dB down) and then rises to the user’s level stops the agent and is answered', async () => {
  const soft = softOnset(synth('Hmm.'), 0.3, 24);
  const { result, spans } = await run([1, synth('Please tell me a long story.'), 4, soft, 0, synth('Wait, what time is it?'), 4]);
  const rejudged = decisions(result, 'user_start').filter((d) => /re-judged/.test(d.reason));
  const loud = spans[2]!;
  // Judged someone else's from its first windows, then judged again when it rose.
  assert.ok(decisions(result, 'ignore').length >= 1 && rejudged.length >= 1, timeline(result));
  const cancel = decisions(result, 'cancel')[0];
  assert.ok(cancel && cancel.t - loud.start < 0.8, `cut ${((cancel?.t ?? Infinity) - loud.start).toFixed(2)} s after the loud part began\n${timeline(result)}`);
  const replies = eventsOf(result, 'agent_reply_start');
  assert.equal(replies.length, 2, timeline(result));
  assert.match(replies[1]!.userText, /time/, timeline(result));
});

test('a person reading aloud 20 dB below the user’s level, before the user said anything, is not answered; the user then is', async () => {
  // Levels as the bench sets them (speech level: user −26 dBFS, the reader 20 dB down).
  const reader = atLevel(synth('Chapter one. It was a dark and stormy night, and the rain fell in torrents.', 'rms'), -46);
  const { result } = await run([1, reader, 1.5, atLevel(synth('What time is it?'), -26), 3]);
  assert.ok(decisions(result, 'ignore').some((d) => /no user heard yet/.test(d.reason)), timeline(result));
  const replies = eventsOf(result, 'agent_reply_start');
  assert.equal(replies.length, 1, timeline(result));
  assert.match(replies[0]!.userText, /time/, timeline(result));
});

test('a TV talking right after the user’s question does not hold the answer back: the agent answers through it, as without the TV', async () => {
  const question = () => atLevel(synth('What time is it?'), -26);
  const tv = atLevel(synth('And now the evening news. The council met today to discuss the budget for the new bridge, which has been delayed for two years.', 'rms'), -42);
  const plain = await run([1, question(), 8]);
  const withTv = await run([1, question(), 0.45, tv, 4]);
  const answerAt = (r: typeof plain) => eventsOf(r.result, 'agent_reply_start')[0];
  const quiet = answerAt(plain);
  const through = answerAt(withTv);
  assert.ok(quiet && through, timeline(withTv.result));
  const tvSpan = withTv.spans[1]!;
  assert.ok(decisions(withTv.result, 'ignore').length >= 1, timeline(withTv.result));
  // Answered while the TV still talks, within one judging of its voice (5 windows) of the quiet answer.
  assert.ok(through.t < tvSpan.end - 1, `answered ${(through.t - tvSpan.end).toFixed(2)} s after the TV's line ended\n${timeline(withTv.result)}`);
  const late = through.t - withTv.spans[0]!.end - (quiet.t - plain.spans[0]!.end);
  assert.ok(late <= 0.2, `answered ${late.toFixed(2)} s later than without the TV\n${timeline(withTv.result)}`);
  assert.match(through.userText, /time/);
  assert.doesNotMatch(through.userText, /news|council|bridge/, 'the TV’s words are not the user’s');
});

test('a TV left on under the whole conversation: the user’s question is answered while it plays, not when it pauses', async () => {
  const tvLines = [
    'In other news, the city council approved the new budget on Tuesday, after a long debate.',
    'Temperatures will drop to near freezing overnight in the northern valleys and the hills.',
    'And the home team scores again in the final minute of the game, to the delight of the crowd.',
  ];
  const tv = compose([0.1, ...tvLines.flatMap((l, i) => [atLevel(synth(l, i % 2 ? 'awb' : 'rms'), -46), 0.25])]).audio;
  const user = compose([1.5, atLevel(synth('What time is it?'), -26), 12]);
  const n = Math.max(tv.samples.length, user.audio.samples.length);
  const mixed = new Int16Array(n);
  for (let i = 0; i < n; i++) mixed[i] = Math.max(-32768, Math.min(32767, (tv.samples[i] ?? 0) + (user.audio.samples[i] ?? 0)));
  const result = await simulate({ samples: mixed, sampleRate: 16000 }, { maxTailS: 5 });
  const asked = user.spans[0]!;
  const reply = eventsOf(result, 'agent_reply_start')[0];
  assert.ok(reply, timeline(result));
  assert.ok(reply.t - asked.end < 2.5, `answered ${(reply.t - asked.end).toFixed(2)} s after the question\n${timeline(result)}`);
  assert.ok(tv.samples.length / 16000 - reply.t > 2, 'long before the TV stopped');
  // The question began inside the TV's ignored speech, long past re-judging: heard by its level…
  assert.ok(decisions(result, 'user_start').some((d) => /rises over the one ignored/.test(d.reason)), timeline(result));
  // …and its end found by level too, while the VAD still heard the TV.
  assert.ok(decisions(result, 'user_stop').some((d) => /only a voice/.test(d.reason)), timeline(result));
  // (Its words are pocketsphinx's under a TV 20 dB down: not asserted.)
  assert.notEqual(reply.userText.trim(), '');
});

test('a TV left on while the agent tells a story: the user’s "uh-huh" over it is ridden through, not taken for a barge-in', async () => {
  const tvLines = [
    'In other news, the city council approved the new budget on Tuesday, after a long debate.',
    'Temperatures will drop to near freezing overnight in the northern valleys and the hills.',
    'And the home team scores again in the final minute of the game, to the delight of the crowd.',
    'Traffic on the main bridge is slow this morning because of repairs on the left lane.',
  ];
  const tv = compose([0.1, ...tvLines.flatMap((l, i) => [atLevel(synth(l, i % 2 ? 'awb' : 'rms'), -46), 0.25])]).audio;
  const user = compose([1.5, atLevel(synth('Please tell me a long story.'), -26), 5, atLevel(synth('Uh huh.'), -26), 8]);
  const n = Math.max(tv.samples.length, user.audio.samples.length);
  const mixed = new Int16Array(n);
  for (let i = 0; i < n; i++) mixed[i] = Math.max(-32768, Math.min(32767, (tv.samples[i] ?? 0) + (user.audio.samples[i] ?? 0)));
  const result = await simulate({ samples: mixed, sampleRate: 16000 }, { maxTailS: 0 });
  const uhHuh = user.spans[1]!;
  const replies = eventsOf(result, 'agent_reply_start');
  assert.ok(replies[0] && replies[0].t < uhHuh.start - 1, `the story had started before the "uh huh"\n${timeline(result)}`);
  // The agent paused for it, then carried on: the TV after it did not read as the user talking on.
  assert.ok(decisions(result, 'yield').some((d) => d.t >= uhHuh.start), timeline(result));
  assert.equal(decisions(result, 'cancel').length, 0, timeline(result));
  const resume = decisions(result, 'resume').find((d) => d.t >= uhHuh.start);
  assert.ok(resume && resume.t - uhHuh.end < 0.6, `resumed ${((resume?.t ?? Infinity) - uhHuh.end).toFixed(2)} s after the "uh huh"\n${timeline(result)}`);
  assert.equal(replies.length, 1, timeline(result));
});
