/**
 * The fully local engine: Silero VAD, pocketsphinx, flite and the embedded dialogue model (or any
 * OpenAI-compatible server), wired into a ConversationSession on the given clock.
 */
import type { Clock } from '../audio/clock.js';
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
  computeTime?: 'measured' | 'none';
  onEvent?: (e: EngineEvent) => void;
  now?: () => Date;
  /** Observe without answering (see SessionOptions.listenOnly). */
  listenOnly?: boolean;
  /** Share heavy components between sessions (the server does). */
  shared?: { asr?: AsrEngine; tts?: TtsEngine };
}

export function makeDialogue(d: LocalEngineOptions['dialogue']): DialogueModel {
  if (d === undefined || d === 'embedded') return new EmbeddedDialogueModel();
  if ('reply' in d) return d;
  return new OpenAiCompatibleModel({
    ...(d.baseUrl ? { baseUrl: d.baseUrl } : {}),
    ...(d.model ? { model: d.model } : {}),
    ...(d.apiKey ? { apiKey: d.apiKey } : {}),
  });
}

export async function createLocalSession(clock: Clock, o: LocalEngineOptions = {}): Promise<ConversationSession> {
  const vad = await SileroVad.create();
  return ConversationSession.create({
    clock,
    vad,
    asr: o.shared?.asr ?? new PocketsphinxAsr(),
    tts: o.shared?.tts ?? new FliteTts(),
    dialogue: makeDialogue(o.dialogue),
    voice: o.voice,
    predictor: { ...o.predictor, ...(o.eagerness ? { eagerness: o.eagerness } : {}) },
    reply: o.reply,
    computeTime: o.computeTime,
    ...(o.listenOnly && { listenOnly: true }),
    onEvent: o.onEvent,
    now: o.now,
  });
}
