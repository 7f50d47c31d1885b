/**
 * The speech backends by name. A choice is plain data (`{ vad: 'silero', asr: 'pocketsphinx', tts:
 * 'flite' }`), so it can travel in a config, across a worker-thread boundary or on a command line;
 * `createVad/createAsr/createTts` turn a name into a component. Whoever calls them owns the component
 * and closes it. Adding a backend means one entry here and passing test/contracts/ for its kind.
 */
import { FullduplexError } from '../errors.js';
import { PocketsphinxAsr } from './asr/pocketsphinx.js';
import { EspeakTts } from './tts/espeak.js';
import { FestivalTts } from './tts/festival.js';
import { FliteTts } from './tts/flite.js';
import type { AsrEngine, TtsEngine, VoiceActivityDetector } from './types.js';
import { SileroVad } from './vad/silero.js';

const VAD = { silero: () => SileroVad.create() } satisfies Record<string, () => Promise<VoiceActivityDetector>>;
const ASR = { pocketsphinx: () => new PocketsphinxAsr() } satisfies Record<string, () => AsrEngine>;
const TTS = {
  flite: () => new FliteTts(),
  'espeak-ng': () => new EspeakTts(),
  festival: () => new FestivalTts(),
} satisfies Record<string, () => TtsEngine>;

export type VadBackend = keyof typeof VAD;
export type AsrBackend = keyof typeof ASR;
export type TtsBackend = keyof typeof TTS;

export const VAD_BACKENDS = Object.keys(VAD) as VadBackend[];
export const ASR_BACKENDS = Object.keys(ASR) as AsrBackend[];
export const TTS_BACKENDS = Object.keys(TTS) as TtsBackend[];

/** Which backend runs each speech component. */
export interface SpeechBackends {
  vad: VadBackend;
  asr: AsrBackend;
  tts: TtsBackend;
}

export const defaultSpeechBackends: Readonly<SpeechBackends> = Object.freeze({ vad: 'silero', asr: 'pocketsphinx', tts: 'flite' });

function pick<T extends Record<string, unknown>>(table: T, kind: string, name: unknown): keyof T & string {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    throw new FullduplexError('BAD_ARGUMENT', `unknown ${kind} backend '${String(name)}' (known: ${Object.keys(table).join(', ')})`);
  }
  return name;
}

/** Defaults filled in and every name checked (unknown names → BAD_ARGUMENT listing the known ones). */
export function resolveSpeechBackends(o: Partial<Record<keyof SpeechBackends, string>> = {}): SpeechBackends {
  return {
    vad: pick(VAD, 'VAD', o.vad ?? defaultSpeechBackends.vad),
    asr: pick(ASR, 'ASR', o.asr ?? defaultSpeechBackends.asr),
    tts: pick(TTS, 'TTS', o.tts ?? defaultSpeechBackends.tts),
  };
}

export async function createVad(name: string = defaultSpeechBackends.vad): Promise<VoiceActivityDetector> {
  return VAD[pick(VAD, 'VAD', name)]();
}

export function createAsr(name: string = defaultSpeechBackends.asr): AsrEngine {
  return ASR[pick(ASR, 'ASR', name)]();
}

export function createTts(name: string = defaultSpeechBackends.tts): TtsEngine {
  return TTS[pick(TTS, 'TTS', name)]();
}
