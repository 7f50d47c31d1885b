/** Attention on real synthesized speech through the session: a soft-onset barge-in is the user; a distant first voice is not. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { PcmFrame } from '../src/audio/frame.js';
import { atLevel } from '../bench/scenarios/audio.js';
import { synth, trimClip } from './helpers/speech.js';
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
