/**
 * A reply synthesizes at most `synthesisLeadS` ahead of playback (real flite, a scripted dialogue
 * model with a long story): the audio made stays within the lead plus one clause until it is played,
 * playing makes room for the next clause, the whole story is made when it is all played, and an
 * interrupted story costs only what was played plus the lead.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DialogueModel } from '../src/dialogue/types.js';
import { defaultReplyOptions, ReplyTask, type ReplyContext } from '../src/engine/reply.js';
import { FliteTts } from '../src/speech/tts/flite.js';

const RATE = 16000;
const STORY = Array.from({ length: 12 }, (_, i) => `This is sentence number ${i + 1} of a long story about a lighthouse keeper and her ships.`).join(' ');

const tts = new FliteTts();
after(() => tts.close());

const scripted: DialogueModel = {
  name: 'scripted story',
  async *reply() {
    for (const word of STORY.split(/(?<= )/)) yield word;
  },
};

function context(leadS: number): ReplyContext {
  return {
    dialogue: scripted,
    tts,
    voice: 'slt',
    outputRate: RATE,
    options: { ...defaultReplyOptions, synthesisLeadS: leadS },
    stamp: () => 0,
    onError: (c, e) => assert.fail(`${c}: ${e.message}`),
  };
}

/** Let the reply run until it finishes or parks (waiting for room). */
const settle = (r: ReplyTask) => r.idle().then(() => new Promise((res) => setTimeout(res, 20)));

function play(r: ReplyTask, seconds: number): void {
  const n = Math.round(seconds * RATE);
  r.utterance.pullInto(new Int16Array(n), 0, n, 1e9);
}

test('synthesis stays within the lead of playback, and playing makes room for the rest', async () => {
  const lead = 2;
  const r = new ReplyTask(context(lead), [], 'tell me a story');
  await settle(r);
  const clauseMaxS = 6; // one clause of the story is well under this
  assert.ok(!r.utterance.isFinished, 'a 12-sentence story is not made at once');
  assert.ok(r.utterance.bufferedSamples / RATE <= lead + clauseMaxS, `made ${r.utterance.bufferedSamples / RATE} s ahead`);
  assert.ok(r.utterance.bufferedSamples / RATE > lead - 1e-9, 'at least the lead is made');
  let rounds = 0;
  while (!r.utterance.isFinished && rounds++ < 200) {
    play(r, 1);
    await settle(r);
    assert.ok(r.utterance.bufferedSamples / RATE <= lead + clauseMaxS);
  }
  await r.done;
  assert.ok(r.utterance.isFinished);
  assert.equal(r.utterance.fullText.replace(/\s+/g, ' '), STORY, 'every clause was spoken in the end');
});

test('an interrupted story costs only what was played plus the lead', async () => {
  const whole = new ReplyTask(context(1e6), [], 'tell me a story');
  await whole.done;
  const wholeS = whole.utterance.bufferedSamples / RATE;

  const r = new ReplyTask(context(2), [], 'tell me a story');
  await settle(r);
  play(r, 3);
  await settle(r);
  r.abort();
  await r.done;
  const madeS = (r.utterance.played + r.utterance.bufferedSamples) / RATE;
  assert.ok(madeS < wholeS / 2, `made ${madeS.toFixed(1)} s of a ${wholeS.toFixed(1)} s story for 3 s played`);
});
