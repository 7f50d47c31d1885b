/**
 * The learned end-of-turn model: its features, its trainer, the policy replay that picks its
 * operating points, and the predictor's decisions with the committed weights, on hand-made evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplexPredictor, type Decision } from '../src/engine/predictor.js';
import { userWindow } from './helpers/turn-evidence.js';
import { assessCompleteness } from '../src/engine/evidence/completeness.js';
import type { FinalStretch } from '../src/engine/evidence/pitch.js';
import { TURN_END_FEATURES, turnEndFeatures, type TurnEndInputs } from '../src/engine/turn-end/features.js';
import { TurnEndModel, type TurnEndWeights } from '../src/engine/turn-end/model.js';
import { TURN_END_WEIGHTS } from '../src/engine/turn-end/weights.js';
import { fitLogistic } from '../bench/logistic.js';
import { fastestWithin, rescore, TRAINING } from '../bench/turn-end/train.js';
import { eotOperatingPoints } from '../bench/metrics/eot-operating-points.js';
import type { ProbedSpan } from '../bench/turn-end/probe.js';
import { silencesOf } from '../bench/turn-end/spans.js';
import type { ScenarioTruth } from '../bench/scenarios/types.js';

const falling: FinalStretch = { slopeStPerS: -8, energySlopeDbPerS: -40, meanF0Hz: 180, voicedFrames: 10, durationMs: 320, pauseMs: 0, shape: 'falling', sustained: false } as FinalStretch;
const flatSustained: FinalStretch = { slopeStPerS: 0.5, energySlopeDbPerS: 2, meanF0Hz: 180, voicedFrames: 10, durationMs: 320, pauseMs: 0, shape: 'flat', sustained: true } as FinalStretch;

/**
 * Hand-set weights for the decision mechanics (how fast and why the predictor acts on p), kept apart
 * from the trained ones, whose quality is the benchmark's business (fullduplex bench eot).
 */
const HAND_WEIGHTS: TurnEndWeights = {
  ...TURN_END_WEIGHTS,
  bias: -4,
  weights: TURN_END_FEATURES.map((f) => ({ pause: 4, completeness: 4, incomplete: -3, strong_ending: 1, sustained_level: -1 })[f as string] ?? 0),
  thresholds: { low: 0.8, medium: 0.6, high: 0.4 },
  actionDelayMs: { low: 320, medium: 160, high: 96 },
};

function inputs(text: string, pauseMs: number, o: Partial<TurnEndInputs> = {}): TurnEndInputs {
  const words = text.split(' ').map((w, i) => ({ word: w, start: i * 0.3, end: i * 0.3 + 0.25, confidence: 0.95 }));
  return { pauseMs, turnSpeechMs: words.length * 300, transcript: text, completeness: assessCompleteness(text), narrative: false, finalStretch: null, words, agentAskedQuestion: false, ...o };
}

test('features: one bounded value per named feature, pause as a piecewise-linear ramp', () => {
  const x = turnEndFeatures(inputs('what time is it', 700, { finalStretch: falling }));
  assert.equal(x.length, TURN_END_FEATURES.length);
  for (const [i, v] of x.entries()) assert.ok(Number.isFinite(v) && v >= -1 && v <= 3, `${TURN_END_FEATURES[i]} = ${v}`);
  const at = (name: string) => x[TURN_END_FEATURES.indexOf(name as never)]!;
  assert.ok(Math.abs(at('pause') - 0.7) < 1e-9);
  assert.ok(Math.abs(at('pause_over_200ms') - 0.5) < 1e-9);
  assert.ok(Math.abs(at('pause_over_500ms') - 0.2) < 1e-9);
  assert.equal(at('pause_over_1000ms'), 0);
  assert.equal(at('strong_ending'), 1);
  assert.equal(at('pitch_measured'), 1);
  assert.ok(at('pitch_slope') < 0);
  const unfinished = turnEndFeatures(inputs('i went to the store and', 300));
  assert.equal(unfinished[TURN_END_FEATURES.indexOf('incomplete')], 1);
});

test('features: the recogniser’s doubt in the last word and a lengthened last word are seen', () => {
  const words = [
    { word: 'order', start: 0, end: 0.3, confidence: 0.9 },
    { word: 'a', start: 0.3, end: 0.4, confidence: 0.9 },
    { word: 'journey', start: 0.4, end: 1.2, confidence: 0.2 },
  ];
  const x = turnEndFeatures(inputs('order a journey', 200, { words }));
  assert.ok(Math.abs(x[TURN_END_FEATURES.indexOf('last_word_confidence')]! - 0.2) < 1e-9);
  assert.equal(x[TURN_END_FEATURES.indexOf('final_lengthening')], 1, 'a last word 2.7× the median is lengthened');
});

test('model: weights must match the features; the committed weights load; probabilities and explanations are well formed', () => {
  assert.throws(() => new TurnEndModel({ ...TURN_END_WEIGHTS, features: ['pause'] }), /retrain/);
  assert.throws(() => new TurnEndModel({ ...TURN_END_WEIGHTS, weights: TURN_END_WEIGHTS.weights.map(() => NaN) }), /finite/);
  const m = new TurnEndModel();
  const x = turnEndFeatures(inputs('what time is it', 300, { finalStretch: falling }));
  const p = m.probability(x);
  assert.ok(p > 0 && p < 1);
  const top = m.explain(x, 3);
  assert.equal(top.length, 3);
  for (let i = 1; i < top.length; i++) assert.ok(Math.abs(top[i - 1]!.contribution) >= Math.abs(top[i]!.contribution));
  for (const e of ['low', 'medium', 'high'] as const) {
    assert.ok(m.threshold(e) > 0 && m.threshold(e) < 1);
    assert.ok(m.weights.actionDelayMs[e] >= 32);
  }
});

test('a finished question with a falling end reads as over; "…and" with a level hum does not', () => {
  const m = new TurnEndModel(HAND_WEIGHTS);
  const thr = m.threshold('medium');
  const done = m.probability(turnEndFeatures(inputs('what time is it', 400, { finalStretch: falling })));
  const going = m.probability(turnEndFeatures(inputs('i went to the store and', 400, { finalStretch: flatSustained })));
  assert.ok(done >= thr, `p(turn over | "what time is it", falling, 400 ms) = ${done.toFixed(2)} < ${thr}`);
  assert.ok(going < thr, `p(turn over | "…and", level, 400 ms) = ${going.toFixed(2)} ≥ ${thr}`);
  assert.ok(going < done);
});

test('logistic regression: deterministic, and it finds the direction of the evidence', () => {
  const xs: Float64Array[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 200; i++) {
    const a = ((i * 37) % 100) / 100;
    const b = ((i * 61) % 100) / 100;
    xs.push(Float64Array.from([a, b]));
    ys.push(2 * a - b + 0.2 * Math.sin(i) > 0.5 ? 1 : 0);
  }
  const ws = ys.map(() => 1);
  const f1 = fitLogistic(xs, ys, ws);
  const f2 = fitLogistic(xs, ys, ws);
  assert.deepEqual(f1, f2);
  assert.ok(f1.weights[0]! > 0 && f1.weights[1]! < 0, JSON.stringify(f1.weights));
  assert.throws(() => fitLogistic([], [], []), /at least one row/);
});

function span(kind: 'hold' | 'eot', lengthS: number, ps: number[]): ProbedSpan {
  return { kind, start: 0, end: lengthS, scores: ps.map((p, i) => ({ t: 0.1 * (i + 1), p })), engineFireS: null };
}

test('training picks, per eagerness, the fastest policy within its false cut-off budget', () => {
  // A hold whose p spikes at 0.2 s, inside a 0.45 s pause; an eot that rises through 0.3 s.
  const spans = [span('hold', 0.45, [0.1, 0.8, 0.2, 0.2]), span('eot', 3, [0.3, 0.6, 0.9, 0.9])];
  const frontier = eotOperatingPoints(spans, { thresholds: [0.5, 0.7, 0.85], actionDelaysS: [0, 0.3], timeoutsS: [3] }).frontier;
  const strict = fastestWithin(frontier, 0)!;
  assert.equal(strict.falseCutoffRate, 0);
  assert.ok(Math.abs(strict.meanLatencyS - 0.3) < 1e-9, 'without cut-offs the eot is answered at 0.3 s (θ 0.85 or a 0.3 s delay)');
  const loose = fastestWithin(frontier, 1)!;
  assert.ok(Math.abs(loose.meanLatencyS - 0.2) < 1e-9, 'allowed to cut the hold, it answers at 0.2 s');
  assert.equal(fastestWithin([], 0.05), undefined);
  assert.deepEqual(TRAINING.grid.timeoutsS, [3], 'the engine’s own timeout');
});

test('rescoring a probed span with other weights keeps windows without a reading at p = 0', () => {
  const x = turnEndFeatures(inputs('what time is it', 300, { finalStretch: falling }));
  const s: ProbedSpan = { kind: 'eot', start: 1, end: 2, scores: [{ t: 0.032, p: 0 }, { t: 0.064, p: 0.4 }], engineFireS: null, features: [x], featureTimes: [0.064] };
  const m = new TurnEndModel();
  const r = rescore(s, m);
  assert.equal(r.scores[0]!.p, 0);
  assert.ok(Math.abs(r.scores[1]!.p - m.probability(x)) < 1e-12);
});

test('scored silences: the eot after the clip runs on to the answer window, short ones are dropped, old files are refused', () => {
  const truth = {
    id: 'pause_handling/000',
    durationS: 4.2,
    silences: [
      { start: 1.8, end: 2.9, kind: 'hold' },
      { start: 3.0, end: 3.05, kind: 'hold' },
      { start: 3.9, end: 4.2, kind: 'eot' },
    ],
  } as unknown as ScenarioTruth;
  const s = silencesOf(truth);
  assert.deepEqual(s.map((x) => x.kind), ['hold', 'eot'], 'a 50 ms gap is no decision point');
  assert.ok(Math.abs(s[1]!.end - s[1]!.start - 3) < 1e-9, 'the eot after the clip’s last turn runs on (the probe pads silence)');
  const inside = silencesOf({ ...truth, silences: [{ start: 1.8, end: 2.6, kind: 'eot' }] } as unknown as ScenarioTruth);
  assert.ok(Math.abs(inside[0]!.end - 2.6) < 1e-9, 'an eot followed by more speech ends there');
  assert.throws(() => silencesOf({ id: 'x', durationS: 3 } as unknown as ScenarioTruth), /regenerate/);
});

/** Drives a predictor with the committed model through one spoken turn and a silence. */
function turn(text: string, stretch: FinalStretch, silenceWindows: number): { t: number; d: Decision }[] {
  const p = new DuplexPredictor({ endOfTurn: { policy: 'model' } }, new TurnEndModel(HAND_WEIGHTS));
  const log: { t: number; d: Decision }[] = [];
  let t = 0;
  const words = text.split(' ').map((w, i) => ({ word: w, start: 0.2 + i * 0.3, end: 0.2 + i * 0.3 + 0.25, confidence: 0.95 }));
  const step = (speech: boolean) => {
    t += 0.032;
    const e = userWindow({ t, speech, text, stretch, words });
    for (const d of p.update(e)) log.push({ t, d });
  };
  for (let i = 0; i < 5; i++) step(false);
  for (let i = 0; i < 40; i++) step(true);
  for (let i = 0; i < silenceWindows; i++) step(false);
  return log;
}

test('predictor (model policy): takes the turn after a finished question, with p and its reasons in the timeline', () => {
  const log = turn('what time is it', falling, 40);
  const take = log.find((l) => l.d.action === 'take_turn');
  assert.ok(take, log.map((l) => l.d.action).join(' '));
  assert.match(take.d.reason, /p\(turn over\) \d\.\d\d \(.+\) ≥ \d\.\d\d/);
  const speechEnd = 0.032 * 45;
  assert.ok(take.t - speechEnd <= 1.0, `took the turn ${((take.t - speechEnd) * 1000).toFixed(0)} ms after the question`);
  assert.ok(take.t - speechEnd >= HAND_WEIGHTS.actionDelayMs.medium / 1000 - 1e-9, 'never before the action delay');
});

test('predictor (model policy): words that plainly need more hold the turn whatever p says, until the timeout', () => {
  const m = new TurnEndModel(HAND_WEIGHTS);
  const x = turnEndFeatures(inputs('i went to the store and', 1500));
  assert.equal(m.heldByWords(x, 2200), true);
  assert.equal(m.heldByWords(x, 1400), false, 'only up to the floor');
  assert.equal(m.heldByWords(turnEndFeatures(inputs('what time is it', 300)), 2200), false);
  const log = turn('i went to the store and', flatSustained, 40);
  assert.equal(log.find((l) => l.d.action === 'take_turn'), undefined, log.map((l) => `${l.d.action}: ${l.d.reason}`).join('\n'));
  assert.match(log.find((l) => l.d.action === 'hold')!.d.reason, /conjunction 'and': waiting up to 2200 ms \(p\(turn over\)/);
  const long = turn('i went to the store and', flatSustained, 110);
  assert.ok(long.find((l) => l.d.action === 'take_turn'), 'the silence timeout still ends the turn');
});
