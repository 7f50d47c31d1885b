/**
 * The Realtime session configuration as the endpoint keeps it: always GA-shaped, merged field by field
 * from `session.update`, and read back as what the engine should do (audio formats, turn detection
 * mapped onto the duplex predictor, transcription on or off, output modality).
 */
import { FullduplexError } from '../../errors.js';
import type { Eagerness, PredictorOverrides } from '../../engine/options.js';
import { lookupAudioFormat, sessionToGa, AUDIO_FORMATS } from './dialects.js';
import { isPlainObject } from './fields.js';
import type { BetaSessionConfig, RealtimeSessionConfig, SemanticVad, ServerVad, TurnDetection } from './types.js';

/** OpenAI's documented server_vad defaults, applied to fields a client leaves out. */
export const SERVER_VAD_DEFAULTS = { threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 } as const;

/** The engine decides turns semantically, so that is what a session starts with. */
export const DEFAULT_TURN_DETECTION: SemanticVad = { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true };

/** The name the transcription model is reported under (the engine's own recogniser does the work). */
export const TRANSCRIPTION_MODEL = 'fullduplex-asr';

/** How far below the start threshold speech must fall to count as ended (the engine's hysteresis). */
const END_PROBABILITY_GAP = 0.15;

export type AudioFormatRow = (typeof AUDIO_FORMATS)[number];

/** What the endpoint does with turns, read from `audio.input.turn_detection`. */
export interface TurnSettings {
  /** null: the client commits and asks for responses; no speech events, no barge-in. */
  readonly mode: 'server_vad' | 'semantic_vad' | null;
  /** The engine answers by itself when the user's turn ends. */
  readonly createResponse: boolean;
  /** User speech over the agent may cancel the response. */
  readonly interruptResponse: boolean;
  /** Predictor overrides that express the settings (applied on top of the endpoint's base overrides). */
  readonly predictor: PredictorOverrides;
}

export function defaultSessionConfig(id: string, model: string, voice: string): RealtimeSessionConfig {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    instructions: '',
    output_modalities: ['audio'],
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: TRANSCRIPTION_MODEL }, noise_reduction: null, turn_detection: { ...DEFAULT_TURN_DETECTION } },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice, speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
  };
}

export class RealtimeSessionState {
  constructor(private config: RealtimeSessionConfig) {}

  get current(): RealtimeSessionConfig {
    return this.config;
  }

  /**
   * Merge a (validated) `session.update` payload of either dialect. Nested audio objects merge field by
   * field, so updating the voice keeps the formats; a `turn_detection` object replaces the old one.
   * Throws BAD_ARGUMENT for what the endpoint cannot do (a transcription-only session).
   */
  update(session: RealtimeSessionConfig | BetaSessionConfig): void {
    const ga = sessionToGa(session);
    if (ga.type === 'transcription') throw new FullduplexError('BAD_ARGUMENT', "transcription sessions are not supported; use session.type 'realtime'");
    const next: RealtimeSessionConfig = { ...this.config };
    for (const [k, v] of Object.entries(ga)) {
      if (k === 'audio' || k === 'id' || k === 'object' || v === undefined) continue;
      next[k] = v;
    }
    const audio = ga.audio;
    if (isPlainObject(audio)) {
      const input = isPlainObject(audio.input) ? { ...this.config.audio?.input, ...audio.input } : this.config.audio?.input;
      const output = isPlainObject(audio.output) ? { ...this.config.audio?.output, ...audio.output } : this.config.audio?.output;
      if (input && isPlainObject(input.turn_detection)) input.turn_detection = withTurnDefaults(input.turn_detection as NonNullable<TurnDetection>);
      next.audio = { ...(input ? { input } : {}), ...(output ? { output } : {}) };
    }
    this.config = next;
  }

  get inputFormat(): AudioFormatRow {
    return lookupAudioFormat(this.config.audio?.input?.format) ?? AUDIO_FORMATS[0]!;
  }

  get outputFormat(): AudioFormatRow {
    return lookupAudioFormat(this.config.audio?.output?.format) ?? AUDIO_FORMATS[0]!;
  }

  get instructions(): string {
    return typeof this.config.instructions === 'string' ? this.config.instructions : '';
  }

  /** Input transcription events are sent unless the client turned transcription off (null). */
  get transcribeInput(): boolean {
    return this.config.audio?.input?.transcription !== null;
  }

  /** 'text' when the client asked for text only; audio responses carry their transcript. */
  get textOnly(): boolean {
    const m = this.config.output_modalities;
    return Array.isArray(m) && m.length > 0 && !m.includes('audio');
  }

  get turns(): TurnSettings {
    return turnSettings(this.config.audio?.input?.turn_detection);
  }
}

/** A turn_detection object with OpenAI's defaults filled in, as session.updated reports it. */
export function withTurnDefaults(td: NonNullable<TurnDetection>): NonNullable<TurnDetection> {
  if (td.type === 'server_vad') return { ...SERVER_VAD_DEFAULTS, create_response: true, interrupt_response: true, idle_timeout_ms: null, ...td } as ServerVad;
  return { eagerness: 'auto', create_response: true, interrupt_response: true, ...td } as SemanticVad;
}

/** Map OpenAI's eagerness onto the predictor's (auto is the engine's own default). */
export function eagernessOf(e: SemanticVad['eagerness']): Eagerness {
  return e === 'low' || e === 'high' ? e : 'medium';
}

/**
 * Turn detection as predictor overrides. server_vad means "silence of this long ends the turn, whatever
 * was said": every end-of-turn wait becomes silence_duration_ms and the start threshold becomes the
 * VAD's. semantic_vad keeps the predictor's word- and prosody-aware waits, scaled by eagerness.
 */
export function turnSettings(td: TurnDetection | undefined): TurnSettings {
  if (td === null) {
    return { mode: null, createResponse: false, interruptResponse: false, predictor: { backchannel: { enabled: false }, bargeIn: NO_BARGE_IN } };
  }
  const t = withTurnDefaults(td ?? DEFAULT_TURN_DETECTION);
  const createResponse = t.create_response !== false;
  const interruptResponse = t.interrupt_response !== false;
  const predictor: PredictorOverrides = interruptResponse ? {} : { bargeIn: NO_BARGE_IN };
  if (t.type === 'semantic_vad') return { mode: 'semantic_vad', createResponse, interruptResponse, predictor: { ...predictor, eagerness: eagernessOf(t.eagerness) } };
  const silence = clampNumber(t.silence_duration_ms, 0, 10_000, SERVER_VAD_DEFAULTS.silence_duration_ms);
  const threshold = clampNumber(t.threshold, 0.01, 0.99, SERVER_VAD_DEFAULTS.threshold);
  return {
    mode: 'server_vad',
    createResponse,
    interruptResponse,
    predictor: {
      ...predictor,
      listening: { startProbability: threshold, endProbability: Math.max(0.01, threshold - END_PROBABILITY_GAP) },
      // server_vad is a silence timer: the hand-set waits, all set to the client's silence.
      endOfTurn: { policy: 'rules', commitStrongMs: silence, commitCompleteMs: silence, commitUnsureMs: silence, commitIncompleteMs: silence, commitNarrativeMs: silence },
      maxHoldMs: silence,
    },
  };
}

/** Barge-in switched off: overlapping speech never pauses or cancels the agent. */
const NO_BARGE_IN = { yieldAfterMs: Infinity, confirmAfterMs: Infinity, confirmWords: Infinity, singleWordConfirmMs: Infinity } as const;

function clampNumber(v: unknown, lo: number, hi: number, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
}
