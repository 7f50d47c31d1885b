/**
 * The engine's control API as the live runtime takes it: plain-data calls (they cross to worker
 * threads) that name agent utterances by id, since an adapter on another thread cannot hold the
 * utterance objects. The native protocol's `control` messages are a subset; the Realtime adapter
 * also truncates and cancels by utterance and asks for a reply whatever the turn state.
 */
import type { OutputUtterance } from '../engine/control.js';
import type { PredictorOverrides } from '../engine/options.js';
import type { ConversationSession } from '../engine/session.js';
import type { ControlMessage } from './protocol.js';

export type SessionControl =
  | ControlMessage
  /** A tool call the client made itself (a Realtime function_call item) joins the history. */
  | { type: 'control'; action: 'add_tool_call'; callId: string; name: string; arguments: string }
  /** The result of such a call (no reply waits for it) joins the history. */
  | { type: 'control'; action: 'add_tool_output'; callId: string; output: string }
  /** Stop the reply only if utterance `utteranceId` is still playing (else nothing); heardSamples as cancelReply's. */
  | { type: 'control'; action: 'cancel_utterance'; utteranceId: number; heardSamples?: number; reason?: string }
  /** The listener heard only `heardSamples` of utterance `utteranceId`: its history entry keeps those words. */
  | { type: 'control'; action: 'truncate_heard'; utteranceId: number; heardSamples: number }
  /**
   * Answer now, whatever the turn state: at the user's pause if a user turn is open (takeTurnNow),
   * else the history if the user spoke last (respond), else nothing (result 'no_user_turn').
   */
  | { type: 'control'; action: 'request_reply' };

export interface ControlResult {
  /** cancel_reply / cancel_utterance: a reply was stopped. */
  cancelled?: boolean;
  /** truncate_heard: the words kept. */
  heardText?: string;
  /** request_reply: what the engine does. */
  reply?: 'awaiting_turn' | 'responding' | 'no_user_turn';
  /** The call failed (bad arguments): why. */
  error?: string;
}

/** How many recent utterances stay addressable by id (a truncate names one the client has heard). */
const REMEMBERED_UTTERANCES = 64;

/** Ids for the session's agent utterances, in the order they start playing. */
export class UtteranceIds {
  private readonly ids = new WeakMap<OutputUtterance, number>();
  private readonly byId = new Map<number, OutputUtterance>();
  private next = 1;

  idOf(u: OutputUtterance): number {
    let id = this.ids.get(u);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(u, id);
      this.byId.set(id, u);
      if (this.byId.size > REMEMBERED_UTTERANCES) this.byId.delete(this.byId.keys().next().value!);
    }
    return id;
  }

  get(id: number): OutputUtterance | undefined {
    return this.byId.get(id);
  }
}

/**
 * Apply one control call. Throws (FullduplexError BAD_ARGUMENT) for bad arguments; `onRespondError`
 * hears of a reply to the history that failed later.
 */
export function applyControl(session: ConversationSession, m: SessionControl, ids: UtteranceIds, onRespondError: (e: Error) => void): ControlResult {
  switch (m.action) {
    case 'cancel_reply':
      return { cancelled: session.cancelReply(m.reason !== undefined ? { reason: m.reason } : {}) };
    case 'cancel_utterance': {
      const u = session.output.utterance;
      if (!u || ids.idOf(u) !== m.utteranceId) return { cancelled: false };
      return { cancelled: session.cancelReply({ ...(m.reason !== undefined && { reason: m.reason }), ...(m.heardSamples !== undefined && { heardSamples: m.heardSamples }) }) };
    }
    case 'truncate_heard': {
      const u = ids.get(m.utteranceId);
      return { heardText: u ? session.truncateHeard(u, m.heardSamples) : '' };
    }
    case 'request_reply': {
      if (session.predictor.inTurn || session.predictor.userSpeaking) {
        session.takeTurnNow();
        return { reply: 'awaiting_turn' };
      }
      const last = session.history.at(-1);
      if (last === undefined || last.role === 'assistant') return { reply: 'no_user_turn' };
      session.respond().catch(onRespondError);
      return { reply: 'responding' };
    }
    case 'hold_turns':
      session.holdTurns(m.on);
      return {};
    case 'take_turn_now':
      session.takeTurnNow();
      return {};
    case 'update_options':
      session.updateOptions(m.options as PredictorOverrides);
      return {};
    case 'set_tools':
      session.setTools(m.tools.length > 0 ? { specs: m.tools, ...(m.toolChoice !== undefined && { choice: m.toolChoice }), ...(m.afterCall && { afterCall: m.afterCall }) } : undefined);
      return {};
    case 'add_tool_call':
      session.addContext({ role: 'assistant', content: '', toolCalls: [{ id: m.callId, name: m.name, arguments: m.arguments }] });
      return {};
    case 'add_tool_output':
      session.addContext({ role: 'tool', content: m.output || '(empty)', toolCallId: m.callId });
      return {};
    case 'add_context':
      session.addContext({ role: m.role, content: m.content }, m.where ?? 'end');
      return {};
  }
}
