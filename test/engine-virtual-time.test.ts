import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../src/engine/simulate.js';
import { COMPUTE_COSTS, computeCosts } from '../src/engine/compute-time.js';
import { VirtualClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { compose, synth } from './helpers/speech.js';

/**
 * Modelled virtual time (the default): every component is charged a fixed cost, so the same input
 * gives the same timeline and the same agent audio, sample for sample, on every run.
 */
test('two simulate() runs of the same input give identical event timelines and audio', async () => {
  // A question, a pause, a barge-in over the answer: turn-taking, speculation and a cut all happen.
  const { audio } = compose([0.5, synth('What time is it?'), 1.6, synth('Tell me a story about a dragon.'), 2.0, synth('Wait, stop, what day is it today?'), 2.5]);
  const first = await simulate(audio, { maxTailS: 4 });
  const second = await simulate(audio, { maxTailS: 4 });
  assert.deepEqual(second.events, first.events);
  assert.deepEqual(second.agent, first.agent);
  assert.equal(first.events.find((e) => e.type === 'session_start')?.t, 0);
  const spoke = first.events.filter((e) => e.type === 'agent_speech_start' && e.kind === 'reply');
  assert.ok(spoke.length >= 2, `the agent answered (${spoke.length} replies)`);

  // The modelled costs are what separates the commit from the first audio: at least the dialogue's
  // first token and flite's first audio after the reply started.
  const replyStart = first.events.find((e) => e.type === 'agent_reply_start')!;
  const audible = first.events.find((e) => e.type === 'agent_speech_start' && e.kind === 'reply' && e.t >= replyStart.t)!;
  const minCost = (COMPUTE_COSTS.dialogueFirstTokenMs + COMPUTE_COSTS.ttsFirstAudioMs.slt!) / 1000;
  assert.ok(audible.t - replyStart.t >= minCost - 1e-9, `first audio ${audible.t} only ${(audible.t - replyStart.t) * 1000} ms after the reply started`);
});

test('a session in modelled time answers the time from a fixed date', async () => {
  const { audio } = compose([0.4, synth('What time is it?'), 3]);
  const r = await simulate(audio, { maxTailS: 4 });
  const said = r.events.filter((e) => e.type === 'agent_text').map((e) => ('text' in e ? e.text : '')).join(' ');
  assert.match(said.toLowerCase(), /twelve|noon|12/, said);
});

test('bad cost overrides and compute modes are refused by name', async () => {
  assert.throws(() => computeCosts({ asrFinishMs: -1 }), /asrFinishMs/);
  assert.throws(() => computeCosts({ ttsFirstAudioMs: { slt: Number.NaN } }), /ttsFirstAudioMs\.slt/);
  await assert.rejects(createLocalSession(new VirtualClock(), { computeTime: 'fast' as never }), /computeTime must be modelled, measured, none/);
});
