/**
 * Every tunable of scenario generation, named and defaulted in one place, and the two sets.
 * Levels are relative to the main user's speech level (speechLevelDbfs), times are seconds.
 */

export type SetName = 'quick' | 'full';

export const SCENARIO_VERSION = 1;

export const GENERATION = {
  /** flite voices the main user cycles through (kal is the 8 kHz voice; kal16 is its 16 kHz twin). */
  userVoices: ['slt', 'rms', 'awb', 'kal16'],
  /** Speaking rates (tempo via WSOLA), cycled every len(userVoices) samples so voice and rate vary independently. */
  rates: [1, 0.85, 1.15],
  /** The main user's speech level, dBFS, and how far it varies between samples (uniform ±). */
  userLevelDbfs: -26,
  userLevelJitterDb: 3,
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
  /** Every n-th sample of the full set has pink noise at `noiseSnrDb` (0 = never); --snr adds it to all. */
  noiseEvery: 5,
  noiseSnrDb: 25,
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
  /** Whether the every-n-th-sample noise applies. */
  readonly someNoisy: boolean;
}

export const SETS: Readonly<Record<SetName, SetSpec>> = {
  quick: {
    name: 'quick',
    perCategory: 5,
    monologueSentences: [2, 3],
    overlapAfterRequestS: [2.5, 3.5],
    answerTailS: 3.5,
    backgroundS: [2, 3],
    someNoisy: false,
  },
  full: {
    name: 'full',
    perCategory: 40,
    monologueSentences: [4, 6],
    overlapAfterRequestS: GENERATION.overlapAfterRequestS,
    answerTailS: GENERATION.answerTailS,
    backgroundS: GENERATION.backgroundS,
    someNoisy: true,
  },
};

export function isSetName(x: string): x is SetName {
  return x === 'quick' || x === 'full';
}
