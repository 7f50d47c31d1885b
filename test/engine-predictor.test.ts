/**
 * The duplex predictor on hand-made evidence: each rule, in isolation, fast and deterministic. The
 * end-of-turn and barge-in cases here run the hand-set rules (policy 'rules'); the learned models'
 * decisions are tested in turn-end-model.test.ts and barge-in-model.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplexPredictor, contentWords, type AgentActivity, type Decision, type WindowEvidence } from '../src/engine/predictor.js';
import { resolvePredictorOptions } from '../src/engine/options.js';
import { assessCompleteness } from '../src/engine/evidence/completeness.js';
import { isNarrativeTurn } from '../src/engine/evidence/narrative.js';

/** Drives a predictor window by window with a tiny script. */
class Script {
  t = 0;
  readonly log: { t: number; d: Decision }[] = [];
  constructor(readonly p = new DuplexPredictor({ endOfTurn: { policy: 'rules' }, bargeIn: { policy: 'rules' } })) {}
  step(n: number, o: { p?: number; level?: number; text?: string; agent?: AgentActivity; echo?: number; pitch?: WindowEvidence['pitchShape']; narrative?: boolean } = {}) {
    for (let i = 0; i < n; i++) {
      this.t += 0.032;
      const text = o.text ?? '';
      for (const d of this.p.update({
        t: this.t,
        windowMs: 32,
        vadProbability: o.p ?? 0,
        levelDb: o.level ?? -25,
        echoLikelihood: o.echo ?? 0,
        transcript: text,
        completeness: assessCompleteness(text),
        narrative: o.narrative ?? false,
        pitchShape: o.pitch,
        agent: o.agent ?? 'idle',
      })) {
        this.log.push({ t: this.t, d });
        if (d.action === 'take_turn') this.p.turnTaken(); // as the session does when it commits
      }
    }
    return this;
  }
  actions(): string[] {
    return this.log.map((l) => l.d.action);
  }
  first(action: string) {
    return this.log.find((l) => l.d.action === action);
  }
}

test('a finished question is answered after a short silence', () => {
  const s = new Script().step(5).step(30, { p: 0.95, text: 'what time is it' });
  const speechEnd = s.t;
  s.step(20, { text: 'what time is it' });
  const take = s.first('take_turn');
  assert.ok(take, s.actions().join(' '));
  assert.ok(take.t - speechEnd <= 0.2, `took ${((take.t - speechEnd) * 1000).toFixed(0)} ms`);
  assert.ok(s.first('speculate')!.t <= take.t, 'a reply is speculated before the turn is committed');
});

test('an unfinished clause is held through a long pause, with the reason in the timeline', () => {
  const s = new Script().step(5).step(30, { p: 0.95, text: 'i went to the store and' }).step(45, { text: 'i went to the store and' });
  assert.equal(s.first('take_turn'), undefined, s.actions().join(' '));
  assert.match(s.first('hold')!.d.reason, /conjunction 'and'/);
  assert.equal(s.first('speculate'), undefined, 'no reply is prepared for an unfinished clause');
  // …but never forever.
  s.step(60, { text: 'i went to the store and' });
  assert.ok(s.first('take_turn'));
});

test('when the user goes on after a pause, the speculative reply is discarded', () => {
  const s = new Script().step(5).step(30, { p: 0.95, text: 'maybe paris' }).step(3, { text: 'maybe paris' });
  assert.equal(assessCompleteness('maybe paris').verdict, 'unsure');
  assert.ok(s.first('speculate'));
  s.step(2, { p: 0.95, text: 'maybe paris' }).step(8, { p: 0.95, text: 'maybe paris or rome' });
  assert.ok(s.first('discard_speculation'), s.actions().join(' '));
  assert.equal(s.first('take_turn'), undefined);
});

test('barge-in: pause at once, confirm with words, then cancel', () => {
  const s = new Script().step(10, { agent: 'speaking' }).step(2, { p: 0.95, agent: 'speaking' });
  const y = s.first('yield');
  assert.ok(y, s.actions().join(' '));
  assert.ok(y.t - 10 * 0.032 <= 0.1, 'yielded within ~100 ms of speech onset');
  s.step(12, { p: 0.95, agent: 'paused', text: 'wait what time' });
  assert.match(s.first('cancel')!.d.reason, /confirmed/);
  assert.ok(s.p.inTurn, 'the interruption becomes the user turn');
});

test('false interruption: a cough or an "uh huh" resumes the paused agent', () => {
  for (const text of ['', 'uh huh', 'mm hmm', 'yeah']) {
    const s = new Script().step(10, { agent: 'speaking' }).step(3, { p: 0.95, agent: 'speaking' });
    s.step(6, { p: 0.95, agent: 'paused', text }).step(12, { agent: 'paused', text });
    assert.ok(s.first('resume'), `${JSON.stringify(text)}: ${s.actions().join(' ')}`);
    assert.equal(s.first('cancel'), undefined);
  }
});

test('a single command word said over the agent cancels it once the user stops', () => {
  const s = new Script().step(10, { agent: 'speaking' }).step(2, { p: 0.95, agent: 'speaking' });
  s.step(10, { p: 0.95, agent: 'paused', text: 'stop' }).step(12, { agent: 'paused', text: 'stop' });
  assert.ok(s.first('cancel'), s.actions().join(' '));
});

test('the agent does not yield to its own echo', () => {
  const s = new Script().step(10, { agent: 'speaking' }).step(30, { p: 0.95, agent: 'speaking', echo: 0.9 });
  assert.equal(s.first('yield'), undefined);
});

test('speech well below the user’s usual level is ignored (side talk, background)', () => {
  const s = new Script().step(5).step(30, { p: 0.95, level: -22, text: 'hello there' }).step(40, { text: 'hello there' });
  assert.ok(s.first('take_turn'));
  const quiet = new Script(s.p);
  quiet.t = s.t;
  quiet.step(10).step(40, { p: 0.95, level: -40, text: 'honey can you grab the keys' }).step(40, { text: 'honey can you grab the keys' });
  assert.ok(quiet.first('ignore'), quiet.actions().join(' '));
  assert.equal(quiet.first('take_turn'), undefined);
  assert.equal(quiet.first('speculate'), undefined);
  assert.equal(quiet.p.inTurn, false, 'it never became the user’s turn');
});

test('someone else talking in the user’s pause does not end it: the turn is answered through a TV', () => {
  const said = (s: Script) => s.step(5).step(30, { p: 0.95, level: -22, text: 'maybe paris' }).step(10, { text: 'maybe paris' });
  const quiet = said(new Script()).step(100, { text: 'maybe paris' });
  const tookAt = quiet.first('take_turn')!.t;
  // The same turn, and a TV 20 dB down from 320 ms into the pause for 3.2 s (its words never reach the turn).
  const tv = said(new Script());
  const tvStart = tv.t;
  tv.step(100, { p: 0.95, level: -42, text: 'maybe paris' });
  assert.ok(tv.first('ignore'), tv.actions().join(' '));
  const take = tv.first('take_turn');
  assert.ok(take, `never answered while the TV talked: ${tv.actions().join(' ')}`);
  assert.ok(take.t < tvStart + 3.2, 'answered while the other voice was still talking');
  assert.ok(take.t - tookAt <= 0.1 + 1e-9, `answered ${((take.t - tookAt) * 1000).toFixed(0)} ms later than without the TV`);
  // While the TV talks the user is silent, and their pause keeps growing.
  const p = said(new Script());
  p.step(20, { p: 0.95, level: -42, text: 'maybe paris' });
  assert.equal(p.p.userSpeaking, false);
  assert.ok(p.p.otherVoiceInPause);
  assert.ok(p.p.pauseMs >= 22 * 32, `pause ${p.p.pauseMs} ms`);
});

test('a TV on under the user: the VAD hears speech throughout, level splits the user’s words from it', () => {
  // The user at −22 dBFS over a TV at −45 that never stops: every window is speech to the VAD.
  const s = new Script().step(5, { p: 0.9, level: -45 }).step(30, { p: 0.95, level: -22, text: 'maybe paris' });
  const spokeUntil = s.t;
  s.step(40, { p: 0.9, level: -45, text: 'maybe paris' });
  const stop = s.log.find((l) => l.d.action === 'user_stop');
  assert.ok(stop, s.actions().join(' '));
  assert.match(stop.d.reason, /only a voice 23 dB below the user's for 4\d\d ms/);
  assert.ok(stop.t - spokeUntil <= 0.52, `the user's stop was seen ${((stop.t - spokeUntil) * 1000).toFixed(0)} ms after it`);
  const take = s.first('take_turn');
  assert.ok(take, `never answered while the TV talked: ${s.actions().join(' ')}`);
  // The user speaks again over the TV: their level is back, a new segment of theirs starts at once.
  s.p.turnTaken();
  const again = s.t;
  s.step(4, { p: 0.95, level: -23, text: 'and rome' });
  const back = s.log.find((l) => l.t > again && l.d.action === 'user_start');
  assert.ok(back && back.t - again <= 0.07, s.actions().join(' '));
  assert.match(back.d.reason, /at the user's level rises over/);
  assert.equal(s.p.userSpeaking, true);
  // Off (quieterVoiceMs 0): the TV holds the user's segment open, as before.
  const off = new Script(new DuplexPredictor({ endOfTurn: { policy: 'rules' }, bargeIn: { policy: 'rules' }, attention: { quieterVoiceMs: 0 } }));
  off.step(5, { p: 0.9, level: -45 }).step(30, { p: 0.95, level: -22, text: 'maybe paris' }).step(40, { p: 0.9, level: -45, text: 'maybe paris' });
  assert.equal(off.first('user_stop'), undefined, off.actions().join(' '));
  assert.equal(off.first('take_turn'), undefined);
});

test('an "uh-huh" over the agent with a TV on: the TV is not the user going on, the agent resumes', () => {
  // The user at −22 dBFS over a TV at −45 that never stops; the agent answers, the user says "uh huh".
  const s = new Script().step(5, { p: 0.9, level: -45 }).step(30, { p: 0.95, level: -22, text: 'tell me a story' }).step(40, { p: 0.9, level: -45, text: 'tell me a story' });
  assert.ok(s.first('take_turn'), s.actions().join(' '));
  const over = new Script(s.p);
  over.t = s.t;
  over.step(20, { p: 0.9, level: -45, agent: 'speaking' }).step(8, { p: 0.95, level: -22, agent: 'speaking', text: 'uh huh' });
  assert.ok(over.first('yield'), over.actions().join(' '));
  // The agent is paused now; the TV goes on for 1.9 s, longer than any overlap the rules confirm.
  over.step(60, { p: 0.9, level: -45, agent: 'paused', text: 'uh huh' });
  assert.equal(over.first('cancel'), undefined, over.actions().join(' '));
  const resume = over.first('resume');
  assert.ok(resume, over.actions().join(' '));
  assert.match(resume.d.reason, /a backchannel \("uh huh"\)/);
  assert.equal(over.p.inTurn, false, 'the "uh huh" did not become a turn');
});

test('a soft stretch inside the user\'s own barge-in, no other voice heard: still the user, and the barge-in goes on', () => {
  const s = new Script().step(5).step(30, { p: 0.95, level: -22, text: 'what can i do' }).step(20, { text: 'what can i do' });
  assert.ok(s.first('take_turn'), s.actions().join(' '));
  const over = new Script(s.p);
  over.t = s.t;
  // "press two | to enter a different number": her soft stretch is 23 dB below her loudest for 384 ms
  // (longer than quieterVoiceOverAgentMs) while the VAD still hears speech.
  over.step(10, { agent: 'speaking' }).step(10, { p: 0.95, level: -22, agent: 'speaking', text: 'press two' });
  over.step(12, { p: 0.9, level: -45, agent: 'paused', text: 'press two' });
  over.step(20, { p: 0.95, level: -22, agent: 'paused', text: 'press two to enter a different number' });
  assert.ok(over.first('yield'), over.actions().join(' '));
  assert.equal(over.log.find((l) => l.d.action === 'ignore' || /only a voice/.test(l.d.reason)), undefined, over.actions().join(' '));
  assert.ok(over.first('cancel'), over.actions().join(' '));
  assert.equal(over.first('resume'), undefined);
});

test('the user starts over the agent’s last words and the agent finishes on its own: what they say is their turn', () => {
  const s = new Script().step(5).step(30, { p: 0.95, level: -22, text: 'tell me a story' }).step(20, { text: 'tell me a story' });
  assert.ok(s.first('take_turn'));
  const late = new Script(s.p);
  late.t = s.t;
  // A soft onset over the agent's last word (judged before any yield), then the agent is done and the user goes on.
  late.step(10, { agent: 'speaking' }).step(3, { p: 0.95, level: -31, agent: 'speaking', text: 'what' });
  assert.ok(late.first('user_start'), late.actions().join(' '));
  assert.equal(late.first('yield'), undefined, late.actions().join(' '));
  late.step(30, { p: 0.95, level: -22, text: 'what about paris' }).step(30, { text: 'what about paris' });
  assert.ok(late.first('take_turn'), `the user's words were never answered: ${late.actions().join(' ')}`);
});

test('a telling gets a backchannel at a phrase boundary, not a takeover', () => {
  const text = 'let me tell you about my weekend we drove to the mountains';
  const s = new Script().step(5).step(140, { p: 0.95, text, narrative: true }).step(20, { text, narrative: true });
  assert.ok(s.first('backchannel'), s.actions().join(' '));
  assert.equal(s.first('take_turn'), undefined);
});

test('eagerness scales the end-of-turn waits; explicit values win', () => {
  const low = resolvePredictorOptions({ eagerness: 'low' });
  const high = resolvePredictorOptions({ eagerness: 'high' });
  assert.ok(low.endOfTurn.commitIncompleteMs > high.endOfTurn.commitIncompleteMs);
  assert.ok(low.maxHoldMs > high.maxHoldMs);
  assert.equal(resolvePredictorOptions({ eagerness: 'low', endOfTurn: { commitUnsureMs: 123 } }).endOfTurn.commitUnsureMs, 123);
});

test('content words leave out backchannels and fillers', () => {
  assert.equal(contentWords('uh huh'), 0);
  assert.equal(contentWords('um wait'), 1);
  assert.equal(contentWords('wait what time is it'), 5);
});

test('a short overlap the recogniser turned into words ("yeah" → "you had") resumes; a stop word cancels', () => {
  for (const [text, expected] of [['you had', 'resume'], ['wait', 'cancel'], ['no', 'cancel']] as const) {
    const s = new Script().step(10, { agent: 'speaking' }).step(2, { p: 0.95, agent: 'speaking' });
    s.step(10, { p: 0.95, agent: 'paused', text }).step(12, { agent: 'paused', text });
    assert.ok(s.first(expected), `${text}: ${s.actions().join(' ')}`);
    assert.equal(s.first(expected === 'resume' ? 'cancel' : 'resume'), undefined, `${text}: ${s.actions().join(' ')}`);
  }
});

test('side talk over the agent: it keeps talking, and the voice never becomes a barge-in or a turn', () => {
  const s = new Script().step(5).step(30, { p: 0.95, level: -22, text: 'tell me a story' }).step(20, { text: 'tell me a story' });
  assert.ok(s.first('take_turn'));
  const side = new Script(s.p);
  side.t = s.t;
  // A voice well below the user's is judged before the agent pauses at all.
  const quiet = side.step(10, { agent: 'speaking' }).step(40, { p: 0.95, level: -36, agent: 'speaking', text: 'just a second i am on the phone' });
  assert.equal(quiet.first('yield'), undefined, quiet.actions().join(' '));
  assert.ok(quiet.first('ignore'), quiet.actions().join(' '));
  assert.equal(quiet.first('cancel'), undefined, quiet.actions().join(' '));
  assert.equal(quiet.p.inTurn, false, 'it never became the user’s turn');
});

test('a telling is recognised from its opener, even with a word the recogniser inserted; questions are not tellings', () => {
  for (const t of ['let me tell you about my weekend', 'so the yesterday something funny happened at work', 'okay so there is the story of my first car', 'you will not believe what happened'])
    assert.equal(isNarrativeTurn(t), true, t);
  for (const t of ['can you tell me the story of moshi', 'what happened yesterday', 'the weather is nice today', ''])
    assert.equal(isNarrativeTurn(t), false, t);
});

test('attention compares like with like: a barge-in that starts softly is the user, not side talk', () => {
  // Words swell: the first windows of a segment are well below its peak (here 11 dB).
  const swell = (s: Script, agent: AgentActivity, text: string, peakWindows: number) => {
    for (const level of [-45, -40, -36, -33, -31, -29]) s.step(1, { p: 0.95, level, agent, text });
    return s.step(peakWindows, { p: 0.95, level: -18, agent, text });
  };
  const s = new Script().step(5);
  swell(s, 'idle', 'tell me a long story', 40).step(20, { text: 'tell me a long story' });
  assert.ok(s.first('take_turn'));
  const barge = new Script(s.p);
  barge.t = s.t;
  barge.step(10, { agent: 'speaking' });
  swell(barge, 'speaking', 'actually what is freeze omni', 30);
  assert.equal(barge.first('ignore'), undefined, barge.actions().join(' '));
  assert.ok(barge.first('yield'), barge.actions().join(' '));
});
