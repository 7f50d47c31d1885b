/**
 * OpenAI-compatible speech servers as plug-ins (a Whisper or Parakeet server behind
 * /v1/audio/transcriptions, a Kokoro server behind /v1/audio/speech): every tunable of the two
 * clients, named, typed and defaulted here. These are plain data, so they travel with the backend
 * names (registry.ts SpeechBackends) to worker threads and on command lines. The API key is read from
 * the environment where the option is not given, never written to a recording.
 */
import { FullduplexError } from '../../errors.js';

export interface SttServerOptions {
  /** Base URL ("http://127.0.0.1:8000" or ".../v1") or the endpoint itself (".../v1/audio/transcriptions"). */
  url: string;
  /** The `model` form field (a server that hosts one model ignores it). */
  model: string;
  /** The `language` form field (ISO 639-1); Whisper guesses badly on short clips without it. */
  language: string;
  /** `Authorization: Bearer …`; default env FULLDUPLEX_STT_API_KEY, else OPENAI_API_KEY. */
  apiKey?: string;
  /**
   * How long a turn's commit waits for the server's text, counted from the end of the speech segment
   * it transcribes (the request starts then, in parallel with the end-of-turn wait), ms. Past it the
   * turn is answered with the streaming recogniser's (pocketsphinx) text and an error event.
   */
  timeoutMs: number;
}

export interface TtsServerOptions {
  /** Base URL ("http://127.0.0.1:8880" or ".../v1") or the endpoint itself (".../v1/audio/speech"). */
  url: string;
  /** The `model` field (Kokoro-FastAPI: "kokoro"; OpenAI: "tts-1", "gpt-4o-mini-tts"). */
  model: string;
  /** The voice the agent speaks with (Kokoro: "af_heart", "af_bella", …; OpenAI: "alloy", …). */
  voice: string;
  /** `Authorization: Bearer …`; default env FULLDUPLEX_TTS_API_KEY, else OPENAI_API_KEY. */
  apiKey?: string;
  /**
   * The longest wait for the next piece of audio (the first included), ms. Past it — or on any HTTP
   * error or a malformed answer before the first audio — the clause is spoken by the local voice
   * (flite) instead, with an error event; a stream that breaks after its first audio ends that clause.
   */
  timeoutMs: number;
  /**
   * After a failure, clauses go straight to the local voice for this long before the server is tried
   * again (a dead server would otherwise cost `timeoutMs` of silence per clause), ms.
   */
  retryAfterMs: number;
  /** The rate of `response_format: "pcm"` answers: OpenAI and Kokoro-FastAPI send 24 kHz. */
  pcmSampleRate: number;
  /** The rate chunks are resampled to (the engine's, 16 kHz; libsamplerate, streaming). */
  outputSampleRate: number;
}

export const defaultSttServerOptions: Readonly<Omit<SttServerOptions, 'url'>> = Object.freeze({
  model: 'whisper-1',
  language: 'en',
  timeoutMs: 2000,
});

export const defaultTtsServerOptions: Readonly<Omit<TtsServerOptions, 'url'>> = Object.freeze({
  model: 'tts-1',
  voice: 'alloy',
  timeoutMs: 1500,
  retryAfterMs: 30_000,
  pcmSampleRate: 24000,
  outputSampleRate: 16000,
});

/** Environment variables read for the keys (first set one wins). */
export const SPEECH_KEY_ENV = {
  stt: ['FULLDUPLEX_STT_API_KEY', 'OPENAI_API_KEY'],
  tts: ['FULLDUPLEX_TTS_API_KEY', 'OPENAI_API_KEY'],
} as const;

/** The servers the `openai-stt` / `openai-tts` backends talk to. */
export interface SpeechServers {
  stt?: Partial<SttServerOptions> & { url: string };
  tts?: Partial<TtsServerOptions> & { url: string };
}

type Env = Readonly<Record<string, string | undefined>>;

function keyFrom(env: Env, names: readonly string[]): string | undefined {
  return names.map((n) => env[n]?.trim()).find((v) => v);
}

function checkTimeout(what: string, name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new FullduplexError('BAD_ARGUMENT', `${what}: ${name} must be a number of ms > 0 (got ${v})`);
}

export function resolveSttServer(o: SpeechServers['stt'], env: Env = process.env): SttServerOptions {
  if (!o?.url) throw new FullduplexError('BAD_ARGUMENT', "the 'openai-stt' recogniser needs a server URL (--stt-url, or speech.servers.stt.url)");
  const r: SttServerOptions = { ...defaultSttServerOptions, ...defined(o), url: o.url };
  r.apiKey ??= keyFrom(env, SPEECH_KEY_ENV.stt);
  speechEndpoint(r.url, 'transcriptions');
  checkTimeout('STT server', 'timeoutMs', r.timeoutMs);
  return r;
}

export function resolveTtsServer(o: SpeechServers['tts'], env: Env = process.env): TtsServerOptions {
  if (!o?.url) throw new FullduplexError('BAD_ARGUMENT', "the 'openai-tts' voice needs a server URL (--tts-url, or speech.servers.tts.url)");
  const r: TtsServerOptions = { ...defaultTtsServerOptions, ...defined(o), url: o.url };
  r.apiKey ??= keyFrom(env, SPEECH_KEY_ENV.tts);
  speechEndpoint(r.url, 'speech');
  checkTimeout('TTS server', 'timeoutMs', r.timeoutMs);
  if (!(r.retryAfterMs >= 0)) throw new FullduplexError('BAD_ARGUMENT', `TTS server: retryAfterMs must be ≥ 0 (got ${r.retryAfterMs})`);
  if (r.voice.trim() === '') throw new FullduplexError('BAD_ARGUMENT', 'TTS server: voice must not be empty');
  return r;
}

/** The endpoint `/v1/audio/<kind>` a URL names (base URL, …/v1, or the endpoint itself); `what` names the URL in errors. */
export function speechEndpoint(url: string, kind: 'transcriptions' | 'speech', what = 'speech server URL'): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new FullduplexError('BAD_ARGUMENT', `${what} '${url}' is not a URL (e.g. http://127.0.0.1:8000/v1)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new FullduplexError('BAD_ARGUMENT', `${what} '${url}' must be http or https`);
  const path = u.pathname.replace(/\/+$/, '');
  const tail = `/audio/${kind}`;
  if (path.endsWith(tail)) u.pathname = path;
  else if (/\/v1$/.test(path)) u.pathname = `${path}${tail}`;
  else u.pathname = `${path}/v1${tail}`;
  return u.toString();
}

/** A URL fit for logs and errors: no user:password. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

/** Why a fetch failed, in words (timeouts named as such). */
export function fetchFailure(e: unknown, timeoutMs: number, timedOut: boolean): FullduplexError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (timedOut || err.name === 'TimeoutError') return new FullduplexError('TIMEOUT', `no answer within ${timeoutMs} ms`);
  const cause = err.cause ? ` (${err.cause.code ?? err.cause.message ?? ''})` : '';
  return new FullduplexError('COMPONENT_FAILED', `request failed: ${err.message}${cause}`, { cause: e });
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
