/**
 * The ASR and TTS contracts (test/contracts/) on the OpenAI-compatible server plug-ins, against
 * loopback servers speaking the exact wire formats (test/helpers/speech-servers.ts): 'openai-stt'
 * (pocketsphinx streams, the STT server — pocketsphinx on the uploaded WAV — answers batch
 * transcriptions) and 'openai-tts' (flite's speech at 24 kHz, streamed, resampled to 16 kHz).
 */
import { after, before } from 'node:test';
import { createAsr, createTts } from '../src/speech/registry.js';
import { asrContract } from './contracts/asr.js';
import { ttsContract } from './contracts/tts.js';
import { compose, synth } from './helpers/speech.js';
import { startSttServer, startTtsServer, type SttServer, type TtsServer } from './helpers/speech-servers.js';

const { audio } = compose([0.3, synth('What time is it?'), 0.4]);
const utterance = () => ({ ...audio, mustHear: ['time'] });

let stt: SttServer;
let tts: TtsServer;
before(async () => {
  [stt, tts] = await Promise.all([startSttServer(), startTtsServer()]);
});
after(async () => {
  await Promise.all([stt.close(), tts.close()]);
});

asrContract('openai-stt (loopback server)', { create: () => createAsr('openai-stt', { stt: { url: stt.url, timeoutMs: 30_000 } }), closeAfter: true, utterance });
ttsContract('openai-tts (loopback server)', { create: () => createTts('openai-tts', { tts: { url: `${tts.url}/v1`, voice: 'af_heart' } }), closeAfter: true });
