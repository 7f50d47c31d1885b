import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketsphinxAsr, type PocketsphinxStream } from '../src/speech/asr/pocketsphinx.js';
import { BandwidthDetector } from '../src/speech/asr/bandwidth.js';
import { mapNarrowband, type NarrowbandWeights } from '../src/speech/asr/narrowband-map.js';
import { loadNative } from '../src/native.js';
import { resample } from '../src/audio/resampler.js';
import { concatInt16, type PcmFrame } from '../src/audio/frame.js';
import { wordErrorRate } from '../src/speech/asr/wer.js';
import type { AsrResult } from '../src/speech/types.js';
import { telephone } from '../bench/scenarios/effects.js';
import { SPEAKER_VARIATION } from '../bench/scenarios/config.js';
import { pinkNoise, synth } from './helpers/speech.js';

const IDENTITY: NarrowbandWeights = {
  ncep: 13,
  rows: Array.from({ length: 13 }, (_, o) => Array.from({ length: 14 }, (_, i) => (i === o ? 1 : 0))),
  recipe: {},
};

/** As the engine hands a segment to the recogniser: a little room noise either side, 20 ms pushes. */
async function decode(stream: PocketsphinxStream, pcm: PcmFrame) {
  const samples = concatInt16([pinkNoise(0.3, -72, 5), pcm.samples, pinkNoise(0.25, -72, 6)]);
  for (let i = 0; i < samples.length; i += 320) stream.push(samples.subarray(i, Math.min(samples.length, i + 320)));
  return stream.finish();
}

const eightKhz = async (pcm: PcmFrame) => resample(await resample(pcm, 8000), 16000);
const norm = (s: string) => s.toLowerCase().replace(/[^a-z' ]/g, ' ').replace(/\s+/g, ' ').trim();

/** The same words at the same frames; the lattice posteriors differ in the third decimal with how the audio was chunked. */
function assertSameWords(actual: AsrResult, expected: AsrResult, what: string): void {
  assert.equal(actual.text, expected.text, what);
  assert.deepEqual(actual.words.map((w) => [w.word, w.start, w.end]), expected.words.map((w) => [w.word, w.start, w.end]), what);
  actual.words.forEach((w, i) => assert.ok(Math.abs((w.confidence ?? 1) - (expected.words[i]!.confidence ?? 1)) < 0.01, `${what}: ${w.word}`));
}

test("decoding the front end's cepstra gives the words decoding the audio gives", async () => {
  const audio = synth('The meeting has been moved to Thursday afternoon.');
  const raw = await decode(new PocketsphinxAsr({ bandwidth: 'wide' }).createStream(), audio);
  assert.ok(raw.words.length >= 5, raw.text);
  assertSameWords(await decode(new PocketsphinxAsr({ bandwidth: 'narrow', narrowbandMap: IDENTITY }).createStream(), audio), raw, 'cepstra, identity map');
  // An 'auto' stream holds the audio back while it decides; heard as wideband, it is then decoded
  // chunk by chunk as it came: exactly as before, posteriors included.
  const auto = new PocketsphinxAsr({ bandwidth: 'auto' }).createStream();
  assert.deepEqual(await decode(auto, audio), raw);
  assert.equal(auto.bandwidth, 'wide');
});

test('the bandwidth detector hears an 8 kHz channel as narrow, wideband speech as wide, and silence as nothing yet', async () => {
  const audio = synth('Could you tell me how the weather will be this weekend?', 'rms');
  const cases: [string, PcmFrame, string][] = [
    ['wideband', audio, 'wide'],
    ['8 kHz round trip', await eightKhz(audio), 'narrow'],
    ['telephone band', await telephone(audio, SPEAKER_VARIATION.telephoneBandHz), 'narrow'],
  ];
  for (const [name, pcm, want] of cases) {
    const d = new BandwidthDetector();
    assert.equal(d.push(pcm.samples), want, name);
    assert.ok(d.decidedOnDb !== null && Number.isFinite(d.decidedOnDb), name);
  }
  // A misjudged start does not decide the whole call: the decision is taken again at each utterance's end.
  const call = new BandwidthDetector();
  assert.equal(call.push(audio.samples), 'wide');
  assert.equal(call.end(), 'wide');
  const narrow = await eightKhz(audio);
  for (const want of ['wide', 'narrow', 'narrow']) {
    call.push(narrow.samples);
    assert.equal(call.end(), want, 'one vote each; the majority decides');
  }

  const quiet = new BandwidthDetector();
  assert.equal(quiet.push(pinkNoise(5, -72)), null, 'room noise below the speech floor decides nothing');
  assert.equal(quiet.end(), null);
});

test("an 'auto' stream decides once per caller, says so, maps narrowband speech, and hears afresh after a reset", async () => {
  const sentences = ['Please call me back after lunch tomorrow.', 'The train was late again this morning.', 'I would like to book a table for four people.'];
  const stream = new PocketsphinxAsr({ bandwidth: 'auto' }).createStream();
  const heard: string[] = [];
  stream.onBandwidth = (b, db) => heard.push(`${b} ${db < -42 ? 'below' : 'above'}`);
  const mapped: { reference: string; hypothesis: string }[] = [];
  for (const s of sentences) mapped.push({ reference: norm(s), hypothesis: norm((await decode(stream, await eightKhz(synth(s)))).text) });
  assert.deepEqual(heard, ['narrow below'], 'one decision for the caller');
  assert.equal(stream.bandwidth, 'narrow');

  // The same speech as heard, for comparison: the map must recover words the raw cepstra lose.
  const plain = new PocketsphinxAsr({ bandwidth: 'wide' }).createStream();
  const asHeard: { reference: string; hypothesis: string }[] = [];
  for (const s of sentences) asHeard.push({ reference: norm(s), hypothesis: norm((await decode(plain, await eightKhz(synth(s)))).text) });
  assert.ok(wordErrorRate(mapped) < wordErrorRate(asHeard) - 0.1, `mapped ${wordErrorRate(mapped)} vs as heard ${wordErrorRate(asHeard)}`);

  stream.resetAdaptation();
  assert.equal(stream.bandwidth, null, 'a new caller is heard afresh');
  await decode(stream, synth('Good morning, this is a wideband microphone.'));
  assert.equal(stream.bandwidth, 'wide');
  assert.deepEqual(heard, ['narrow below', 'wide above']);
  stream.close();
  plain.close();
});

test('the cepstra input refuses partial frames and non-numbers with a clear error', () => {
  const native = loadNative();
  const h = native.asrCreate(new PocketsphinxAsr().args());
  try {
    native.asrStart(h);
    const f = native.asrFeatures(h, synth('Hello there.').samples, true);
    assert.equal(f.length % 13, 0);
    assert.ok(f.length / 13 > 50);
    assert.throws(() => native.asrProcessFeatures(h, f.subarray(0, 20)), (e: unknown) => String((e as Error).message).includes('whole frames'));
    const bad = f.slice(0, 26);
    bad[3] = Number.NaN;
    assert.throws(() => native.asrProcessFeatures(h, bad), (e: unknown) => String((e as Error).message).includes('finite'));
    assert.equal(typeof native.asrProcessFeatures(h, f), 'string');
    native.asrEnd(h);
    assert.throws(() => native.asrFeatures(h, new Int16Array(10)), (e: unknown) => String((e as Error).message).includes('outside an utterance'));
  } finally {
    native.asrFree(h);
  }
  assert.throws(() => mapNarrowband(new Float32Array(14)), RangeError);
});
