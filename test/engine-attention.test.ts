/** Attention that keeps listening: the predictor on hand-made evidence, and the voice features on real speech. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplexPredictor, type AgentActivity, type Decision } from '../src/engine/predictor.js';
import { assessCompleteness } from '../src/engine/evidence/completeness.js';
import { PitchTracker } from '../src/engine/evidence/pitch.js';
import { VoiceFeatures, VoiceStats, voiceDistance, voiceFeatureCount } from '../src/engine/evidence/voice-profile.js';
import { FullduplexError } from '../src/errors.js';
import { rng, synth } from './helpers/speech.js';

/** A voice for hand-made evidence: cepstra around `c`, pitch around `f0Hz`, with per-window spread. */
function voice(c: number, f0Hz: number, seed: number): () => Float64Array {
  const r = rng(seed);
  const x = new Float64Array(voiceFeatureCount());
  return () => {
    for (let k = 0; k < x.length - 1; k++) x[k] = c + (r() - 0.5) * 0.6;
    x[x.length - 1] = Math.log2(f0Hz) + (r() - 0.5) * 0.5;
    return x;
  };
}
const USER = voice(0, 120, 1);
const OTHER = voice(0.6, 230, 2);

interface Step {
  p?: number;
  level?: number;
  text?: string;
  agent?: AgentActivity;
  voice?: () => Float64Array;
}

/** Drives a predictor window by window (as test/engine-predictor.test.ts does), with voice features. */
class Script {
  t = 0;
  readonly log: { t: number; d: Decision }[] = [];
  constructor(readonly p = new DuplexPredictor({ endOfTurn: { policy: 'rules' } })) {} // end of turn by the hand-set rules: these tests are about attention
  step(n: number, o: Step = {}) {
    for (let i = 0; i < n; i++) {
      this.t += 0.032;
      const text = o.text ?? '';
      const speech = (o.p ?? 0) > 0.5;
      for (const d of this.p.update({
        t: this.t,
        windowMs: 32,
        vadProbability: o.p ?? 0,
        levelDb: o.level ?? (speech ? -22 : -70),
        echoLikelihood: 0,
        transcript: text,
        completeness: assessCompleteness(text),
        narrative: false,
        pitchShape: undefined,
        agent: o.agent ?? 'idle',
        voice: speech ? (o.voice ?? USER)() : null,
      })) {
        this.log.push({ t: this.t, d });
        if (d.action === 'take_turn') this.p.turnTaken();
      }
    }
    return this;
  }
  /** Continue on the same predictor with a fresh log. */
  next(): Script {
    const s = new Script(this.p);
    s.t = this.t;
    return s;
  }
  actions(): string {
    return this.log.map((l) => `${l.d.action}: ${l.d.reason}`).join('\n');
  }
  first(action: string) {
    return this.log.find((l) => l.d.action === action);
  }
}

/** The user's first turn, at −22 dBFS at its loudest, 2 s long (the voice profile needs about 1 s). */
function userTurn(): Script {
  const s = new Script().step(5).step(64, { p: 0.95, text: 'please tell me a long story' }).step(20, { text: 'please tell me a long story' });
  assert.ok(s.first('take_turn'), s.actions());
  return s.next();
}

test('a soft onset that rises to the user’s level over the agent is re-judged as the user: the agent yields and is cut', () => {
  const s = userTurn().step(10, { agent: 'speaking' });
  const onset = s.t;
  // ~190 ms of soft onset at −45 dBFS, then the first loud syllable at −20 dBFS.
  s.step(6, { p: 0.95, level: -45, agent: 'speaking' });
  assert.match(s.first('keep_talking')?.d.reason ?? '', /quiet onset/, s.actions());
  assert.ok(s.first('ignore'), `judged someone else from its first windows\n${s.actions()}`);
  assert.equal(s.first('yield'), undefined, s.actions());
  const rise = s.t;
  s.step(3, { p: 0.95, level: -20, agent: 'speaking', text: 'wait' });
  const rejudged = s.log.find((l) => l.d.action === 'user_start' && /re-judged/.test(l.d.reason));
  assert.ok(rejudged, s.actions());
  assert.match(rejudged.d.reason, /rose to the user's level/);
  const y = s.first('yield');
  assert.ok(y && y.t - rise <= 0.1, `yields within 100 ms of the rise\n${s.actions()}`);
  s.step(20, { p: 0.95, level: -20, agent: 'paused', text: 'wait what time is it' });
  assert.ok(s.first('cancel'), s.actions());
  assert.ok(s.p.inTurn, 'the interruption becomes the user’s turn');
  assert.ok(s.first('cancel')!.t - onset < 1, 'cut within a second of its onset');
});

test('a quieter different voice is ignored; the user’s own voice as quiet is the user leaning back', () => {
  const base = userTurn();
  // 7 dB below the user, a different voice: someone else in the room.
  const other = base.step(10).step(30, { p: 0.95, level: -29, voice: OTHER, text: 'honey where are the keys' }).step(30, { text: 'honey where are the keys' });
  assert.match(other.first('ignore')?.d.reason ?? '', /another voice/, other.actions());
  assert.equal(other.first('take_turn'), undefined, other.actions());
  assert.equal(other.p.inTurn, false);
  // The same level in the user's voice: attended and answered.
  const own = other.next().step(10).step(30, { p: 0.95, level: -29, text: 'what time is it' }).step(30, { text: 'what time is it' });
  assert.equal(own.first('ignore'), undefined, own.actions());
  assert.ok(own.first('take_turn'), own.actions());
});

test('a different voice at the user’s level is attended (it may be the user); any voice far below is not', () => {
  const loud = userTurn().step(10).step(30, { p: 0.95, level: -22, voice: OTHER, text: 'what time is it' }).step(30, { text: 'what time is it' });
  assert.equal(loud.first('ignore'), undefined, loud.actions());
  assert.ok(loud.first('take_turn'), loud.actions());
  const far = loud.next().step(10).step(30, { p: 0.95, level: -36, text: 'just a second i am on the phone' }).step(30, { text: 'just a second i am on the phone' });
  assert.match(far.first('ignore')?.d.reason ?? '', /dB below the user's usual level/, far.actions());
  assert.equal(far.first('take_turn'), undefined, far.actions());
});

test('with no user heard yet, a distant voice is not addressed to the agent; a normal first turn is', () => {
  const far = new Script().step(5).step(60, { p: 0.95, level: -44, text: 'chapter one it was a dark night' }).step(30, { text: 'chapter one it was a dark night' });
  assert.match(far.first('ignore')?.d.reason ?? '', /no user heard yet/, far.actions());
  assert.equal(far.first('take_turn'), undefined, far.actions());
  assert.equal(far.first('speculate'), undefined, far.actions());
  // The user then speaks at a close-talk level (the quietest the bench uses peaks near −28 dBFS).
  const user = far.next().step(10).step(30, { p: 0.95, level: -28, text: 'what time is it' }).step(30, { text: 'what time is it' });
  assert.equal(user.first('ignore'), undefined, user.actions());
  assert.ok(user.first('take_turn'), user.actions());
});

test('a first turn that opens softly is re-judged once it rises to a close-talk level', () => {
  const s = new Script().step(5).step(7, { p: 0.95, level: -46 }).step(30, { p: 0.95, level: -24, text: 'what time is it' }).step(30, { text: 'what time is it' });
  assert.ok(s.first('ignore'), s.actions());
  assert.match(s.log.find((l) => l.d.action === 'user_start' && /re-judged/.test(l.d.reason))?.d.reason ?? '', /close-talk level/, s.actions());
  assert.ok(s.first('take_turn'), s.actions());
});

test('side talk that starts loud enough but stays quieter is judged again and ignored before it becomes a turn', () => {
  // The user's words swell: −30 dBFS at first, −20 from the sixth window on.
  const text = 'please tell me a long story';
  const s = new Script().step(5).step(3, { p: 0.95, level: -30, text }).step(2, { p: 0.95, level: -26, text }).step(40, { p: 0.95, level: -20, text }).step(20, { text });
  assert.ok(s.first('take_turn'), s.actions());
  // Side talk: its first 160 ms come within 10 dB of the user's there; it never rises past −31.
  const side = s.next().step(10);
  side.step(5, { p: 0.95, level: -31 }).step(40, { p: 0.95, level: -33, text: 'just a second i am on the phone' }).step(30, { text: 'just a second i am on the phone' });
  assert.match(side.first('ignore')?.d.reason ?? '', /below the user's usual level/, side.actions());
  assert.ok(side.first('ignore')!.t - side.first('user_start')!.t < 0.5, side.actions());
  assert.equal(side.first('take_turn'), undefined, side.actions());
});

test('voice features tell a voice from itself and from another (flite slt vs rms)', () => {
  const stats = (text: string, v: string) => {
    const f = synth(text, v);
    const pitch = new PitchTracker();
    const feats = new VoiceFeatures();
    const s = new VoiceStats();
    for (let i = 0; i + 512 <= f.samples.length; i += 512) {
      const w = f.samples.subarray(i, i + 512);
      const x = feats.push(w, pitch.push(w).f0Hz);
      if (x) s.add(x);
    }
    return s;
  };
  const profile = stats('Please tell me a long story about the sea.', 'slt');
  assert.ok(profile.count >= 30, `${profile.count} voiced windows`);
  const { voicePitchWeight, voicePitchSdFloorOctaves, otherVoiceMinDistance } = new DuplexPredictor().options.attention;
  const same = voiceDistance(stats('Wait, what time is it?', 'slt'), profile, voicePitchWeight, voicePitchSdFloorOctaves);
  const other = voiceDistance(stats('Wait, what time is it?', 'rms'), profile, voicePitchWeight, voicePitchSdFloorOctaves);
  assert.ok(same < otherVoiceMinDistance - 0.4, `same voice at ${same.toFixed(2)}`);
  assert.ok(other > otherVoiceMinDistance + 0.2, `other voice at ${other.toFixed(2)}`);
  assert.throws(() => new VoiceFeatures({ windowSamples: 500 }), FullduplexError);
  assert.throws(() => new DuplexPredictor({ attention: { rejudgeDropDb: Number.NaN } }), /rejudgeDropDb/);
});

test('a phrase that follows the user’s own words within a moment is the user going on, however quiet (an echo canceller ducking it)', () => {
  const s = new Script();
  s.step(5).step(30, { p: 0.95, level: -22, text: 'hello there' }).step(40, { text: 'hello there' }); // the user's level is learned
  const over = new Script(s.p);
  over.t = s.t;
  over.step(10, { agent: 'speaking' });
  over.step(12, { p: 0.95, level: -22, agent: 'speaking', text: 'wait' }); // the barge-in's first word: the agent yields
  over.step(4, { agent: 'paused', text: 'wait' }); // 128 ms between words
  // Ducked 27 dB; the agent stays paused until it cancels (then it is silent, as in a session).
  for (let i = 0; i < 20; i++) over.step(1, { p: 0.95, level: -49, agent: over.first('cancel') ? 'idle' : 'paused', text: 'wait stop i have a question' });
  const cancel = over.first('cancel');
  assert.ok(cancel, over.actions());
  assert.ok(!over.log.some((l) => l.t <= cancel.t && l.d.action === 'ignore'), over.actions());
  // (Still ducked long after the agent fell silent, the voice is split off as quieter: an echo canceller
  // stops ducking once the agent's audio stops, so this is the script's doing. The turn stays.)
  assert.ok(over.log.some((l) => l.t > cancel.t && l.d.action === 'take_turn'), `the interruption is the user's turn: ${over.actions()}`);
  // The same quiet voice after a long silence is still judged by its level.
  const later = new Script(s.p);
  later.t = over.t;
  later.step(60, { agent: 'idle' }).step(20, { p: 0.95, level: -49, text: 'honey can you grab the keys' });
  assert.ok(later.first('ignore'), later.actions());
});

test('side talk that goes on after a short gap stays ignored even when its next phrase opens loud; the user cutting in right after it is heard', () => {
  const s = userTurn().step(10, { agent: 'speaking' });
  // Side talk 14 dB below the user: judged and ignored while the agent talks on.
  s.step(20, { p: 0.95, level: -36, agent: 'speaking', text: 'sam did you' });
  assert.ok(s.first('ignore'), s.actions());
  assert.equal(s.first('yield'), undefined, s.actions());
  // 160 ms later its next phrase, whose first syllable is 9 dB below the user's onsets (judged alone it
  // would make the agent pause), staying 12+ dB below after it.
  s.step(5, { agent: 'speaking' });
  const next = s.next();
  next.step(2, { p: 0.95, level: -31, agent: 'speaking', text: 'feed' }).step(25, { p: 0.95, level: -35, agent: 'speaking', text: 'feed the dog' }).step(3, { agent: 'speaking' });
  assert.match(next.first('ignore')?.d.reason ?? '', /the voice just ignored goes on \(\d+ ms later\)/, next.actions());
  assert.equal(next.first('yield'), undefined, next.actions());
  assert.equal(next.first('user_start'), undefined, next.actions());
  // The user cuts in right after the side talk, at their own level: re-judged at once, the agent yields.
  const user = next.next();
  const start = user.t;
  user.step(2, { agent: 'speaking' }).step(15, { p: 0.95, level: -22, agent: 'speaking', text: 'wait' });
  assert.match(user.first('ignore')?.d.reason ?? '', /goes on/, user.actions());
  assert.match(user.log.find((l) => l.d.action === 'user_start')?.d.reason ?? '', /re-judged: rose to the user's level/, user.actions());
  const y = user.first('yield');
  assert.ok(y && y.t - start - 2 * 0.032 <= 0.16, `yields within 160 ms of the user's first window\n${user.actions()}`);
});

test('over the agent, an onset 7 dB or more below the user\'s holds the yield while it is judged; one nearer the user\'s level yields at once', () => {
  const quiet = userTurn().step(10, { agent: 'speaking' });
  quiet.step(3, { p: 0.95, level: -30, agent: 'speaking' }); // 8 dB below the user's onsets
  assert.match(quiet.first('keep_talking')?.d.reason ?? '', /quiet onset \(8 dB below/, quiet.actions());
  assert.equal(quiet.first('yield'), undefined, quiet.actions());
  quiet.step(2, { p: 0.95, level: -23, agent: 'speaking' }); // it rises: the user after all
  assert.ok(quiet.first('yield'), quiet.actions());
  const near = userTurn().step(10, { agent: 'speaking' });
  near.step(2, { p: 0.95, level: -27, agent: 'speaking' }); // 5 dB below
  assert.ok(near.first('yield'), near.actions());
  assert.equal(near.first('keep_talking'), undefined, near.actions());
});

test('a TV on before the user ever spoke: the first turn, re-judged inside it, still teaches the user’s level', () => {
  const tv = { p: 0.9, level: -45, voice: OTHER };
  const s = new Script().step(10, tv);
  assert.match(s.first('ignore')?.d.reason ?? '', /no user heard yet/, s.actions());
  // The user speaks up inside the TV's segment: re-judged, their turn; the TV goes on after them.
  s.step(50, { p: 0.95, level: -22, text: 'please tell me a long story' }).step(30, { ...tv, text: 'please tell me a long story' });
  assert.ok(s.log.some((l) => l.d.action === 'user_start' && /re-judged/.test(l.d.reason)), s.actions());
  assert.ok(s.first('take_turn'), s.actions());
  assert.ok(Math.abs(s.p.usualUserLevelDb + 22) <= 1, `the user's usual level: ${s.p.usualUserLevelDb} dBFS`);
  // So the TV's next phrases over the agent are judged against the user's level: no pause for them.
  const over = s.next().step(5, { agent: 'speaking' }).step(30, { ...tv, agent: 'speaking' });
  assert.equal(over.first('yield'), undefined, over.actions());
});
