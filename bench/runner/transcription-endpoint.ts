/**
 * A scoring recogniser behind any OpenAI-compatible transcription endpoint (Whisper and Parakeet
 * servers, OpenAI's API): POST /v1/audio/transcriptions, multipart, with
 * `response_format=verbose_json` and `timestamp_granularities[]=word`, answered by
 * `{ text, words: [{ word, start, end }] }` (seconds from the start of the posted audio).
 * Upstream Full-Duplex-Bench transcribes with Parakeet; this lets the bench hear with the same.
 */
import { speechEndpoint } from '../../src/speech/servers/options.js';
import type { PcmFrame } from '../../src/audio/frame.js';
import { encodeWav } from '../../src/audio/wav.js';
import { FullduplexError } from '../../src/errors.js';
import type { WordTiming } from '../../src/speech/types.js';

export interface TranscriptionEndpointOptions {
  /**
   * The server: a base URL ("http://host:8000" or "http://host:8000/v1") or the endpoint itself
   * (ending in /audio/transcriptions).
   */
  readonly url: string;
  /** The `model` form field (servers that host one model ignore it). */
  readonly model: string;
  /** The `language` form field (ISO 639-1): the bench's speech is English, and Whisper guesses badly on short clips. */
  readonly language: string;
  /** Sent as `Authorization: Bearer …` when set. */
  readonly apiKey: string | undefined;
  /** One request may take this long before it counts as failed, ms. */
  readonly timeoutMs: number;
}

export const TRANSCRIPTION_ENDPOINT_DEFAULTS: Omit<TranscriptionEndpointOptions, 'url'> = {
  model: 'whisper-1',
  language: 'en',
  apiKey: undefined,
  timeoutMs: 120_000,
};

/** Environment variables that stand in for the command-line options. */
export const SCORING_ASR_ENV = {
  url: 'FULLDUPLEX_SCORING_ASR_URL',
  model: 'FULLDUPLEX_SCORING_ASR_MODEL',
  apiKey: 'FULLDUPLEX_SCORING_ASR_KEY',
} as const;

/** The endpoint a URL names (see `TranscriptionEndpointOptions.url`); a clear error for anything else. */
export function transcriptionUrl(url: string): string {
  return speechEndpoint(url, 'transcriptions', 'scoring ASR URL');
}

export class TranscriptionEndpointAsr {
  readonly name: string;
  readonly endpoint: string;
  readonly options: TranscriptionEndpointOptions;

  constructor(options: Partial<TranscriptionEndpointOptions> & { url: string }) {
    this.options = { ...TRANSCRIPTION_ENDPOINT_DEFAULTS, ...options };
    this.endpoint = transcriptionUrl(this.options.url);
    if (!(this.options.timeoutMs > 0)) throw new FullduplexError('BAD_ARGUMENT', `scoring ASR timeoutMs must be > 0 (got ${this.options.timeoutMs})`);
    this.name = `${this.options.model} via ${redact(this.endpoint)}`;
  }

  /** What run.json records about it (never the key). */
  get info(): Record<string, unknown> {
    return { endpoint: redact(this.endpoint), model: this.options.model, language: this.options.language };
  }

  /** Words of `audio` with times from its start. */
  async transcribe(audio: PcmFrame): Promise<{ words: WordTiming[] }> {
    const form = new FormData();
    form.append('file', new Blob([encodeWav([audio.samples], audio.sampleRate)], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.options.model);
    form.append('language', this.options.language);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    const where = `scoring ASR ${redact(this.endpoint)}`;
    let res: Response;
    try {
      res = await fetch(this.endpoint, {
        method: 'POST',
        body: form,
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (e) {
      const why = (e as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : `request failed: ${(e as Error).message}${causeOf(e)}`;
      throw new FullduplexError('COMPONENT_FAILED', `${where}: ${why}`);
    }
    const body = await res.text();
    if (!res.ok) throw new FullduplexError('COMPONENT_FAILED', `${where}: HTTP ${res.status} ${res.statusText}${body ? `: ${body.slice(0, 300)}` : ''}`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer is not JSON (starts '${body.slice(0, 80)}')`);
    }
    return { words: wordsOf(json, where) };
  }

  async close(): Promise<void> {}
}

/** `words[]` of a verbose_json answer, checked field by field. */
export function wordsOf(json: unknown, where: string): WordTiming[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new FullduplexError('COMPONENT_FAILED', `${where}: the answer is not a JSON object`);
  const words = (json as { words?: unknown }).words;
  if (!Array.isArray(words)) {
    throw new FullduplexError(
      'COMPONENT_FAILED',
      `${where}: the answer has no word timestamps ('words' ${words === undefined ? 'missing' : 'is not an array'}); the server must support response_format=verbose_json with timestamp_granularities[]=word`,
    );
  }
  const out: WordTiming[] = [];
  words.forEach((w: unknown, i) => {
    const { word, start, end } = (w ?? {}) as { word?: unknown; start?: unknown; end?: unknown };
    if (typeof word !== 'string') throw new FullduplexError('COMPONENT_FAILED', `${where}: words[${i}].word is not a string`);
    for (const [field, v] of [['start', start], ['end', end]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FullduplexError('COMPONENT_FAILED', `${where}: words[${i}].${field} is not a time in seconds (got ${JSON.stringify(v)})`);
    }
    if ((end as number) < (start as number)) throw new FullduplexError('COMPONENT_FAILED', `${where}: words[${i}] ends (${end as number}) before it starts (${start as number})`);
    // Whisper words carry their leading space; pure punctuation is not a word.
    const text = word.trim();
    if (/[\p{L}\p{N}]/u.test(text)) out.push({ word: text, start: start as number, end: end as number });
  });
  return out;
}

/** The URL without user:password. */
function redact(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}

function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c ? ` (${c.code ?? c.message ?? ''})` : '';
}
