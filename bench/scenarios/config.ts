/**
 * Every tunable of scenario generation, named and defaulted in one place, and the two sets.
 * Levels are relative to the main user's speech level (speechLevelDbfs), times are seconds.
 */

export type SetName = 'quick' | 'full';

export const SCENARIO_VERSION = 3;

/** Which side of the voice split a sample's voices come from (see VOICE_SETS). */
export type VoiceSetName = 'tuning' | 'heldout';

export function isVoiceSetName(x: string): x is VoiceSetName {
  return x === 'tuning' || x === 'heldout';
}

export type VoiceEngine = 'flite' | 'festival' | 'espeak-ng';

/** A base voice: one engine's voice, and the person (or formant model) it was built from. */
export interface PoolVoice {
  readonly engine: VoiceEngine;
  /** The engine's own name for it (flite voice, Festival voice, espeak-ng `-v` voice+variant). */
  readonly voice: string;
  /**
   * The speaker behind it: flite's kal16 and Festival's kal_diphone are the same recorded man, flite's
   * slt and Festival's HTS slt the same woman (CMU ARCTIC), so they count as one base voice. An
   * espeak-ng variant (m3, f2, ...) is one base voice whatever the accent it is combined with.
   */
  readonly base: string;
}

/**
 * The voice split. Every English voice installable here (flite's linked-in voices, Festival's
 * festvox-kallpc16k / festvox-kdlpc16k / festvox-us-slt-hts, espeak-ng variants) is on exactly one
 * side, and no base voice is on both. Tuning voices are what tunables and trained weights may be
 * chosen on; held-out voices are only for measuring, never for choosing anything. Every engine is on
 * both sides: Festival has only three English speakers and two of them are flite's too, so its
 * held-out voice is ked. Order matters: samples cycle through the list (offset per category).
 */
export const VOICE_SETS: Readonly<Record<VoiceSetName, readonly PoolVoice[]>> = {
  tuning: [
    { engine: 'flite', voice: 'slt', base: 'slt' },
    { engine: 'festival', voice: 'kal_diphone', base: 'kal' },
    { engine: 'espeak-ng', voice: 'en-us+m3', base: 'espeak-m3' },
    { engine: 'flite', voice: 'rms', base: 'rms' },
    { engine: 'festival', voice: 'cmu_us_slt_arctic_hts', base: 'slt' },
    { engine: 'flite', voice: 'awb', base: 'awb' },
    { engine: 'espeak-ng', voice: 'en-gb+f3', base: 'espeak-f3' },
    { engine: 'flite', voice: 'kal16', base: 'kal' },
    { engine: 'espeak-ng', voice: 'en-us+m1', base: 'espeak-m1' },
  ],
  heldout: [
    { engine: 'festival', voice: 'ked_diphone', base: 'ked' },
    { engine: 'espeak-ng', voice: 'en-us+f2', base: 'espeak-f2' },
    { engine: 'espeak-ng', voice: 'en-us+m5', base: 'espeak-m5' },
    { engine: 'espeak-ng', voice: 'en-gb-x-rp+m7', base: 'espeak-m7' },
    { engine: 'espeak-ng', voice: 'en-us+f4', base: 'espeak-f4' },
    { engine: 'espeak-ng', voice: 'en-gb+klatt2', base: 'espeak-klatt2' },
  ],
};

/**
 * How each speaker varies from sample to sample (drawn from the sample's own random stream, uniform
 * in each range). The effects run in this order: pitch and tempo, EQ tilt, telephone band, room.
 */
export const SPEAKER_VARIATION = {
  /** Pitch shift, semitones (resampling, with the tempo restored by WSOLA). */
  pitchSemitones: [-2.5, 2.5],
  /** Speaking tempo (WSOLA). */
  tempo: [0.85, 1.15],
  /** The main user's speech level around GENERATION.userLevelDbfs, dB. */
  levelDb: [-10, 10],
  /** EQ tilt: gain of the highs (above tiltCornerHz) against the lows, dB (negative = duller). */
  tiltDb: [-6, 6],
  tiltCornerHz: 1000,
  /** Share of speakers heard through a telephone (300–3400 Hz band, 8 kHz round trip). */
  telephoneShare: 0.15,
  telephoneBandHz: [300, 3400],
  /** Share of speakers in a small reverberant room; its reverberation time (s) and wet/dry mix. */
  reverbShare: 0.3,
  reverbRt60S: [0.2, 0.5],
  reverbWet: [0.15, 0.35],
  /** Share of samples with pink noise under the whole track, and its SNR (dB below the user's level). */
  noiseShare: 0.2,
  noiseSnrDb: [15, 30],
} as const;

/**
 * Within-turn timing (scripts mark phrase boundaries with '|'): the silence placed at each boundary,
 * seconds, uniform. People leave 60–600 ms inside their own turns at word and phrase boundaries.
 */
export const PHRASE_GAP_S: readonly [number, number] = [0.06, 0.6];

/**
 * Share of multi-phrase lines (and of pause-handling utterances) said as ONE utterance and cut at the
 * phrase boundaries, so the words before a gap keep the running intonation of a sentence that goes on,
 * as people's holds mostly do. The rest are synthesized phrase by phrase: each phrase ends with the
 * falling, lengthened prosody of a finished sentence (a speaker who stops and restarts).
 */
export const PHRASE_CONTINUOUS_SHARE = 0.75;

/**
 * Where a continuous line is cut: the boundary is first estimated from the phrases' durations said
 * alone (scaled to the whole line), then moved to the quietest 10 ms frame within `searchS` of that
 * estimate, each frame's level penalised by `distancePenaltyDbPerS` times its distance from it; the cut
 * edges fade over `fadeS`.
 */
export const PHRASE_CUT = {
  searchS: 0.12,
  distancePenaltyDbPerS: 60,
  fadeS: 0.008,
} as const;

/** Ground truth of silences (ScenarioTruth.silences). */
export const SILENCES = {
  /** Shortest silence listed, seconds. */
  minS: 0.1,
  /** A 10 ms frame of the user-only mix counts as silent below the user's speech level minus this, dB. */
  belowUserDb: 30,
} as const;

export const GENERATION = {
  /** The main user's speech level, dBFS, before SPEAKER_VARIATION.levelDb. */
  userLevelDbfs: -26,
  /** Silence before the user's first word. */
  leadS: 0.5,
  /**
   * Silence after the user's last word for pause handling and the monologue: the test is about the
   * pause(s) inside the user's speech, so the clip ends before a fast answer could count as a turn
   * (1 s or 4 words).
   */
  shortTailS: 0.3,
  /** Silence after a turn, a barge-in or an overlap event: room for the answer (v1.5 respond window 3 s + 1 s). */
  answerTailS: 4,
  /** Mid-utterance pause lengths (uniform). */
  pauseS: [0.8, 1.8],
  /** Pauses between monologue sentences (uniform). */
  sentencePauseS: [0.5, 1.1],
  /**
   * When the overlap starts, after the end of the user's long-answer request. The agent answers within
   * about a second, so by then it is well into its answer.
   */
  overlapAfterRequestS: [2.5, 5],
  /** Talking to others: the user's own voice, turned away from the microphone. */
  sideTalkDb: [-18, -12],
  /** Share of side-talk samples where the other person answers (different voice, a little quieter still). */
  sideReplyShare: 0.5,
  sideReplyExtraDb: [-3, 0],
  /** Background speech: other voices (a TV, people in the room). */
  backgroundDb: [-18, -12],
  /** Background speech lasts about this long (whole lines, so it may run a little over). */
  backgroundS: [2, 6],
  /**
   * `--background after-turn`: someone else (a TV, a person across the room) starts this long after
   * the user's last word, past attention's 250 ms continuation window so the voice is judged as itself.
   */
  afterTurnStartS: [0.3, 0.6],
  /** …and talks for about this long, whole lines, as background speech does. */
  afterTurnS: [2, 3],
  /**
   * `--background throughout`: a TV on from the start to the end of the sample, under the user's
   * speech too, this far below the user's speech level (farther than the v1.5 background voices,
   * whose 12-18 dB a level rule cannot tell from a user leaning back while the two overlap).
   */
  throughoutDb: [-22, -16],
} as const;

/** How the speech in a clip is found (ground-truth bounds); levels are for a clip at about −26 dBFS. */
export const BOUNDS = {
  /** A 10 ms frame this loud is certainly speech. */
  coreDbfs: -40,
  /** Frames this loud that touch the core are speech too: weak onsets ("s", "h") and decays. */
  edgeDbfs: -50,
} as const;

/** Clip placement on the track. */
export const TRACK = {
  /**
   * Clips are trimmed and their speech bounds taken at this level, before being scaled to their
   * place in the mix, so a quiet voice's span is its speech, not the part of it above −50 dBFS.
   */
  referenceLevelDbfs: -26,
} as const;

/** WSOLA tempo change (stretch.ts). */
export const STRETCH = {
  /** Frame length, seconds (long enough to hold two pitch periods of a low voice). */
  frameS: 0.04,
  /** How far a frame may move to match the waveform, seconds. */
  toleranceS: 0.01,
  /** Rates outside this range sound artificial with WSOLA; the scenarios stay well inside it. */
  minRate: 0.6,
  maxRate: 1.6,
} as const;

export interface SetSpec {
  readonly name: SetName;
  readonly perCategory: number;
  /** Monologue sentences after the opener (backchannel category), inclusive range. */
  readonly monologueSentences: readonly [number, number];
  /** Overrides of `overlapAfterRequestS` / `answerTailS` / `backgroundS` (shorter for CI). */
  readonly overlapAfterRequestS: readonly [number, number];
  readonly answerTailS: number;
  readonly backgroundS: readonly [number, number];
}

export const SETS: Readonly<Record<SetName, SetSpec>> = {
  quick: {
    name: 'quick',
    perCategory: 5,
    monologueSentences: [2, 3],
    overlapAfterRequestS: [2.5, 3.5],
    answerTailS: 3.5,
    backgroundS: [2, 3],
  },
  full: {
    name: 'full',
    perCategory: 40,
    monologueSentences: [4, 6],
    overlapAfterRequestS: GENERATION.overlapAfterRequestS,
    answerTailS: GENERATION.answerTailS,
    backgroundS: GENERATION.backgroundS,
  },
};

export function isSetName(x: string): x is SetName {
  return x === 'quick' || x === 'full';
}
