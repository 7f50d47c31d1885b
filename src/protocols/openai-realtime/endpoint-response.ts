/**
 * One Realtime response: the events of its life (created → output item → content part → audio and
 * transcript deltas → done) for one engine utterance, and the ledger that maps the audio the client
 * received back to the utterance, so `conversation.item.truncate {audio_end_ms}` can tell the engine
 * exactly how much of it was heard.
 */
import { ENGINE_SAMPLE_RATE } from '../../engine/session.js';
import { announceAdded, announceDone, newId, type Conversation, type RealtimeOut } from './endpoint-conversation.js';
import type { OutputAudioEncoder } from './endpoint-audio.js';
import type { ConversationItem, RealtimeResponse as ResponseObject, ResponseStatus } from './types.js';

export type ResponseEndReason = 'turn_detected' | 'client_cancelled' | 'no_user_turn' | 'engine_error' | 'server_shutting_down';

interface LedgerEntry {
  /** Engine-rate samples sent up to the end of this frame. */
  readonly sent: number;
  /** The utterance's played position after this frame. */
  readonly played: number;
}

export class ResponseStream {
  readonly id = newId('resp');
  readonly itemId = newId('item');
  readonly item: ConversationItem & { id: string };
  /** The runtime's id of the engine utterance this response plays (bound on its first frame). */
  utteranceId: number | undefined;
  private status: ResponseStatus = 'in_progress';
  private transcriptText = '';
  /** Output-format samples sent to the client. */
  private outSamples = 0;
  private engineSent = 0;
  private readonly ledger: LedgerEntry[] = [];
  private previousItemId: string | null = null;
  private begun = false;
  /** Output items after the message (function calls, endpoint-tools.ts), in output order. */
  private readonly extraItems: ConversationItem[] = [];
  private readonly endListeners: (() => void)[] = [];

  constructor(
    private readonly out: RealtimeOut,
    private readonly conversation: Conversation,
    readonly kind: 'reply' | 'backchannel',
    private readonly textOnly: boolean,
    private readonly encoder: OutputAudioEncoder,
  ) {
    this.item = { id: this.itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  }

  get active(): boolean {
    return this.status === 'in_progress';
  }

  get hasBegun(): boolean {
    return this.begun;
  }

  /** completed / cancelled / failed once ended; in_progress before. */
  get finalStatus(): ResponseStatus {
    return this.status;
  }

  /**
   * Another output item (a function call) joins the response: returns its output_index. The caller
   * sends its events; response.done lists it after the message (if the response spoke).
   */
  addOutputItem(item: ConversationItem): number {
    this.announce();
    this.extraItems.push(item);
    return (this.item.content!.length > 0 ? 1 : 0) + this.extraItems.length - 1;
  }

  /** Duration of the audio the client has received, ms. */
  get audioMs(): number {
    return (this.outSamples / this.encoder.format.sampleRate) * 1000;
  }

  get transcript(): string {
    return this.transcriptText;
  }

  /** response.created only (a response asked for before the engine has anything to say). */
  announce(): void {
    if (this.begun || this.status !== 'in_progress') return;
    this.begun = true;
    this.out.send({ type: 'response.created', response: this.object([]) });
  }

  /** The output item and its content part: the response starts producing. */
  open(): void {
    if (this.item.content!.length > 0 || !this.active) return;
    this.announce();
    this.previousItemId = this.conversation.add(this.item);
    this.out.send({ type: 'response.output_item.added', response_id: this.id, output_index: 0, item: structuredClone(this.item) });
    announceAdded(this.out, this.item, this.previousItemId);
    this.item.content = [this.textOnly ? { type: 'output_text', text: '' } : { type: 'output_audio', transcript: '' }];
    // Content-part events spell parts 'audio'/'text' in both dialects (only items say output_audio).
    this.out.send({ type: 'response.content_part.added', ...this.ref(), part: this.part() });
  }

  /** A clause the agent is about to speak. */
  text(clause: string): void {
    if (!this.active || clause.trim() === '') return;
    this.open();
    const delta = (this.transcriptText === '' ? '' : ' ') + clause.trim();
    this.transcriptText += delta;
    this.setPartText(this.transcriptText);
    this.out.send({ type: this.textOnly ? 'response.output_text.delta' : 'response.output_audio_transcript.delta', ...this.ref(), delta });
  }

  /** One frame of the utterance's audio at the engine's rate, and the utterance's played position after it. */
  audio(frame: Int16Array, playedAfter: number): void {
    if (!this.active) return;
    this.open();
    this.engineSent += frame.length;
    this.ledger.push({ sent: this.engineSent, played: playedAfter });
    if (!this.textOnly) this.sendAudio(this.encoder.convert(frame));
  }

  /** Call `f` once the response ends (at once if it has). */
  onEnd(f: () => void): void {
    if (this.active) this.endListeners.push(f);
    else f();
  }

  /** Finish: the last events, with the final status. */
  end(status: 'completed' | 'cancelled' | 'failed', reason?: ResponseEndReason): void {
    if (!this.active) return;
    this.announce();
    // A response that only called functions has no message item (as OpenAI's).
    if (status !== 'failed' && (this.extraItems.length === 0 || this.engineSent > 0 || this.transcriptText !== '')) this.open();
    // The resampler is the connection's: flush it only if this response fed it (its tail is ours).
    if (this.engineSent > 0) {
      const tail = this.encoder.flush();
      if (!this.textOnly) this.sendAudio(tail);
    }
    this.status = status;
    this.item.status = status === 'completed' ? 'completed' : 'incomplete';
    if (this.item.content!.length > 0) {
      const ref = this.ref();
      if (this.textOnly) this.out.send({ type: 'response.output_text.done', ...ref, text: this.transcriptText });
      else {
        this.out.send({ type: 'response.output_audio.done', ...ref });
        this.out.send({ type: 'response.output_audio_transcript.done', ...ref, transcript: this.transcriptText });
      }
      this.out.send({ type: 'response.content_part.done', ...ref, part: this.part() });
      this.out.send({ type: 'response.output_item.done', response_id: this.id, output_index: 0, item: structuredClone(this.item) });
      announceDone(this.out, this.item, this.previousItemId);
    }
    const output = [...(this.item.content!.length > 0 ? [this.item] : []), ...this.extraItems];
    const details =
      status === 'completed'
        ? null
        : status === 'cancelled'
          ? { type: 'cancelled' as const, reason: reason ?? 'client_cancelled' }
          : { type: 'failed' as const, error: { type: reason === 'engine_error' ? 'server_error' : 'invalid_request_error', code: reason ?? 'failed' } };
    this.out.send({ type: 'response.done', response: { ...this.object(output), status_details: details } });
    for (const f of this.endListeners.splice(0)) f();
  }

  /** The utterance's played position (engine samples) at `audioEndMs` of the audio the client received. */
  playedAt(audioEndMs: number): number {
    const pos = Math.round((audioEndMs / 1000) * ENGINE_SAMPLE_RATE);
    let played = 0;
    let prevSent = 0;
    let prevPlayed = 0;
    for (const e of this.ledger) {
      if (e.sent >= pos) {
        played = prevPlayed + Math.min(e.played - prevPlayed, pos - prevSent);
        break;
      }
      [prevSent, prevPlayed, played] = [e.sent, e.played, e.played];
    }
    return played;
  }

  /** The item was truncated: its transcript becomes the words heard. */
  truncate(heard: string): void {
    this.transcriptText = heard;
    this.setPartText(heard);
  }

  private sendAudio(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.outSamples += samples.length;
    this.out.send({ type: 'response.output_audio.delta', ...this.ref(), delta: this.encoder.encode(samples) });
  }

  private setPartText(text: string): void {
    const p = this.item.content?.[0];
    if (!p) return;
    if (this.textOnly) p.text = text;
    else p.transcript = text;
  }

  private part(): { type: 'audio' | 'text'; transcript?: string; text?: string } {
    return this.textOnly ? { type: 'text', text: this.transcriptText } : { type: 'audio', transcript: this.transcriptText };
  }

  private ref() {
    return { response_id: this.id, item_id: this.itemId, output_index: 0, content_index: 0 };
  }

  private object(output: ConversationItem[]): ResponseObject {
    return {
      id: this.id,
      object: 'realtime.response',
      status: this.status,
      status_details: null,
      output: output.map((i) => structuredClone(i)),
      conversation_id: 'conv_default',
      output_modalities: [this.textOnly ? 'text' : 'audio'],
      max_output_tokens: 'inf',
      usage: null,
      metadata: this.kind === 'backchannel' ? { fullduplex_kind: 'backchannel' } : null,
    };
  }
}
