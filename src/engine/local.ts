/**
 * The fully local engine: Silero VAD, pocketsphinx, flite and the embedded dialogue model (or any
 * OpenAI-compatible server), wired into a ConversationSession on the given clock.
 */
import { VirtualClock, type Clock } from '../audio/clock.js';
import { EmbeddedDialogueModel } from '../dialogue/embedded.js';
import { OpenAiCompatibleModel } from '../dialogue/openai-compatible.js';
import type { DialogueModel } from '../dialogue/types.js';
import { PocketsphinxAsr } from '../speech/asr/pocketsphinx.js';
import { FliteTts } from '../speech/tts/flite.js';
import { SileroVad } from '../speech/vad/silero.js';
import type { AsrEngine, TtsEngine } from '../speech/types.js';
import type { EngineEvent } from './events.js';
import type { Eagerness, PredictorOverrides } from './options.js';
import type { ReplyOptions } from './reply.js';
import { ConversationSession } from './session.js';
import { MODELLED_START_DATE, type ComputeCostModel, type ComputeTime } from './compute-time.js';

export interface LlmOptions {
  baseUrl?: string;
  model?: string;
  apiKey?: string;
}

export interface LocalEngineOptions {
  voice?: string;
  eagerness?: Eagerness;
  predictor?: PredictorOverrides;
  reply?: Partial<ReplyOptions>;
  /** 'embedded' (default), an OpenAI-compatible endpoint, or any DialogueModel. */
  dialogue?: 'embedded' | LlmOptions | DialogueModel;
  /** On a virtual clock: modelled (default, repeatable), measured or no compute time (compute-time.ts). */
  computeTime?: ComputeTime;
  computeCosts?: Partial<ComputeCostModel>;
  onEvent?: (e: EngineEvent) => void;
  now?: () => Date;
  /** Observe without answering (see SessionOptions.listenOnly). */
  listenOnly?: boolean;
  /** Share heavy components between sessions (the server does). */
  shared?: { asr?: AsrEngine; tts?: TtsEngine };
}

export function makeDialogue(d: LocalEngineOptions['dialogue'], embedded: { timeZone?: string } = {}): DialogueModel {
  if (d === undefined || d === 'embedded') return new EmbeddedDialogueModel(embedded);
  if ('reply' in d) return d;
  return new OpenAiCompatibleModel({
    ...(d.baseUrl ? { baseUrl: d.baseUrl } : {}),
    ...(d.model ? { model: d.model } : {}),
    ...(d.apiKey ? { apiKey: d.apiKey } : {}),
  });
}

export async function createLocalSession(clock: Clock, o: LocalEngineOptions = {}): Promise<ConversationSession> {
  const vad = await SileroVad.create();
  // Modelled time must repeat exactly, words included: the date and time zone are fixed too.
  const modelled = clock instanceof VirtualClock && (o.computeTime ?? 'modelled') === 'modelled';
  const start = Date.parse(MODELLED_START_DATE);
  const now = o.now ?? (modelled ? () => new Date(start + clock.now() * 1000) : undefined);
  return ConversationSession.create({
    clock,
    vad,
    asr: o.shared?.asr ?? new PocketsphinxAsr(),
    tts: o.shared?.tts ?? new FliteTts(),
    dialogue: makeDialogue(o.dialogue, modelled ? { timeZone: 'UTC' } : {}),
    voice: o.voice,
    predictor: { ...o.predictor, ...(o.eagerness ? { eagerness: o.eagerness } : {}) },
    reply: o.reply,
    computeTime: o.computeTime,
    ...(o.listenOnly && { listenOnly: true }),
    ...(o.computeCosts && { computeCosts: o.computeCosts }),
    onEvent: o.onEvent,
    now,
  });
}
