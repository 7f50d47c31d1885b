/** What a ConversationSession is made of and how it behaves: its components, clock and options. */
import type { Clock } from '../audio/clock.js';
import type { DialogueModel } from '../dialogue/types.js';
import type { AsrEngine, TtsEngine, VoiceActivityDetector } from '../speech/types.js';
import type { ComputeCostModel, ComputeTime } from './compute-time.js';
import type { OutputUtterance } from './control.js';
import type { EngineEvent } from './events.js';
import type { PredictorOverrides, ToolOptions } from './options.js';
import type { SessionTools } from './tools.js';
import type { ReplyOptions } from './reply.js';

export interface SessionOptions {
  clock: Clock;
  vad: VoiceActivityDetector;
  asr: AsrEngine;
  tts: TtsEngine;
  dialogue: DialogueModel;
  voice?: string;
  predictor?: PredictorOverrides;
  reply?: Partial<ReplyOptions>;
  /** Functions the agent may call (replies wait for the commit before any call runs). */
  tools?: SessionTools;
  /** Filler threshold, time-out and rounds around tool calls (options.ts). */
  toolOptions?: Partial<ToolOptions>;
  /** On a VirtualClock, how component work is charged to session time (compute-time.ts); default 'modelled'. */
  computeTime?: ComputeTime;
  /** Overrides of the modelled component costs (computeTime 'modelled'). */
  computeCosts?: Partial<ComputeCostModel>;
  /** Audio kept before detected speech onset and handed to the recogniser with it, ms. */
  prerollMs?: number;
  /** A user turn longer than this is recognised in pieces (keeps the decoder's work per chunk bounded), s. */
  maxAsrSegmentS?: number;
  /**
   * Listen without ever answering: the predictor still reads every window (its decisions and its
   * end-of-turn estimates stay observable), but no reply, speculation or backchannel is started.
   * The end-of-turn model's training and the benchmark's end-of-turn probe use it. 'turns': the same,
   * but a turn taken is over (the predictor and the recogniser move on to the next, unanswered), so a
   * recording of several turns is heard as a conversation.
   */
  listenOnly?: boolean | 'turns';
  /**
   * When playback happens downstream of `pullAudio` (a client's jitter buffer that is flushed on
   * barge-in), how many of an utterance's pulled samples the listener actually heard. A barge-in then
   * commits only those words to the history. Unset: everything pulled counts as heard.
   */
  heardSamples?: (u: OutputUtterance) => number;
  onEvent?: (e: EngineEvent) => void;
  now?: () => Date;
  /**
   * Components the session was handed to own (whoever creates a component closes it: a caller that
   * creates components for this session alone passes them here): close() closes them, after its own work.
   */
  owned?: readonly { close?(): Promise<void> | void }[];
}
