/**
 * Every tunable of the benchmark runner and scorer, named and defaulted in one place.
 */
import type { PocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';
import type { SpeechTimestampOptions } from './speech-timestamps.js';

/**
 * VAD used for scoring (output segments, input segments for the backchannel reference, v1.5 timing):
 * Silero v5 with get_speech_timestamps' rules (bench/runner/speech-timestamps.ts) and upstream's
 * settings (benchmarks.md: threshold 0.5, min speech 250 ms, min silence 100 ms; Silero's defaults
 * for the rest: end threshold = threshold − 0.15, 30 ms padding). Consequences worth knowing: a
 * backchannel shorter than ~0.25 s above threshold is not speech to this VAD; an agent that stops
 * abruptly is measured ~30 ms late (the pad), one whose voice decays ~0.1 s late (Silero's lag).
 */
export const SCORING_VAD: SpeechTimestampOptions = {
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 100,
  speechPadMs: 30,
};

/**
 * ASR for the words of the output: pocketsphinx's batch transcription (a fresh decoder per piece,
 * normalised over the whole piece). With it, widening the search (8000 or 30000 HMMs per frame
 * instead of the engine's 2000) changed the word error rate on the agent's speech by under half a
 * point while costing 35–50 % more time, so the engine's search settings are used.
 */
export const SCORING_ASR: Partial<PocketsphinxOptions> = {};

/** The modelled listeners of the backchannel reference (backchannel-reference.ts explains the model). */
export const BACKCHANNEL_REFERENCE = {
  /** Onsets relative to a phrase boundary: a discrete spread around the human median of +0.14 s, s. */
  onsetOffsetsS: [-0.2, 0, 0.14, 0.3, 0.5],
  /** Length of one reference backchannel (an "uh-huh"), s. */
  durationS: 0.4,
} as const;

export const TRANSCRIPTION = {
  /** Output speech regions closer than this are transcribed as one utterance, s. */
  joinGapS: 0.3,
  /** Audio kept on either side of a region so the first and last phonemes are whole, s. */
  padS: 0.15,
} as const;

export const SAMPLE_CHECKS = {
  /**
   * output.wav may differ from input.wav in length by at most this much (resamplers and codecs
   * round); more means the output is not time-synchronous and the sample is skipped, s.
   */
  lengthToleranceS: 0.05,
} as const;

export const REALTIME = {
  /** Scheduling lead before the first window, so the first deadline is not already late, ms. */
  startLeadMs: 50,
  /** A window handled this late (behind its deadline) counts as late in the run's info, ms. */
  lateAfterMs: 32,
} as const;

export const LOCAL_TARGET = {
  /** Wall-clock limit on closing an engine session after a sample (a hung close must not stop the run), ms. */
  closeTimeoutMs: 1500,
} as const;

export const RESULTS = {
  /** Where `npm run bench` saves runs (git-ignored). */
  runsDir: 'bench/results/runs',
} as const;
