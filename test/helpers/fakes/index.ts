/** Scripted fakes of every component kind, for fast deterministic orchestration tests. */
export { FakeVad, type FakeVadOptions, type SpeechSpan } from './vad.js';
export { FakeAsr, FakeAsrStream, type FakeAsrOptions, type ScriptedUtterance } from './asr.js';
export { FakeTts, type FakeTtsOptions } from './tts.js';
export { FakeDialogue, type FakeDialogueOptions, type ScriptedReply } from './dialogue.js';
