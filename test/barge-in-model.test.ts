/**
 * The learned barge-in model: its features, the threshold replay that picks its operating points,
 * and the predictor's decisions over the agent — with hand-set weights for the mechanics, and with
 * the committed weights on the two cases it exists for (a backchannel keeps the agent talking; a real
 * interruption cancels its turn, with a reason naming features).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplexPredictor, type AgentActivity, type Decision } from '../src/engine/predictor.js';
import { assessCompleteness } from '../src/engine/evidence/completeness.js';
import { BARGE_IN_FEATURES, bargeInFeatures, type BargeInInputs } from '../src/engine/barge-in/features.js';
import { BargeInModel, type BargeInWeights } from '../src/engine/barge-in/model.js';
import { BARGE_IN_WEIGHTS } from '../src/engine/barge-in/weights.js';
import { chooseThreshold, thresholdSweep, type ThresholdPoint } from '../bench/barge-in/train.js';
import { outcomesAtThreshold, outcomesFromDecisions, summarise } from '../bench/barge-in/score.js';
import type { ProbedConversation } from '../bench/barge-in/probe.js';

const at = (name: string) => BARGE_IN_FEATURES.indexOf(name as (typeof BARGE_IN_FEATURES)[number]);

function inputs(o: Partial<BargeInInputs> = {}): BargeInInputs {
  return { overlapMs: 300, silenceMs: 0, segments: 1, levelVsUserDb: 0, vadProbability: 0.95, vadMean: 0.95, echoMax: 0, transcript: '', words: [], stopWords: ['stop', 'wait'], agentAskedQuestion: false, ...o };
}

/** Hand-set weights for the decision mechanics: speech over the agent is an interruption once it has words and lasts. */
const HAND_WEIGHTS: BargeInWeights = {
  ...BARGE_IN_WEIGHTS,
  bias: -4,
  weights: BARGE_IN_FEATURES.map((f) => ({ overlap: 3, content_words: 4, backchannel_words: -3, stop_word: 3 })[f as string] ?? 0),
  thresholds: { low: 0.9, medium: 0.7, high: 0.5 },
};

test('features: one bounded value per named feature; the lexicon separates backchannels from words', () => {
  const bc = bargeInFeatures(inputs({ transcript: 'uh huh' }));
  assert.equal(bc.length, BARGE_IN_FEATURES.length);
  assert.ok(bc.every((v) => Number.isFinite(v) && v >= -1 && v <= 1), Array.from(bc).join(' '));
  assert.equal(bc[at('backchannel_words')], 1);
  assert.equal(bc[at('content_words')], 0);
  const stop = bargeInFeatures(inputs({ transcript: 'wait what time is it', overlapMs: 5000, silenceMs: 120, segments: 9, levelVsUserDb: -80 }));
  assert.equal(stop[at('stop_word')], 1);
  assert.equal(stop[at('backchannel_words')], 0);
  assert.ok(stop[at('content_words')]! > 0.9);
  assert.equal(stop[at('overlap')], 2, 'overlap clipped at 2 s');
  assert.equal(stop[at('user_speaking')], 0);
  assert.equal(stop[at('level_vs_user')], -1, 'level clipped');
  assert.equal(stop[at('segments')], 1);
  assert.equal(bargeInFeatures(inputs({ transcript: '' }))[at('no_words')], 1);
  const doubt = bargeInFeatures(inputs({ transcript: 'i had', words: [{ word: 'i', start: 0, end: 0.1, confidence: 0.2 }, { word: 'had', start: 0.1, end: 0.3, confidence: 0.4 }] }));
  assert.ok(Math.abs(doubt[at('word_confidence')]! - 0.3) < 1e-9);
});

test('the model refuses weights for other features, or not finite, or thresholds outside (0, 1)', () => {
  assert.throws(() => new BargeInModel({ ...BARGE_IN_WEIGHTS, features: ['overlap'] }), /retrain with npm run train:bargein/);
  assert.throws(() => new BargeInModel({ ...BARGE_IN_WEIGHTS, bias: NaN }), /finite/);
  assert.throws(() => new BargeInModel({ ...BARGE_IN_WEIGHTS, thresholds: { low: 0.5, medium: 1, high: 0.5 } }), /thresholds/);
  const m = new BargeInModel();
  assert.ok(Object.values(m.weights.thresholds).every((v) => v > 0 && v < 1));
  assert.equal(m.weights.recipe['command'], 'npm run train:bargein', 'the committed weights come from the trainer');
  assert.match(String(m.weights.recipe['data']), /tuning voices/);
});

/** Drives a predictor over the agent's speech with a tiny script. */
class Script {
  t = 0;
  readonly log: { t: number; d: Decision }[] = [];
  agent: AgentActivity = 'speaking';
  constructor(readonly p: DuplexPredictor) {}
  step(n: number, o: { p?: number; text?: string; level?: number } = {}) {
    for (let i = 0; i < n; i++) {
      this.t += 0.032;
      const text = o.text ?? '';
      for (const d of this.p.update({
        t: this.t,
        windowMs: 32,
        vadProbability: o.p ?? 0,
        levelDb: o.level ?? -25,
        echoLikelihood: 0,
        transcript: text,
        completeness: assessCompleteness(text),
        narrative: false,
        pitchShape: undefined,
        agent: this.agent,
      })) {
        this.log.push({ t: this.t, d });
        // As the session does: a yield pauses the agent, a resume restarts it, a cancel ends its turn.
        if (d.action === 'yield') this.agent = 'paused';
        else if (d.action === 'resume') this.agent = 'speaking';
        else if (d.action === 'cancel') this.agent = 'idle';
      }
    }
    return this;
  }
  first(action: string) {
    return this.log.find((l) => l.d.action === action);
  }
  actions(): string {
    return this.log.map((l) => l.d.action).join(' ');
  }
}

const modelPredictor = (weights?: BargeInWeights) => new DuplexPredictor({ bargeIn: { policy: 'model' } }, undefined, weights && new BargeInModel(weights));

test('mechanics: the model cancels once p passes the threshold, naming its strongest features', () => {
  const s = new Script(modelPredictor(HAND_WEIGHTS)).step(10).step(40, { p: 0.95, text: 'what about the second one' });
  assert.ok(s.first('yield'), s.actions());
  const cancel = s.first('cancel');
  assert.ok(cancel, s.actions());
  assert.match(cancel.d.reason, /p\(interruption\) 0\.\d\d \(content words \+\d\.\d/);
  assert.ok(s.p.inTurn, 'the interruption becomes the user turn');
  // p passes 0.7 when 3·overlap + 4·(content words ≈ 0.9) − 4 ≥ 0.85, a little after 0.4 s of speech.
  assert.ok(cancel.t - s.first('yield')!.t < 0.5, `cancelled ${(cancel.t - s.first('yield')!.t).toFixed(2)} s after the yield`);
});

test('mechanics: below the threshold the paused agent resumes after the user falls silent, saying why', () => {
  const s = new Script(modelPredictor(HAND_WEIGHTS)).step(10).step(10, { p: 0.95, text: 'uh huh' }).step(15, { text: 'uh huh' });
  assert.equal(s.first('cancel'), undefined, s.actions());
  const resume = s.first('resume');
  assert.ok(resume, s.actions());
  assert.match(resume.d.reason, /not a barge-in: p\(interruption\) 0\.\d\d \(.*backchannel words −3\.0/);
  const silentMs = (resume.t - s.log.filter((l) => l.d.action === 'user_stop')[0]!.t) * 1000 + 64;
  assert.ok(silentMs <= 128 + 64 + 1, `resumed after ~${silentMs.toFixed(0)} ms of silence (modelResumeAfterSilenceMs 128)`);
  assert.ok(s.p.bargeIn.reading, 'the evidence is carried a while in case the user goes on');
  s.step(35);
  assert.equal(s.p.bargeIn.reading, undefined, 'and cleared after modelCarryMs of silence');
});

test('trained weights: a backchannel over the agent does not stop it; a real interruption does', () => {
  for (const text of ['uh huh', 'yeah', 'right', 'mm hmm']) {
    const s = new Script(modelPredictor()).step(10).step(10, { p: 0.97, text }).step(20, { text });
    assert.equal(s.first('cancel'), undefined, `${text}: ${s.actions()} ${s.first('resume')?.d.reason}`);
    assert.ok(s.first('resume'), `${text}: ${s.actions()}`);
  }
  const s = new Script(modelPredictor()).step(10).step(12, { p: 0.97, text: 'wait' }).step(4, { text: 'wait' }).step(30, { p: 0.97, text: 'wait what time is it' });
  const cancel = s.first('cancel');
  assert.ok(cancel, s.actions());
  assert.match(cancel.d.reason, /^barge-in: p\(interruption\) \d\.\d\d \([a-z ]+ [+−]\d\.\d/);
});

test('rules stay selectable: policy "rules" confirms by the hand-set words and durations', () => {
  const s = new Script(new DuplexPredictor({ bargeIn: { policy: 'rules' } })).step(10).step(30, { p: 0.95, text: 'wait what time' });
  assert.match(s.first('cancel')!.d.reason, /confirmed/);
  assert.equal(s.p.bargeIn.reading, undefined, 'the model is not consulted');
});

test('bad barge-in options are refused by name', () => {
  assert.throws(() => new DuplexPredictor({ bargeIn: { policy: 'learned' as 'model' } }), /bargeIn.policy must be 'model' or 'rules'/);
  assert.throws(() => new DuplexPredictor({ bargeIn: { modelCarryMs: NaN } }), /bargeIn.modelCarryMs/);
});

function conv(events: ProbedConversation['events'], readings: [number, number, boolean?][], decisions: ProbedConversation['decisions'] = []): ProbedConversation {
  return { id: 'x/000', category: 'user_interruption', voices: 'tuning', events, readings: readings.map(([t, p, sp]) => ({ t, p, agentSpeaking: sp ?? false })), decisions };
}

test('scoring: replayed cancels, decisions, and the threshold choice within a false-stop budget', () => {
  const bi = conv([{ role: 'barge_in', text: 'wait what', start: 1, end: 2 }], [[1.05, 0.9, true], [1.1, 0.3], [1.4, 0.6], [1.6, 0.8]], [{ t: 1.06, action: 'yield', reason: '' }]);
  const bc = conv([{ role: 'backchannel', text: 'yeah', start: 1, end: 1.3 }], [[1.1, 0.2], [1.2, 0.5], [3.5, 0.95]]);
  const r = outcomesAtThreshold(bi, 0.5);
  assert.ok(Math.abs(r.outcomes[0]!.cancelS! - 0.4) < 1e-9, 'the first paused reading at or above θ (readings while speaking do not decide)');
  assert.ok(Math.abs(r.outcomes[0]!.silentS! - 0.06) < 1e-9);
  assert.equal(outcomesAtThreshold(bc, 0.5).outcomes[0]!.cancelS !== null, true);
  assert.equal(outcomesAtThreshold(bc, 0.9).stray, 1, 'a cancel outside every event is a stray');
  const live = outcomesFromDecisions({ ...bc, decisions: [{ t: 1.08, action: 'yield', reason: '' }, { t: 1.6, action: 'resume', reason: '' }] });
  const s = summarise(live.outcomes, live.stray);
  assert.deepEqual([s.backchannels, s.backchannelsKept, s.backchannelsRodeThrough], [1, 1, 0]);
  const point = (threshold: number, falseStopRate: number, stopped: number, cancelMeanS: number): ThresholdPoint => ({
    threshold,
    falseStopRate,
    summary: { ...s, interruptions: 10, interruptionsStopped: stopped, cancelMeanS },
  });
  const pts = [point(0.3, 0.2, 10, 0.3), point(0.5, 0.05, 10, 0.5), point(0.7, 0, 9, 0.6), point(0.9, 0, 7, 0.8)];
  assert.equal(chooseThreshold(pts, 0.05).threshold, 0.5);
  assert.equal(chooseThreshold(pts, 0).threshold, 0.7);
  assert.equal(chooseThreshold(pts, 0.5).threshold, 0.3);
});

test('scoring: someone else\'s voice cancelled over the agent is a false stop, like a backchannel', () => {
  const side = conv([{ role: 'other', text: 'sam did you feed the dog', start: 1, end: 2.5 }], [], [{ t: 1.1, action: 'yield', reason: '' }, { t: 1.9, action: 'cancel', reason: '' }]);
  const o = summarise(outcomesFromDecisions(side).outcomes, outcomesFromDecisions(side).stray);
  assert.deepEqual([o.others, o.othersLeftAlone, o.othersRodeThrough, o.strayCancels, o.backchannels], [1, 0, 0, 0, 0]);
  // A model that reads p ≈ 0.6 everywhere: a threshold under it cancels the side talk, one over it does not.
  const flat = new BargeInModel({ ...BARGE_IN_WEIGHTS, bias: Math.log(0.6 / 0.4), weights: BARGE_IN_FEATURES.map(() => 0) });
  const zeros = BARGE_IN_FEATURES.map(() => 0);
  const probed: ProbedConversation = { ...side, readings: [{ t: 1.5, p: 0, agentSpeaking: false, features: zeros }] };
  const sweep = thresholdSweep([probed], flat);
  assert.equal(sweep.find((p) => p.threshold === 0.5)!.falseStopRate, 1);
  assert.equal(sweep.find((p) => p.threshold === 0.5)!.summary.othersLeftAlone, 0);
  assert.equal(sweep.find((p) => p.threshold === 0.7)!.falseStopRate, 0);
});
