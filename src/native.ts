/** Loads the project's N-API addon (pocketsphinx, its language model, flite), with an error that says how to fix a missing build. */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { FullduplexError } from './errors.js';

export interface NativeAddon {
  asrCreate(args: string[]): unknown;
  asrStart(handle: unknown): void;
  asrProcess(handle: unknown, samples: Int16Array, fullUtterance?: boolean): string;
  asrEnd(handle: unknown): { text: string; words: [string, number, number, number?][] };
  asrFree(handle: unknown): void;
  asrResetAdaptation(handle: unknown): void;
  /** The cepstral mean live normalisation currently subtracts (its channel adaptation). */
  asrAdaptation(handle: unknown): number[];
  /** Start the cepstral mean from these values, now and after every asrResetAdaptation. */
  asrSetAdaptation(handle: unknown, mean: number[]): void;
  /** The decoder's own front end: frames × 13 cepstra of this audio; `last` flushes its partial frame. */
  asrFeatures(handle: unknown, samples: Int16Array, last?: boolean): Float32Array;
  /** Decode cepstra (frames × 13) as asrProcess decodes audio; returns the partial hypothesis. */
  asrProcessFeatures(handle: unknown, features: Float32Array): string;
  ttsVoices(): string[];
  ttsStart(
    voice: string,
    text: string,
    onChunk: (samples: Int16Array | null, sampleRate: number, done: boolean, cancelled: boolean, error: string | null) => void,
  ): unknown;
  ttsCancel(job: unknown): void;
  ttsSynthesize(voice: string, text: string): { samples: Int16Array; sampleRate: number };
  /** The recogniser's n-gram language model, read for text statistics (native/src/lm_ngram.c). */
  lmOpen(path: string): unknown;
  /** ln P(last word | the words before it), oldest first; "<s>"/"</s>" mark sentence edges. */
  lmLogProb(handle: unknown, words: string[]): number;
  lmKnows(handle: unknown, word: string): boolean;
  lmClose(handle: unknown): void;
  /** speexdsp's streaming resampler, mono PCM16 (native/src/resampler_speex.c); quality 0–10. */
  resamplerCreate(inRate: number, outRate: number, quality: number): unknown;
  /** Every input sample is consumed; returns what the filter let out. */
  resamplerProcess(handle: unknown, samples: Int16Array): Int16Array;
  resamplerReset(handle: unknown): void;
  resamplerDestroy(handle: unknown): void;
}

/** The project root, found from this file whether it runs from src/ (tests via tsx) or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    dir = dirname(dir);
  }
  throw new FullduplexError('NATIVE_ADDON_MISSING', 'cannot find the fullduplex project root');
}

export const ADDON_RELATIVE_PATH = 'native/build/Release/fullduplex_native.node';

let cached: NativeAddon | undefined;

export function loadNative(): NativeAddon {
  if (cached) return cached;
  const path = join(projectRoot(), ADDON_RELATIVE_PATH);
  if (!existsSync(path)) {
    throw new FullduplexError(
      'NATIVE_ADDON_MISSING',
      `the native addon is not built (${ADDON_RELATIVE_PATH} is missing): run \`npm run setup\``,
    );
  }
  try {
    cached = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (e) {
    throw new FullduplexError('NATIVE_ADDON_MISSING', `the native addon failed to load: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return cached;
}

/** Errors thrown by the addon carry a `code` matching ErrorCode; wrap them into FullduplexError. */
export function nativeError(e: unknown): FullduplexError {
  if (e instanceof FullduplexError) return e;
  const err = e as { code?: string; message?: string };
  const code = (err?.code ?? 'COMPONENT_FAILED') as FullduplexError['code'];
  return new FullduplexError(code, err?.message ?? String(e), { cause: e });
}
