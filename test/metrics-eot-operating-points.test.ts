import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  enginePolicyPoint,
  eotOperatingPoints,
  firedSilences,
  paretoFrontier,
  silenceTimeoutOperatingPoints,
  type ScoredSilence,
} from '../bench/metrics/eot-operating-points.js';
import { eotPointsHtml, eotPointsText, UNREACHED } from '../bench/report/eot-points.js';
import { isFullduplexError } from '../src/errors.js';

const close = (a: number | null | undefined, b: number, tol = 1e-9): void => assert.ok(a != null && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
const scores = (...tp: [number, number][]) => tp.map(([t, p]) => ({ t, p }));

/**
 * Two holds that count (0.5 s and 1.0 s), two the filter drops (0.1 s, 6 s), two turn ends.
 * Hold A peaks at 0.3 s (p 0.9), hold B never reaches 0.8; eot E reaches 0.8 at 0.2 s, eot F at 0.4 s.
 */
const SPANS: ScoredSilence[] = [
  { kind: 'hold', start: 1, end: 1.5, scores: scores([0.1, 0.2], [0.2, 0.6], [0.3, 0.9], [0.4, 0.3]) },
  { kind: 'hold', start: 3, end: 4, scores: scores([0.1, 0.1], [0.2, 0.1], [0.5, 0.7], [0.9, 0.2]) },
  { kind: 'hold', start: 5, end: 5.1, scores: scores([0.05, 1]) },
  { kind: 'hold', start: 7, end: 13, scores: scores([0.1, 1]) },
  { kind: 'eot', start: 20, end: 23, scores: scores([0.1, 0.5], [0.2, 0.8], [0.3, 0.95]) },
  { kind: 'eot', start: 30, end: 33, scores: scores([0.1, 0.3], [0.2, 0.4], [0.4, 0.85], [0.6, 0.99]) },
];

test('policy sweep by hand: θ 0.8 × d {0, 0.35} × T {0.45, 2}', () => {
  // d 0, T 2:    A fires 0.3 < 0.5 (cut-off), B never → 2 ≥ 1 (held): 1/2; E 0.2, F 0.4 → 0.3 s.
  // d 0, T 0.45: A 0.3 (cut), B 0.45 < 1 (cut): 1;           E 0.2, F 0.4 → 0.3 s.
  // d 0.35, T 2: A none ≥ 0.35 → 2 (held), B → 2 (held): 0;   E none → 2, F 0.4 → 1.2 s.
  // d 0.35, T 0.45: A 0.45 (cut), B 0.45 (cut): 1;           E 0.45, F 0.4 → 0.425 s.
  // Frontier: (0.3 s, 50 %), (1.2 s, 0 %).
  const o = eotOperatingPoints(SPANS, { thresholds: [0.8], actionDelaysS: [0, 0.35], timeoutsS: [0.45, 2] });
  assert.deepEqual([o.holdSpans, o.eotSpans, o.holdSpansLeftOut], [2, 2, 2]);
  assert.deepEqual(o.frontier.map((p) => [p.falseCutoffRate, p.policy.actionDelayS, p.policy.timeoutS]), [[0.5, 0, 2], [0, 0.35, 2]]);
  close(o.frontier[0]!.meanLatencyS, 0.3);
  close(o.frontier[1]!.meanLatencyS, 1.2);
  assert.deepEqual(o.cutoffAtLatency.map((x) => [x.latencyBudgetS, x.falseCutoffRate]), [[0.3, 0.5], [0.6, 0.5]]);
  assert.deepEqual(o.latencyAtCutoff.map((x) => x.cutoffBudget), [0.05, 0.1]);
  close(o.latencyAtCutoff[0]!.meanLatencyS, 1.2);
  close(o.latencyAtCutoff[1]!.meanLatencyS, 1.2);
});

test('silence-timeout baseline: p ≡ 1, fires at min(d, T); unreachable budgets are null', () => {
  // d 0 → both holds cut, latency 0; d 0.35 → both cut, 0.35 s; d 0.6 → A held (0.6 ≥ 0.5), B cut: 50 %, 0.6 s.
  const o = silenceTimeoutOperatingPoints(SPANS, { thresholds: [0.1, 0.5], actionDelaysS: [0, 0.35, 0.6], timeoutsS: [2] });
  assert.deepEqual(o.frontier.map((p) => [p.meanLatencyS, p.falseCutoffRate, p.policy.threshold]), [[0, 1, 1], [0.6, 0.5, 1]]);
  assert.deepEqual(o.cutoffAtLatency.map((x) => x.falseCutoffRate), [1, 0.5]);
  assert.deepEqual(o.latencyAtCutoff.map((x) => [x.meanLatencyS, x.at]), [[null, null], [null, null]]);
});

test('default grid: a perfect detector against the silence timeout on the same spans', () => {
  const window = 0.032;
  const grid = (durS: number, p: number) => Array.from({ length: Math.floor(durS / window) }, (_, k) => ({ t: (k + 1) * window, p }));
  const spans: ScoredSilence[] = [
    { kind: 'hold', start: 0, end: 0.5, scores: grid(0.5, 0) },
    { kind: 'hold', start: 2, end: 3, scores: grid(1, 0) },
    { kind: 'eot', start: 5, end: 8, scores: grid(3, 1) },
  ];
  const model = eotOperatingPoints(spans);
  assert.deepEqual(model.cutoffAtLatency.map((x) => x.falseCutoffRate), [0, 0]);
  close(model.latencyAtCutoff[0]!.meanLatencyS, window);
  const base = silenceTimeoutOperatingPoints(spans);
  // Holding through the 1 s hold needs a fire at ≥ 1 s: the 1 s timeout (firing as it ends is no cut-off).
  close(base.latencyAtCutoff[0]!.meanLatencyS, 1);
  close(base.latencyAtCutoff[1]!.meanLatencyS, 1);
  assert.equal(base.latencyAtCutoff[0]!.at!.policy.timeoutS, 1);
  // Within 300 ms both holds are cut; within 600 ms d = 0.512 s holds the 0.5 s one.
  assert.deepEqual(base.cutoffAtLatency.map((x) => x.falseCutoffRate), [1, 0.5]);
  const text = eotPointsText({ model, baseline: base, engine: enginePolicyPoint(spans.map((s) => ({ ...s, fireS: s.kind === 'eot' ? 0.2 : null }))) });
  assert.match(text, /p\(turn over\)\s+0\.0 %\s+0\.0 %\s+32 ms\s+32 ms/);
  assert.match(text, /silence timeout \(VAD only\)\s+100\.0 %\s+50\.0 %\s+1000 ms\s+1000 ms/);
  assert.match(text, /engine's own policy: 0\.0 % false cut-offs, mean latency 200 ms/);
  const html = eotPointsHtml({ model, baseline: base });
  assert.match(html, /<svg class="frontier"/);
  assert.match(html, /title="θ /);
});

test('unreachable budgets render as "–"', () => {
  const o = silenceTimeoutOperatingPoints(SPANS, { thresholds: [1], actionDelaysS: [0], timeoutsS: [2] });
  const text = eotPointsText({ model: o, baseline: o });
  assert.ok(text.includes(`${UNREACHED}`));
  assert.match(text, /100\.0 %\s+100\.0 %\s+–\s+–/);
});

test("engine's own policy: false cut-offs over the filtered holds, latency over the eot spans it fired in", () => {
  const p = enginePolicyPoint([
    { kind: 'hold', start: 1, end: 1.5, fireS: 0.25 }, // cut-off
    { kind: 'hold', start: 3, end: 4, fireS: null }, // held
    { kind: 'hold', start: 5, end: 5.6, fireS: 0.6 }, // fired as the user resumed: held
    { kind: 'hold', start: 6, end: 6.1, fireS: 0.05 }, // under 0.2 s: left out
    { kind: 'eot', start: 20, end: 23, fireS: 0.3 },
    { kind: 'eot', start: 30, end: 33, fireS: 0.5 },
    { kind: 'eot', start: 40, end: 43, fireS: null },
  ]);
  assert.deepEqual([p.holdSpans, p.holdSpansLeftOut, p.eotSpans, p.eotNeverFired], [3, 1, 3, 1]);
  close(p.falseCutoffRate, 1 / 3);
  close(p.meanLatencyS, 0.4);
  assert.deepEqual(enginePolicyPoint([]), { holdSpans: 0, eotSpans: 0, holdSpansLeftOut: 0, falseCutoffRate: null, meanLatencyS: null, eotNeverFired: 0 });
});

test("the engine's fire times from its timeline: the first take_turn inside each silence", () => {
  const fired = firedSilences(
    [
      { kind: 'hold', start: 1, end: 1.5 },
      { kind: 'hold', start: 3, end: 4 },
      { kind: 'eot', start: 6, end: 9 },
    ],
    [
      { t: 1.1, action: 'hold' },
      { t: 1.3, action: 'take_turn' }, // in the first hold: a cut-off 0.3 s in
      { t: 4.2, action: 'take_turn' }, // after the second hold ended: not in it
      { t: 6.7, action: 'take_turn' },
      { t: 6.9, action: 'take_turn' },
    ],
  );
  assert.deepEqual(fired.map((f) => f.fireS === null ? null : Math.round(f.fireS * 1000)), [300, null, 700]);
  const p = enginePolicyPoint(fired);
  assert.deepEqual([p.falseCutoffRate, p.eotNeverFired], [0.5, 0]);
  close(p.meanLatencyS, 0.7);
});

test('pareto frontier keeps only points no other beats on both axes', () => {
  const pt = (l: number, r: number) => ({ policy: { threshold: 0.5, actionDelayS: l, timeoutS: 1 }, meanLatencyS: l, falseCutoffRate: r });
  const f = paretoFrontier([pt(0.5, 0.2), pt(0.2, 0.5), pt(0.3, 0.5), pt(0.2, 0.4), pt(0.9, 0.2), pt(1, 0)]);
  assert.deepEqual(f.map((p) => [p.meanLatencyS, p.falseCutoffRate]), [[0.2, 0.4], [0.5, 0.2], [1, 0]]);
});

test('no hold or no eot spans: counts, an empty frontier, every point unreachable', () => {
  const o = eotOperatingPoints(SPANS.filter((s) => s.kind === 'eot'));
  assert.deepEqual([o.holdSpans, o.eotSpans, o.frontier.length], [0, 2, 0]);
  assert.deepEqual(o.cutoffAtLatency.map((x) => x.falseCutoffRate), [null, null]);
});

test('bad input is a clear error', () => {
  const bad = (spans: ScoredSilence[], re: RegExp) => assert.throws(() => eotOperatingPoints(spans), (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT') && re.test((e as Error).message));
  bad([{ kind: 'hold', start: 2, end: 1, scores: [] }], /bad span/);
  bad([{ kind: 'pause' as 'hold', start: 0, end: 1, scores: [] }], /kind/);
  bad([{ kind: 'eot', start: 0, end: 1, scores: scores([0.1, 1.5]) }, { kind: 'hold', start: 0, end: 1, scores: [] }], /p must be/);
  assert.throws(() => eotOperatingPoints(SPANS, { thresholds: [], actionDelaysS: [0], timeoutsS: [1] }), /thresholds is empty/);
  assert.throws(() => enginePolicyPoint([{ kind: 'eot', start: 0, end: 1, fireS: -1 }]), /fireS/);
});
