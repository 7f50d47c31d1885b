/**
 * One error type for the whole project. Every failure a caller can act on carries a stable `code`
 * so that sessions, protocols and the CLI can report it without parsing messages.
 */
export type ErrorCode =
  | 'BAD_SAMPLE_RATE' // audio at a rate the component does not accept
  | 'BAD_AUDIO' // odd byte count, wrong type, NaN samples, empty where audio is required
  | 'BAD_TEXT' // empty or oversized text
  | 'BAD_ARGUMENT' // any other invalid option or parameter
  | 'BAD_FILE' // unreadable or malformed file (e.g. a WAV that is not PCM16)
  | 'MODEL_MISSING' // a model file or voice is not installed
  | 'NATIVE_ADDON_MISSING' // the N-API addon was not built
  | 'COMPONENT_FAILED' // a component threw or returned an error
  | 'TIMEOUT' // a component did not answer in time
  | 'CANCELLED'; // the operation was cancelled on purpose

export class FullduplexError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FullduplexError';
    this.code = code;
  }
}

export function isFullduplexError(e: unknown, code?: ErrorCode): e is FullduplexError {
  return e instanceof FullduplexError && (code === undefined || e.code === code);
}

/** Turn anything thrown into a FullduplexError, keeping the original as `cause`. */
export function toFullduplexError(e: unknown, code: ErrorCode = 'COMPONENT_FAILED'): FullduplexError {
  if (e instanceof FullduplexError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new FullduplexError(code, message, { cause: e });
}
