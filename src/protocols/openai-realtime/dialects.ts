/**
 * Beta ↔ GA translation for the OpenAI Realtime protocol. Clients in the wild speak either (the `openai`
 * package and @openai/agents-realtime speak GA; older code and many open servers speak beta), so an
 * endpoint normalises what it receives to GA and answers in the dialect the client used.
 * Everything is table-driven: add a row when the API renames something.
 */
import { FullduplexError } from '../../errors.js';
import { isPlainObject } from './fields.js';
import type { BetaAudioFormat, BetaSessionConfig, ConversationItem, RealtimeAudioFormat, RealtimeSessionConfig } from './types.js';

export type RealtimeDialect = 'ga' | 'beta';

/** Server event names that differ: [GA, beta]. Client event names are the same in both. */
export const SERVER_EVENT_RENAMES: readonly (readonly [string, string])[] = [
  ['response.output_audio.delta', 'response.audio.delta'],
  ['response.output_audio.done', 'response.audio.done'],
  ['response.output_audio_transcript.delta', 'response.audio_transcript.delta'],
  ['response.output_audio_transcript.done', 'response.audio_transcript.done'],
  ['response.output_text.delta', 'response.text.delta'],
  ['response.output_text.done', 'response.text.done'],
];
const GA_TO_BETA = new Map(SERVER_EVENT_RENAMES.map(([ga, beta]) => [ga, beta]));
const BETA_TO_GA = new Map(SERVER_EVENT_RENAMES.map(([ga, beta]) => [beta, ga]));

export function toGaEventType(type: string): string {
  return BETA_TO_GA.get(type) ?? type;
}

export function toBetaEventType(type: string): string {
  return GA_TO_BETA.get(type) ?? type;
}

/** The three audio encodings, in both spellings. */
export const AUDIO_FORMATS: readonly { beta: BetaAudioFormat; ga: RealtimeAudioFormat; sampleRate: number; bytesPerSample: number }[] = [
  { beta: 'pcm16', ga: { type: 'audio/pcm', rate: 24000 }, sampleRate: 24000, bytesPerSample: 2 },
  { beta: 'g711_ulaw', ga: { type: 'audio/pcmu' }, sampleRate: 8000, bytesPerSample: 1 },
  { beta: 'g711_alaw', ga: { type: 'audio/pcma' }, sampleRate: 8000, bytesPerSample: 1 },
];

/**
 * Any accepted spelling of an audio format — beta string ('pcm16'), GA string ('audio/pcmu'), or GA
 * object ({type:'audio/pcm', rate:24000}) — as its table row, or null if it is none of them.
 */
export function lookupAudioFormat(value: unknown): (typeof AUDIO_FORMATS)[number] | null {
  if (typeof value === 'string') return AUDIO_FORMATS.find((f) => f.beta === value || f.ga.type === value) ?? null;
  if (!isPlainObject(value)) return null;
  const row = AUDIO_FORMATS.find((f) => f.ga.type === value['type']);
  if (!row) return null;
  // Only 24 kHz PCM exists; a missing rate means the default.
  if (row.ga.type === 'audio/pcm' && value['rate'] !== undefined && value['rate'] !== 24000) return null;
  return row;
}

export function toGaAudioFormat(value: unknown): RealtimeAudioFormat {
  const row = lookupAudioFormat(value);
  if (!row) throw new FullduplexError('BAD_ARGUMENT', `unsupported Realtime audio format ${JSON.stringify(value)}`);
  return { ...row.ga };
}

export function toBetaAudioFormat(value: unknown): BetaAudioFormat {
  const row = lookupAudioFormat(value);
  if (!row) throw new FullduplexError('BAD_ARGUMENT', `unsupported Realtime audio format ${JSON.stringify(value)}`);
  return row.beta;
}

interface SessionFieldRow {
  beta: string;
  ga: readonly string[];
  /** Value conversion toward GA / toward beta, when the value's spelling differs too. */
  toGa?: (v: unknown) => unknown;
  toBeta?: (v: unknown) => unknown;
}

/** Flat beta session fields and where GA keeps them. */
export const SESSION_FIELD_MAP: readonly SessionFieldRow[] = [
  { beta: 'modalities', ga: ['output_modalities'] },
  { beta: 'input_audio_format', ga: ['audio', 'input', 'format'], toGa: toGaAudioFormat, toBeta: toBetaAudioFormat },
  { beta: 'output_audio_format', ga: ['audio', 'output', 'format'], toGa: toGaAudioFormat, toBeta: toBetaAudioFormat },
  { beta: 'turn_detection', ga: ['audio', 'input', 'turn_detection'] },
  { beta: 'input_audio_transcription', ga: ['audio', 'input', 'transcription'] },
  { beta: 'input_audio_noise_reduction', ga: ['audio', 'input', 'noise_reduction'] },
  { beta: 'voice', ga: ['audio', 'output', 'voice'] },
  { beta: 'speed', ga: ['audio', 'output', 'speed'] },
  { beta: 'max_response_output_tokens', ga: ['max_output_tokens'] },
];

/** Which dialect a session object is written in: GA has `type` or nested `audio`; beta has flat fields. */
export function sessionDialect(session: Record<string, unknown>): RealtimeDialect {
  if ('type' in session || isPlainObject(session['audio']) || 'output_modalities' in session) return 'ga';
  return SESSION_FIELD_MAP.some((r) => r.beta in session) ? 'beta' : 'ga';
}

/**
 * Session config in GA form. Beta fields move to their GA places (a GA field sent alongside wins), and
 * audio formats in any spelling become GA objects. Unknown fields are kept. Throws BAD_ARGUMENT on a
 * format it cannot read.
 */
export function sessionToGa(session: RealtimeSessionConfig | BetaSessionConfig): RealtimeSessionConfig {
  const out: Record<string, unknown> = structuredClone(session);
  for (const row of SESSION_FIELD_MAP) {
    if (!(row.beta in out)) continue;
    const value = out[row.beta];
    delete out[row.beta];
    if (getPath(out, row.ga) === undefined) setPath(out, row.ga, row.toGa && value !== null ? row.toGa(value) : value);
  }
  for (const row of SESSION_FIELD_MAP) {
    const value = getPath(out, row.ga);
    if (row.toGa && value !== undefined && value !== null) setPath(out, row.ga, row.toGa(value));
  }
  return out as RealtimeSessionConfig;
}

/** Session config in beta form: GA nested fields flattened, formats as beta strings, `type` dropped. */
export function sessionToBeta(session: RealtimeSessionConfig | BetaSessionConfig): BetaSessionConfig {
  const ga = sessionToGa(session) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...ga };
  delete out['type'];
  delete out['audio'];
  for (const row of SESSION_FIELD_MAP) {
    const value = getPath(ga, row.ga);
    if (value === undefined) continue;
    if (row.ga.length === 1) delete out[row.ga[0]!];
    out[row.beta] = row.toBeta && value !== null ? row.toBeta(value) : value;
  }
  // GA audio sub-fields with no beta equivalent have no place in a beta session and are dropped.
  return out as BetaSessionConfig;
}

/** Content part types that differ for assistant output: [GA, beta]. */
export const CONTENT_PART_RENAMES: readonly (readonly [string, string])[] = [
  ['output_text', 'text'],
  ['output_audio', 'audio'],
];

export function itemToGa(item: ConversationItem): ConversationItem {
  return renameParts(item, new Map(CONTENT_PART_RENAMES.map(([ga, beta]) => [beta, ga])));
}

export function itemToBeta(item: ConversationItem): ConversationItem {
  return renameParts(item, new Map(CONTENT_PART_RENAMES.map(([ga, beta]) => [ga, beta])));
}

/** A single content part (as in response.content_part.added) in the other dialect's spelling. */
export function partToDialect<T extends { type: string }>(part: T, dialect: RealtimeDialect): T {
  const map = new Map(CONTENT_PART_RENAMES.map(([ga, beta]) => (dialect === 'beta' ? [ga, beta] : [beta, ga])));
  return map.has(part.type) ? { ...part, type: map.get(part.type)! } : part;
}

function renameParts(item: ConversationItem, map: Map<string, string>): ConversationItem {
  if (!Array.isArray(item.content)) return item;
  // Only assistant messages use text/audio for output; a user's 'input_text' stays as it is.
  if (item.role !== undefined && item.role !== 'assistant') return item;
  return { ...item, content: item.content.map((p) => (isPlainObject(p) && map.has(p.type) ? { ...p, type: map.get(p.type)! } : p)) as ConversationItem['content'] };
}

function getPath(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = obj;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}
