/**
 * The duplex predictor's non-VAD evidence: small pure modules, each cheap enough to run every 32 ms
 * window (completeness runs when the partial transcript changes).
 */
export { PitchTracker, defaultPitchTrackerOptions, SILENCE_DB, PitchContour, defaultPitchContourOptions } from './pitch.js';
export type { PitchTrackerOptions, PitchEstimate, PitchContourOptions, FinalStretch, FinalShape } from './pitch.js';
export { assessCompleteness, CompletenessAssessor, defaultCompletenessOptions } from './completeness.js';
export type {
  CompletenessContext,
  CompletenessOptions,
  CompletenessOverrides,
  CompletenessResult,
  CompletenessScores,
  CompletenessVerdict,
} from './completeness.js';
export { isBackchannelText, isBackchannelTokens, defaultBackchannelOptions } from './backchannel.js';
export type { BackchannelOptions } from './backchannel.js';
export { EchoReference, defaultEchoReferenceOptions } from './echo.js';
export type { EchoReferenceOptions } from './echo.js';
export { LevelTracker, defaultLevelTrackerOptions } from './level.js';
export type { LevelTrackerOptions } from './level.js';
export { normalizeTranscript } from './text.js';
export { VoiceFeatures, VoiceStats, voiceDistance, voiceFeatureCount, defaultVoiceFeatureOptions } from './voice-profile.js';
export type { VoiceFeatureOptions } from './voice-profile.js';
