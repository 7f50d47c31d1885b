/** The TTS contract (test/contracts/tts.ts) on flite, espeak-ng, Festival (where installed) and the scripted fake. */
import { after } from 'node:test';
import { EspeakTts } from '../src/speech/tts/espeak.js';
import { FestivalTts } from '../src/speech/tts/festival.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { ttsContract } from './contracts/tts.js';
import { FakeTts } from './helpers/fakes/index.js';

const flite = new FliteTts();
ttsContract('flite', { create: () => flite, closeAfter: false });

ttsContract('espeak-ng', { create: () => new EspeakTts(), closeAfter: true });

// Festival keeps one process per voice open; one engine for the file, closed at the end.
if (FestivalTts.available()) {
  const festival = new FestivalTts();
  after(() => festival.close());
  ttsContract('festival', { create: () => festival, closeAfter: false });
}

ttsContract('fake-tts', { create: () => new FakeTts(), closeAfter: true });
