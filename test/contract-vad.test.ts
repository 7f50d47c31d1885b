/** The VAD contract (test/contracts/vad.ts) on Silero (loaded once for the file) and on the scripted fake. */
import { after } from 'node:test';
import { SileroVad } from '../src/speech/vad/silero.js';
import { vadContract } from './contracts/vad.js';
import { FakeVad } from './helpers/fakes/index.js';
import { compose, synth } from './helpers/speech.js';

const { audio, spans } = compose([0.6, synth('Hello there, how are you doing today?'), 1.0]);
const s = { ...audio, speech: spans[0]! };

const silero = await SileroVad.create();
after(() => silero.close());
vadContract('silero', { create: async () => silero, closeAfter: false, sample: () => s });

const speech = [{ startMs: s.speech.start * 1000, endMs: s.speech.end * 1000 }];
vadContract('fake-vad', { create: async () => new FakeVad({ speech }), closeAfter: true, sample: () => s });
