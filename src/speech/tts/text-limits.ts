import { FullduplexError } from '../../errors.js';

/** Longest text one synthesis call accepts; callers speak longer replies clause by clause. */
export const MAX_TTS_TEXT_CHARS = 4000;

/** Reject text no engine should be asked to speak, with a message that says why. */
export function validateTtsText(text: unknown, engine: string): string {
  if (typeof text !== 'string') throw new FullduplexError('BAD_TEXT', `${engine}: text must be a string`);
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new FullduplexError('BAD_TEXT', `${engine}: text is empty`);
  if (trimmed.length > MAX_TTS_TEXT_CHARS) {
    throw new FullduplexError(
      'BAD_TEXT',
      `${engine}: text is ${trimmed.length} characters; the limit for one synthesis is ${MAX_TTS_TEXT_CHARS} (split it into clauses)`,
    );
  }
  return trimmed;
}
