/** The dialogue layer: one streaming, cancellable interface over the embedded and LLM models. */
export type { DialogueMessage, DialogueModel, DialogueRequest } from './types.js';
export { lastUserText } from './types.js';
export { CLAUSE_DEFAULTS, ClauseSplitter, clausesOf, type ClauseSplitterOptions } from './clauses.js';
export * from './catalog.js';
export { EMBEDDED_DEFAULTS, EmbeddedDialogueModel, type EmbeddedDialogueOptions } from './embedded.js';
export {
  OPENAI_COMPATIBLE_DEFAULTS,
  OpenAiCompatibleModel,
  resolveOpenAiOptions,
  toChatMessages,
  type ChatMessage,
  type OpenAiCompatibleOptions,
} from './openai-compatible.js';
export { SseParser, type SseEvent } from './sse.js';
export { durationWords, numberWords, ordinalWords, speakable, timeWords, yearWords } from './spoken.js';
export { normalizeWords } from './text-match.js';
