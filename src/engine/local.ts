/**
 * The fully local engine: Silero VAD, pocketsphinx, flite and the embedded dialogue model (or any
 * OpenAI-compatible server), wired into a ConversationSession on the given clock. What this creates for
 * the session (the VAD, and the ASR, TTS and dialogue model unless the caller passes its own) the
 * session owns and closes; what the caller passes stays the caller's.
 */
import { VirtualClock, type Clock } from '../audio/clock.js';
import { EmbeddedDialogueModel } from '../dialogue/embedded.js';
import { OpenAiCompatibleModel } from '../dialogue/openai-compatible.js';
import type { DialogueModel } from '../dialogue/types.js';
import type { FullduplexError } from '../errors.js';
import { createAsr, createTts, createVad, resolveSpeechBackends, withSpeechServers, type SpeechChoice } from '../speech/registry.js';
import type { SpeechServers } from '../speech/servers/options.js';
import type { AsrEngine, TtsEngine } from '../speech/types.js';
import type { EngineEvent } from './events.js';
import type { Eagerness, PredictorOverrides, ToolOptions } from './options.js';
import { checkTools, toolsWithHandlers, type SessionTools, type ToolDefinition } from './tools.js';
import type { ToolChoice } from '../dialogue/types.js';
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
  /** Share heavy components between sessions (the server does); the caller keeps owning them. */
  shared?: { asr?: AsrEngine; tts?: TtsEngine };
  /** Which speech backends to create (src/speech/registry.ts); default Silero, pocketsphinx, flite. */
  speech?: SpeechChoice;
  /**
   * An OpenAI-compatible speech-to-text server (Whisper, Parakeet) whose text the dialogue answers;
   * pocketsphinx keeps the streaming partials and word timing the predictor reads (speech.asr
   * 'openai-stt'; settings: src/speech/servers/options.ts).
   */
  sttServer?: SpeechServers['stt'];
  /** An OpenAI-compatible text-to-speech server (Kokoro) as the agent's voice, flite when it fails (speech.tts 'openai-tts'). */
  ttsServer?: SpeechServers['tts'];
  /**
   * Functions the agent may call, each with its handler (may be async; a throw or a time-out becomes
   * an error result the model hears, never a crash). Or a SessionTools whose calls the application
   * answers with `session.submitToolResult` after each `tool_call` event. Needs a model that can call
   * tools (an OpenAI-compatible one); the embedded model says it cannot.
   */
  tools?: readonly ToolDefinition[] | SessionTools;
  toolChoice?: ToolChoice;
  /** Filler threshold, time-out and rounds around tool calls (options.ts ToolOptions). */
  toolOptions?: Partial<ToolOptions>;
}

/** The `tools` option as the session takes it. */
export function resolveTools(tools: LocalEngineOptions['tools'], choice?: ToolChoice): SessionTools | undefined {
  if (tools === undefined) return undefined;
  const t = Array.isArray(tools) ? toolsWithHandlers(tools as readonly ToolDefinition[], choice) : { ...(tools as SessionTools), ...(choice !== undefined && { choice }) };
  checkTools(t);
  return t;
}

/**
 * The dialogue model a choice names: the embedded one, an OpenAI-compatible server (reporting its
 * failures to `onError`: it speaks an apology for them), or a DialogueModel passed as it is.
 */
export function makeDialogue(
  d: LocalEngineOptions['dialogue'],
  embedded: { timeZone?: string } = {},
  onError?: (e: FullduplexError) => void,
): DialogueModel {
  if (d === undefined || d === 'embedded') return new EmbeddedDialogueModel(embedded);
  if ('reply' in d) return d;
  return new OpenAiCompatibleModel({
    ...(d.baseUrl ? { baseUrl: d.baseUrl } : {}),
    ...(d.model ? { model: d.model } : {}),
    ...(d.apiKey ? { apiKey: d.apiKey } : {}),
    ...(onError ? { onError } : {}),
  });
}

export async function createLocalSession(clock: Clock, o: LocalEngineOptions = {}): Promise<ConversationSession> {
  const backends = resolveSpeechBackends(withSpeechServers(o.speech, { ...(o.sttServer && { stt: o.sttServer }), ...(o.ttsServer && { tts: o.ttsServer }) }));
  // Modelled time must repeat exactly, words included: the date and time zone are fixed too.
  const modelled = clock instanceof VirtualClock && (o.computeTime ?? 'modelled') === 'modelled';
  const start = Date.parse(MODELLED_START_DATE);
  const now = o.now ?? (modelled ? () => new Date(start + clock.now() * 1000) : undefined);
  const passedDialogue = typeof o.dialogue === 'object' && 'reply' in o.dialogue;
  const tools = resolveTools(o.tools, o.toolChoice);
  const owned: { close?(): Promise<void> | void }[] = [];
  const own = <T extends { close?(): Promise<void> | void }>(c: T): T => (owned.push(c), c);
  try {
    const vad = own(await createVad(backends.vad));
    const asr = o.shared?.asr ?? own(createAsr(backends.asr, backends.servers));
    const tts = o.shared?.tts ?? own(createTts(backends.tts, backends.servers));
    const dialogue = makeDialogue(o.dialogue, modelled ? { timeZone: 'UTC' } : {});
    if (!passedDialogue) own(dialogue);
    return await ConversationSession.create({
      clock,
      vad,
      asr,
      tts,
      dialogue,
      voice: o.voice,
      predictor: { ...o.predictor, ...(o.eagerness ? { eagerness: o.eagerness } : {}) },
      reply: o.reply,
      ...(tools && { tools }),
      ...(o.toolOptions && { toolOptions: o.toolOptions }),
      computeTime: o.computeTime,
      ...(o.listenOnly && { listenOnly: true }),
      ...(o.computeCosts && { computeCosts: o.computeCosts }),
      onEvent: o.onEvent,
      now,
      owned,
    });
  } catch (e) {
    // No session to own them: close what was made for it.
    await Promise.allSettled(owned.map(async (c) => c.close?.()));
    throw e;
  }
}
