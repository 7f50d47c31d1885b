/**
 * Deterministic scenario generation: the same set, voice set, category and index always give the same
 * input track and the same truth (flite is seeded, Festival and espeak-ng are deterministic, the
 * effects are plain DSP; randomness comes from seeds of the id).
 */
import { rng, seedOf } from './audio.js';
import { addBackgroundAfterTurn, addBackgroundThroughout, BUILDERS, type Variation } from './builders.js';
import { GENERATION, SCENARIO_VERSION, SETS, SPEAKER_VARIATION as SV, type SetName, type VoiceSetName } from './config.js';
import { silencesOf } from './silences.js';
import { round3 } from './track.js';
import { CATEGORY_IDS, type CategoryId, type Scenario } from './types.js';
import { drawSpeaker, poolOf, speakerLabel } from './voices.js';

export interface GenerateOptions {
  /** Pink noise at this SNR under every sample (overrides the samples' own noise). */
  readonly snrDb?: number;
  /** Only these categories (default: all). */
  readonly categories?: readonly CategoryId[];
  /** Samples per category instead of the set's count. */
  readonly perCategory?: number;
  /** Which side of the voice split (config.ts VOICE_SETS) the voices come from; default 'tuning'. */
  readonly voices?: VoiceSetName;
  /**
   * Someone else's voice beside the user's (builders.ts): 'after-turn', right after the user's turn
   * ends; 'throughout', a TV on for the whole sample. Only in BACKGROUND_CATEGORIES.
   */
  readonly background?: BackgroundMode;
  /**
   * How the user pauses inside a turn: phrase gaps, mid-utterance pauses and the pauses between a
   * monologue's sentences × this (default 1, the generator's own: Full-Duplex-Bench-like long pauses).
   * Below 1, a more fluent speaker; the words, voices and every other draw stay the same.
   */
  readonly pauseScale?: number;
}

export type BackgroundMode = 'after-turn' | 'throughout';
export const BACKGROUND_MODES: readonly BackgroundMode[] = ['after-turn', 'throughout'];

/** The categories a `background` changes (the others are generated as they are). */
export const BACKGROUND_CATEGORIES: Readonly<Record<BackgroundMode, readonly CategoryId[]>> = {
  'after-turn': ['smooth_turn_taking'],
  throughout: ['pause_handling', 'smooth_turn_taking', 'user_interruption', 'user_backchannel'],
};

export function sampleId(category: CategoryId, index: number): string {
  return `${category}/${String(index).padStart(3, '0')}`;
}

export function variationFor(setName: SetName, category: CategoryId, index: number, o: GenerateOptions = {}): Variation {
  const voices = o.voices ?? 'tuning';
  const id = sampleId(category, index);
  // Script choices and timing come from one stream, voices from another: a sample has the same words
  // and pauses whichever side of the voice split it is generated with.
  const rand = rng(seedOf(`${setName}/${id}`));
  const speakerRand = rng(seedOf(`${setName}/${voices}/${id}`));
  const pool = poolOf(voices);
  // Cycled by index, offset per category, so a small set still hears most voices.
  const speaker = drawSpeaker(pool[(index + CATEGORY_IDS.indexOf(category) * 3) % pool.length]!, speakerRand);
  const levelDb = SV.levelDb[0] + (SV.levelDb[1] - SV.levelDb[0]) * speakerRand();
  const noisy = speakerRand() < SV.noiseShare;
  const snr = Math.round(SV.noiseSnrDb[0] + (SV.noiseSnrDb[1] - SV.noiseSnrDb[0]) * speakerRand());
  return {
    index,
    voices,
    speaker,
    userLevelDbfs: Math.round((GENERATION.userLevelDbfs + levelDb) * 10) / 10,
    snrDb: o.snrDb ?? (noisy ? snr : null),
    rand,
    speakerRand,
    set: SETS[setName],
    pauseScale: o.pauseScale ?? 1,
  };
}

export async function generateScenario(setName: SetName, category: CategoryId, index: number, o: GenerateOptions = {}): Promise<Scenario> {
  const v = variationFor(setName, category, index, o);
  const id = sampleId(category, index);
  let built = await BUILDERS[category](v);
  if (o.background && BACKGROUND_CATEGORIES[o.background].includes(category)) {
    const rand = rng(seedOf(`${setName}/${v.voices}/${id}/${o.background}`));
    built = o.background === 'after-turn' ? await addBackgroundAfterTurn(v, built, rand) : await addBackgroundThroughout(v, built, rand);
  }
  const durationS = round3(built.durationS);
  const input = built.track.render(durationS, v.snrDb, seedOf(`noise/${id}`));
  const user = built.track.user;
  return {
    input,
    truth: {
      id,
      category,
      set: setName,
      generatorVersion: SCENARIO_VERSION,
      durationS,
      sampleRate: 16000,
      voices: v.voices,
      voice: speakerLabel(v.speaker),
      speaker: v.speaker,
      rate: v.speaker.tempo,
      userLevelDbfs: v.userLevelDbfs,
      snrDb: v.snrDb,
      ...(v.pauseScale !== 1 && { pauseScale: v.pauseScale }),
      user,
      others: built.track.others,
      silences: silencesOf(built.track.renderUser(durationS), v.userLevelDbfs, user, durationS),
      ...built.extra,
    },
  };
}

/** The (category, index) pairs of a set, interleaved by index so an interrupted run covers every category. */
export function setPlan(setName: SetName, o: GenerateOptions = {}): { category: CategoryId; index: number }[] {
  const n = o.perCategory ?? SETS[setName].perCategory;
  const cats = o.categories ?? CATEGORY_IDS;
  const out: { category: CategoryId; index: number }[] = [];
  for (let i = 0; i < n; i++) for (const c of cats) out.push({ category: c, index: i });
  return out;
}
