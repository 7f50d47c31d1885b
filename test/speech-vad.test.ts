import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SileroVad } from '../src/speech/vad/silero.js';
import { SpeechSegmenter, detectSpeechSegments } from '../src/speech/vad/segmenter.js';
import { isFullduplexError } from '../src/errors.js';
import { compose, pinkNoise, silence, synth, whiteNoise } from './helpers/speech.js';

const vad = await SileroVad.create();
after(() => vad.close());

test('VAD finds the speech segments of a synthesized file within ±100 ms', async () => {
  const { audio, spans } = compose([
    1.0,
    synth('Hello, how are you doing today?'),
    1.2,
    synth('I would like to book a table for two.', 'rms'),
    0.8,
    synth('Thanks.', 'awb'),
    1.0,
  ]);
  const segs = await detectSpeechSegments(vad, audio);
  assert.equal(segs.length, spans.length, `segments ${JSON.stringify(segs)} vs spoken ${JSON.stringify(spans)}`);
  for (let i = 0; i < spans.length; i++) {
    assert.ok(Math.abs(segs[i]!.start - spans[i]!.start) <= 0.1, `start ${segs[i]!.start} vs ${spans[i]!.start}`);
    assert.ok(Math.abs(segs[i]!.end - spans[i]!.end) <= 0.1, `end ${segs[i]!.end} vs ${spans[i]!.end}`);
  }
});

test('nothing is detected in silence, white noise or pink noise', async () => {
  for (const [name, samples] of [
    ['silence', silence(3)],
    ['white noise −30 dBFS', whiteNoise(3, -30)],
    ['white noise −15 dBFS', whiteNoise(3, -15, 7)],
    ['pink noise −25 dBFS', pinkNoise(3, -25)],
  ] as const) {
    const segs = await detectSpeechSegments(vad, { samples, sampleRate: 16000 });
    assert.deepEqual(segs, [], `${name}: ${JSON.stringify(segs)}`);
  }
});

test('streaming in odd-sized pieces gives the same probabilities as one push', async () => {
  const audio = synth('Please call me back tomorrow.');
  vad.reset();
  const whole = (await vad.push(audio.samples)).map((w) => w.probability);
  vad.reset();
  const pieces: number[] = [];
  for (let i = 0; i < audio.samples.length; i += 333) {
    for (const w of await vad.push(audio.samples.subarray(i, i + 333))) pieces.push(w.probability);
  }
  assert.equal(pieces.length, whole.length);
  for (let i = 0; i < whole.length; i++) assert.ok(Math.abs(pieces[i]! - whole[i]!) < 1e-5);
  vad.reset();
});

test('windows are 32 ms and carry stream time', async () => {
  vad.reset();
  const ws = await vad.push(new Int16Array(16000));
  assert.equal(ws.length, 31);
  assert.equal(ws[1]!.start, 0.032);
  vad.reset();
});

test('segmenter hysteresis and hangover', () => {
  const seg = new SpeechSegmenter({ startThreshold: 0.5, endThreshold: 0.3, minSpeechMs: 64, minSilenceMs: 96, endLagMs: 0 });
  const probs = [0.1, 0.9, 0.4, 0.6, 0.7, 0.4, 0.35, 0.2, 0.1, 0.1, 0.9];
  const events = probs.flatMap((p, i) => seg.push({ probability: p, start: i * 0.032, end: (i + 1) * 0.032 }));
  // 0.9 then 0.4 (< start) cancels the candidate; 0.6, 0.7 start it; it stays in speech through 0.4 and 0.35 (≥ end);
  // three windows below 0.3 end it.
  assert.deepEqual(events.map((e) => e.type), ['speech_start', 'speech_end']);
  assert.ok(Math.abs((events[0] as { time: number }).time - 0.096) < 1e-9);
  assert.ok(seg.speaking === false);
  assert.throws(() => new SpeechSegmenter({ startThreshold: 0.3, endThreshold: 0.5 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

test('wrong sample rate and wrong types are typed errors', async () => {
  await assert.rejects(detectSpeechSegments(vad, { samples: new Int16Array(8000), sampleRate: 8000 }), (e) =>
    isFullduplexError(e, 'BAD_SAMPLE_RATE'),
  );
  await assert.rejects(vad.push(new Float32Array(512) as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  await assert.rejects(SileroVad.create('/nonexistent.onnx'), (e) => isFullduplexError(e, 'MODEL_MISSING'));
});
