/**
 * OpenAI Realtime server events: the typed set this project sends (as an endpoint) and reads (as a
 * benchmark client), in GA names. `parseServerEvent` accepts either dialect and returns GA;
 * `serverEventToDialect` rewrites an outgoing GA event for a beta client.
 */
import { FullduplexError } from '../../errors.js';
import { checkFields, isPlainObject, type FieldSpecs } from './fields.js';
import { itemToBeta, itemToGa, partToDialect, sessionToBeta, sessionToGa, toBetaEventType, toGaEventType, type RealtimeDialect } from './dialects.js';
import type { ContentPart, ConversationItem, RealtimeErrorDetail, RealtimeResponse, RealtimeSessionConfig } from './types.js';

interface ServerEventBase<T extends string> {
  type: T;
  event_id: string;
}
/** Where a piece of output sits: response → output item → content part. */
interface OutputRef {
  response_id: string;
  item_id: string;
  output_index: number;
  content_index: number;
}

export interface SessionCreatedEvent extends ServerEventBase<'session.created'> { session: RealtimeSessionConfig }
export interface SessionUpdatedEvent extends ServerEventBase<'session.updated'> { session: RealtimeSessionConfig }
export interface SpeechStartedEvent extends ServerEventBase<'input_audio_buffer.speech_started'> { audio_start_ms: number; item_id: string }
export interface SpeechStoppedEvent extends ServerEventBase<'input_audio_buffer.speech_stopped'> { audio_end_ms: number; item_id: string }
export interface InputAudioCommittedEvent extends ServerEventBase<'input_audio_buffer.committed'> { item_id: string; previous_item_id?: string | null }
export type InputAudioClearedEvent = ServerEventBase<'input_audio_buffer.cleared'>;
export interface ItemCreatedEvent extends ServerEventBase<'conversation.item.created'> { item: ConversationItem; previous_item_id?: string | null }
/** GA: an item entered the conversation (`added`) and is complete (`done`). */
export interface ItemAddedEvent extends ServerEventBase<'conversation.item.added'> { item: ConversationItem; previous_item_id?: string | null }
export interface ItemDoneEvent extends ServerEventBase<'conversation.item.done'> { item: ConversationItem; previous_item_id?: string | null }
export interface ItemTruncatedEvent extends ServerEventBase<'conversation.item.truncated'> { item_id: string; content_index: number; audio_end_ms: number }
export interface ItemDeletedEvent extends ServerEventBase<'conversation.item.deleted'> { item_id: string }
export interface ItemRetrievedEvent extends ServerEventBase<'conversation.item.retrieved'> { item: ConversationItem }
export interface InputTranscriptionCompletedEvent extends ServerEventBase<'conversation.item.input_audio_transcription.completed'> {
  item_id: string;
  content_index: number;
  transcript: string;
}
export interface ResponseCreatedEvent extends ServerEventBase<'response.created'> { response: RealtimeResponse }
export interface ResponseDoneEvent extends ServerEventBase<'response.done'> { response: RealtimeResponse }
export interface OutputItemAddedEvent extends ServerEventBase<'response.output_item.added'> { response_id: string; output_index: number; item: ConversationItem }
export interface OutputItemDoneEvent extends ServerEventBase<'response.output_item.done'> { response_id: string; output_index: number; item: ConversationItem }
export interface ContentPartAddedEvent extends ServerEventBase<'response.content_part.added'>, OutputRef { part: ContentPart }
export interface ContentPartDoneEvent extends ServerEventBase<'response.content_part.done'>, OutputRef { part: ContentPart }
export interface OutputAudioDeltaEvent extends ServerEventBase<'response.output_audio.delta'>, OutputRef { delta: string }
export type OutputAudioDoneEvent = ServerEventBase<'response.output_audio.done'> & OutputRef;
export interface OutputTranscriptDeltaEvent extends ServerEventBase<'response.output_audio_transcript.delta'>, OutputRef { delta: string }
export interface OutputTranscriptDoneEvent extends ServerEventBase<'response.output_audio_transcript.done'>, OutputRef { transcript: string }
export interface OutputTextDeltaEvent extends ServerEventBase<'response.output_text.delta'>, OutputRef { delta: string }
export interface OutputTextDoneEvent extends ServerEventBase<'response.output_text.done'>, OutputRef { text: string }
export interface RateLimitsUpdatedEvent extends ServerEventBase<'rate_limits.updated'> { rate_limits: { name: string; limit: number; remaining: number; reset_seconds: number }[] }
export interface ServerErrorEvent extends ServerEventBase<'error'> { error: RealtimeErrorDetail }

export type RealtimeServerEvent =
  | SessionCreatedEvent
  | SessionUpdatedEvent
  | SpeechStartedEvent
  | SpeechStoppedEvent
  | InputAudioCommittedEvent
  | InputAudioClearedEvent
  | ItemCreatedEvent
  | ItemAddedEvent
  | ItemDoneEvent
  | ItemTruncatedEvent
  | ItemDeletedEvent
  | ItemRetrievedEvent
  | InputTranscriptionCompletedEvent
  | ResponseCreatedEvent
  | ResponseDoneEvent
  | OutputItemAddedEvent
  | OutputItemDoneEvent
  | ContentPartAddedEvent
  | ContentPartDoneEvent
  | OutputAudioDeltaEvent
  | OutputAudioDoneEvent
  | OutputTranscriptDeltaEvent
  | OutputTranscriptDoneEvent
  | OutputTextDeltaEvent
  | OutputTextDoneEvent
  | RateLimitsUpdatedEvent
  | ServerErrorEvent;
export type RealtimeServerEventType = RealtimeServerEvent['type'];

const REF: FieldSpecs = { response_id: 'string', item_id: 'string', output_index: 'integer', content_index: 'integer' };
const ITEM: FieldSpecs = { item: 'object', previous_item_id: 'string|null?' };

/** Fields a benchmark client relies on, per GA server event type. */
export const SERVER_EVENT_FIELDS: { readonly [K in RealtimeServerEventType]: FieldSpecs } = {
  'session.created': { session: 'object' },
  'session.updated': { session: 'object' },
  'input_audio_buffer.speech_started': { audio_start_ms: 'integer', item_id: 'string' },
  'input_audio_buffer.speech_stopped': { audio_end_ms: 'integer', item_id: 'string' },
  'input_audio_buffer.committed': { item_id: 'string', previous_item_id: 'string|null?' },
  'input_audio_buffer.cleared': {},
  'conversation.item.created': ITEM,
  'conversation.item.added': ITEM,
  'conversation.item.done': ITEM,
  'conversation.item.truncated': { item_id: 'string', content_index: 'integer', audio_end_ms: 'integer' },
  'conversation.item.deleted': { item_id: 'string' },
  'conversation.item.retrieved': { item: 'object' },
  'conversation.item.input_audio_transcription.completed': { item_id: 'string', content_index: 'integer', transcript: 'string' },
  'response.created': { response: 'object' },
  'response.done': { response: 'object' },
  'response.output_item.added': { response_id: 'string', output_index: 'integer', item: 'object' },
  'response.output_item.done': { response_id: 'string', output_index: 'integer', item: 'object' },
  'response.content_part.added': { ...REF, part: 'object' },
  'response.content_part.done': { ...REF, part: 'object' },
  'response.output_audio.delta': { ...REF, delta: 'base64' },
  'response.output_audio.done': REF,
  'response.output_audio_transcript.delta': { ...REF, delta: 'string' },
  'response.output_audio_transcript.done': { ...REF, transcript: 'string' },
  'response.output_text.delta': { ...REF, delta: 'string' },
  'response.output_text.done': { ...REF, text: 'string' },
  'rate_limits.updated': { rate_limits: 'array' },
  error: { error: 'object' },
};

export type ParsedServerEvent =
  | { known: true; event: RealtimeServerEvent; dialect: RealtimeDialect }
  /** A type outside the table (the API has many more): passed on, unchecked. */
  | { known: false; event: { type: string; [key: string]: unknown }; dialect: RealtimeDialect };

/**
 * Read one server frame (as a benchmark client). Beta names and shapes are converted to GA, and
 * `dialect` says which the server used. Malformed JSON, a missing type or a known event missing a
 * field throw BAD_ARGUMENT.
 */
export function parseServerEvent(frame: string | Uint8Array): ParsedServerEvent {
  let data: unknown;
  try {
    data = JSON.parse(typeof frame === 'string' ? frame : new TextDecoder().decode(frame));
  } catch (e) {
    throw new FullduplexError('BAD_ARGUMENT', `Realtime server frame is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!isPlainObject(data) || typeof data['type'] !== 'string') throw new FullduplexError('BAD_ARGUMENT', 'Realtime server frame has no string `type`');
  const rawType = data['type'];
  const type = toGaEventType(rawType);
  let dialect: RealtimeDialect = type !== rawType ? 'beta' : 'ga';
  if ((type === 'session.created' || type === 'session.updated') && isPlainObject(data['session']) && !('type' in data['session']) && !('audio' in data['session'])) {
    dialect = 'beta';
  }
  if (!Object.hasOwn(SERVER_EVENT_FIELDS, type)) return { known: false, event: { ...data, type }, dialect };
  const problem = checkFields(data, SERVER_EVENT_FIELDS[type as RealtimeServerEventType]);
  if (problem) throw new FullduplexError('BAD_ARGUMENT', `Realtime server event '${rawType}': ${problem.message}`);
  return { known: true, event: convert({ ...data, type }, 'ga') as unknown as RealtimeServerEvent, dialect };
}

/** An outgoing GA event rewritten for a client of `dialect` (a copy; GA events come back unchanged). */
export function serverEventToDialect<E extends { type: string }>(event: E, dialect: RealtimeDialect): Record<string, unknown> {
  if (dialect === 'ga') return event as unknown as Record<string, unknown>;
  return convert({ ...(event as unknown as Record<string, unknown>), type: toBetaEventType(event.type) }, 'beta');
}

/** Rewrite the nested objects whose spelling depends on the dialect. */
function convert(e: Record<string, unknown>, dialect: RealtimeDialect): Record<string, unknown> {
  const item = dialect === 'ga' ? itemToGa : itemToBeta;
  if (isPlainObject(e['session'])) e['session'] = dialect === 'ga' ? sessionToGa(e['session']) : sessionToBeta(e['session']);
  if (isPlainObject(e['item'])) e['item'] = item(e['item'] as ConversationItem);
  // Content-part events spell parts 'audio'/'text' in GA too (only items say output_audio/output_text),
  // so a part takes the plain spelling in both dialects; the agents SDK rejects anything else there.
  if (isPlainObject(e['part']) && typeof e['part']['type'] === 'string') e['part'] = partToDialect(e['part'] as { type: string }, 'beta');
  const response = e['response'];
  if (isPlainObject(response) && Array.isArray(response['output'])) {
    e['response'] = { ...response, output: response['output'].map((o) => (isPlainObject(o) ? item(o as ConversationItem) : o)) };
  }
  return e;
}
