/**
 * Gemini Live (BidiGenerateContent) messages (research/protocols.md §3). Frames are JSON, sent either as
 * WebSocket text or as binary UTF-8; both parse the same. Each client message holds exactly one of
 * setup / realtimeInput / clientContent / toolResponse.
 */
import { FullduplexError } from '../../errors.js';
import { assertSampleRate, type PcmFrame } from '../../audio/frame.js';
import { base64ToPcm16, isValidBase64, pcm16ToBase64 } from '../codecs/pcm-base64.js';

/** Rates the API documents: 16 kHz in (other rates are accepted and resampled by Google), 24 kHz out. */
export const GEMINI_INPUT_SAMPLE_RATE = 16000;
export const GEMINI_OUTPUT_SAMPLE_RATE = 24000;
const PCM_MIME = 'audio/pcm';

export interface GeminiBlob {
  mimeType: string;
  /** Base64 bytes. */
  data: string;
}

export interface GeminiPart {
  text?: string;
  inlineData?: GeminiBlob;
  [key: string]: unknown;
}

export interface GeminiContent {
  role?: 'user' | 'model' | string;
  parts: GeminiPart[];
}

export type GeminiSensitivity = 'START_SENSITIVITY_HIGH' | 'START_SENSITIVITY_LOW' | 'END_SENSITIVITY_HIGH' | 'END_SENSITIVITY_LOW' | string;

export interface GeminiRealtimeInputConfig {
  automaticActivityDetection?: {
    disabled?: boolean;
    startOfSpeechSensitivity?: GeminiSensitivity;
    endOfSpeechSensitivity?: GeminiSensitivity;
    prefixPaddingMs?: number;
    silenceDurationMs?: number;
  };
  activityHandling?: 'START_OF_ACTIVITY_INTERRUPTS' | 'NO_INTERRUPTION' | string;
  turnCoverage?: string;
}

export interface GeminiSetup {
  model: string;
  generationConfig?: { responseModalities?: ('AUDIO' | 'TEXT')[]; speechConfig?: unknown; [key: string]: unknown };
  systemInstruction?: GeminiContent | string;
  tools?: unknown[];
  realtimeInputConfig?: GeminiRealtimeInputConfig;
  /** Presence (even `{}`) turns the transcription on. */
  inputAudioTranscription?: Record<string, unknown>;
  outputAudioTranscription?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface GeminiRealtimeInput {
  audio?: GeminiBlob;
  /** The client's microphone stream paused; flush any cached audio. */
  audioStreamEnd?: boolean;
  text?: string;
  video?: GeminiBlob;
  /** Only when automatic activity detection is disabled. */
  activityStart?: Record<string, unknown>;
  activityEnd?: Record<string, unknown>;
  /** Deprecated list form of audio/video. */
  mediaChunks?: GeminiBlob[];
}

export interface GeminiClientContent {
  turns?: GeminiContent[];
  turnComplete?: boolean;
}

export interface GeminiToolResponse {
  functionResponses?: unknown[];
}

export type GeminiClientMessage =
  | { kind: 'setup'; setup: GeminiSetup }
  | { kind: 'realtimeInput'; realtimeInput: GeminiRealtimeInput }
  | { kind: 'clientContent'; clientContent: GeminiClientContent }
  | { kind: 'toolResponse'; toolResponse: GeminiToolResponse };

export interface GeminiTranscription {
  text?: string;
  finished?: boolean;
}

export interface GeminiServerContent {
  modelTurn?: GeminiContent;
  turnComplete?: boolean;
  /** The user barged in: the client should drop queued model audio. */
  interrupted?: boolean;
  generationComplete?: boolean;
  inputTranscription?: GeminiTranscription;
  outputTranscription?: GeminiTranscription;
  [key: string]: unknown;
}

/** A server message: one of the message fields, optionally with usageMetadata beside it. */
export interface GeminiServerMessage {
  setupComplete?: Record<string, unknown>;
  serverContent?: GeminiServerContent;
  toolCall?: { functionCalls?: unknown[] };
  toolCallCancellation?: { ids?: string[] };
  /** The server will close soon; `timeLeft` is a protobuf duration string such as "10s". */
  goAway?: { timeLeft?: string };
  sessionResumptionUpdate?: Record<string, unknown>;
  usageMetadata?: Record<string, unknown>;
  [key: string]: unknown;
}

/** What a WebSocket library may hand over for one frame. */
export type WsFrame = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

const CLIENT_KINDS = ['setup', 'realtimeInput', 'clientContent', 'toolResponse'] as const;

export function parseGeminiClientMessage(frame: WsFrame): GeminiClientMessage {
  const data = parseJsonFrame(frame, 'Gemini client message');
  const present = CLIENT_KINDS.filter((k) => data[k] !== undefined);
  if (present.length !== 1) {
    const others = Object.keys(data).slice(0, 5).join(', ') || 'nothing';
    throw bad(present.length === 0 ? `Gemini client message has none of ${CLIENT_KINDS.join(', ')} (has ${others})` : `Gemini client message has several of ${present.join(', ')}`);
  }
  const kind = present[0]!;
  const body = data[kind];
  if (!isObject(body)) throw bad(`Gemini ${kind} must be an object`);
  switch (kind) {
    case 'setup':
      if (typeof body['model'] !== 'string' || body['model'] === '') throw bad('Gemini setup.model must be a non-empty string');
      optional(body, 'realtimeInputConfig', isObject, 'an object');
      optional(body, 'generationConfig', isObject, 'an object');
      return { kind, setup: body as GeminiSetup };
    case 'realtimeInput':
      checkRealtimeInput(body);
      return { kind, realtimeInput: body as GeminiRealtimeInput };
    case 'clientContent':
      optional(body, 'turns', Array.isArray, 'an array');
      optional(body, 'turnComplete', (v) => typeof v === 'boolean', 'a boolean');
      return { kind, clientContent: body as GeminiClientContent };
    case 'toolResponse':
      return { kind, toolResponse: body as GeminiToolResponse };
  }
}

function checkRealtimeInput(body: Record<string, unknown>): void {
  const fields = ['audio', 'audioStreamEnd', 'text', 'video', 'activityStart', 'activityEnd', 'mediaChunks'];
  if (!fields.some((f) => body[f] !== undefined)) throw bad(`Gemini realtimeInput has none of ${fields.join(', ')}`);
  optional(body, 'audio', isBlob, 'a {mimeType, data} blob with base64 data');
  optional(body, 'video', isBlob, 'a {mimeType, data} blob with base64 data');
  optional(body, 'audioStreamEnd', (v) => typeof v === 'boolean', 'a boolean');
  optional(body, 'text', (v) => typeof v === 'string', 'a string');
  optional(body, 'activityStart', isObject, 'an object');
  optional(body, 'activityEnd', isObject, 'an object');
  optional(body, 'mediaChunks', (v) => Array.isArray(v) && v.every(isBlob), 'an array of blobs');
}

/** Parse one server frame (as a benchmark client). Unknown fields pass through. */
export function parseGeminiServerMessage(frame: WsFrame): GeminiServerMessage {
  const data = parseJsonFrame(frame, 'Gemini server message');
  for (const key of ['setupComplete', 'serverContent', 'toolCall', 'toolCallCancellation', 'goAway', 'sessionResumptionUpdate', 'usageMetadata']) {
    optional(data, key, isObject, 'an object');
  }
  const content = data['serverContent'];
  if (isObject(content)) {
    optional(content, 'modelTurn', (v) => isObject(v) && (v['parts'] === undefined || Array.isArray(v['parts'])), 'an object with a parts array');
    for (const flag of ['turnComplete', 'interrupted', 'generationComplete']) optional(content, flag, (v) => typeof v === 'boolean', 'a boolean');
    optional(content, 'inputTranscription', isObject, 'an object');
    optional(content, 'outputTranscription', isObject, 'an object');
  }
  return data as GeminiServerMessage;
}

/**
 * Sample rate of an 'audio/pcm' MIME type ('audio/pcm;rate=16000'); `defaultRate` when it names none.
 * Throws BAD_AUDIO for any other type or an unusable rate.
 */
export function pcmRateFromMimeType(mimeType: string, defaultRate: number): number {
  const [type, ...params] = mimeType.split(';').map((s) => s.trim().toLowerCase());
  if (type !== PCM_MIME) throw new FullduplexError('BAD_AUDIO', `Gemini audio: unsupported MIME type '${mimeType}' (expected ${PCM_MIME})`);
  const rateParam = params.find((p) => p.startsWith('rate='));
  if (rateParam === undefined) return defaultRate;
  const rate = Number(rateParam.slice('rate='.length));
  assertSampleRate(rate, `Gemini audio '${mimeType}'`);
  return rate;
}

export function pcmMimeType(sampleRate: number): string {
  return `${PCM_MIME};rate=${sampleRate}`;
}

/** Decode a blob of base64 PCM16 LE with its rate from the MIME type. */
export function decodeGeminiAudio(blob: GeminiBlob, defaultRate: number): PcmFrame {
  const sampleRate = pcmRateFromMimeType(blob.mimeType, defaultRate);
  return { samples: base64ToPcm16(blob.data, 'Gemini audio data'), sampleRate };
}

/** Every audio chunk in a serverContent's model turn (the model speaks at 24 kHz). */
export function modelTurnAudio(content: GeminiServerContent): PcmFrame[] {
  const parts = content.modelTurn?.parts ?? [];
  return parts
    .filter((p) => typeof p.inlineData?.mimeType === 'string' && p.inlineData.mimeType.toLowerCase().startsWith(PCM_MIME))
    .map((p) => decodeGeminiAudio(p.inlineData!, GEMINI_OUTPUT_SAMPLE_RATE));
}

/** Client → server: a piece of microphone audio. */
export function geminiRealtimeAudio(f: PcmFrame): string {
  return JSON.stringify({ realtimeInput: { audio: { data: pcm16ToBase64(f.samples), mimeType: pcmMimeType(f.sampleRate) } } });
}

/** Server → client: a piece of model audio. */
export function geminiModelAudio(f: PcmFrame): string {
  return JSON.stringify({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: pcmMimeType(f.sampleRate), data: pcm16ToBase64(f.samples) } }] } } });
}

export function geminiSetupComplete(): string {
  return JSON.stringify({ setupComplete: {} });
}

function parseJsonFrame(frame: WsFrame, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = typeof frame === 'string' ? frame : new TextDecoder('utf-8', { fatal: true }).decode(joinFrame(frame));
  } catch (e) {
    throw new FullduplexError('BAD_ARGUMENT', `${what}: binary frame is not UTF-8 text`, { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new FullduplexError('BAD_ARGUMENT', `${what} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isObject(data)) throw bad(`${what} must be a JSON object`);
  return data;
}

function joinFrame(frame: Exclude<WsFrame, string>): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  if (frame instanceof ArrayBuffer) return new Uint8Array(frame);
  const out = new Uint8Array(frame.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of frame) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isBlob(v: unknown): boolean {
  return isObject(v) && typeof v['mimeType'] === 'string' && typeof v['data'] === 'string' && isValidBase64(v['data']);
}

function optional(obj: Record<string, unknown>, key: string, ok: (v: unknown) => boolean, expected: string): void {
  if (obj[key] !== undefined && !ok(obj[key])) throw bad(`Gemini field '${key}' must be ${expected}`);
}

function bad(message: string): FullduplexError {
  return new FullduplexError('BAD_ARGUMENT', message);
}
