/**
 * An OpenAI-compatible text-to-speech server (Kokoro-FastAPI, OpenAI: POST /v1/audio/speech with
 * `response_format: "pcm"`, answered by raw 16-bit little-endian mono PCM at 24 kHz, chunked as it is
 * synthesized) as the agent's voice. Audio is resampled to the engine's rate as it arrives
 * (libsamplerate, streaming), so the first words play while the server still works on the rest.
 *
 * A slow or failing server never means silence: before the first audio, any failure (HTTP error, a
 * non-audio answer, no audio within `timeoutMs`) hands the clause to the local voice (flite), reported
 * through `onDegraded`; for `retryAfterMs` after that, clauses go to the local voice directly.
 */
import { StreamingResampler } from '../../audio/resampler.js';
import { FullduplexError, toFullduplexError } from '../../errors.js';
import { fetchFailure, redactUrl, speechEndpoint, type TtsServerOptions } from '../servers/options.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../types.js';
import { validateTtsText } from './text-limits.js';

export class ServerTts implements TtsEngine {
  readonly name: string;
  readonly voices: readonly string[];
  readonly defaultVoice: string;
  readonly endpoint: string;
  /** When the server last failed (Date.now()), for `retryAfterMs`, and how. */
  private failedAt = -Infinity;
  private lastFailure: FullduplexError | undefined;

  constructor(
    readonly options: TtsServerOptions,
    /** Speaks when the server cannot; without one, the server's failures are thrown. */
    private readonly fallback?: TtsEngine,
  ) {
    this.endpoint = speechEndpoint(options.url, 'speech');
    this.name = `${options.model} via ${redactUrl(this.endpoint)}`;
    this.voices = [options.voice];
    this.defaultVoice = options.voice;
  }

  sampleRateOf(voice: string): number {
    this.checkVoice(voice);
    return this.options.outputSampleRate;
  }

  /** The server (its endpoint), model and voice, and the rate it is resampled to. */
  audioIdentity(voice: string): string {
    const o = this.options;
    return `openai-tts:${this.endpoint}:${o.model}:${voice}:pcm${o.pcmSampleRate}@${o.outputSampleRate}`;
  }

  synthesize(text: string, options: TtsSynthesisOptions = {}): AsyncIterable<TtsChunk> {
    const clean = validateTtsText(text, 'openai-tts');
    const voice = this.checkVoice(options.voice ?? this.defaultVoice);
    return this.run(clean, voice, options);
  }

  async close(): Promise<void> {
    await this.fallback?.close();
  }

  private async *run(text: string, voice: string, o: TtsSynthesisOptions): AsyncGenerator<TtsChunk> {
    if (o.signal?.aborted) return;
    const fallback = this.fallback;
    const restingMs = Date.now() - this.failedAt;
    if (fallback && restingMs < this.options.retryAfterMs) {
      const last = this.lastFailure!;
      o.onDegraded?.(new FullduplexError(last.code, `${last.message} (${(restingMs / 1000).toFixed(1)} s ago); ${fallback.name} speaks until the server is retried (after ${this.options.retryAfterMs / 1000} s)`));
    } else {
      let spoke = false;
      try {
        for await (const chunk of this.fromServer(text, voice, o.signal)) {
          spoke = true;
          yield chunk;
        }
        this.failedAt = -Infinity;
        return;
      } catch (e) {
        if (o.signal?.aborted) return;
        const err = toFullduplexError(e);
        if (!fallback) throw err;
        this.failedAt = Date.now();
        this.lastFailure = err;
        o.onDegraded?.(new FullduplexError(err.code, `${err.message}; ${spoke ? 'the rest of the clause is lost' : `${fallback.name} speaks the clause instead`}`, { cause: err }));
        if (spoke) return;
      }
    }
    yield* this.resampled(fallback!.synthesize(text, { ...(o.signal && { signal: o.signal }) }), o.signal);
  }

  /** The server's audio for one clause, at the output rate, chunk by chunk as it arrives. */
  private async *fromServer(text: string, voice: string, signal: AbortSignal | undefined): AsyncGenerator<TtsChunk> {
    const o = this.options;
    const where = `TTS server ${redactUrl(this.endpoint)}`;
    const abort = new AbortController();
    const onAbort = () => abort.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // The wait for each piece of audio (the first included) is bounded, not the whole clause.
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ((timedOut = true), abort.abort()), o.timeoutMs);
    };
    // The resampler (a WASM instance, ~10 ms) is made while the server works on the first audio.
    const making = StreamingResampler.create(o.pcmSampleRate, o.outputSampleRate);
    making.catch(() => undefined);
    let resampler: StreamingResampler | undefined;
    try {
      arm();
      let res: Response;
      try {
        res = await fetch(this.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(o.apiKey && { authorization: `Bearer ${o.apiKey}` }) },
          body: JSON.stringify({ model: o.model, voice, input: text, response_format: 'pcm' }),
          signal: abort.signal,
        });
      } catch (e) {
        throw this.failure(where, e, timedOut);
      }
      if (!res.ok) {
        const body = await res.text().catch(() => '');
        throw new FullduplexError('COMPONENT_FAILED', `${where}: HTTP ${res.status} ${res.statusText}${body ? `: ${body.slice(0, 200)}` : ''}`);
      }
      const type = res.headers.get('content-type') ?? '';
      if (/^(application\/json|text\/)/i.test(type) || !res.body) {
        const body = await res.text().catch(() => '');
        throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer is ${type || 'untyped'}, not PCM audio (starts '${body.slice(0, 60)}')`);
      }
      resampler = await making;
      const reader = res.body.getReader();
      let carry: number | undefined; // an odd trailing byte waiting for its partner
      let total = 0;
      for (;;) {
        arm();
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (e) {
          throw this.failure(where, e, timedOut);
        }
        if (next.done) break;
        const pcm = toInt16(next.value, carry);
        carry = pcm.carry;
        total += pcm.samples.length;
        const out = resampler.process(pcm.samples);
        if (out.length > 0) yield { samples: out, sampleRate: o.outputSampleRate };
      }
      if (total === 0) throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer held no audio`);
      const tail = resampler.flush();
      if (tail.length > 0) yield { samples: tail, sampleRate: o.outputSampleRate };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      abort.abort(); // a consumer that stopped early closes the response
      if (resampler) resampler.destroy();
      else void making.then((r) => r.destroy(), () => undefined);
    }
  }

  /** The fallback voice's chunks at the output rate. */
  private async *resampled(chunks: AsyncIterable<TtsChunk>, signal: AbortSignal | undefined): AsyncGenerator<TtsChunk> {
    const rate = this.options.outputSampleRate;
    let resampler: StreamingResampler | undefined;
    try {
      for await (const c of chunks) {
        if (c.sampleRate === rate) yield c;
        else {
          resampler ??= await StreamingResampler.create(c.sampleRate, rate);
          const out = resampler.process(c.samples);
          if (out.length > 0) yield { samples: out, sampleRate: rate };
        }
        if (signal?.aborted) return;
      }
      const tail = resampler?.flush();
      if (tail && tail.length > 0) yield { samples: tail, sampleRate: rate };
    } finally {
      resampler?.destroy();
    }
  }

  private failure(where: string, e: unknown, timedOut: boolean): FullduplexError {
    const f = fetchFailure(e, this.options.timeoutMs, timedOut);
    return new FullduplexError(f.code, `${where}: ${f.message}`, { cause: e });
  }

  private checkVoice(voice: string): string {
    if (!this.voices.includes(voice)) {
      throw new FullduplexError('MODEL_MISSING', `openai-tts: voice '${voice}' is not the configured one (${this.voices.join(', ')}; choose it with --tts-voice)`);
    }
    return voice;
  }
}

/** Little-endian 16-bit samples of `bytes`, an odd byte left over from the previous piece first. */
function toInt16(bytes: Uint8Array, carry: number | undefined): { samples: Int16Array; carry: number | undefined } {
  let b = bytes;
  if (carry !== undefined) {
    b = new Uint8Array(bytes.length + 1);
    b[0] = carry;
    b.set(bytes, 1);
  }
  const n = b.length >> 1;
  const view = new DataView(b.buffer, b.byteOffset, n * 2);
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = view.getInt16(i * 2, true);
  return { samples, carry: b.length % 2 ? b[b.length - 1] : undefined };
}
