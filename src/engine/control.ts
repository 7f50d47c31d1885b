/**
 * The types of the session's control API (session.ts): read-only views of the engine state an
 * application may look at, and the arguments of the calls that change it. The session is the only
 * writer of its predictor, output and history; everything outside sees them through these views.
 */
import type { AgentOutput, AgentUtterance } from './agent-output.js';
import type { BargeInPolicy } from './barge-in/policy.js';
import type { PredictorOptions } from './options.js';
import type { DuplexPredictor } from './predictor.js';

export type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** The turn-taking state, read-only (session.updateOptions, holdTurns and takeTurnNow change it). */
export type PredictorView = Readonly<
  Pick<DuplexPredictor, 'userSpeaking' | 'voiceActive' | 'inTurn' | 'segmentMs' | 'pauseMs' | 'otherVoiceInPause' | 'usualUserLevelDb' | 'turnEnd' | 'turnEndFeatures' | 'turnsHeld' | 'turnRequested' | 'userPauses'>
> & {
  readonly options: DeepReadonly<PredictorOptions>;
  /** An observer hook, not state: studies record every window's evidence and decisions through it. */
  onWindow: DuplexPredictor['onWindow'];
  /** An observer hook, not state: the barge-in trainer records every reading of the model through it. */
  readonly bargeIn: Pick<BargeInPolicy, 'onReading'>;
};

/** One agent utterance, read-only: its words, how much of it has been played, what of it was heard. */
export type OutputUtterance = Readonly<Pick<AgentUtterance, 'kind' | 'sampleRate' | 'played' | 'firstPlayedAt' | 'fullText' | 'isDone' | 'isFinished' | 'hasAudio' | 'heardText'>>;

/** The agent's speaker, read-only (session.cancelReply stops it; pullAudio plays it). */
export interface OutputView {
  readonly utterance: OutputUtterance | undefined;
  readonly isPaused: boolean;
  /** The current utterance's first sample has been played. */
  readonly audible: boolean;
}

/** Proof that AgentOutput satisfies the view (a compile-time check, no code). */
export type _OutputIsView = AgentOutput extends OutputView ? true : never;

export interface CancelReplyOptions {
  /** Samples of the current utterance the listener heard (default: SessionOptions.heardSamples, else all played). */
  heardSamples?: number;
  /** Why, for the timeline (e.g. "client_cancelled"). */
  reason?: string;
}
