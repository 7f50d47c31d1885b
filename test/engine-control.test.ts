/**
 * The session's control API on real sessions (Silero, pocketsphinx, flite, the embedded dialogue
 * model), driven window by window on a virtual clock: every call does what it says, leaves the
 * engine's own turn-taking alone where it should, and appears on the timeline.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { synth } from './helpers/speech.js';
import { agentSpeech, closeVad, decisions, eventsOf, speechBetween, timeline } from './helpers/conversation.js';
import { drive } from './helpers/drive.js';
import type { ConversationSession, OutputUtterance } from '../src/engine/session.js';
import { defaultPredictorOptions } from '../src/engine/options.js';
import type { EngineEvent } from '../src/engine/events.js';
import { EmbeddedDialogueModel } from '../src/dialogue/embedded.js';
import type { DialogueModel } from '../src/dialogue/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

after(closeVad);

const controls = (r: { readonly events: readonly EngineEvent[] }, action: string) =>
  r.events.filter((e): e is Extract<EngineEvent, { type: 'control' }> => e.type === 'control' && e.action === action);

/**
 * The embedded model, holding back everything after its first sentence until `release()`: the rest
 * of the reply is still to come when the test cancels it.
 */
function heldBackModel() {
  const model = new EmbeddedDialogueModel();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const held: DialogueModel = {
    name: 'embedded, held back',
    async *reply(req) {
      let first = true;
      for await (const d of model.reply(req)) {
        if (!first) await Promise.race([gate, new Promise((r) => req.signal.addEventListener('abort', r, { once: true }))]);
        if (req.signal.aborted) return;
        yield d;
        if (first && /[.!?]/.test(d)) first = false;
      }
    },
  };
  return { held, release: () => release() };
}

test('cancelReply stops the speech and the reply task; only the heard words join the history', async () => {
  const model = heldBackModel();
  let cancelledAt: number | undefined;
  let u: OutputUtterance | undefined;
  let stopped: boolean | undefined;
  const { session, result } = await drive(
    [0.5, synth('Tell me a story.'), 8],
    async (s, t) => {
      // The first sentence's audio is synthesised in wall time beside the windows: wait for it.
      for (let i = 0; i < 400 && s.output.utterance?.kind === 'reply' && !s.output.utterance.hasAudio; i++) await sleep(5);
      // About half a second into the story, the application cancels it, saying 0.4 s of it was heard.
      if (cancelledAt === undefined && s.output.audible && s.output.utterance!.played >= 8000) {
        u = s.output.utterance;
        stopped = s.cancelReply({ heardSamples: 6400, reason: 'the user pressed stop' });
        cancelledAt = t;
        model.release(); // a reply still running would now go on with the story
        await sleep(50);
      }
    },
    { dialogue: model.held, settle: false },
  );
  assert.ok(cancelledAt !== undefined, `the story never played\n${timeline(result)}`);
  assert.equal(stopped, true);
  const [control] = controls(result, 'cancel_reply');
  assert.equal(control?.detail, 'the user pressed stop');
  const stop = eventsOf(result, 'agent_speech_stop').find((e) => e.reason === 'cancelled');
  assert.ok(stop && stop.kind === 'reply', timeline(result));
  const [truncated] = eventsOf(result, 'agent_speech_truncated');
  assert.ok(truncated, 'the cut is on the timeline');
  assert.equal(truncated.playedSeconds, 0.4);
  assert.equal(truncated.heardText, u!.heardText(6400));
  assert.ok(truncated.fullText.startsWith(truncated.heardText), `"${truncated.heardText}" is a prefix of "${truncated.fullText}"`);
  // The task was aborted, not just muted: the rest of the story was never generated nor spoken.
  assert.deepEqual(eventsOf(result, 'agent_text').map((e) => e.text), ["Here's a story."], timeline(result));
  assert.equal(eventsOf(result, 'agent_speech_stop').filter((e) => e.reason === 'completed' && e.kind === 'reply').length, 0);
  // Silence after the cancel (a margin of a few windows for the audio pulled before it).
  const agent = await agentSpeech(result);
  assert.equal(speechBetween(agent, cancelledAt + 0.1, 100).length, 0, `agent audio after the cancel: ${JSON.stringify(agent)}`);
  const last = session.history.at(-1)!;
  if (truncated.heardText === '') assert.equal(last.role, 'user');
  else assert.deepEqual(last, { role: 'assistant', content: truncated.heardText, interrupted: true });
});

test('truncateHeard corrects a finished reply in the history to the words heard, or drops it', async () => {
  let u: OutputUtterance | undefined;
  let heard: string | undefined;
  let historyAfter: unknown;
  const { result } = await drive([0.5, synth('What time is it?'), 6], (s) => {
    if (s.output.utterance?.kind === 'reply') u = s.output.utterance;
    if (u?.isDone && heard === undefined) {
      const before = s.history.at(-1)!;
      assert.equal(before.content, u.fullText, 'the finished reply is in the history whole');
      heard = s.truncateHeard(u, Math.floor(u.played / 2));
      historyAfter = structuredClone(s.history.at(-1));
      assert.equal(s.truncateHeard(u, 0), '');
      assert.equal(s.history.at(-1)!.role, 'user', 'nothing heard: the reply leaves the history');
    }
  });
  assert.ok(heard !== undefined, `no reply finished\n${timeline(result)}`);
  assert.ok(heard.length > 0 && u!.fullText.startsWith(heard) && heard.length < u!.fullText.length, `"${heard}" of "${u!.fullText}"`);
  assert.deepEqual(historyAfter, { role: 'assistant', content: heard, interrupted: true });
  assert.equal(controls(result, 'truncate_heard').length, 2);
  assert.deepEqual(eventsOf(result, 'agent_speech_truncated').map((e) => e.heardText), [heard, '']);
});

test('updateOptions changes the live turn-taking, relative to the creation options, and is on the timeline', async () => {
  const silenceMs = 2500;
  let updated = false;
  const { result, spans, session } = await drive(
    [0.5, synth('What time is it?'), 6],
    (s) => {
      if (!updated) {
        updated = true;
        // A silence timer, as Realtime's server_vad asks for.
        s.updateOptions({ endOfTurn: { policy: 'rules', commitStrongMs: silenceMs, commitCompleteMs: silenceMs, commitUnsureMs: silenceMs, commitIncompleteMs: silenceMs }, maxHoldMs: silenceMs });
      }
    },
    { eagerness: 'high' },
  );
  const qEnd = spans[0]!.end;
  const [reply] = eventsOf(result, 'agent_reply_start');
  assert.ok(reply, timeline(result));
  assert.ok(reply.t - qEnd >= silenceMs / 1000 - 0.1, `answered ${(reply.t - qEnd).toFixed(2)} s after the question: the ${silenceMs} ms wait was not applied\n${timeline(result)}`);
  assert.equal(controls(result, 'update_options').length, 1);
  // The creation options (eagerness high) stay under the update; {} returns to them.
  assert.equal(session.predictor.options.eagerness, 'high');
  assert.equal(session.predictor.options.endOfTurn.policy, 'rules');
  session.updateOptions({});
  assert.equal(session.predictor.options.endOfTurn.policy, defaultPredictorOptions.endOfTurn.policy);
  assert.equal(session.predictor.options.maxHoldMs, defaultPredictorOptions.maxHoldMs * 0.6, 'eagerness high scales the hold again');
  // The session_start config is a snapshot, not the live object.
  const start = eventsOf(result, 'session_start')[0]!.config as { predictor: { maxHoldMs: number } };
  assert.equal(start.predictor.maxHoldMs, defaultPredictorOptions.maxHoldMs * 0.6);
});

test('holdTurns: the engine listens and reads the pause with its learned model but never answers; takeTurnNow answers at once', async () => {
  let estimates = 0;
  let askedAt: number | undefined;
  const { result, spans } = await drive([0.5, synth('What time is it?'), 4, 3], (s, t) => {
    if (t < 0.1 && !s.predictor.turnsHeld) s.holdTurns(true);
    if (s.predictor.turnEnd) estimates++;
    if (askedAt === undefined && t > 4.5) {
      assert.ok(!s.events.some((e) => e.type === 'agent_reply_start'), 'held: no answer by itself');
      s.takeTurnNow();
      askedAt = t;
    }
  });
  const qEnd = spans[0]!.end;
  const replies = eventsOf(result, 'agent_reply_start');
  assert.equal(replies.length, 1, timeline(result));
  assert.ok(replies[0]!.t > askedAt! && replies[0]!.t - askedAt! < 0.3, `answered ${(replies[0]!.t - askedAt!).toFixed(2)} s after takeTurnNow\n${timeline(result)}`);
  assert.match(replies[0]!.userText, /time/);
  assert.ok(estimates > 10, 'the learned end-of-turn model read the pause while turns were held');
  assert.ok(decisions(result, 'hold').some((d) => d.t > qEnd && /held by the application/.test(d.reason)), timeline(result));
  assert.ok(decisions(result, 'take_turn').some((d) => /application asked/.test(d.reason)));
  assert.equal(eventsOf(result, 'backchannel').length, 0);
  assert.deepEqual(eventsOf(result, 'control').map((e) => e.action), ['hold_turns', 'take_turn_now']);
});

test('takeTurnNow without holding: the turn is taken at the first pause, where the engine would have waited', async () => {
  let asked = false;
  const { result, spans } = await drive([0.5, synth('I went to the store and'), 1.5, synth('bought some milk for the kids.'), 4], (s) => {
    if (!asked && s.predictor.userSpeaking && s.predictor.segmentMs > 500) {
      s.takeTurnNow();
      asked = true;
    }
  });
  const [first] = eventsOf(result, 'agent_reply_start');
  assert.ok(first, timeline(result));
  assert.match(first.userText, /store/);
  assert.doesNotMatch(first.userText, /milk/);
  assert.ok(first.t - spans[0]!.end < 0.6, `answered ${(first.t - spans[0]!.end).toFixed(2)} s into the pause\n${timeline(result)}`);
});

test('cancelReply withdraws a takeTurnNow not yet carried out', async () => {
  const { result } = await drive([0.5, synth('What time is it?'), 4], (s, t) => {
    if (t < 0.1 && !s.predictor.turnsHeld) {
      s.holdTurns(true);
      s.takeTurnNow();
      assert.equal(s.predictor.turnRequested, true);
      assert.equal(s.cancelReply(), false, 'nothing was playing');
      assert.equal(s.predictor.turnRequested, false);
    }
  });
  assert.equal(eventsOf(result, 'agent_reply_start').length, 0, timeline(result));
  assert.deepEqual(eventsOf(result, 'control').map((e) => e.action), ['hold_turns', 'take_turn_now', 'cancel_reply']);
});

test('addContext: instructions lead the history (set, replaced, removed), messages are appended, respond answers them', async () => {
  let session: ConversationSession | undefined;
  const { result } = await drive([3], async (s, t) => {
    if (session) return;
    session = s;
    s.addContext({ role: 'system', content: 'You are terse.' }, 'instructions');
    s.addContext({ role: 'assistant', content: 'Hello.' });
    s.addContext({ role: 'system', content: ' Be kind. ' }, 'instructions');
    assert.deepEqual(structuredClone(s.history), [
      { role: 'system', content: 'Be kind.' },
      { role: 'assistant', content: 'Hello.' },
    ]);
    s.addContext({ role: 'system', content: '' }, 'instructions');
    s.addContext({ role: 'user', content: 'What time is it?' });
    assert.deepEqual(s.history.map((m) => m.role), ['assistant', 'user']);
    assert.ok(t < 0.1);
    await s.respond();
  });
  const [reply] = eventsOf(result, 'agent_reply_start');
  assert.equal(reply?.userText, 'What time is it?', timeline(result));
  assert.ok(eventsOf(result, 'agent_text').some((e) => /o'clock|night|morning|afternoon|evening|noon|midnight|it's/i.test(e.text)), timeline(result));
  assert.equal(controls(result, 'add_context').length, 5);
});

test('the views are read-only (checked by the compiler) and bad control arguments are refused', async () => {
  const { session } = await drive([0.1], () => undefined);
  assert.throws(() => session.cancelReply({ heardSamples: Number.NaN }), /heardSamples/);
  // Never called: each line must fail to compile, or this file does not build.
  const compileChecks = (s: ConversationSession): void => {
    // @ts-expect-error the history is written through addContext only
    s.history.push({ role: 'user', content: 'x' });
    // @ts-expect-error options change through updateOptions only
    s.predictor.options.endOfTurn.policy = 'rules';
    // @ts-expect-error the output is stopped through cancelReply only
    s.output.stop();
    // @ts-expect-error heard audio comes from SessionOptions.heardSamples or cancelReply
    s.heardSamples = () => 0;
  };
  void compileChecks;
});

test('say cuts the reply, speaks the text verbatim in the session voice, holds the turns, and keeps it in the history', async () => {
  let saidAt: number | undefined;
  let said: OutputUtterance | undefined;
  const { session, result } = await drive([0.5, synth('Tell me a story.'), 4, synth('What time is it?'), 4], async (s, t) => {
    for (let i = 0; i < 400 && s.output.utterance?.kind === 'reply' && !s.output.utterance.hasAudio; i++) await sleep(5);
    if (saidAt === undefined && s.output.audible && s.output.utterance!.played >= 8000) {
      said = s.say('I have to go now.');
      saidAt = t;
    }
    if (said && !said.isDone && !said.hasAudio) for (let i = 0; i < 400 && !said.hasAudio; i++) await sleep(5);
  });
  assert.ok(saidAt !== undefined && said, `the story never played\n${timeline(result)}`);
  assert.equal(controls(result, 'say')[0]?.detail, 'I have to go now.');
  assert.ok(eventsOf(result, 'agent_speech_stop').some((e) => e.reason === 'cancelled' && e.t >= saidAt!), 'the story was cut');
  assert.equal(eventsOf(result, 'agent_text').at(-1)?.text, 'I have to go now.');
  assert.ok(said.isDone, 'the words were played to their end');
  // The turns are held: the question after it gets no answer.
  assert.equal(eventsOf(result, 'agent_reply_start').filter((e) => e.t > saidAt!).length, 1, timeline(result));
  assert.deepEqual(session.history.at(-1), { role: 'assistant', content: 'I have to go now.' });
});
