import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { speechBounds } from '../bench/scenarios/audio.js';
import { PHRASE_CUT } from '../bench/scenarios/config.js';
import { continuousPhrases, cutPoints } from '../bench/scenarios/phrase-cut.js';
import { closeVoices, plainSpeaker, voiceClip } from '../bench/scenarios/voices.js';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';

after(closeVoices);

/** A tone with a quiet stretch at `dipS`, 1 s long at 16 kHz. */
function toneWithDip(dipS: number): { samples: Int16Array; sampleRate: number } {
  const samples = new Int16Array(16000);
  for (let i = 0; i < samples.length; i++) {
    const quiet = Math.abs(i / 16000 - dipS) < 0.015;
    samples[i] = Math.round((quiet ? 30 : 8000) * Math.sin((2 * Math.PI * 180 * i) / 16000));
  }
  return { samples, sampleRate: 16000 };
}

test('a cut moves from the estimate to the quiet frame near it, and never farther than the search window', () => {
  // Two phrases of equal length alone: the estimate is the middle (0.5 s); the dip is 60 ms later.
  const [cut] = cutPoints(toneWithDip(0.56), [8000, 8000]);
  assert.ok(Math.abs(cut! / 16000 - 0.56) < 0.012, `cut at ${cut! / 16000} s`);
  // A dip outside the search window is not taken.
  const [far] = cutPoints(toneWithDip(0.5 + PHRASE_CUT.searchS + 0.1), [8000, 8000]);
  assert.ok(Math.abs(far! / 16000 - 0.5) <= PHRASE_CUT.searchS + 0.005, `cut at ${far! / 16000} s`);
});

test('cuts keep their order and leave speech on both sides', () => {
  const cuts = cutPoints(toneWithDip(0.3), [1000, 1000, 14000]);
  assert.equal(cuts.length, 2);
  assert.ok(cuts[0]! >= 1600 && cuts[1]! >= cuts[0]! + 1600, `cuts ${cuts}`);
});

test('a line said as one utterance comes back as one clip per phrase, each with the words of its phrase', async () => {
  const speaker = plainSpeaker({ engine: 'flite', voice: 'rms', base: 'rms' });
  const phrases = ['I went to the store and', 'bought some milk for the kids.'];
  const pieces = await continuousPhrases(phrases, speaker);
  assert.equal(pieces.length, 2);
  const whole = await voiceClip(phrases.join(' '), speaker);
  const total = pieces.reduce((n, p) => n + p.samples.length, 0);
  // The pieces are the whole line, less what trimming took around the cut.
  assert.ok(total <= whole.samples.length && total > whole.samples.length * 0.85, `${total} of ${whole.samples.length}`);
  for (const p of pieces) assert.ok(speechBounds(p).end - speechBounds(p).start > 0.3);
  const asr = new PocketsphinxAsr();
  try {
    const first = (await asr.transcribe(pieces[0]!)).text;
    const second = (await asr.transcribe(pieces[1]!)).text;
    assert.match(first, /store/);
    assert.doesNotMatch(first, /milk|kids/);
    assert.match(second, /milk/);
    assert.doesNotMatch(second, /store/);
  } finally {
    await asr.close();
  }
});
