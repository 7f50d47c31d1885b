/**
 * Builds one input track: the main user's clips placed one after another with pauses, other voices
 * laid over at a lower level, optional noise. Every placement returns the audible span of the clip on
 * the track, which becomes the ground truth.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { atLevel, speechBounds, mixInto, pinkNoise, SCENARIO_RATE, toInt16, trimClip, type Bounds } from './audio.js';
import { TRACK } from './config.js';
import { changeRate } from './stretch.js';
import type { OtherKind, OtherSpan, UserRole, UserSpan } from './types.js';

let tts: FliteTts | undefined;
const cache = new Map<string, PcmFrame>();

/**
 * flite speech for `text`, trimmed, at the reference level, tempo changed by `rate`, always 16 kHz.
 * Reproducible: the addon seeds flite's excitation noise before every synthesis, so a clip does not
 * depend on what was synthesized before it in the process.
 */
export async function speech(text: string, voice: string, rate = 1): Promise<PcmFrame> {
  const key = `${voice}|${rate}|${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  tts ??= new FliteTts();
  const raw = tts.synthesizeAll(text, voice);
  let clip: PcmFrame = { samples: raw.samples, sampleRate: raw.sampleRate };
  if (clip.sampleRate !== SCENARIO_RATE) clip = await resample(clip, SCENARIO_RATE);
  clip = trimClip(atLevel(changeRate(trimClip(clip), rate), TRACK.referenceLevelDbfs));
  if (cache.size > 2000) cache.clear(); // bounded: a full set has a few hundred distinct clips
  cache.set(key, clip);
  return clip;
}

interface Placed {
  readonly clip: PcmFrame;
  readonly atS: number;
}

export class TrackBuilder {
  /** Where the next user clip starts, seconds. */
  cursor = 0;
  readonly user: UserSpan[] = [];
  readonly others: OtherSpan[] = [];
  private readonly placed: Placed[] = [];

  constructor(
    private readonly voice: string,
    private readonly rate: number,
    private readonly userLevelDbfs: number,
  ) {}

  pause(seconds: number): this {
    this.cursor += seconds;
    return this;
  }

  /** The main user says `text` at the cursor; the cursor moves to the end of the clip. */
  async say(text: string, role: UserRole): Promise<UserSpan> {
    const clip = await speech(text, this.voice, this.rate);
    const b = this.place(clip, this.cursor, 0);
    this.cursor += clip.samples.length / SCENARIO_RATE;
    const span = { text, role, ...b };
    this.user.push(span);
    return span;
  }

  /** Someone else (or the user turned away) speaks at `atS`, `relativeDb` relative to the user's level. */
  async overlay(text: string, atS: number, voice: string, relativeDb: number, kind: OtherKind, rate = 1): Promise<OtherSpan> {
    const clip = await speech(text, voice, rate);
    const b = this.place(clip, atS, relativeDb);
    const span = { text, kind, voice, relativeDb, ...b };
    this.others.push(span);
    return span;
  }

  /** Length of an overlay clip before placing it (to lay clips back to back). */
  async clipSeconds(text: string, voice: string, rate = 1): Promise<number> {
    return (await speech(text, voice, rate)).samples.length / SCENARIO_RATE;
  }

  /** Mixes everything into a track of `durationS`, with pink noise at `snrDb` below the user's speech level. */
  render(durationS: number, snrDb: number | null, noiseSeed: number): Int16Array {
    const track = new Float64Array(Math.round(durationS * SCENARIO_RATE));
    for (const p of this.placed) mixInto(track, p.clip.samples, p.atS);
    if (snrDb !== null) mixInto(track, pinkNoise(durationS, this.userLevelDbfs - snrDb, noiseSeed), 0);
    return toInt16(track);
  }

  private place(clip: PcmFrame, atS: number, relativeDb: number): Bounds {
    const b = speechBounds(clip);
    this.placed.push({ clip: atLevel(clip, this.userLevelDbfs + relativeDb), atS });
    return { start: round3(atS + b.start), end: round3(atS + b.end) };
  }
}

/** Millisecond precision is plenty for annotations and keeps the JSON readable. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
