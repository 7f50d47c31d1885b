import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregateV15,
  answered,
  categorySuccess,
  isContinuation,
  labelOverlapEvent,
  responseLatencies,
  tokens,
  V15,
  type V15EventResult,
} from '../bench/metrics/fdb-v15.js';
import { mergeSegments, type Word } from '../bench/metrics/types.js';
import { alignmentScore, CONTINUATION, isContinuation as continues, phoneAlignmentScore, wordSimilarity } from '../bench/metrics/continuation.js';
import { phonesOf, pronunciations } from '../bench/metrics/phones.js';

const close = (a: number | null, b: number, tol = 1e-9): void => {
  assert.ok(a !== null && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
};
/** Words of `text`, one every 0.25 s from t, each 0.2 s long. */
function say(text: string, t: number): Word[] {
  return text.split(' ').map((tok, i) => ({ text: tok, start: t + 0.25 * i, end: t + 0.25 * i + 0.2 }));
}

// The user's overlapping speech is 5.0–5.4 s in every case below.
const overlap = { start: 5.0, end: 5.4 };
const before = say('the museum opens at nine and closes', 3.3); // 3.3 … 4.95

test('merge gaps: user exactly 0.6 s and model exactly 0.5 s join; a little more does not', () => {
  assert.deepEqual(mergeSegments([{ start: 0, end: 1 }, { start: 1.6, end: 2 }], V15.userMergeGapS), [{ start: 0, end: 2 }]);
  assert.equal(mergeSegments([{ start: 0, end: 1 }, { start: 1.61, end: 2 }], V15.userMergeGapS).length, 2);
  assert.deepEqual(mergeSegments([{ start: 2.0, end: 2.5 }, { start: 3.0, end: 3.5 }], V15.modelMergeGapS), [{ start: 2.0, end: 3.5 }]);
  assert.equal(mergeSegments([{ start: 2.0, end: 2.5 }, { start: 3.01, end: 3.5 }], V15.modelMergeGapS).length, 2);
  // Unsorted and overlapping input.
  assert.deepEqual(mergeSegments([{ start: 3, end: 4 }, { start: 0, end: 2 }, { start: 1, end: 2.5 }], 0), [{ start: 0, end: 2.5 }, { start: 3, end: 4 }]);
});

test('response latency: each merged user segment end → next merged model start', () => {
  const model = [{ start: 2.3, end: 3 }];
  const merged = responseLatencies([{ start: 0, end: 1 }, { start: 1.6, end: 2.0 }], model);
  assert.equal(merged.length, 1);
  close(merged[0]!.latencyS, 0.3);
  const split = responseLatencies([{ start: 0, end: 1 }, { start: 1.61, end: 2.0 }], model);
  assert.deepEqual(split.map((r) => Math.round(r.latencyS * 100) / 100), [1.3, 0.3]);
  assert.deepEqual(responseLatencies([{ start: 4, end: 5 }], model), []); // no later model speech
});

test('rule 1a: speaking through the event → RESUME rode_through, stop latency to its end', () => {
  const r = labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 8 }], overlap, modelWords: before });
  assert.deepEqual([r.label, r.reason, r.speakingAtStart, r.stopped], ['RESUME', 'rode_through', true, false]);
  close(r.stopLatencyS, 3.0);
  // A 0.5 s pause is bridged by the model merge, so it still rode through.
  assert.equal(labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 5.0 }, { start: 5.5, end: 8 }], overlap }).reason, 'rode_through');
});

test('rule 1a boundary: ending exactly 0.5 s after the overlap counts as a stop', () => {
  assert.equal(labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 5.9 }], overlap }).stopped, true);
  assert.equal(labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 5.95 }], overlap }).stopped, false);
});

test('rule 3: stopped then continued the same text → RESUME continued_text', () => {
  const r = labelOverlapEvent({
    modelSegments: [{ start: 3.3, end: 5.2 }, { start: 6.0, end: 7.6 }],
    overlap,
    modelWords: [...before, ...say('opens at nine and closes at six', 6.0)],
  });
  assert.deepEqual([r.label, r.reason, r.stopped], ['RESUME', 'continued_text', true]);
  close(r.stopLatencyS, 0.2);
  close(r.newSpeechStartS, 6.0);
  close(r.responseLatencyS, 0.6);
});

test('rule 3: continuation of the planned (not yet spoken) text → RESUME', () => {
  const r = labelOverlapEvent({
    modelSegments: [{ start: 3.3, end: 5.2 }, { start: 6.0, end: 7.2 }],
    overlap,
    modelWords: [...before, ...say('at six on weekdays', 6.0)],
    preEventText: 'The museum opens at nine and closes at six on weekdays.',
  });
  assert.deepEqual([r.label, r.reason], ['RESUME', 'continued_text']);
});

test('rule 3: stopped then new speech → RESPOND new_speech with response latency', () => {
  const r = labelOverlapEvent({
    modelSegments: [{ start: 3.3, end: 5.2 }, { start: 6.0, end: 7.6 }],
    overlap,
    modelWords: [...before, ...say('sure what would you like to know', 6.0)],
  });
  assert.deepEqual([r.label, r.reason], ['RESPOND', 'new_speech']);
  close(r.responseLatencyS, 0.6);
});

test('rule 1b: stopped and silent → UNCERTAIN stopped_silent', () => {
  const r = labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 5.2 }], overlap, modelWords: before });
  assert.deepEqual([r.label, r.reason, r.newSpeechStartS], ['UNCERTAIN', 'stopped_silent', null]);
});

test('rule 1b: stopped right after finishing the planned text → RESUME finished_turn', () => {
  const words = say('we open at nine', 4.5); // "nine" starts at 5.25, after the user started
  const input = { modelSegments: [{ start: 4.5, end: 5.45 }], overlap, modelWords: words };
  assert.equal(labelOverlapEvent({ ...input, preEventText: 'We open at nine.' }).reason, 'finished_turn');
  // The same words with a longer plan: it did not finish, it stopped.
  assert.equal(labelOverlapEvent({ ...input, preEventText: 'We open at nine and close at six.' }).reason, 'stopped_silent');
});

test('rule 3: new speech without words → no_words; one token → too_short', () => {
  const segs = [{ start: 3.3, end: 5.2 }, { start: 6.0, end: 6.4 }];
  assert.equal(labelOverlapEvent({ modelSegments: segs, overlap, modelWords: before }).reason, 'no_words');
  const r = labelOverlapEvent({ modelSegments: segs, overlap, modelWords: [...before, ...say('okay', 6.0)] });
  assert.deepEqual([r.label, r.reason], ['UNCERTAIN', 'too_short']);
});

test('rule 2: not speaking at the event, new speech in the window → RESPOND, no stop latency', () => {
  const r = labelOverlapEvent({
    modelSegments: [{ start: 0, end: 2 }, { start: 6.0, end: 7.5 }],
    overlap,
    modelWords: [...say('hello there', 0.5), ...say('sorry were you talking to me', 6.0)],
  });
  assert.deepEqual([r.label, r.reason, r.speakingAtStart, r.stopLatencyS], ['RESPOND', 'new_speech', false, null]);
  close(r.responseLatencyS, 0.6);
});

test('rule 2: respond window boundary is e + 3 s inclusive; later speech → UNKNOWN', () => {
  const words = say('sorry what was that', 8.4);
  assert.equal(labelOverlapEvent({ modelSegments: [{ start: 8.4, end: 9.5 }], overlap, modelWords: words }).label, 'RESPOND');
  const late = labelOverlapEvent({ modelSegments: [{ start: 8.45, end: 9.5 }], overlap, modelWords: say('sorry what was that', 8.45) });
  assert.deepEqual([late.label, late.reason], ['UNKNOWN', 'no_model_speech']);
  assert.equal(labelOverlapEvent({ modelSegments: [], overlap }).label, 'UNKNOWN');
});

test('speaking tolerance: a run ending 0.05 s before the user starts counts as speaking', () => {
  const r = labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 4.95 }], overlap });
  assert.deepEqual([r.speakingAtStart, r.stopped, r.stopLatencyS], [true, true, 0]);
  assert.equal(labelOverlapEvent({ modelSegments: [{ start: 3.3, end: 4.85 }], overlap }).label, 'UNKNOWN');
});

test('continuation test uses bigrams, not shared function words', () => {
  assert.deepEqual(tokens("Sure, I'll tell you."), ['sure', "i'll", 'tell', 'you']);
  const earlier = tokens('I think the weather in the city is nice');
  assert.equal(isContinuation(tokens('the city is nice today'), earlier), true); // 3 of 4 bigrams
  assert.equal(isContinuation(tokens('I can tell you the time'), earlier), false);
  assert.equal(isContinuation(tokens('the city'), earlier), true);
  assert.equal(isContinuation(tokens('nice'), earlier), false); // no bigram to judge
});

const res = (label: V15EventResult['label'], reason: V15EventResult['reason'], extra: Partial<V15EventResult> = {}): V15EventResult => ({
  label,
  reason,
  speakingAtStart: true,
  stopped: label !== 'RESUME' || reason !== 'rode_through',
  stopLatencyS: null,
  newSpeechStartS: label === 'RESPOND' || reason === 'too_short' || reason === 'continued_text' ? 6 : null,
  responseLatencyS: null,
  ...extra,
});

test('category success and "answered"', () => {
  const respond = res('RESPOND', 'new_speech');
  const rode = res('RESUME', 'rode_through');
  const silent = res('UNCERTAIN', 'stopped_silent');
  const short = res('UNCERTAIN', 'too_short');
  const unknown = res('UNKNOWN', 'no_model_speech', { speakingAtStart: false, stopped: false });
  assert.equal(categorySuccess('user_interruption', respond), true);
  assert.equal(categorySuccess('user_interruption', rode), false);
  assert.equal(categorySuccess('user_backchannel', rode), true);
  assert.equal(categorySuccess('user_backchannel', res('RESUME', 'continued_text')), true);
  assert.equal(categorySuccess('user_backchannel', silent), false);
  assert.deepEqual([respond, rode, silent, short, unknown].map(answered), [true, false, false, true, false]);
  assert.equal(categorySuccess('talking_to_others', unknown), true);
  assert.equal(categorySuccess('background_speech', short), false);
});

test('aggregateV15: label counts, rates, latencies over the right subsets', () => {
  const results = [
    res('RESPOND', 'new_speech', { stopLatencyS: 0.1, responseLatencyS: 0.2 }),
    res('RESPOND', 'new_speech', { stopLatencyS: 0.3, responseLatencyS: 0.4 }),
    res('RESUME', 'rode_through', { stopLatencyS: 2.0 }),
    res('UNKNOWN', 'no_model_speech', { speakingAtStart: false, stopped: false }),
  ];
  const s = aggregateV15('user_interruption', results);
  assert.deepEqual(s.labels, { RESPOND: 2, RESUME: 1, UNCERTAIN: 0, UNKNOWN: 1 });
  assert.deepEqual([s.n, s.successRate, s.respondRate, s.resumeRate, s.rodeThroughRate, s.unansweredRate], [4, 0.5, 0.5, 0.25, 0.25, 0.5]);
  close(s.stopLatencyS.mean, 0.8);
  close(s.stopLatencyS.median, 0.3);
  close(s.responseLatencyS.mean, 0.3);
  assert.equal(aggregateV15('background_speech', []).successRate, null);
});

test('continuation survives the recogniser mishearing the agent (fuzzy alignment), a new reply does not pass', () => {
  // Heard from the engine's flite voice on tuning runs (the timelines say the agent resumed).
  const planned = tokens("I heard: please tell me along sorry. I'm only a small offline assistant, so I'm not sure how to help with that.");
  assert.equal(isContinuation(tokens('laugh line assistant selling not sure how'), planned), true);
  assert.equal(alignmentScore(tokens('only a small offline assistant'), planned), 1);
  // New replies, including one sharing function words and "I" with the planned text.
  assert.equal(isContinuation(tokens('here is a story once upon a time'), planned), false);
  assert.equal(isContinuation(tokens('it is ten past four in the afternoon'), planned), false);
  assert.equal(isContinuation(tokens('you said the time'), planned), false);
  // Word similarity is letter-level: a misheard word is near, an unrelated one far.
  assert.ok(wordSimilarity('assistant', 'assistance') >= 0.5);
  assert.ok(wordSimilarity('assistant', 'story') < 0.5);
});

test('continuation survives mishearing across word boundaries (sound alignment), a new reply does not pass', () => {
  // Heard from the engine's flite voice on tuning runs (user_backchannel/003 and /035: the timelines say
  // the agent resumed); letters and bigrams both miss these.
  const planned = tokens("I heard: do ya fully please. I'm only a small offline assistant, so I'm not sure how to help with that. You can ask me the time, or about a speech model like Moshi.");
  const letters = { ...CONTINUATION, minPhoneAlignment: Infinity };
  for (const heard of ['hi mommy is small alpha line assistant selling not sure', 'now me is small and flying assistant selling not sure how to help']) {
    assert.equal(continues(tokens(heard), planned, letters), false, `letters alone: ${heard}`);
    assert.ok(phoneAlignmentScore(tokens(heard), planned) >= CONTINUATION.minPhoneAlignment, heard);
    assert.equal(isContinuation(tokens(heard), planned), true, heard);
  }
  // New replies: another answer, the story, a clarification sharing "I" and "only".
  for (const reply of ['here is a story once upon a time', 'it is ten past four in the afternoon', 'sorry i only caught the weather', 'the weather today is sunny and warm']) {
    assert.ok(phoneAlignmentScore(tokens(reply), planned) < CONTINUATION.minPhoneAlignment, reply);
    assert.equal(isContinuation(tokens(reply), planned), false, reply);
  }
  // A verbatim stretch sounds like itself.
  assert.equal(phoneAlignmentScore(tokens('only a small offline assistant'), planned), 1);
});

test('phones come from CMUdict; a word it lacks is spelled out and matches only itself', () => {
  assert.ok(pronunciations().size > 100_000, 'pocketsphinx-en-us installs cmudict-en-us.dict');
  assert.deepEqual(phonesOf(["i'm", 'offline']), ['AY', 'M', 'AO', 'F', 'L', 'AY', 'N']);
  assert.deepEqual(phonesOf(['zqxv']), ['#z', '#q', '#x', '#v']);
  assert.equal(phoneAlignmentScore(tokens('zqxv zqxv'), tokens('a zqxv zqxv b')), 1);
  assert.equal(phoneAlignmentScore(tokens('one'), tokens('one two')), 0); // one word is no evidence
});
