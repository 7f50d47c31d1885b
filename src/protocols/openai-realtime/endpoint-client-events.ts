/**
 * Realtime client events → the engine session. Each handler answers with the server events OpenAI's
 * API sends for it, or with an `error` event (returning false). Events arrive already validated by
 * parseClientEvent, in the client's dialect.
 */
import { ENGINE_SAMPLE_RATE } from '../../engine/session.js';
import { toFullduplexError } from '../../errors.js';
import { isPlainObject } from './fields.js';
import { itemToGa, sessionDialect, type RealtimeClientEvent } from './events.js';
import { decodeInputAudio, OutputAudioEncoder } from './endpoint-audio.js';
import { announceAdded, announceDone, newId } from './endpoint-conversation.js';
import { commitUserItem, newResponse } from './endpoint-engine-events.js';
import { ENDPOINT_ERROR_CODES as E } from './endpoint-options.js';
import type { ResponseStream } from './endpoint-response.js';
import type { RealtimeConnection } from './endpoint.js';
import type { ConversationItem } from './types.js';

type Handler<T extends RealtimeClientEvent['type']> = (c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: T }>) => boolean | Promise<boolean>;

const HANDLERS: { [T in RealtimeClientEvent['type']]: Handler<T> } = {
  'session.update': sessionUpdate,
  'input_audio_buffer.append': append,
  'input_audio_buffer.commit': commit,
  'input_audio_buffer.clear': (c) => {
    c.uncommittedMs = 0;
    if (c.userItem && !c.userItem.speaking) c.userItem = undefined;
    c.send({ type: 'input_audio_buffer.cleared' });
    return true;
  },
  'output_audio_buffer.clear': (c, e) => fail(c, E.unsupported, 'output_audio_buffer.clear is for WebRTC and SIP sessions; on a WebSocket, send response.cancel and conversation.item.truncate.', 'type', e.event_id),
  'conversation.item.create': itemCreate,
  'conversation.item.truncate': truncate,
  'conversation.item.delete': (c, e) => {
    if (!c.conversation.delete(e.item_id)) return notFound(c, e.item_id, e.event_id);
    c.send({ type: 'conversation.item.deleted', item_id: e.item_id });
    return true;
  },
  'conversation.item.retrieve': (c, e) => {
    const item = c.conversation.get(e.item_id);
    if (!item) return notFound(c, e.item_id, e.event_id);
    c.send({ type: 'conversation.item.retrieved', item: structuredClone(item) });
    return true;
  },
  'response.create': responseCreate,
  'response.cancel': responseCancel,
};

export function handleClientEvent(c: RealtimeConnection, e: RealtimeClientEvent): Promise<boolean> {
  const h = HANDLERS[e.type] as Handler<typeof e.type>;
  return Promise.resolve(h(c, e as never));
}

function fail(c: RealtimeConnection, code: string, message: string, param: string | null, eventId: string | undefined): false {
  c.error(code, message, param, eventId ?? null);
  return false;
}

function notFound(c: RealtimeConnection, id: string, eventId: string | undefined): false {
  return fail(c, E.itemNotFound, `Item with item_id '${id.slice(0, 80)}' not found.`, 'item_id', eventId);
}

async function sessionUpdate(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'session.update' }>): Promise<boolean> {
  const before = c.config.outputFormat;
  const voiceBefore = c.config.current.audio?.output?.voice;
  const asked = e.session as { tools?: unknown; tool_choice?: unknown };
  const toolProblem = c.tools.sessionUpdate(asked.tools, asked.tool_choice);
  if (toolProblem) return fail(c, 'invalid_value', toolProblem, asked.tools !== undefined ? 'session.tools' : 'session.tool_choice', e.event_id);
  try {
    c.config.update(e.session);
  } catch (err) {
    return fail(c, 'invalid_value', toFullduplexError(err).message, 'session.type', e.event_id);
  }
  if (sessionDialect(e.session as Record<string, unknown>) === 'beta') c.dialect = 'beta';
  if (c.config.current.audio?.output?.voice !== voiceBefore) c.checkVoice("a session.update's");
  if (c.config.outputFormat !== before) {
    c.encoder = await OutputAudioEncoder.create(c.config.outputFormat, ENGINE_SAMPLE_RATE, c.resamplers);
    c.encoders.push(c.encoder);
  }
  // The instructions travel as the conversation's leading system message (models that take one read it).
  void c.handle.control({ type: 'control', action: 'add_context', role: 'system', content: c.config.instructions, where: 'instructions' });
  c.turns.apply(c.config.turns);
  c.send({ type: 'session.updated', session: c.config.current });
  return true;
}

async function append(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'input_audio_buffer.append' }>): Promise<boolean> {
  const format = c.config.inputFormat;
  let samples: Int16Array;
  try {
    samples = decodeInputAudio(e.audio, format);
  } catch (err) {
    return fail(c, 'invalid_value', `Invalid 'audio': ${toFullduplexError(err).message}`, 'audio', e.event_id);
  }
  if (samples.length === 0) return true;
  const ms = (samples.length / format.sampleRate) * 1000;
  c.inputMs += ms;
  c.uncommittedMs += ms;
  // The runtime drops audio sent faster than real time (an input_audio_buffer_overflow error says so).
  await c.input(samples, format);
  return true;
}

function commit(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'input_audio_buffer.commit' }>): boolean {
  if (c.uncommittedMs < c.options.minCommitMs) {
    return fail(c, E.commitEmpty, `Error committing input audio buffer: buffer too small. Expected at least ${c.options.minCommitMs}ms of audio, but buffer only has ${c.uncommittedMs.toFixed(2)}ms of audio.`, null, e.event_id);
  }
  c.awaitingTranscript = commitUserItem(c);
  return true;
}

function itemCreate(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'conversation.item.create' }>): boolean {
  const item = itemToGa(e.item);
  if (item.type === 'function_call' || item.type === 'function_call_output') {
    if (e.previous_item_id && e.previous_item_id !== 'root' && !c.conversation.has(e.previous_item_id)) {
      return fail(c, 'invalid_value', `previous_item_id '${e.previous_item_id.slice(0, 80)}' does not exist.`, 'previous_item_id', e.event_id);
    }
    return c.tools.itemCreate(item, e.event_id);
  }
  if (item.type !== 'message') return fail(c, E.unsupported, `Items of type '${String(item.type).slice(0, 40)}' are not supported; send messages, function_call or function_call_output items.`, 'item.type', e.event_id);
  if (item.role !== 'user' && item.role !== 'assistant' && item.role !== 'system') {
    return fail(c, 'invalid_value', "Invalid value for 'item.role': expected 'user', 'assistant' or 'system'.", 'item.role', e.event_id);
  }
  if (e.previous_item_id && e.previous_item_id !== 'root' && !c.conversation.has(e.previous_item_id)) {
    return fail(c, 'invalid_value', `previous_item_id '${e.previous_item_id.slice(0, 80)}' does not exist.`, 'previous_item_id', e.event_id);
  }
  const id = typeof item.id === 'string' && item.id !== '' ? item.id.slice(0, 64) : newId('item');
  if (c.conversation.has(id)) return fail(c, 'invalid_value', `An item with id '${id}' already exists.`, 'item.id', e.event_id);
  const content = (Array.isArray(item.content) ? item.content : []).filter(isPlainObject);
  const stored: ConversationItem & { id: string } = { ...item, id, object: 'realtime.item', status: 'completed', content };
  const previous = c.conversation.add(stored);
  announceAdded(c, stored, previous);
  announceDone(c, stored, previous);
  // Text joins the engine's history; response.create answers it (or it is context for the next spoken turn).
  const text = content.map((p) => (typeof p.text === 'string' ? p.text : typeof p.transcript === 'string' ? p.transcript : '')).join(' ').trim();
  if (text) void c.handle.control({ type: 'control', action: 'add_context', role: item.role, content: text });
  return true;
}

async function truncate(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'conversation.item.truncate' }>): Promise<boolean> {
  const r = c.byItem.get(e.item_id);
  if (!r) {
    if (c.conversation.has(e.item_id)) return fail(c, 'invalid_value', 'Only assistant audio items can be truncated.', 'item_id', e.event_id);
    return notFound(c, e.item_id, e.event_id);
  }
  if (e.content_index !== 0) return fail(c, 'invalid_value', `Invalid content_index ${e.content_index}: the item has one audio part (index 0).`, 'content_index', e.event_id);
  if (e.audio_end_ms > r.audioMs + c.options.truncateSlackMs) {
    return fail(c, E.truncateTooLong, `Audio content of ${Math.floor(r.audioMs)}ms is already shorter than ${e.audio_end_ms}ms`, 'audio_end_ms', e.event_id);
  }
  // The client stopped playing: whatever the engine still had to say for this item is dropped, and
  // only the words it played stay in the conversation.
  const heardSamples = r.playedAt(e.audio_end_ms);
  if (r.active) cancel(c, r, 'client_cancelled', heardSamples);
  const kept = r.utteranceId !== undefined ? await c.handle.control({ type: 'control', action: 'truncate_heard', utteranceId: r.utteranceId, heardSamples }) : {};
  r.truncate(kept.heardText ?? '');
  c.send({ type: 'conversation.item.truncated', item_id: e.item_id, content_index: 0, audio_end_ms: e.audio_end_ms });
  return true;
}

async function responseCreate(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'response.create' }>): Promise<boolean> {
  const current = c.playing ? c.byUtterance.get(c.playing.id) : undefined;
  if (c.pendingReply?.active || (current?.active && current.kind === 'reply')) {
    const id = c.pendingReply?.active ? c.pendingReply.id : current!.id;
    return fail(c, E.activeResponse, `Conversation already has an active response in progress: ${id}. Wait until the response is finished before creating a new one.`, null, e.event_id);
  }
  const asked = (e as { response?: { tools?: unknown; tool_choice?: unknown } }).response;
  const override = c.tools.responseOverride(asked?.tools, asked?.tool_choice);
  if (typeof override === 'string') return fail(c, 'invalid_value', override, asked?.tools !== undefined ? 'response.tools' : 'response.tool_choice', e.event_id);
  const r = newResponse(c, 'reply');
  c.pendingReply = r;
  if (override) c.tools.useOverride(override, r);
  r.announce();
  // A user turn this endpoint knows of: answer it at its pause. Otherwise the engine decides (a turn
  // it hears, else the history as it stands: text items the client added).
  if (c.userItem !== undefined || c.awaitingTranscript !== undefined) c.turns.release();
  else {
    const outcome = await c.turns.requestReply();
    if (outcome.reply !== 'awaiting_turn') {
      if (outcome.reply === 'responding') c.respondingTo = r;
      else if (c.pendingReply === r && r.active) {
        r.end('failed', outcome.error ? 'engine_error' : 'no_user_turn');
        c.pendingReply = undefined;
      }
      return true;
    }
  }
  if (c.pendingTimer) clearTimeout(c.pendingTimer);
  c.pendingTimer = setTimeout(() => {
    c.pendingTimer = undefined;
    if (c.pendingReply !== r || !r.active) return;
    r.end('failed', 'no_user_turn');
    c.pendingReply = undefined;
  }, c.options.responseStartTimeoutMs);
  return true;
}

function responseCancel(c: RealtimeConnection, e: Extract<RealtimeClientEvent, { type: 'response.cancel' }>): boolean {
  const candidates = [c.pendingReply, c.playing ? c.byUtterance.get(c.playing.id) : undefined].filter((r): r is ResponseStream => !!r?.active);
  const r = e.response_id ? candidates.find((x) => x.id === e.response_id) : candidates[0];
  // No such active response: nothing to do. (A client that saw speech_started cancels a response the
  // engine has already cancelled; that is not an error worth reporting.)
  if (r) cancel(c, r, 'client_cancelled');
  return true;
}

/**
 * Stop a response on the client's word: the engine stops the reply (generation, synthesis and audio)
 * and keeps what was heard as said: `heardSamples` of it, or everything it played out. The runtime
 * stops the utterance only if it is still the one playing (the client may be a frame behind).
 */
function cancel(c: RealtimeConnection, r: ResponseStream, reason: 'client_cancelled', heardSamples?: number): void {
  const p = c.playing;
  const mine = p !== undefined && (r.utteranceId === p.id || (r.utteranceId === undefined && c.pendingReply === r && p.kind === 'reply'));
  if (mine) {
    r.utteranceId ??= p.id;
    void c.handle.control({ type: 'control', action: 'cancel_utterance', utteranceId: p.id, reason, ...(heardSamples !== undefined && { heardSamples }) });
  } else if (c.pendingReply === r) {
    // A response asked for and not yet begun is withdrawn the same way (the engine forgets the request).
    void c.handle.control({ type: 'control', action: 'cancel_reply', reason });
  }
  if (c.pendingReply === r) c.pendingReply = undefined;
  if (c.respondingTo === r) c.respondingTo = undefined;
  r.end('cancelled', reason);
}
