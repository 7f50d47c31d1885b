/**
 * An OpenAI-compatible speech-to-text server (Whisper, Parakeet: POST /v1/audio/transcriptions,
 * multipart, `response_format=json` → `{ "text": … }`) as the recogniser whose text the dialogue
 * answers. pocketsphinx keeps running underneath for what only a streaming recogniser gives: partials
 * while the user speaks and word timing at each segment's end, which the duplex predictor reads. At
 * each segment's end the segment's audio goes to the server in the background (overlapping the
 * end-of-turn wait); the committed turn's reply waits for the answer (`AsrResult.committed`; the session
 * keeps listening meanwhile, src/engine/turn-commit.ts), at most
 * `timeoutMs`, and falls back to pocketsphinx's text with the error on a slow or failing server.
 */
import { concatInt16, type PcmFrame } from '../../audio/frame.js';
import { encodeWav } from '../../audio/wav.js';
import { FullduplexError, toFullduplexError } from '../../errors.js';
import { fetchFailure, redactUrl, speechEndpoint, type SttServerOptions } from '../servers/options.js';
import type { AsrEngine, AsrResult, AsrStream, CommittedText } from '../types.js';

/** The HTTP client: one request per piece of audio. */
export class SttServerClient {
  readonly endpoint: string;
  readonly name: string;

  constructor(readonly options: SttServerOptions) {
    this.endpoint = speechEndpoint(options.url, 'transcriptions');
    this.name = `${options.model} via ${redactUrl(this.endpoint)}`;
  }

  /** The server's text for `audio` (any rate: it travels as WAV). */
  async transcribe(audio: PcmFrame, signal?: AbortSignal): Promise<string> {
    const o = this.options;
    const form = new FormData();
    form.append('file', new Blob([encodeWav([audio.samples], audio.sampleRate)], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', o.model);
    form.append('language', o.language);
    form.append('response_format', 'json');
    const timeout = AbortSignal.timeout(o.timeoutMs);
    const where = `STT server ${redactUrl(this.endpoint)}`;
    let body: string;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        body: form,
        headers: o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {},
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      body = await res.text();
    } catch (e) {
      if (signal?.aborted) throw new FullduplexError('CANCELLED', `${where}: cancelled`);
      const f = fetchFailure(e, o.timeoutMs, timeout.aborted);
      throw new FullduplexError(f.code, `${where}: ${f.message}`, { cause: e });
    }
    if (!res.ok) throw new FullduplexError('COMPONENT_FAILED', `${where}: HTTP ${res.status} ${res.statusText}${body ? `: ${body.slice(0, 200)}` : ''}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer is not JSON (starts '${body.slice(0, 60)}')`);
    }
    const text = (json as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer has no 'text' string`);
    return text.replace(/\s+/g, ' ').trim();
  }
}

/** pocketsphinx (or any streaming AsrEngine) for partials and timing, the server for the committed text. */
export class ServerTranscribedAsr implements AsrEngine {
  readonly name: string;
  readonly sampleRate: number;
  readonly client: SttServerClient;

  constructor(
    private readonly streaming: AsrEngine,
    options: SttServerOptions,
  ) {
    this.client = new SttServerClient(options);
    this.sampleRate = streaming.sampleRate;
    this.name = `${this.client.name} (streaming: ${streaming.name})`;
  }

  createStream(): AsrStream {
    return new ServerTranscribedStream(this.streaming.createStream(), this.client, this.streaming.name, this.sampleRate);
  }

  /** The server's text for a whole recording; no word timing (a `json` answer has none). */
  async transcribe(audio: PcmFrame): Promise<AsrResult> {
    return { text: await this.client.transcribe(audio), words: [], final: true };
  }

  async close(): Promise<void> {
    await this.streaming.close();
  }
}

class ServerTranscribedStream implements AsrStream {
  private audio: Int16Array[] = [];
  private readonly pending = new Set<AbortController>();

  constructor(
    private readonly inner: AsrStream,
    private readonly client: SttServerClient,
    private readonly streamingName: string,
    private readonly sampleRate: number,
  ) {}

  get onPartial(): AsrStream['onPartial'] {
    return this.inner.onPartial;
  }

  set onPartial(f: AsrStream['onPartial']) {
    this.inner.onPartial = f;
  }

  push(samples: Int16Array): void | Promise<void> {
    const r = this.inner.push(samples); // checks the input and the stream's state first
    this.audio.push(samples.slice());
    return r;
  }

  async finish(): Promise<AsrResult> {
    const r = await this.inner.finish();
    const samples = concatInt16(this.audio);
    this.audio = [];
    if (samples.length === 0) return r;
    return { ...r, committed: this.transcribe(samples, r.text) };
  }

  cancel(): void {
    this.inner.cancel();
    this.audio = [];
  }

  resetAdaptation(): void {
    this.inner.resetAdaptation?.();
  }

  close(): void {
    for (const c of this.pending) c.abort();
    this.audio = [];
    this.inner.close();
  }

  private async transcribe(samples: Int16Array, fallback: string): Promise<CommittedText> {
    const abort = new AbortController();
    this.pending.add(abort);
    try {
      return { text: await this.client.transcribe({ samples, sampleRate: this.sampleRate }, abort.signal), source: this.client.name };
    } catch (e) {
      return { text: fallback, source: this.streamingName, error: toFullduplexError(e) };
    } finally {
      this.pending.delete(abort);
    }
  }
}
