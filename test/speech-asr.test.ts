import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { wordErrorRate } from '../src/speech/asr/wer.js';
import { isFullduplexError } from '../src/errors.js';
import { resample } from '../src/audio/resampler.js';
import { CONVERSATIONAL_SENTENCES } from './fixtures/sentences.js';
import { compose, synth } from './helpers/speech.js';

const asr = new PocketsphinxAsr();

test('pocketsphinx transcribes synthesized conversational sentences (flite slt) with WER ≤ 15 %', async () => {
  assert.ok(CONVERSATIONAL_SENTENCES.length >= 20);
  const pairs = [];
  for (const sentence of CONVERSATIONAL_SENTENCES) {
    const r = await asr.transcribe(synth(sentence, 'slt'));
    assert.equal(r.final, true);
    pairs.push({ reference: sentence, hypothesis: r.text });
  }
  const wer = wordErrorRate(pairs);
  assert.ok(wer <= 0.15, `WER ${(wer * 100).toFixed(1)} % exceeds 15 %: ${JSON.stringify(pairs.slice(0, 5))}`);
});

test('streaming: partial hypotheses grow while audio arrives, the final has word timestamps', async () => {
  const audio = synth('The meeting has been moved to Thursday afternoon.');
  const stream = asr.createStream();
  const partials: string[] = [];
  stream.onPartial = (p) => {
    assert.equal(p.final, false);
    partials.push(p.text);
  };
  for (let i = 0; i < audio.samples.length; i += 320) stream.push(audio.samples.subarray(i, i + 320));
  const final = await stream.finish();
  stream.close();
  assert.ok(partials.length >= 3, `expected several partials, got ${partials.length}`);
  assert.ok(partials.some((p) => p.length > 0 && p.length < final.text.length), 'some partial is a prefix-sized hypothesis');
  assert.ok(final.words.length >= 5);
  const dur = audio.samples.length / audio.sampleRate;
  let prevEnd = 0;
  for (const w of final.words) {
    assert.ok(w.start >= prevEnd - 1e-9 && w.end > w.start && w.end <= dur + 0.05, `bad timing ${JSON.stringify(w)}`);
    assert.doesNotMatch(w.word, /[<>()[\]]/, 'filler tokens and pronunciation variants are cleaned');
    prevEnd = w.end;
  }
});

test('word timestamps place words where they were spoken (±150 ms)', async () => {
  const a = synth('Good morning.');
  const b = synth('Please call me back.');
  const { audio, spans } = compose([0.5, a, 1.5, b, 0.5]);
  const r = await asr.transcribe(audio);
  const idx = r.words.findIndex((w) => w.word === 'please');
  assert.ok(idx >= 0, `expected "please" in "${r.text}"`);
  assert.ok(Math.abs(r.words[idx]!.start - spans[1]!.start) <= 0.15, `please at ${r.words[idx]!.start}, spoken at ${spans[1]!.start}`);
  const first = r.words[0]!;
  assert.ok(Math.abs(first.start - spans[0]!.start) <= 0.15, `first word at ${first.start}, spoken at ${spans[0]!.start}`);
});

test('one stream serves consecutive utterances', async () => {
  const stream = asr.createStream();
  for (const s of ['Thank you very much.', 'What time is it?']) {
    const audio = synth(s);
    stream.push(audio.samples);
    const r = await stream.finish();
    assert.ok(wordErrorRate([{ reference: s, hypothesis: r.text }]) <= 0.5, `"${r.text}" vs "${s}"`);
  }
  stream.cancel();
  stream.close();
});

test('a batch stream decodes recording after recording, each as transcribe would', async () => {
  const stream = asr.createBatchStream();
  try {
    for (const s of ['What time is it?', 'Thank you very much.', 'What time is it?']) {
      const audio = synth(s);
      stream.push(audio.samples, true);
      const r = await stream.finish();
      assert.equal(r.text, (await asr.transcribe(audio)).text, `the reused decoder hears "${s}" as a fresh one does`);
    }
  } finally {
    stream.close();
  }
});

test('transcribe resamples audio at other rates (48 kHz)', async () => {
  const s = 'Can you tell me the weather for tomorrow?';
  const at48 = await resample(synth(s), 48000);
  const r = await asr.transcribe(at48);
  assert.ok(wordErrorRate([{ reference: s, hypothesis: r.text }]) <= 0.3, r.text);
});

test('bad input gives typed errors', async () => {
  const stream = asr.createStream();
  assert.throws(() => stream.push(new Float32Array(10) as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  stream.close();
  assert.throws(() => stream.push(new Int16Array(10)), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.throws(() => new PocketsphinxAsr({ modelDir: '/nonexistent/model' }), (e) => isFullduplexError(e, 'MODEL_MISSING'));
  await assert.rejects(asr.transcribe({ samples: new Int16Array(100), sampleRate: 12345 }), (e) => isFullduplexError(e, 'BAD_SAMPLE_RATE'));
  const empty = await asr.transcribe({ samples: new Int16Array(16000), sampleRate: 16000 });
  assert.equal(empty.words.length, 0, 'silence gives no words');
});

test('batch transcription is reproducible: earlier recordings do not change the words', async () => {
  const audio = synth('The train was late again this morning.');
  const first = await asr.transcribe(audio);
  await asr.transcribe(synth('Hello, how are you doing today?', 'rms'));
  const again = await asr.transcribe(audio);
  assert.deepEqual(again.words, first.words);
});

test('live normalisation starts where cmnInit says, returns there on reset, and refuses a vector of the wrong length', async () => {
  const start = [44, 16, -14, 18.5, -3, -9.5, 4.5, -11, -10, -2, -5, 1, -1.5];
  const s = new PocketsphinxAsr({ cmnInit: start }).createStream();
  try {
    assert.deepEqual(s.adaptation(), start);
    // The mean moves once a few seconds of speech have been heard (the start counts as 5 s of frames).
    for (const text of CONVERSATIONAL_SENTENCES.slice(0, 4)) {
      s.push(synth(text, 'rms').samples);
      await s.finish();
    }
    assert.notDeepEqual(s.adaptation(), start);
    s.resetAdaptation();
    assert.deepEqual(s.adaptation(), start);
  } finally {
    s.close();
  }
  assert.throws(() => new PocketsphinxAsr({ cmnInit: [1, 2, 3] }).createStream(), (e: unknown) => isFullduplexError(e) && e.code === 'BAD_ARGUMENT');
});
