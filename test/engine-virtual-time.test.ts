import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../src/engine/simulate.js';
import { COMPUTE_COSTS, computeCosts } from '../src/engine/compute-time.js';
import { VirtualClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { compose, synth } from './helpers/speech.js';
import { TurnLatencyTracker } from '../src/engine/turn-latency.js';
import type { EngineEvent } from '../src/engine/events.js';

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

  // The modelled costs are what separates the commit from the first audio of a reply generated at
  // the commit: at least the dialogue's first token and flite's first audio. A reply speculated during
  // the pause has its audio ready then, and is heard from the commit on, never before it.
  const minCost = (COMPUTE_COSTS.dialogueFirstTokenMs + COMPUTE_COSTS.ttsFirstAudioMs.slt!) / 1000;
  const stages = first.events.flatMap((e) => (e.type === 'turn_latency' ? [e.stages] : []));
  for (const s of stages) {
    if (s.speculative) assert.ok(s.heard >= s.commit - 1e-9, `a speculative reply was heard at ${s.heard}, before the commit at ${s.commit}`);
    else assert.ok(s.firstAudio! - s.commit >= minCost - 1e-9, `first audio ${s.firstAudio} only ${(s.firstAudio! - s.commit) * 1000} ms after the commit`);
  }

  // Every answered turn says where its time went, stages in order, ending when the listener got audio.
  const turns = first.events.filter((e) => e.type === 'turn_latency');
  assert.equal(turns.length, spoke.length);
  for (const e of turns) {
    const s = e.type === 'turn_latency' ? e.stages : assert.fail();
    const order = [s.speechEnd, s.silence, s.commit, s.firstClause, s.firstAudio, s.heard].filter((x): x is number => x !== null);
    for (let i = 1; i < order.length; i++) assert.ok(order[i]! >= order[i - 1]! - 1e-9, `stages out of order: ${JSON.stringify(s)}`);
    assert.ok(spoke.some((a) => a.t === s.heard), 'heard = the agent_speech_start of the reply');
    assert.ok(s.speechEnd !== null && s.firstClause !== null && s.firstAudio !== null, JSON.stringify(s));
  }
});

test('turn latency stages from a hand-made timeline: a speculative reply counts from the commit', () => {
  const tracker = new TurnLatencyTracker();
  const seen: EngineEvent[] = [];
  const feed = (e: EngineEvent, ready?: number) => {
    const out = tracker.observe(e, () => ready);
    if (out) seen.push(out);
  };
  feed({ type: 'user_speech_start', t: 1, onset: 0.9 });
  feed({ type: 'user_speech_stop', t: 2.2 });
  feed({ type: 'decision', t: 2.5, action: 'take_turn', reason: 'complete', agent: 'idle' });
  feed({ type: 'transcript_final', t: 2.52, text: 'hello there', words: [{ word: 'hello', start: 1, end: 1.5 }, { word: 'there', start: 1.6, end: 2.0 }] });
  feed({ type: 'speculation_used', t: 2.52, text: 'hello there' });
  feed({ type: 'agent_reply_start', t: 2.52, userText: 'hello there' });
  feed({ type: 'agent_text', t: 2.52, text: 'Hi.' });
  feed({ type: 'agent_speech_start', t: 2.6, kind: 'backchannel', text: 'mm' }, 2.3); // not the reply
  feed({ type: 'agent_speech_start', t: 2.56, kind: 'reply', text: 'Hi.' }, 2.4); // audio ready before the commit
  assert.deepEqual(seen, [{ type: 'turn_latency', t: 2.56, stages: { speechEnd: 2.0, silence: 2.2, commit: 2.5, firstClause: 2.52, firstAudio: 2.52, heard: 2.56, speculative: true } }]);
  // A reply that starts without a take_turn (a typed turn) has no stages.
  feed({ type: 'agent_reply_start', t: 5, userText: 'typed' });
  feed({ type: 'agent_speech_start', t: 5.1, kind: 'reply', text: 'Ok.' }, 5.05);
  assert.equal(seen.length, 1);
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
