/**
 * The duplex predictor's vocabulary: the evidence it reads every window and the decisions it returns
 * (predictor.ts). Kept apart so the session, the policies and the timeline share the types without
 * the decision logic.
 */
import type { CompletenessResult } from './evidence/completeness.js';
import type { FinalShape, FinalStretch } from './evidence/pitch.js';
import type { WordTiming } from '../speech/types.js';

/** What the agent is doing, as the session reports it. */
export type AgentActivity = 'idle' | 'speaking' | 'paused' | 'backchannel';

export interface WindowEvidence {
  /** Session time at the end of the window, seconds. */
  readonly t: number;
  readonly windowMs: number;
  readonly vadProbability: number;
  /** Window energy, dBFS. */
  readonly levelDb: number;
  /** How much of the window the agent's own playback explains (0 when the agent is silent). */
  readonly echoLikelihood: number;
  /** Words recognised so far in the user's current turn (or in the current overlap). */
  readonly transcript: string;
  readonly completeness: CompletenessResult;
  /** The turn announced itself as a telling ("let me tell you…"): sentence ends are not turn ends. */
  readonly narrative: boolean;
  /** Shape of the pitch over the last voiced stretch, once the user has paused. */
  readonly pitchShape: FinalShape | undefined;
  /** The last voiced stretch itself (pitch and energy slopes), once the user has paused. */
  readonly finalStretch?: FinalStretch | null;
  /** The turn's recognised words with timing and confidence (segment finals). */
  readonly words?: readonly WordTiming[];
  /** The agent's last turn asked a question. */
  readonly agentAskedQuestion?: boolean;
  readonly agent: AgentActivity;
  /**
   * Voice features of the window (evidence/voice-profile.ts), null when unvoiced; absent when the
   * caller computes none (attention then judges by level alone). Read during `update` only.
   */
  readonly voice?: Float64Array | null;
}

export type Action =
  | 'user_start' // attended user speech began
  | 'user_stop' // it stopped (a pause; the turn may go on)
  | 'hold' // the user paused but the turn is not over
  | 'speculate' // start generating a reply in the background
  | 'discard_speculation' // the user went on: drop the speculative reply
  | 'take_turn' // the user's turn is over: answer
  | 'backchannel' // say "mm hmm" without taking the turn
  | 'ignore' // speech not addressed to the agent (side talk, background, echo)
  | 'yield' // pause the agent's output at once: possible barge-in
  | 'cancel' // barge-in confirmed: drop the rest of the agent's turn
  | 'resume' // false alarm: continue the paused output
  | 'keep_talking'; // speech over the agent that is not a barge-in

export interface Decision {
  readonly action: Action;
  readonly reason: string;
}
