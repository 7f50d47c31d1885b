/**
 * The conversation as the Realtime client sees it: an ordered list of items (user audio turns with
 * their transcripts, assistant audio with its transcript, items the client created), for
 * item.retrieve / delete / truncate, and the events that announce items in either dialect.
 */
import { randomUUID } from 'node:crypto';
import type { RealtimeDialect } from './dialects.js';
import type { ConversationItem } from './types.js';

/** Where endpoint modules send server events: GA-shaped, without event_id (the connection adds both). */
export interface RealtimeOut {
  readonly dialect: RealtimeDialect;
  send(event: { type: string; [key: string]: unknown }): void;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 22)}`;
}

export class Conversation {
  private readonly items = new Map<string, ConversationItem>();

  constructor(private readonly maxItems: number) {}

  get size(): number {
    return this.items.size;
  }

  get lastId(): string | null {
    let last: string | null = null;
    for (const id of this.items.keys()) last = id;
    return last;
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get(id: string): ConversationItem | undefined {
    return this.items.get(id);
  }

  /** Add an item at the end; returns the id of the item before it. The oldest items go beyond the cap. */
  add(item: ConversationItem & { id: string }): string | null {
    const previous = this.lastId;
    this.items.set(item.id, item);
    while (this.items.size > this.maxItems) this.items.delete(this.items.keys().next().value!);
    return previous;
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }
}

/** A user turn's audio item, transcript not yet known (it comes with ...input_audio_transcription.completed). */
export function userAudioItem(id: string): ConversationItem & { id: string } {
  return { id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
}

/** A new item entered the conversation: GA `conversation.item.added`, beta `conversation.item.created`. */
export function announceAdded(out: RealtimeOut, item: ConversationItem, previousItemId: string | null): void {
  out.send({ type: out.dialect === 'beta' ? 'conversation.item.created' : 'conversation.item.added', previous_item_id: previousItemId, item: structuredClone(item) });
}

/** The item is complete (GA only; the beta has no such event). */
export function announceDone(out: RealtimeOut, item: ConversationItem, previousItemId: string | null): void {
  if (out.dialect === 'ga') out.send({ type: 'conversation.item.done', previous_item_id: previousItemId, item: structuredClone(item) });
}
