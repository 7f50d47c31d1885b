/**
 * Builds one input track: the main user's clips placed one after another with pauses (and short
 * within-turn gaps at phrase boundaries, mostly cut from one utterance: phrase-cut.ts), other voices
 * laid over at a lower level, optional noise. Every placement returns the audible span of the clip on
 * the track, which becomes the ground truth.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { atLevel, speechBounds, mixInto, pinkNoise, SCENARIO_RATE, toInt16, type Bounds } from './audio.js';
import { PHRASE_CONTINUOUS_SHARE, PHRASE_GAP_S } from './config.js';
import { continuousPhrases } from './phrase-cut.js';
import type { OtherKind, OtherSpan, UserRole, UserSpan } from './types.js';
import { plainSpeaker, speakerLabel, voiceClip, type Speaker } from './voices.js';

/** Phrase boundaries in scripts: a within-turn gap goes there ("how Moshi works | in detail?"). */
export const PHRASE_MARK = '|';

/** The phrases of a script line, and the line as said (without the marks). */
export function phrasesOf(text: string): { phrases: string[]; said: string } {
  const phrases = text.split(PHRASE_MARK).map((p) => p.trim()).filter((p) => p.length > 0);
  return { phrases, said: phrases.join(' ') };
}

/** A flite voice with no variation but its tempo (tests and calibration clips). */
export function speech(text: string, fliteVoice: string, tempo = 1): Promise<PcmFrame> {
  return voiceClip(text, plainSpeaker({ engine: 'flite', voice: fliteVoice, base: fliteVoice }, tempo));
}

interface Placed {
  readonly clip: PcmFrame;
  readonly atS: number;
  /** The main user's own speech (side talk is the user too, but mixed as someone farther away). */
  readonly user: boolean;
}

export class TrackBuilder {
  /** Where the next user clip starts, seconds. */
  cursor = 0;
  readonly user: UserSpan[] = [];
  readonly others: OtherSpan[] = [];
  private readonly placed: Placed[] = [];

  /**
   * @param speaker the main user
   * @param rand draws the within-turn gaps at phrase boundaries (PHRASE_GAP_S)
   * @param pauseScale the speaker's pausing: drawn phrase gaps and `sayParts` pauses × this
   */
  constructor(
    readonly speaker: Speaker,
    readonly userLevelDbfs: number,
    private readonly rand: () => number,
    private readonly pauseScale = 1,
  ) {}

  pause(seconds: number): this {
    this.cursor += seconds;
    return this;
  }

  /**
   * The main user says `text` at the cursor: at each '|' a gap drawn from PHRASE_GAP_S (or the next of
   * `gapsS`, for tests) separates the phrases. The span covers the whole line; the cursor moves to its end.
   */
  async say(text: string, role: UserRole, gapsS?: readonly number[]): Promise<UserSpan> {
    const [span] = await this.sayParts([text], [], role, gapsS);
    return span!;
  }

  /**
   * The main user says consecutive `parts` (one utterance cut into parts) with `pausesS[k]` before part
   * k + 1; inside each part, gaps at its '|' marks as in `say`. One span per part. The whole is said
   * as one utterance cut at the boundaries (PHRASE_CONTINUOUS_SHARE of the time), or phrase by phrase.
   */
  async sayParts(parts: readonly string[], pausesS: readonly number[], role: UserRole, gapsS?: readonly number[]): Promise<UserSpan[]> {
    const phrases: string[] = [];
    const gaps: number[] = [];
    const partOf: number[] = [];
    let g = 0;
    for (const [k, part] of parts.entries()) {
      for (const [j, phrase] of phrasesOf(part).phrases.entries()) {
        if (phrases.length > 0) gaps.push(j > 0 ? gapsS?.[g++] ?? this.pauseScale * (PHRASE_GAP_S[0] + (PHRASE_GAP_S[1] - PHRASE_GAP_S[0]) * this.rand()) : pausesS[k - 1] ?? 0);
        phrases.push(phrase);
        partOf.push(k);
      }
    }
    const continuous = phrases.length > 1 && this.rand() < PHRASE_CONTINUOUS_SHARE;
    let clips: PcmFrame[];
    if (continuous) clips = await continuousPhrases(phrases, this.speaker);
    else {
      clips = [];
      for (const p of phrases) clips.push(await voiceClip(p, this.speaker));
    }
    const spans: UserSpan[] = [];
    for (const [k, part] of parts.entries()) {
      let first: Bounds | undefined;
      let last: Bounds | undefined;
      for (const [i, clip] of clips.entries()) {
        if (partOf[i] !== k) continue;
        if (i > 0) this.cursor += gaps[i - 1]!;
        last = this.place(clip, this.cursor, 0, true);
        first ??= last;
        this.cursor += clip.samples.length / SCENARIO_RATE;
      }
      const span = { text: phrasesOf(part).said, role, start: first?.start ?? round3(this.cursor), end: last?.end ?? round3(this.cursor) };
      this.user.push(span);
      spans.push(span);
    }
    return spans;
  }

  /** Someone else (or the user turned away) speaks at `atS`, `relativeDb` relative to the user's level. */
  async overlay(text: string, atS: number, speaker: Speaker, relativeDb: number, kind: OtherKind): Promise<OtherSpan> {
    const { said } = phrasesOf(text);
    const clip = await voiceClip(said, speaker);
    const b = this.place(clip, atS, relativeDb, false);
    const span = { text: said, kind, voice: speakerLabel(speaker), speaker, relativeDb, ...b };
    this.others.push(span);
    return span;
  }

  /** The main user's speech alone (no one else, no noise): where the user's silences are found. */
  renderUser(durationS: number): Int16Array {
    const track = new Float64Array(Math.round(durationS * SCENARIO_RATE));
    for (const p of this.placed) if (p.user) mixInto(track, p.clip.samples, p.atS);
    return toInt16(track);
  }

  /** Mixes everything into a track of `durationS`, with pink noise at `snrDb` below the user's speech level. */
  render(durationS: number, snrDb: number | null, noiseSeed: number): Int16Array {
    const track = new Float64Array(Math.round(durationS * SCENARIO_RATE));
    for (const p of this.placed) mixInto(track, p.clip.samples, p.atS);
    if (snrDb !== null) mixInto(track, pinkNoise(durationS, this.userLevelDbfs - snrDb, noiseSeed), 0);
    return toInt16(track);
  }

  private place(clip: PcmFrame, atS: number, relativeDb: number, user: boolean): Bounds {
    const b = speechBounds(clip);
    this.placed.push({ clip: atLevel(clip, this.userLevelDbfs + relativeDb), atS, user });
    return { start: round3(atS + b.start), end: round3(atS + b.end) };
  }
}

/** Millisecond precision is plenty for annotations and keeps the JSON readable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
