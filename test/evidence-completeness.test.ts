import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import {
  assessCompleteness,
  CompletenessAssessor,
  isBackchannelText,
  type CompletenessVerdict,
} from '../src/engine/evidence/completeness.js';
import { normalizeTranscript } from '../src/engine/evidence/text.js';

type Row = readonly [text: string, verdict: CompletenessVerdict, reasonIncludes?: string, reply?: boolean];

const TABLE: readonly Row[] = [
  // trailing function words
  ['i want to fly to', 'incomplete', "preposition 'to'"],
  ['i went to the store and', 'incomplete', "conjunction 'and'"],
  ['and', 'incomplete', 'conjunction'],
  ['i was thinking that maybe because', 'incomplete', "conjunction 'because'"],
  ['can you book me a table for the', 'incomplete', "determiner 'the'"],
  ['i need to talk to my', 'incomplete', "determiner 'my'"],
  ['the weather today is', 'incomplete', "auxiliary 'is'"],
  ['my name is', 'incomplete', "auxiliary 'is'"],
  ['i want to', 'incomplete', "infinitive 'want to'"],
  ['what do you want to', 'incomplete', 'infinitive'],
  ['so i', 'incomplete', "subject pronoun 'i'"],
  ["yesterday i'm", 'incomplete', "i'm"],
  ['can you', 'incomplete', "inverted 'can you'"],
  ['it was very', 'incomplete', "modifier 'very'"],
  ['i did it so i can', 'incomplete', 'needs a verb'],
  // fillers
  ['um', 'incomplete', "filler 'um'"],
  ['i would like uh', 'incomplete', "filler 'uh'"],
  ['it was like', 'incomplete', "filler 'like'"],
  ['the thing is you know', 'incomplete', "filler 'you know'"],
  ['can u n', 'incomplete', "filler 'n'"], // a hummed "um" as pocketsphinx writes it
  ['the meeting is on', 'unsure', "'is on' may go on"], // a time or place usually follows
  ['what can you do', 'complete', "question ending 'can you do'"], // 'do' is the verb here
  ['please write down my number', 'incomplete', 'announces a number'], // dictation follows
  // digits
  ['my number is five five five', 'incomplete', "number after 'number' has 3 of 10 digits"],
  ['my number is five five five one two three four five six seven', 'complete', 'complete with 10 of 10 digits'],
  ['call me at five five five oh one', 'incomplete', 'digit sequence has 5 of 10'],
  ['my zip code is nine four one zero five', 'complete', "after 'zip' complete with 5 of 5"],
  ['my zip code is nine four one', 'incomplete', "after 'zip' has 3 of 5"],
  ['my pin is double four one', 'incomplete', "after 'pin' has 3 of 4"],
  ['my pin is double four one two', 'complete', "after 'pin' complete"],
  ['my phone number is 555 123', 'incomplete', '6 of 10'],
  ['i need two', 'complete', "content word 'two'"],
  // addresses
  ['send it to john at gmail dot', 'incomplete', "after 'dot'"],
  ['send it to john at gmail', 'incomplete', 'without a top-level domain'],
  ['send it to john at gmail dot com', 'complete', "'.com'"],
  ['my email is john underscore smith', 'incomplete', 'without a top-level domain'],
  ['my email is john underscore smith at example dot org', 'complete', "'.org'"],
  ['Send it to john.smith@gmail.com.', 'complete', "'.com'"],
  ["i'm at home right now", 'complete', 'clause'],
  // questions and requests
  ['what license is moshi under', 'complete', "question ending on content word 'under'"],
  ['how do i reset my password', 'complete', 'question'],
  ['so um what time is it', 'complete', 'question'],
  ['can you tell me the weather in paris', 'complete', 'question'],
  ['is it going to rain tomorrow', 'complete', 'question'],
  ['tell me a joke', 'complete', 'request'],
  ['who are you talking to', 'complete', "stranded preposition 'to'"],
  ['what is it made of', 'complete', 'stranded'],
  ["what's it like", 'complete', 'stranded'],
  ['how are you', 'complete', "question ending 'are you'"],
  ['do you know', 'complete', 'question'],
  ['tell me about', 'incomplete', "preposition 'about'"],
  ['what about', 'incomplete', "'what about'"],
  ['it depends on', 'incomplete', "'depends on'"],
  ['and then', 'incomplete'],
  ['why', 'unsure', 'short fragment'],
  // acknowledgements, closings, idioms
  ['yes', 'complete', 'answering a question', true],
  ['yeah', 'complete', 'answering a question', true],
  ['yep', 'complete', 'answering a question', true],
  ['okay', 'complete', undefined, true],
  ['no', 'complete', undefined, true],
  ['mm hmm', 'complete', 'acknowledgement', true],
  ['hmm', 'incomplete', 'filler'],
  ['yes', 'unsure', 'no question'],
  ['yes it is', 'complete', 'elliptic reply'],
  ['i can', 'complete', 'elliptic reply', true],
  ['i can', 'unsure', 'elliptic or unfinished'],
  ['thanks', 'complete', 'closing'],
  ['okay thank you', 'complete', 'closing'],
  ['i think so', 'complete', "idiom 'i think so'"],
  ['yeah me too', 'complete', 'idiom'],
  ['yeah but', 'incomplete', 'conjunction'],
  // short fragments and plain clauses
  ['paris', 'unsure', 'short fragment'],
  ['paris', 'complete', 'short answer', true],
  ['next tuesday', 'complete', 'short answer', true],
  ['i would like a coffee', 'complete', "clause ending on content word 'coffee'"],
  ['turn the lights off', 'complete', 'clause'],
  ['', 'unsure', 'no words'],
  ['<sil> [NOISE]', 'unsure', 'no words'],
];

for (const [text, verdict, reason, reply] of TABLE) {
  test(`"${text}"${reply ? ' (reply)' : ''} → ${verdict}`, () => {
    const r = assessCompleteness(text, { agentAskedQuestion: reply === true });
    assert.equal(r.verdict, verdict, `score ${r.score}: ${r.reason}`);
    if (reason !== undefined) assert.ok(r.reason.includes(reason), `reason "${r.reason}" lacks "${reason}"`);
    assert.ok(r.score >= 0 && r.score <= 1);
  });
}

test('"yes", "yeah", "yep", "okay" and "sure" get the same score (the Yeah./Yes. complaint)', () => {
  for (const reply of [true, false]) {
    const scores = ['yes', 'yeah', 'yep', 'yup', 'okay', 'ok', 'sure'].map((w) => assessCompleteness(w, { agentAskedQuestion: reply }).score);
    assert.equal(new Set(scores).size, 1, `reply=${reply}: ${scores.join(', ')}`);
  }
});

test('punctuation, case and recognizer markup do not change the verdict', () => {
  const a = assessCompleteness('i want to fly to');
  const b = assessCompleteness('<s> I want to FLY(2) to, </s>');
  assert.deepEqual(b, a);
  assert.deepEqual(normalizeTranscript("++UM++ It's  uh-huh [NOISE]"), ['um', "it's", 'uh', 'huh']);
});

test('scores and thresholds are options', () => {
  const strict = new CompletenessAssessor({ scores: { clause: 0.6 }, completeAtOrAbove: 0.65 });
  assert.equal(strict.assess('i would like a coffee').verdict, 'unsure');
  const opts = { completeAtOrAbove: 0.6 };
  assert.equal(assessCompleteness('paris', { agentAskedQuestion: true }, opts).verdict, 'complete');
  assert.throws(() => new CompletenessAssessor({ completeAtOrAbove: 0.2 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

const BACKCHANNELS = ['uh huh', 'uh-huh', 'mm hmm', 'Mm-hmm.', 'mhm', 'hmm', 'um', 'huh', 'yeah', 'yeah yeah', 'right', 'okay', 'oh okay',
  'i see', 'oh i see', 'sure', 'wow', 'got it', 'makes sense', 'all right', '++UM++'];
const NOT_BACKCHANNELS = ['', 'no', 'yeah but', 'wait', 'stop', 'what', 'yeah i think we should go', 'okay so what about tomorrow', 'hold on',
  'yeah yeah yeah yeah yeah'];

test('isBackchannelText recognizes backchannels and pocketsphinx renderings of them', () => {
  for (const t of BACKCHANNELS) assert.ok(isBackchannelText(t), `"${t}" should be a backchannel`);
});

test('isBackchannelText rejects turn-taking speech', () => {
  for (const t of NOT_BACKCHANNELS) assert.ok(!isBackchannelText(t), `"${t}" should not be a backchannel`);
});

test('isBackchannelText can be strict about misrecognitions', () => {
  const strict = { backchannels: ['uh huh', 'yeah'], misrecognitions: [], maxWords: 4 };
  assert.ok(isBackchannelText('uh huh', strict));
  assert.ok(!isBackchannelText('um', strict));
});

test('sanity timing: assessCompleteness on 10 000 partials (not asserted)', () => {
  const texts = TABLE.map((r) => r[0]);
  const t0 = performance.now();
  let i = 0;
  for (; i < 10000; i++) assessCompleteness(texts[i % texts.length]!);
  console.log(`# completeness: ${((performance.now() - t0) / i * 1000).toFixed(1)} µs per transcript`);
});

test('a question after an unknown lead-in is still a question', () => {
  for (const text of ['wait stop what time is it', 'sorry where is it', 'hey listen how old is he']) {
    const r = assessCompleteness(text);
    assert.equal(r.verdict, 'complete', `${text}: ${r.reason}`);
  }
  assert.equal(assessCompleteness('wait stop can you').verdict, 'incomplete');
});

test('greetings are whole turns', () => {
  for (const text of ['hello', 'hello there', 'hi there', 'good morning']) {
    assert.equal(assessCompleteness(text).verdict, 'complete', text);
  }
});
