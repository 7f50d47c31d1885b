/** The ASR contract (test/contracts/asr.ts) on pocketsphinx (loaded once for the file) and on the scripted fake. */
import { after } from 'node:test';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { asrContract } from './contracts/asr.js';
import { FakeAsr } from './helpers/fakes/index.js';
import { compose, synth } from './helpers/speech.js';

const { audio } = compose([0.3, synth('What time is it?'), 0.4]);
const utterance = () => ({ ...audio, mustHear: ['time'] });

const pocketsphinx = new PocketsphinxAsr();
after(() => pocketsphinx.close());
asrContract('pocketsphinx', { create: () => pocketsphinx, closeAfter: false, utterance });

asrContract('fake-asr', { create: () => new FakeAsr(Array(4).fill('what time is it')), closeAfter: true, utterance });
