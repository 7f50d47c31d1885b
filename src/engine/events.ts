/** The typed event timeline a session produces. `t` is session time in seconds (the session's clock). */
import type { Action, AgentActivity } from './predictor.js';
import type { WordTiming } from '../speech/types.js';

export type EngineEvent =
  | { type: 'session_start'; t: number; config: Record<string, unknown> }
  | { type: 'user_speech_start'; t: number; /** estimated start of the speech (detection needs a few windows) */ onset: number }
  | { type: 'user_speech_stop'; t: number }
  | { type: 'transcript_partial'; t: number; text: string }
  | {
      type: 'transcript_final';
      t: number;
      /** The turn's committed text: what joins the history and the dialogue answers. */
      text: string;
      /** The streaming recogniser's (pocketsphinx) words, timed: what the predictor read. */
      words: readonly WordTiming[];
      /** With an STT server ('openai-stt'): the streaming recogniser's text of the same turn, for comparison. */
      streamingText?: string;
      /** With an STT server: which recogniser(s) `text` came from (the streaming one for segments whose request failed). */
      textSource?: string;
    }
  | { type: 'user_text'; t: number; /** a typed turn (session.respond) */ text: string }
  | { type: 'decision'; t: number; action: Action; reason: string; agent: AgentActivity }
  | { type: 'speculation_start'; t: number; text: string }
  | { type: 'speculation_used'; t: number; text: string }
  | { type: 'speculation_discarded'; t: number; reason: string }
  | { type: 'agent_reply_start'; t: number; userText: string }
  | { type: 'agent_text'; t: number; text: string }
  | { type: 'agent_speech_start'; t: number; kind: 'reply' | 'backchannel'; /** the text synthesized so far (a reply's later clauses follow as agent_text) */ text: string }
  | {
      type: 'agent_speech_stop';
      t: number;
      kind: 'reply' | 'backchannel';
      /** interrupted: a barge-in the engine confirmed; cancelled: the application stopped it (session.cancelReply). */
      reason: 'completed' | 'interrupted' | 'cancelled';
    }
  | { type: 'agent_paused'; t: number }
  | { type: 'agent_resumed'; t: number }
  | { type: 'agent_speech_truncated'; t: number; heardText: string; fullText: string; playedSeconds: number }
  | { type: 'backchannel'; t: number; text: string }
  | { type: 'turn_latency'; t: number; stages: TurnLatencyStages }
  /** A committed reply called a tool (never a speculative one): it runs now, or the application runs it. */
  | { type: 'tool_call'; t: number; callId: string; name: string; /** JSON text as the model wrote it */ arguments: string; userText: string }
  /** A call's result (recorded in the history even when a barge-in cut the reply that was waiting for it). */
  | { type: 'tool_result'; t: number; callId: string; name: string; output: string; isError: boolean }
  /** The tool took longer than ToolOptions.fillerAfterMs: the agent says this while it waits. */
  | { type: 'tool_filler'; t: number; text: string }
  | { type: 'control'; t: number; /** which control call (session.ts, "control API") */ action: ControlAction; detail: string }
  | { type: 'error'; t: number; component: string; code: string; message: string }
  | { type: 'session_end'; t: number };

export type EngineEventType = EngineEvent['type'];

/** The application's hand on the session: each call of the control API, as it appears on the timeline. */
export type ControlAction = 'cancel_reply' | 'truncate_heard' | 'update_options' | 'hold_turns' | 'release_turns' | 'take_turn_now' | 'add_context' | 'say' | 'set_tools' | 'tool_result';

/**
 * Where one turn's response time went, as session times (s), emitted when the reply's first sample
 * reaches the listener. In order: the user's last recognised word ends (`speechEnd`, the engine's own
 * estimate; null without words) → the VAD's silence (`silence`, the user_stop decision) → the
 * predictor's commit (`commit`, take_turn: the "supervisor" signal) → the reply's first clause from the
 * dialogue model (`firstClause`) → the TTS's first audio (`firstAudio`) → the first sample handed to
 * the listener (`heard`). A speculative reply's clause and audio are often ready before the commit:
 * they count from the commit then (`speculative` says so).
 */
export interface TurnLatencyStages {
  readonly speechEnd: number | null;
  readonly silence: number | null;
  readonly commit: number;
  readonly firstClause: number | null;
  readonly firstAudio: number | null;
  readonly heard: number;
  readonly speculative: boolean;
}
