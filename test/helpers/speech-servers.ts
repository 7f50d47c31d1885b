/**
 * Loopback stand-ins for OpenAI-compatible speech servers (no Whisper or Kokoro can run here), speaking
 * the exact wire formats:
 * - STT: POST /v1/audio/transcriptions, multipart/form-data (file, model, language, response_format),
 *   parsed by Node's own (undici) multipart parser; answers `{"text": …}`. The text is what a real
 *   recogniser (pocketsphinx, batch) hears in the uploaded WAV, unless a test scripts a known text.
 * - TTS: POST /v1/audio/speech, JSON (model, voice, input, response_format "pcm"); answers real
 *   synthesized speech (flite, resampled to 24 kHz) as raw 16-bit little-endian mono PCM, chunked,
 *   in pieces of odd byte lengths a few ms apart, as a streaming server sends it.
 * `fail` switches either server to a failure: HTTP 500, a hang past the client's timeout, or garbage.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { parseWav } from '../../src/audio/wav.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';

export type ServerFailure = 'none' | '500' | 'hang' | 'garbage';

export interface SttRequest {
  readonly path: string;
  readonly auth: string | undefined;
  readonly fields: Record<string, string>;
  readonly file: { name: string; type: string; audio: PcmFrame };
}

export interface TtsRequest {
  readonly path: string;
  readonly auth: string | undefined;
  readonly body: { model: string; voice: string; input: string; response_format: string };
}

interface LoopbackServer<R> {
  /** Base URL without /v1 (the clients add it). */
  readonly url: string;
  readonly requests: R[];
  fail: ServerFailure;
  close(): Promise<void>;
}

export type SttServer = LoopbackServer<SttRequest> & {
  /** A known text to answer with instead of what pocketsphinx hears (null: pocketsphinx); `n` counts requests from 0. */
  script: ((n: number) => string) | null;
  /** Answer this long after the request arrived, ms (a slow model). */
  delayMs: number;
};
export type TtsServer = LoopbackServer<TtsRequest> & {
  /** Bytes of PCM sent per chunk (odd on purpose: samples straddle chunks). */
  chunkBytes: number;
  /** Pause between chunks, ms. */
  chunkDelayMs: number;
  /** Break the connection after this many chunks (null: never). */
  breakAfterChunks: number | null;
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server, hangs: AbortController): () => Promise<void> {
  return () =>
    new Promise<void>((r) => {
      hangs.abort();
      server.closeAllConnections();
      server.close(() => r());
    });
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers failures the same way for both servers; true when it did. */
async function failed(res: ServerResponse, fail: ServerFailure, hangs: AbortSignal, garbage: () => void): Promise<boolean> {
  if (fail === '500') json(res, 500, { error: { message: 'the model crashed', type: 'server_error' } });
  else if (fail === 'hang') {
    // Never answers: the client's timeout must end the wait (close() ends the hang).
    await sleep(60_000, undefined, { signal: hangs }).catch(() => undefined);
  } else if (fail === 'garbage') garbage();
  return fail !== 'none';
}

export async function startSttServer(): Promise<SttServer> {
  const asr = new PocketsphinxAsr();
  const state: SttServer = { url: '', requests: [], fail: 'none', script: null, delayMs: 0, close: async () => {} };
  const hangs = new AbortController();
  const server = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return json(res, 404, { error: { message: 'not found' } });
    let form: FormData;
    try {
      form = await new Request('http://x', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: raw }).formData();
    } catch {
      return json(res, 400, { error: { message: 'not multipart/form-data' } });
    }
    const fields: Record<string, string> = {};
    let file: SttRequest['file'] | undefined;
    for (const [k, v] of form.entries()) {
      if (typeof v === 'string') fields[k] = v;
      else {
        const wav = parseWav(new Uint8Array(await v.arrayBuffer()));
        file = { name: v.name, type: v.type, audio: { samples: wav.channels[0]!, sampleRate: wav.sampleRate } };
      }
    }
    if (!file || !fields.model) return json(res, 400, { error: { message: "'file' and 'model' are required" } });
    state.requests.push({ path: req.url, auth: req.headers.authorization, fields, file });
    if (await failed(res, state.fail, hangs.signal, () => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>502 Bad Gateway</html>')))) return;
    const text = state.script ? state.script(state.requests.length - 1) : (await asr.transcribe(file.audio)).text;
    if (state.delayMs > 0) await sleep(state.delayMs, undefined, { signal: hangs.signal }).catch(() => undefined);
    json(res, 200, { text });
  });
  const url = await listen(server);
  const close = closer(server, hangs);
  return Object.assign(state, { url, close: async () => (await close(), await asr.close()) });
}

export async function startTtsServer(voice = 'awb'): Promise<TtsServer> {
  const flite = new FliteTts();
  // Each text is synthesized once: a repeated request measures the transfer, not flite.
  const cache = new Map<string, Buffer>();
  const state: TtsServer = { url: '', requests: [], fail: 'none', chunkBytes: 4801, chunkDelayMs: 2, breakAfterChunks: null, close: async () => {} };
  const hangs = new AbortController();
  const server = createServer(async (req, res) => {
    const raw = await bodyOf(req);
    if (req.method !== 'POST' || req.url !== '/v1/audio/speech') return json(res, 404, { error: { message: 'not found' } });
    let body: TtsRequest['body'];
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(res, 400, { error: { message: 'body is not JSON' } });
    }
    if (typeof body.input !== 'string' || !body.input.trim() || typeof body.voice !== 'string') return json(res, 400, { error: { message: "'input' and 'voice' are required" } });
    if (body.response_format !== 'pcm') return json(res, 400, { error: { message: 'this server sends pcm only' } });
    state.requests.push({ path: req.url, auth: req.headers.authorization, body });
    if (await failed(res, state.fail, hangs.signal, () => json(res, 200, { error: 'not audio' }))) return;
    let bytes = cache.get(body.input);
    if (!bytes) {
      const speech = flite.synthesizeAll(body.input, voice);
      const pcm24 = await resample({ samples: speech.samples, sampleRate: speech.sampleRate }, 24000);
      bytes = Buffer.alloc(pcm24.samples.length * 2);
      for (let i = 0; i < pcm24.samples.length; i++) bytes.writeInt16LE(pcm24.samples[i]!, i * 2);
      cache.set(body.input, bytes);
    }
    res.writeHead(200, { 'content-type': 'audio/pcm' }); // no content-length: chunked transfer
    for (let i = 0, n = 0; i < bytes.length; i += state.chunkBytes, n++) {
      if (res.destroyed) return;
      if (state.breakAfterChunks !== null && n >= state.breakAfterChunks) return void res.destroy();
      res.write(bytes.subarray(i, i + state.chunkBytes));
      await sleep(state.chunkDelayMs);
    }
    res.end();
  });
  const url = await listen(server);
  return Object.assign(state, { url, close: closer(server, hangs) });
}
