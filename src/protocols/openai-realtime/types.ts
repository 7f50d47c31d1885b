/**
 * Shapes shared by OpenAI Realtime client and server events (research/protocols.md §2). Only the fields
 * this project reads or writes are spelled out; every object keeps an index signature because the API
 * grows and a compatible server must pass through what it does not understand.
 */

/** GA audio formats. PCM is 16-bit little-endian mono; G.711 is 8 kHz. */
export type RealtimeAudioFormat = { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };
/** Beta audio format strings. */
export type BetaAudioFormat = 'pcm16' | 'g711_ulaw' | 'g711_alaw';

export interface ServerVad {
  type: 'server_vad';
  threshold?: number;
  prefix_padding_ms?: number;
  silence_duration_ms?: number;
  create_response?: boolean;
  interrupt_response?: boolean;
  idle_timeout_ms?: number | null;
}

export interface SemanticVad {
  type: 'semantic_vad';
  eagerness?: 'low' | 'medium' | 'high' | 'auto';
  create_response?: boolean;
  interrupt_response?: boolean;
}

/** null: no detection; the client commits the buffer and asks for a response itself. */
export type TurnDetection = ServerVad | SemanticVad | null;

export interface InputTranscriptionConfig {
  model?: string;
  language?: string;
  prompt?: string;
  [key: string]: unknown;
}

/** GA session configuration (`session.update.session`, `session.created.session`). */
export interface RealtimeSessionConfig {
  type?: 'realtime' | 'transcription';
  id?: string;
  object?: string;
  model?: string;
  instructions?: string;
  output_modalities?: ('text' | 'audio')[];
  audio?: {
    input?: {
      format?: RealtimeAudioFormat;
      transcription?: InputTranscriptionConfig | null;
      noise_reduction?: { type: 'near_field' | 'far_field' } | null;
      turn_detection?: TurnDetection;
      [key: string]: unknown;
    };
    output?: { format?: RealtimeAudioFormat; voice?: string; speed?: number; [key: string]: unknown };
  };
  tools?: unknown[];
  tool_choice?: unknown;
  temperature?: number;
  max_output_tokens?: number | 'inf';
  [key: string]: unknown;
}

/** Beta session configuration: flat audio fields, `modalities`, no `type`. */
export interface BetaSessionConfig {
  id?: string;
  object?: string;
  model?: string;
  instructions?: string;
  modalities?: ('text' | 'audio')[];
  input_audio_format?: BetaAudioFormat;
  output_audio_format?: BetaAudioFormat;
  voice?: string;
  speed?: number;
  turn_detection?: TurnDetection;
  input_audio_transcription?: InputTranscriptionConfig | null;
  input_audio_noise_reduction?: { type: 'near_field' | 'far_field' } | null;
  tools?: unknown[];
  tool_choice?: unknown;
  temperature?: number;
  max_response_output_tokens?: number | 'inf';
  [key: string]: unknown;
}

/** Content parts; GA names assistant parts output_text/output_audio where the beta said text/audio. */
export interface ContentPart {
  type: 'input_text' | 'input_audio' | 'output_text' | 'output_audio' | 'text' | 'audio' | 'item_reference';
  text?: string;
  audio?: string;
  transcript?: string | null;
  [key: string]: unknown;
}

export interface ConversationItem {
  id?: string;
  object?: 'realtime.item';
  type: 'message' | 'function_call' | 'function_call_output' | string;
  status?: 'completed' | 'incomplete' | 'in_progress';
  role?: 'user' | 'assistant' | 'system';
  content?: ContentPart[];
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: string;
  [key: string]: unknown;
}

export type ResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress';

export interface RealtimeResponse {
  id: string;
  object?: 'realtime.response';
  status: ResponseStatus;
  status_details?: {
    type?: ResponseStatus;
    /** cancelled: turn_detected | client_cancelled; incomplete: max_output_tokens | content_filter. */
    reason?: 'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter' | string;
    error?: { type?: string; code?: string } | null;
  } | null;
  output?: ConversationItem[];
  usage?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** `response.create.response`: per-response overrides. */
export interface ResponseConfig {
  instructions?: string;
  output_modalities?: ('text' | 'audio')[];
  modalities?: ('text' | 'audio')[];
  conversation?: 'auto' | 'none' | string;
  input?: ConversationItem[];
  metadata?: Record<string, string>;
  [key: string]: unknown;
}

/** The body of a protocol error (`error` server event). */
export interface RealtimeErrorDetail {
  type: 'invalid_request_error' | 'server_error' | string;
  code: string | null;
  message: string;
  param: string | null;
  /** The client event that caused it, when known. */
  event_id: string | null;
}
