/**
 * What the OpenAI-compatible speech plug-ins ADD to a turn on top of their server's own compute: the
 * adapters against loopback servers that answer at once (test/helpers/speech-servers.ts: the STT
 * server with a scripted text, no recognition; the TTS server with speech synthesized before the clock
 * starts, streamed without pauses). A real Whisper or Kokoro server adds its inference time to these.
 * - STT: a segment's audio → WAV → multipart POST → JSON text (the wait a turn's commit sees once the
 *   server is done), per corpus utterance.
 * - TTS: POST → first resampled 16 kHz chunk (the plug-in's share of the time to first audio), and
 *   the whole clause's transfer + 24 → 16 kHz resampling per second of speech.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { SttServerClient } from '../../src/speech/asr/openai-stt.js';
import { resolveSttServer, resolveTtsServer } from '../../src/speech/servers/options.js';
import { ServerTts } from '../../src/speech/tts/openai-tts.js';
import { startSttServer, startTtsServer } from '../../test/helpers/speech-servers.js';
import { SENTENCES } from './corpus.js';
import { now, round, summarize, type Summary } from './stats.js';

export interface SpeechServerResults {
  readonly what: string;
  readonly stt: { readonly requestMs: Summary; readonly audioSeconds: Summary; readonly msPerAudioSecond: number };
  readonly tts: { readonly firstAudioMs: Summary; readonly totalMs: Summary; readonly rtf: number; readonly audioSeconds: number };
}

const ROUNDS = 3;

export async function benchSpeechServers(utterances: readonly PcmFrame[]): Promise<SpeechServerResults> {
  const [sttServer, ttsServer] = await Promise.all([startSttServer(), startTtsServer('slt')]);
  try {
    sttServer.script = () => 'a scripted transcript';
    ttsServer.chunkDelayMs = 0;
    const stt = new SttServerClient(resolveSttServer({ url: sttServer.url, timeoutMs: 30_000 }));
    const tts = new ServerTts(resolveTtsServer({ url: ttsServer.url, timeoutMs: 30_000 }));
    // Warm-up (connection, JIT, the resampler's WASM) and the TTS server's cache: not measured.
    await stt.transcribe(utterances[0]!);
    for (const s of SENTENCES) for await (const _ of tts.synthesize(s)) void _;

    const requestMs: number[] = [];
    const audioSeconds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      for (const u of utterances) {
        const t0 = now();
        await stt.transcribe(u);
        requestMs.push(now() - t0);
        audioSeconds.push(u.samples.length / u.sampleRate);
      }
    }
    const firstMs: number[] = [];
    const totalMs: number[] = [];
    let samples = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of SENTENCES) {
        const t0 = now();
        let first = NaN;
        for await (const c of tts.synthesize(s)) {
          if (Number.isNaN(first)) first = now() - t0;
          samples += c.samples.length;
        }
        firstMs.push(first);
        totalMs.push(now() - t0);
      }
    }
    const speech = samples / tts.options.outputSampleRate;
    const sumMs = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    return {
      what: 'adapter + loopback server that answers at once: the latency the plug-in adds on top of the server\'s own compute',
      stt: { requestMs: summarize(requestMs), audioSeconds: summarize(audioSeconds), msPerAudioSecond: round(sumMs(requestMs) / sumMs(audioSeconds), 2) },
      tts: { firstAudioMs: summarize(firstMs), totalMs: summarize(totalMs), rtf: round(sumMs(totalMs) / 1000 / speech), audioSeconds: round(speech, 2) },
    };
  } finally {
    await Promise.all([sttServer.close(), ttsServer.close()]);
  }
}
