import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FliteTts, FLITE_VOICES } from '../src/speech/tts/flite.js';
import { EspeakTts } from '../src/speech/tts/espeak.js';
import { TtsTextStream } from '../src/speech/tts/text-stream.js';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { wordErrorRate } from '../src/speech/asr/wer.js';
import { loadNative } from '../src/native.js';
import { isFullduplexError } from '../src/errors.js';
import { concatInt16, rmsDbfs } from '../src/audio/frame.js';
import type { TtsChunk } from '../src/speech/types.js';

const flite = new FliteTts();
const LONG = 'This sentence is long on purpose, so that the synthesizer has plenty of audio left to produce when it is told to stop, and it keeps going for quite a while after that.';

async function collect(it: AsyncIterable<TtsChunk>): Promise<TtsChunk[]> {
  const out: TtsChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

test('every flite voice streams audio tagged with its sample rate', async () => {
  for (const [voice, rate] of Object.entries(FLITE_VOICES)) {
    const chunks = await collect(flite.synthesize('Hello there, nice to meet you.', { voice }));
    assert.ok(chunks.length > 1, `${voice}: expected several chunks, got ${chunks.length}`);
    for (const c of chunks) assert.equal(c.sampleRate, rate);
    const all = concatInt16(chunks.map((c) => c.samples));
    assert.ok(all.length / rate > 0.8 && all.length / rate < 5, `${voice}: ${all.length / rate} s`);
    assert.ok(rmsDbfs(all) > -40, `${voice}: audible`);
  }
});

test('streamed and whole-utterance synthesis give the same audio', async () => {
  const text = 'What time does the store open?';
  const streamed = concatInt16((await collect(flite.synthesize(text))).map((c) => c.samples));
  const whole = flite.synthesizeAll(text).samples;
  assert.equal(streamed.length, whole.length);
});

test('cancelling stops output within one chunk (JS stream)', async () => {
  const ac = new AbortController();
  let afterAbort = 0;
  let before = 0;
  for await (const _c of flite.synthesize(LONG, { signal: ac.signal })) {
    if (ac.signal.aborted) afterAbort++;
    else if (++before === 2) ac.abort();
  }
  assert.ok(afterAbort <= 1, `${afterAbort} chunks arrived after the abort`);
});

test('cancelling stops the native synthesizer itself, not just the delivery', async () => {
  const native = loadNative();
  const full = native.ttsSynthesize('slt', LONG).samples.length;
  const result = await new Promise<{ samples: number; afterCancel: number; cancelled: boolean }>((resolve) => {
    let samples = 0;
    let afterCancel = 0;
    let cancelledAt = -1;
    const job = native.ttsStart('slt', LONG, (s, _rate, done, cancelled) => {
      if (s) {
        samples += s.length;
        if (cancelledAt >= 0) afterCancel++;
        if (cancelledAt < 0 && samples > 3200) {
          cancelledAt = samples;
          native.ttsCancel(job);
        }
      }
      if (done) resolve({ samples, afterCancel, cancelled });
    });
  });
  assert.equal(result.cancelled, true);
  assert.ok(result.samples < full / 2, `synthesis went on: ${result.samples} of ${full} samples`);
});

test('TtsTextStream speaks clauses in order as they are written, and the result is intelligible', async () => {
  const stream = new TtsTextStream(flite);
  const clauses = ['Thank you for calling.', 'The meeting has been moved to Thursday afternoon,', 'see you then.'];
  const consumed = (async () => {
    const out = [];
    for await (const c of stream) out.push(c);
    return out;
  })();
  for (const c of clauses) stream.write(c);
  stream.end();
  const chunks = await consumed;
  const seen = [...new Set(chunks.map((c) => c.clauseIndex))];
  assert.deepEqual(seen, [0, 1, 2]);
  assert.equal(chunks.find((c) => c.clauseIndex === 1)!.clause, clauses[1]);
  // The recogniser's widest search: this checks the audio, not the recogniser's speed settings.
  const asr = new PocketsphinxAsr({ maxHmmPerFrame: 30000, topN: 4 });
  const r = await asr.transcribe({ samples: concatInt16(chunks.map((c) => c.samples)), sampleRate: 16000 });
  await asr.close();
  assert.ok(wordErrorRate([{ reference: clauses.join(' '), hypothesis: r.text }]) <= 0.35, r.text);
});

test('TtsTextStream.cancel drops clauses not yet spoken', async () => {
  const stream = new TtsTextStream(flite);
  stream.write(LONG);
  stream.write('This clause must never be spoken.');
  stream.end();
  const indices: number[] = [];
  for await (const c of stream) {
    indices.push(c.clauseIndex);
    if (indices.length === 2) stream.cancel();
  }
  assert.ok(indices.length <= 3 && indices.every((i) => i === 0));
});

test('espeak-ng streams 22.05 kHz audio and can be cancelled', async () => {
  const espeak = new EspeakTts();
  const chunks = await collect(espeak.synthesize('Hello from the second engine.'));
  assert.ok(chunks.length > 0);
  assert.ok(chunks.every((c) => c.sampleRate === 22050));
  const total = chunks.reduce((n, c) => n + c.samples.length, 0) / 22050;
  assert.ok(total > 0.8 && total < 5, `${total} s`);
  const ac = new AbortController();
  let n = 0;
  for await (const _c of espeak.synthesize(LONG + ' ' + LONG, { signal: ac.signal })) if (++n === 1) ac.abort();
  assert.equal(n, 1);
});

test('bad text and unknown voices give typed errors', async () => {
  assert.throws(() => flite.synthesize(''), (e) => isFullduplexError(e, 'BAD_TEXT'));
  assert.throws(() => flite.synthesize('   '), (e) => isFullduplexError(e, 'BAD_TEXT'));
  assert.throws(() => flite.synthesize('a'.repeat(10_000)), (e) => isFullduplexError(e, 'BAD_TEXT'));
  assert.throws(() => flite.synthesize('hi', { voice: 'nobody' }), (e) => isFullduplexError(e, 'MODEL_MISSING'));
  assert.throws(() => new EspeakTts().synthesize(''), (e) => isFullduplexError(e, 'BAD_TEXT'));
  const missing = new EspeakTts({ binary: '/nonexistent/espeak' });
  await assert.rejects(collect(missing.synthesize('hello')), (e) => isFullduplexError(e, 'MODEL_MISSING'));
});

test('synthesis is reproducible: the same text gives the same audio', () => {
  const a = flite.synthesizeAll('Reproducible scenarios need reproducible speech.').samples;
  const b = flite.synthesizeAll('Reproducible scenarios need reproducible speech.').samples;
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer));
});
