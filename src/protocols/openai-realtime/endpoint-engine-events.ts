/**
 * Engine → Realtime: the engine's timeline becomes the server events a Realtime client expects, and
 * its audio, sent by the live runtime on the real-time beat with the utterance each frame belongs to,
 * becomes response audio.
 *
 * The mapping keeps the engine's judgement where OpenAI's API has a blunter rule: speech over the
 * agent only pauses the audio stream until the engine confirms a barge-in; only then does the client
 * see `input_audio_buffer.speech_started` and `response.done {status: cancelled, reason:
 * turn_detected}`. A backchannel or a cough over the agent never reaches the client as speech.
 */
import type { EngineEvent } from '../../engine/events.js';
import type { OutputChunkInfo } from '../../server/live-session.js';
import { announceAdded, announceDone, newId, userAudioItem } from './endpoint-conversation.js';
import { ResponseStream } from './endpoint-response.js';
import { ENDPOINT_ERROR_CODES } from './endpoint-options.js';
import type { RealtimeConnection } from './endpoint.js';

/** The agent utterance the output stream is on, as the runtime's last frame said. */
export interface PlayingUtterance {
  readonly id: number;
  readonly kind: 'reply' | 'backchannel';
  /** It played to its end (not cut). */
  done: boolean;
}

export function handleEngineEvent(c: RealtimeConnection, e: EngineEvent): void {
  switch (e.type) {
    case 'user_speech_start':
      if (c.playing?.kind === 'reply') {
        c.overlapOnset = e.onset; // over the agent: wait for the engine's verdict
        return;
      }
      startUserSpeech(c, e.onset);
      return;
    case 'user_speech_stop':
      if (c.userItem?.speaking) {
        c.userItem.speaking = false;
        c.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: c.audioMsAt(e.t), item_id: c.userItem.id });
      }
      return;
    case 'decision':
      if (e.action === 'cancel') {
        startUserSpeech(c, c.overlapOnset ?? e.t);
        c.overlapOnset = undefined;
      } else if (e.action === 'resume' || e.action === 'ignore') c.overlapOnset = undefined;
      else if (e.action === 'take_turn' && c.awaitingTranscript === undefined && c.userItem !== undefined) {
        // The turn is committed now; its text (an STT server's) may arrive after new speech has begun.
        c.awaitingTranscript = commitUserItem(c);
      }
      return;
    case 'transcript_final': {
      const id = c.awaitingTranscript ?? commitUserItem(c);
      c.awaitingTranscript = undefined;
      const item = c.conversation.get(id);
      const part = item?.content?.[0];
      if (part) part.transcript = e.text;
      if (c.config.transcribeInput) c.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: id, content_index: 0, transcript: e.text });
      return;
    }
    case 'agent_reply_start':
      if (c.pendingTimer) clearTimeout(c.pendingTimer);
      c.pendingTimer = undefined;
      if (!c.pendingReply?.active) c.pendingReply = newResponse(c, 'reply');
      c.pendingReply.announce();
      c.tools.onEngineEvent(e, c.pendingReply);
      return;
    case 'tool_call':
      c.tools.onEngineEvent(e, replyResponse(c));
      return;
    case 'agent_text':
      replyResponse(c)?.text(e.text);
      return;
    case 'agent_speech_stop':
      if (e.reason === 'interrupted') interrupted(c, e.kind);
      return;
    case 'error':
      c.error(ENDPOINT_ERROR_CODES.engine, `${e.component}: ${e.message}`, null, null, 'server_error');
      return;
    default:
      return;
  }
}

/** speech_started for the user's current (or a new) input item; nothing is said with turn detection off. */
function startUserSpeech(c: RealtimeConnection, onset: number): void {
  c.userItem ??= { id: newId('item'), speaking: false };
  if (c.config.turns.mode === null || c.userItem.speaking) return;
  c.userItem.speaking = true;
  c.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: c.audioMsAt(onset), item_id: c.userItem.id });
}

/** The user's audio becomes a conversation item: speech_stopped if still open, committed, item added. */
export function commitUserItem(c: RealtimeConnection): string {
  const open = c.userItem ?? { id: newId('item'), speaking: false };
  c.userItem = undefined;
  if (open.speaking) c.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: c.audioMsAt(c.engineNow()), item_id: open.id });
  const item = userAudioItem(open.id);
  const previous = c.conversation.add(item);
  c.send({ type: 'input_audio_buffer.committed', item_id: open.id, previous_item_id: previous });
  announceAdded(c, item, previous);
  announceDone(c, item, previous);
  c.uncommittedMs = 0;
  return open.id;
}

export function newResponse(c: RealtimeConnection, kind: 'reply' | 'backchannel'): ResponseStream {
  const r = new ResponseStream(c, c.conversation, kind, c.config.textOnly, c.encoder);
  c.byItem.set(r.itemId, r);
  if (c.byItem.size > c.options.maxItems) c.byItem.delete(c.byItem.keys().next().value!);
  return r;
}

/** The response the agent's words belong to: the one waiting for audio, or the reply now playing. */
function replyResponse(c: RealtimeConnection): ResponseStream | undefined {
  if (c.pendingReply?.active) return c.pendingReply;
  const r = c.playing ? c.byUtterance.get(c.playing.id) : undefined;
  return r?.active && r.kind === 'reply' ? r : undefined;
}

/**
 * End every response in progress as cancelled with `reason` (the server's drain: the goodbye that
 * follows is a response of its own). The playing utterance's response and one announced but not yet
 * playing; later audio of the cut utterance finds its response ended.
 */
export function cancelResponses(c: RealtimeConnection, reason: 'server_shutting_down'): void {
  const playing = c.playing ? c.byUtterance.get(c.playing.id) : undefined;
  for (const r of new Set([playing, c.pendingReply, c.respondingTo])) if (r?.active) r.end('cancelled', reason);
  c.pendingReply = undefined;
  c.respondingTo = undefined;
  if (c.pendingTimer) clearTimeout(c.pendingTimer);
  c.pendingTimer = undefined;
}

/** The engine cut its own speech (a confirmed barge-in). */
function interrupted(c: RealtimeConnection, kind: 'reply' | 'backchannel'): void {
  const last = c.playing ? c.byUtterance.get(c.playing.id) : undefined;
  if (last?.active && last.kind === kind) last.end('cancelled', 'turn_detected');
  else if (kind === 'reply' && c.pendingReply?.active) {
    c.pendingReply.end('cancelled', 'turn_detected');
    c.pendingReply = undefined;
  }
}

/** The response for utterance `u`, bound on its first frame (null: its audio stays off the wire). */
function responseFor(c: RealtimeConnection, u: OutputChunkInfo): ResponseStream | null {
  const known = c.byUtterance.get(u.utteranceId);
  if (known !== undefined) return known;
  let r: ResponseStream | null;
  if (u.kind === 'reply') {
    r = c.pendingReply?.active ? c.pendingReply : newResponse(c, 'reply');
    c.pendingReply = undefined;
    if (c.respondingTo === r) c.respondingTo = undefined; // its answer is playing: it can no longer fail to start
  } else {
    r = c.options.backchannels === 'response' ? newResponse(c, 'backchannel') : null;
  }
  if (r) r.utteranceId = u.utteranceId;
  c.byUtterance.set(u.utteranceId, r);
  return r;
}

/** One frame of the output stream from the runtime: routed to its utterance's response. */
export function outputAudio(c: RealtimeConnection, pcm: Int16Array, info: OutputChunkInfo | undefined): void {
  if (c.playing && c.playing.id !== info?.utteranceId) finishUtterance(c, c.playing);
  if (!info) return;
  c.playing ??= { id: info.utteranceId, kind: info.kind, done: info.done };
  c.playing.done = info.done;
  const r = responseFor(c, info);
  if (r && info.advanced > 0) r.audio(pcm, info.played);
  // Finished inside this frame (agent_speech_stop 'completed' came with it): the last audio went out first.
  if (info.ended) finishUtterance(c, c.playing);
}

/** An utterance left the speaker: completed, or replaced (a reply taking over from a backchannel), or cut. */
function finishUtterance(c: RealtimeConnection, u: PlayingUtterance): void {
  const r = c.byUtterance.get(u.id);
  if (r?.active) {
    if (u.done) r.end('completed');
    else r.end('cancelled', 'turn_detected');
  }
  c.byUtterance.delete(u.id);
  if (c.playing === u) c.playing = undefined;
  if (u.kind === 'reply') c.overlapOnset = undefined;
}
