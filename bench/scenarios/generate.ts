/**
 * Deterministic scenario generation: the same set, category and index always give the same input
 * track and the same truth (flite and WSOLA are deterministic; randomness comes from a seed of the id).
 */
import { rng, seedOf } from './audio.js';
import { BUILDERS, type Variation } from './builders.js';
import { GENERATION, SCENARIO_VERSION, SETS, type SetName } from './config.js';
import { round3 } from './track.js';
import { CATEGORY_IDS, type CategoryId, type Scenario } from './types.js';

export interface GenerateOptions {
  /** Pink noise at this SNR under every sample (overrides the set's own noisy samples). */
  readonly snrDb?: number;
  /** Only these categories (default: all). */
  readonly categories?: readonly CategoryId[];
  /** Samples per category instead of the set's count. */
  readonly perCategory?: number;
}

export function sampleId(category: CategoryId, index: number): string {
  return `${category}/${String(index).padStart(3, '0')}`;
}

export function variationFor(setName: SetName, category: CategoryId, index: number, o: GenerateOptions = {}): Variation {
  const set = SETS[setName];
  const rand = rng(seedOf(`${setName}/${sampleId(category, index)}`));
  const voices = GENERATION.userVoices;
  const noisy = set.someNoisy && GENERATION.noiseEvery > 0 && index % GENERATION.noiseEvery === GENERATION.noiseEvery - 1;
  return {
    index,
    voice: voices[index % voices.length]!,
    rate: GENERATION.rates[Math.floor(index / voices.length) % GENERATION.rates.length]!,
    userLevelDbfs: Math.round((GENERATION.userLevelDbfs + (rand() * 2 - 1) * GENERATION.userLevelJitterDb) * 10) / 10,
    snrDb: o.snrDb ?? (noisy ? GENERATION.noiseSnrDb : null),
    rand,
    set,
  };
}

export async function generateScenario(setName: SetName, category: CategoryId, index: number, o: GenerateOptions = {}): Promise<Scenario> {
  const v = variationFor(setName, category, index, o);
  const built = await BUILDERS[category](v);
  const durationS = round3(built.durationS);
  const id = sampleId(category, index);
  const input = built.track.render(durationS, v.snrDb, seedOf(`noise/${id}`));
  return {
    input,
    truth: {
      id,
      category,
      set: setName,
      generatorVersion: SCENARIO_VERSION,
      durationS,
      sampleRate: 16000,
      voice: v.voice,
      rate: v.rate,
      userLevelDbfs: v.userLevelDbfs,
      snrDb: v.snrDb,
      user: built.track.user,
      others: built.track.others,
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
