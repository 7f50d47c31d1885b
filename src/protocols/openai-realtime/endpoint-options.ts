/** Every tunable of the OpenAI Realtime endpoint, named, typed and defaulted in one place. */

export interface RealtimeEndpointOptions {
  /** Model name reported in session.created when the URL names none. */
  defaultModel: string;
  /** Voice reported when the client names none (the engine's own voice is what speaks). */
  defaultVoice: string;
  /**
   * The engine's backchannels ("uh huh" while the user pauses) have no Realtime equivalent:
   * 'response' sends each as a short response of its own (metadata.fullduplex_kind = 'backchannel'),
   * 'drop' keeps them off the wire.
   */
  backchannels: 'response' | 'drop';
  /** Items kept for retrieve / truncate / delete; the oldest are forgotten beyond this. */
  maxItems: number;
  /** input_audio_buffer.commit needs at least this much uncommitted audio, ms (as OpenAI's API). */
  minCommitMs: number;
  /** A response asked for with response.create fails if the engine has not taken a turn by then, ms. */
  responseStartTimeoutMs: number;
  /** Tolerance when checking truncate's audio_end_ms against the audio sent, ms (rounding). */
  truncateSlackMs: number;
}

export const defaultRealtimeEndpointOptions: Readonly<RealtimeEndpointOptions> = Object.freeze({
  defaultModel: 'fullduplex',
  defaultVoice: 'fullduplex',
  backchannels: 'response',
  maxItems: 1000,
  minCommitMs: 100,
  responseStartTimeoutMs: 5000,
  truncateSlackMs: 1,
});

/** Error codes beyond the parser's (OpenAI publishes no fixed list; these follow the API's own spelling). */
export const ENDPOINT_ERROR_CODES = {
  commitEmpty: 'input_audio_buffer_commit_empty',
  activeResponse: 'conversation_already_has_active_response',
  itemNotFound: 'item_not_found',
  truncateTooLong: 'invalid_value',
  unsupported: 'unsupported',
  inputOverflow: 'input_audio_buffer_overflow',
  sessionExpired: 'session_expired',
  engine: 'engine_error',
} as const;
