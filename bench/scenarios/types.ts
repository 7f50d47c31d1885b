/**
 * Scenario categories and the ground truth of one generated sample. The truth is what the generator
 * placed on the track (audible bounds of every clip), written next to input.wav as scenario.json; the
 * Full-Duplex-Bench annotation files (pause.json, turn_taking.json, interrupt.json, metadata.json)
 * are derived from it.
 */
import type { V15Category } from '../metrics/fdb-v15.js';
import type { VoiceSetName } from './config.js';
import type { Speaker } from './voices.js';

export type CategoryId =
  | 'pause_handling'
  | 'smooth_turn_taking'
  | 'user_interruption'
  | 'backchannel'
  | 'user_backchannel'
  | 'talking_to_others'
  | 'background_speech';

export interface CategoryInfo {
  readonly id: CategoryId;
  readonly title: string;
  /** Which Full-Duplex-Bench version defines it. */
  readonly fdb: 'v1' | 'v1.5' | 'v1 + v1.5';
  /** The v1.5 category whose behaviour labels are scored on it, if any. */
  readonly v15?: V15Category;
  /** What a good system does, for reports. */
  readonly expectation: string;
}

export const CATEGORIES: readonly CategoryInfo[] = [
  { id: 'pause_handling', title: 'Pause handling', fdb: 'v1', expectation: 'stay quiet through a mid-utterance pause' },
  { id: 'smooth_turn_taking', title: 'Smooth turn-taking', fdb: 'v1', expectation: 'answer soon after the user finishes' },
  {
    id: 'user_interruption',
    title: 'User interruption',
    fdb: 'v1 + v1.5',
    v15: 'user_interruption',
    expectation: 'stop at once, then answer the interruption',
  },
  { id: 'backchannel', title: 'Backchannel (user monologue)', fdb: 'v1', expectation: 'backchannel at phrase ends, never take over' },
  { id: 'user_backchannel', title: 'User backchannel', fdb: 'v1.5', v15: 'user_backchannel', expectation: 'keep talking through "uh huh"' },
  { id: 'talking_to_others', title: 'Talking to others', fdb: 'v1.5', v15: 'talking_to_others', expectation: 'do not answer side talk' },
  { id: 'background_speech', title: 'Background speech', fdb: 'v1.5', v15: 'background_speech', expectation: 'do not answer background speech' },
];

export const CATEGORY_IDS: readonly CategoryId[] = CATEGORIES.map((c) => c.id);

export function categoryInfo(id: CategoryId): CategoryInfo {
  return CATEGORIES.find((c) => c.id === id)!;
}

export function isCategoryId(x: string): x is CategoryId {
  return (CATEGORY_IDS as readonly string[]).includes(x);
}

/** A stretch of speech on the track: seconds from the start of input.wav, audible bounds. */
export interface SpeechSpan {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type UserRole = 'request' | 'turn' | 'part' | 'sentence' | 'barge_in' | 'backchannel';
export type OtherKind = 'side_talk' | 'side_reply' | 'background';

export interface UserSpan extends SpeechSpan {
  readonly role: UserRole;
}

export interface OtherSpan extends SpeechSpan {
  readonly kind: OtherKind;
  /** Readable speaker name (speakerLabel). */
  readonly voice: string;
  readonly speaker: Speaker;
  /** Level relative to the main user's speech level, dB (negative = quieter). */
  readonly relativeDb: number;
}

export interface UserSilence {
  readonly start: number;
  readonly end: number;
  readonly kind: 'hold' | 'eot';
}

/** Everything the generator knows about a sample (scenario.json). */
export interface ScenarioTruth {
  /** e.g. "pause_handling/007". */
  readonly id: string;
  readonly category: CategoryId;
  readonly set: string;
  /** Bumped whenever generation changes, so old outputs are not mixed with new inputs. */
  readonly generatorVersion: number;
  readonly durationS: number;
  readonly sampleRate: number;
  /** Which side of the voice split every voice in the sample comes from ('recorded': a real person, never tuned on). */
  readonly voices: VoiceSetName | 'recorded';
  /** The main user's readable speaker name (speakerLabel), and the speaker itself. */
  readonly voice: string;
  readonly speaker: Speaker | RecordedSpeaker;
  /** The main user's tempo (speaker.tempo). */
  readonly rate: number;
  /** Main user's speech level, dBFS. */
  readonly userLevelDbfs: number;
  /** Pink noise under the whole track at this SNR relative to the user's speech level; null = clean. */
  readonly snrDb: number | null;
  /** The user's pauses inside turns × this (GenerateOptions.pauseScale); absent: 1. */
  readonly pauseScale?: number;
  /** The main user's speech, in order. */
  readonly user: readonly UserSpan[];
  /** Speech of anyone else (and the user's own side talk, which is mixed as farther away). */
  readonly others: readonly OtherSpan[];
  /**
   * Every silence of at least SILENCES.minS inside or right after the main user's turns, found on the
   * user-only mix: 'hold' = inside a turn (the user goes on), 'eot' = after the turn's last word, up to
   * the user's next speech or the end of the clip (where the agent should answer). See silences.ts. (scenario.json files written before generator version 2 lack it: readers check.)
   */
  readonly silences: readonly UserSilence[];
  /** pause_handling: the pauses between parts. */
  readonly pauses?: readonly { readonly start: number; readonly end: number }[];
  /** smooth_turn_taking: where the user's turn ends. */
  readonly turnEndS?: number;
  /** user_interruption: the barge-in and what it interrupted. */
  readonly interruption?: { readonly context: string; readonly text: string; readonly start: number; readonly end: number };
  /** v1.5 categories: the overlap event window. */
  readonly overlap?: { readonly contextText: string; readonly text: string; readonly start: number; readonly end: number };
}

/**
 * A person recorded, not a synthesized speaker (the recorded-speech tree, bench/real-speech/): who it
 * is and which package holds the recording.
 */
export interface RecordedSpeaker {
  readonly engine: 'recording';
  /** Readable name ("Allison Smith"). */
  readonly voice: string;
  /** The person, as `Speaker.base` names a synthesized voice's speaker. */
  readonly base: string;
  /** What they speak ("US English", "Italian"): the engine recognises English only. */
  readonly language?: string;
  /** Where the recordings come from (a Debian package) and their licence. */
  readonly source: string;
}

export interface Scenario {
  readonly truth: ScenarioTruth;
  /** input.wav samples, 16 kHz mono. */
  readonly input: Int16Array;
}
