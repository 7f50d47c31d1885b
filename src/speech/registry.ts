/**
 * The speech backends by name. A choice is plain data (`{ vad: 'silero', asr: 'pocketsphinx', tts:
 * 'flite' }`), so it can travel in a config, across a worker-thread boundary or on a command line;
 * `createVad/createAsr/createTts` turn a name into a component. Whoever calls them owns the component
 * and closes it. Adding a backend means one entry here and passing test/contracts/ for its kind.
 * The OpenAI-compatible server plug-ins ('openai-stt', 'openai-tts') take their server's settings from
 * `servers` (plain data too: servers/options.ts).
 */
import { FullduplexError } from '../errors.js';
import { ServerTranscribedAsr } from './asr/openai-stt.js';
import { PocketsphinxAsr } from './asr/pocketsphinx.js';
import { resolveSttServer, resolveTtsServer, type SpeechServers } from './servers/options.js';
import { ServerTts } from './tts/openai-tts.js';
import { EspeakTts } from './tts/espeak.js';
import { FestivalTts } from './tts/festival.js';
import { FliteTts } from './tts/flite.js';
import type { AsrEngine, TtsEngine, VoiceActivityDetector } from './types.js';
import { SileroVad } from './vad/silero.js';

const VAD = { silero: () => SileroVad.create() } satisfies Record<string, () => Promise<VoiceActivityDetector>>;
const ASR = {
  pocketsphinx: () => new PocketsphinxAsr(),
  // The server's text is what the dialogue answers; pocketsphinx streams the partials and word timing.
  'openai-stt': (s: SpeechServers) => new ServerTranscribedAsr(new PocketsphinxAsr(), resolveSttServer(s.stt)),
} satisfies Record<string, (servers: SpeechServers) => AsrEngine>;
const TTS = {
  flite: () => new FliteTts(),
  'espeak-ng': () => new EspeakTts(),
  festival: () => new FestivalTts(),
  // flite speaks whatever the server cannot (servers/options.ts: timeoutMs, retryAfterMs).
  'openai-tts': (s: SpeechServers) => new ServerTts(resolveTtsServer(s.tts), new FliteTts()),
} satisfies Record<string, (servers: SpeechServers) => TtsEngine>;

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
  /** The servers of 'openai-stt' and 'openai-tts' (only those need one). */
  servers?: SpeechServers;
}

/** A choice as it comes from a config or a command line: names unchecked, servers as given. */
export type SpeechChoice = Partial<Record<'vad' | 'asr' | 'tts', string>> & { servers?: SpeechServers };

export const defaultSpeechBackends: Readonly<SpeechBackends> = Object.freeze({ vad: 'silero', asr: 'pocketsphinx', tts: 'flite' });

function pick<T extends Record<string, unknown>>(table: T, kind: string, name: unknown): keyof T & string {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    throw new FullduplexError('BAD_ARGUMENT', `unknown ${kind} backend '${String(name)}' (known: ${Object.keys(table).join(', ')})`);
  }
  return name;
}

/** Defaults filled in and every name checked (unknown names → BAD_ARGUMENT listing the known ones). */
export function resolveSpeechBackends(o: SpeechChoice = {}): SpeechBackends {
  const r: SpeechBackends = {
    vad: pick(VAD, 'VAD', o.vad ?? defaultSpeechBackends.vad),
    asr: pick(ASR, 'ASR', o.asr ?? defaultSpeechBackends.asr),
    tts: pick(TTS, 'TTS', o.tts ?? defaultSpeechBackends.tts),
  };
  // A server backend without its server is refused here, before any thread or session starts.
  if (r.asr === 'openai-stt') resolveSttServer(o.servers?.stt);
  if (r.tts === 'openai-tts') resolveTtsServer(o.servers?.tts);
  return o.servers ? { ...r, servers: o.servers } : r;
}

export async function createVad(name: string = defaultSpeechBackends.vad): Promise<VoiceActivityDetector> {
  return VAD[pick(VAD, 'VAD', name)]();
}

export function createAsr(name: string = defaultSpeechBackends.asr, servers: SpeechServers = {}): AsrEngine {
  return ASR[pick(ASR, 'ASR', name)](servers);
}

export function createTts(name: string = defaultSpeechBackends.tts, servers: SpeechServers = {}): TtsEngine {
  return TTS[pick(TTS, 'TTS', name)](servers);
}

/** `choice` with the plug-in servers given: a server named for the STT or TTS picks its backend. */
export function withSpeechServers(choice: SpeechChoice = {}, servers: SpeechServers = {}): SpeechChoice {
  const out: SpeechChoice = { ...choice, servers: { ...choice.servers } };
  if (servers.stt) (out.asr = 'openai-stt'), (out.servers!.stt = servers.stt);
  if (servers.tts) (out.tts = 'openai-tts'), (out.servers!.tts = servers.tts);
  return out;
}
