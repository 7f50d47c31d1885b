/** Library API. */
export * from './errors.js';
export * from './audio/frame.js';
export * from './speech/types.js';
export { SileroVad, sileroModelPath } from './speech/vad/silero.js';
export { SpeechSegmenter, detectSpeechSegments, defaultSegmenterOptions } from './speech/vad/segmenter.js';
export type { SegmenterOptions, Segment, SegmenterEvent } from './speech/vad/segmenter.js';
export { PocketsphinxAsr, defaultPocketsphinxOptions } from './speech/asr/pocketsphinx.js';
export { FliteTts, FLITE_VOICES } from './speech/tts/flite.js';
export { EspeakTts, defaultEspeakOptions } from './speech/tts/espeak.js';
export { TtsTextStream } from './speech/tts/text-stream.js';
