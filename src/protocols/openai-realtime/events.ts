/**
 * OpenAI Realtime client events (what a client sends to our endpoint) and their validation. Each event
 * type is one row of CLIENT_EVENT_FIELDS; `parseClientEvent` turns a frame into a typed event or into the
 * `error` event the protocol answers with. Server events live in server-events.ts, dialect helpers in
 * dialects.ts; both are re-exported here.
 */
import { randomUUID } from 'node:crypto';
import { checkFields, describe, isPlainObject, REALTIME_ERROR_CODES, type FieldProblem, type FieldSpecs } from './fields.js';
import { lookupAudioFormat, SESSION_FIELD_MAP } from './dialects.js';
import type { BetaSessionConfig, ConversationItem, RealtimeErrorDetail, RealtimeSessionConfig, ResponseConfig } from './types.js';

export * from './types.js';
export * from './dialects.js';
export * from './server-events.js';
export { REALTIME_ERROR_CODES, type RealtimeErrorCode, type FieldProblem } from './fields.js';

interface ClientEventBase<T extends string> {
  type: T;
  event_id?: string;
}

export interface SessionUpdateEvent extends ClientEventBase<'session.update'> {
  session: RealtimeSessionConfig | BetaSessionConfig;
}
export interface InputAudioBufferAppendEvent extends ClientEventBase<'input_audio_buffer.append'> {
  /** Base64 audio in the session's input format. */
  audio: string;
}
export type InputAudioBufferCommitEvent = ClientEventBase<'input_audio_buffer.commit'>;
export type InputAudioBufferClearEvent = ClientEventBase<'input_audio_buffer.clear'>;
/** GA, WebRTC/SIP only: stop the audio the server is playing out. */
export type OutputAudioBufferClearEvent = ClientEventBase<'output_audio_buffer.clear'>;
export interface ConversationItemCreateEvent extends ClientEventBase<'conversation.item.create'> {
  item: ConversationItem;
  previous_item_id?: string | null;
}
export interface ConversationItemTruncateEvent extends ClientEventBase<'conversation.item.truncate'> {
  item_id: string;
  content_index: number;
  /** Milliseconds of the item's audio the user actually heard. */
  audio_end_ms: number;
}
export interface ConversationItemDeleteEvent extends ClientEventBase<'conversation.item.delete'> {
  item_id: string;
}
export interface ConversationItemRetrieveEvent extends ClientEventBase<'conversation.item.retrieve'> {
  item_id: string;
}
export interface ResponseCreateEvent extends ClientEventBase<'response.create'> {
  response?: ResponseConfig;
}
export interface ResponseCancelEvent extends ClientEventBase<'response.cancel'> {
  response_id?: string;
}

export type RealtimeClientEvent =
  | SessionUpdateEvent
  | InputAudioBufferAppendEvent
  | InputAudioBufferCommitEvent
  | InputAudioBufferClearEvent
  | OutputAudioBufferClearEvent
  | ConversationItemCreateEvent
  | ConversationItemTruncateEvent
  | ConversationItemDeleteEvent
  | ConversationItemRetrieveEvent
  | ResponseCreateEvent
  | ResponseCancelEvent;
export type RealtimeClientEventType = RealtimeClientEvent['type'];

/** Required and optional fields of every client event (besides `type` and `event_id`). */
export const CLIENT_EVENT_FIELDS: { readonly [K in RealtimeClientEventType]: FieldSpecs } = {
  'session.update': { session: 'object' },
  'input_audio_buffer.append': { audio: 'base64' },
  'input_audio_buffer.commit': {},
  'input_audio_buffer.clear': {},
  'output_audio_buffer.clear': {},
  'conversation.item.create': { item: 'object', previous_item_id: 'string|null?' },
  'conversation.item.truncate': { item_id: 'string', content_index: 'integer', audio_end_ms: 'integer' },
  'conversation.item.delete': { item_id: 'string' },
  'conversation.item.retrieve': { item_id: 'string' },
  'response.create': { response: 'object?' },
  'response.cancel': { response_id: 'string?' },
};

/** Checks inside nested objects, per event type, after the top-level fields passed. */
const DEEP_CHECKS: { readonly [K in RealtimeClientEventType]?: (e: Record<string, unknown>) => FieldProblem | null } = {
  'session.update': (e) => checkSession(e['session'] as Record<string, unknown>),
  'conversation.item.create': (e) => checkFields(e['item'] as Record<string, unknown>, { type: 'string', role: 'string?', content: 'array?' }, 'item.'),
  'response.create': (e) => (e['response'] ? checkFields(e['response'] as Record<string, unknown>, { instructions: 'string?', output_modalities: 'array?', modalities: 'array?' }, 'response.') : null),
};

const MODALITIES = new Set(['text', 'audio']);
const TURN_DETECTION_TYPES = new Set(['server_vad', 'semantic_vad']);

/** Audio formats, modalities and turn detection, wherever the dialect puts them. */
function checkSession(session: Record<string, unknown>): FieldProblem | null {
  const problem = checkFields(session, { type: 'string?', instructions: 'string?', output_modalities: 'array?', modalities: 'array?', tools: 'array?', audio: 'object?' }, 'session.');
  if (problem) return problem;
  if (session['type'] !== undefined && session['type'] !== 'realtime' && session['type'] !== 'transcription') {
    return invalidValue('session.type', session['type'], "'realtime' or 'transcription'");
  }
  for (const key of ['output_modalities', 'modalities']) {
    const list = session[key] as unknown[] | undefined;
    const bad = list?.find((m) => typeof m !== 'string' || !MODALITIES.has(m));
    if (bad !== undefined) return invalidValue(`session.${key}`, bad, "'text' or 'audio'");
  }
  for (const row of SESSION_FIELD_MAP) {
    for (const [path, value] of [[row.beta, session[row.beta]], [row.ga.join('.'), dig(session, row.ga)]] as const) {
      if (value === undefined || value === null) continue;
      const param = `session.${path}`;
      if (row.toGa && !lookupAudioFormat(value)) return invalidValue(param, value, "'pcm16', 'g711_ulaw', 'g711_alaw' or {type:'audio/pcm', rate:24000} / 'audio/pcmu' / 'audio/pcma'");
      if (row.beta === 'turn_detection' && !(isPlainObject(value) && TURN_DETECTION_TYPES.has(value['type'] as string))) {
        return invalidValue(param, value, "null or {type:'server_vad' | 'semantic_vad', …}");
      }
    }
  }
  return null;
}

export type ParseClientEventResult = { ok: true; event: RealtimeClientEvent } | { ok: false; error: RealtimeErrorEvent };

export interface RealtimeErrorEvent {
  type: 'error';
  event_id: string;
  error: RealtimeErrorDetail;
}

export interface ParseOptions {
  /** Source of server event ids (default: random 'event_…'); inject for deterministic tests. */
  newEventId?: () => string;
}

/** A fresh server event id in OpenAI's style. */
export function newServerEventId(): string {
  return `event_${randomUUID().replace(/-/g, '').slice(0, 22)}`;
}

/**
 * Validate one client frame (text, or UTF-8 bytes). Returns the event unchanged (still in the client's
 * dialect — see sessionToGa / itemToGa) or the `error` event to send back.
 */
export function parseClientEvent(frame: string | Uint8Array, opts: ParseOptions = {}): ParseClientEventResult {
  const fail = (p: FieldProblem, clientEventId: string | null = null): ParseClientEventResult => ({
    ok: false,
    error: realtimeErrorEvent({ code: p.code, message: p.message, param: p.param || null, event_id: clientEventId }, opts.newEventId),
  });
  let data: unknown;
  try {
    data = JSON.parse(typeof frame === 'string' ? frame : new TextDecoder('utf-8', { fatal: true }).decode(frame));
  } catch (e) {
    return fail({ code: REALTIME_ERROR_CODES.invalidJson, param: '', message: `The message is not valid JSON: ${(e as Error).message}` });
  }
  if (!isPlainObject(data)) return fail({ code: REALTIME_ERROR_CODES.invalidType, param: '', message: `Expected a JSON object, got ${describe(data)}.` });
  const clientEventId = typeof data['event_id'] === 'string' ? data['event_id'] : null;
  const head = checkFields(data, { type: 'string', event_id: 'string?' });
  if (head) return fail(head, clientEventId);
  const type = data['type'] as string;
  if (!Object.hasOwn(CLIENT_EVENT_FIELDS, type)) {
    return fail({ code: REALTIME_ERROR_CODES.invalidValue, param: 'type', message: `Invalid value: '${type.slice(0, 80)}'. Supported values are: ${Object.keys(CLIENT_EVENT_FIELDS).map((t) => `'${t}'`).join(', ')}.` }, clientEventId);
  }
  const t = type as RealtimeClientEventType;
  const problem = checkFields(data, CLIENT_EVENT_FIELDS[t]) ?? DEEP_CHECKS[t]?.(data) ?? null;
  if (problem) return fail(problem, clientEventId);
  return { ok: true, event: data as unknown as RealtimeClientEvent };
}

/** Build the protocol's `error` server event. */
export function realtimeErrorEvent(
  detail: { code: string | null; message: string; param?: string | null; event_id?: string | null; type?: string },
  newEventId: () => string = newServerEventId,
): RealtimeErrorEvent {
  return {
    type: 'error',
    event_id: newEventId(),
    error: {
      type: detail.type ?? 'invalid_request_error',
      code: detail.code,
      message: detail.message,
      param: detail.param ?? null,
      event_id: detail.event_id ?? null,
    },
  };
}

function invalidValue(param: string, value: unknown, expected: string): FieldProblem {
  return { code: REALTIME_ERROR_CODES.invalidValue, param, message: `Invalid value for '${param}': ${JSON.stringify(value)?.slice(0, 80)}. Expected ${expected}.` };
}

function dig(obj: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const k of path) cur = isPlainObject(cur) ? cur[k] : undefined;
  return cur;
}
