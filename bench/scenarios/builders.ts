/**
 * One builder per category: given the sample's variation (speaker, level, random streams), lay out
 * the track and record what was placed where. See scripts.ts for the words and config.ts for every
 * number.
 */
import { GENERATION, type SetSpec, type VoiceSetName } from './config.js';
import * as S from './scripts.js';
import { TrackBuilder } from './track.js';
import type { CategoryId, ScenarioTruth, SpeechSpan } from './types.js';
import { drawSpeaker, poolOf, type Speaker } from './voices.js';

export interface Variation {
  readonly index: number;
  /** The side of the voice split every voice of the sample comes from. */
  readonly voices: VoiceSetName;
  /** The main user. */
  readonly speaker: Speaker;
  readonly userLevelDbfs: number;
  readonly snrDb: number | null;
  /** Script choices, pauses and levels. */
  readonly rand: () => number;
  /** Other speakers' voices and variations (apart from `rand`, so both voice sets share the script's timing). */
  readonly speakerRand: () => number;
  readonly set: SetSpec;
  /** How this speaker pauses inside a turn: every drawn gap and pause × this (1: the generator's own). */
  readonly pauseScale: number;
}

/** What a builder returns: the track and the category-specific part of the truth. */
export interface Built {
  readonly track: TrackBuilder;
  readonly durationS: number;
  readonly extra: Partial<Pick<ScenarioTruth, 'pauses' | 'turnEndS' | 'interruption' | 'overlap'>>;
}

type Builder = (v: Variation) => Promise<Built>;

const uniform = (rand: () => number, [lo, hi]: readonly [number, number] | readonly number[]): number => lo! + (hi! - lo!) * rand();
const cycle = <T>(pool: readonly T[], i: number): T => pool[i % pool.length]!;
/** Another speaker from the sample's side of the split, with another base voice than the user's. */
function otherSpeaker(v: Variation, rand = v.speakerRand): Speaker {
  const pool = poolOf(v.voices, [v.speaker.base]);
  return drawSpeaker(pool[Math.floor(rand() * pool.length)]!, rand);
}
const track = (v: Variation) => new TrackBuilder(v.speaker, v.userLevelDbfs, v.rand, v.pauseScale);
/** Even samples take the pool with people's timing, odd ones the plain pool. */
const alternate = <T>(timed: readonly T[], plain: readonly T[], i: number): T => (i % 2 === 0 ? cycle(timed, i >> 1) : cycle(plain, i >> 1));
const span = (s: SpeechSpan) => ({ start: s.start, end: s.end });

async function pauseHandling(v: Variation): Promise<Built> {
  const t = track(v).pause(GENERATION.leadS);
  const parts = alternate(S.HESITANT_PAUSE_SCRIPTS, S.PAUSE_SCRIPTS, v.index);
  const spans = await t.sayParts(parts, parts.slice(1).map(() => uniform(v.rand, GENERATION.pauseS) * v.pauseScale), 'part');
  const pauses = spans.slice(1).map((s, k) => ({ start: spans[k]!.end, end: s.start }));
  return { track: t, durationS: t.cursor + GENERATION.shortTailS, extra: { pauses } };
}

async function turnTaking(v: Variation): Promise<Built> {
  const t = track(v).pause(GENERATION.leadS);
  const s = await t.say(alternate(S.HESITANT_TURN_SCRIPTS, S.TURN_SCRIPTS, v.index), 'turn');
  return { track: t, durationS: t.cursor + v.set.answerTailS, extra: { turnEndS: s.end } };
}

/** The user asks for a story; returns the track and the end of the request. */
async function longAnswer(v: Variation): Promise<{ t: TrackBuilder; request: SpeechSpan }> {
  const t = track(v).pause(GENERATION.leadS);
  const request = await t.say(cycle(S.LONG_REQUESTS, Math.floor(v.index / 3)), 'request');
  t.pause(uniform(v.rand, v.set.overlapAfterRequestS));
  return { t, request };
}

async function userInterruption(v: Variation): Promise<Built> {
  const { t, request } = await longAnswer(v);
  const b = await t.say(cycle(S.BARGE_INS, v.index), 'barge_in');
  return {
    track: t,
    durationS: t.cursor + v.set.answerTailS,
    extra: {
      interruption: { context: request.text, text: b.text, ...span(b) },
      overlap: { contextText: request.text, text: b.text, ...span(b) },
    },
  };
}

async function backchannelMonologue(v: Variation): Promise<Built> {
  const t = track(v).pause(GENERATION.leadS);
  await t.say(cycle(S.MONOLOGUE_OPENERS, v.index), 'sentence');
  const [lo, hi] = v.set.monologueSentences;
  const n = lo + Math.floor(v.rand() * (hi - lo + 1));
  // Four sentences belong to each story; start at the opener's story, then run on.
  const first = (v.index % S.MONOLOGUE_OPENERS.length) * 4;
  for (let k = 0; k < n; k++) {
    t.pause(uniform(v.rand, GENERATION.sentencePauseS) * v.pauseScale);
    await t.say(cycle(S.MONOLOGUE_SENTENCES, first + k), 'sentence');
  }
  return { track: t, durationS: t.cursor + GENERATION.shortTailS, extra: {} };
}

async function userBackchannel(v: Variation): Promise<Built> {
  const { t, request } = await longAnswer(v);
  const b = await t.say(cycle(S.USER_BACKCHANNELS, v.index), 'backchannel');
  return {
    track: t,
    durationS: t.cursor + v.set.answerTailS,
    extra: { overlap: { contextText: request.text, text: b.text, ...span(b) } },
  };
}

async function talkingToOthers(v: Variation): Promise<Built> {
  const { t, request } = await longAnswer(v);
  const db = uniform(v.rand, GENERATION.sideTalkDb);
  const side = await t.overlay(cycle(S.SIDE_TALK, v.index), t.cursor, v.speaker, round1(db), 'side_talk');
  let end = side.end;
  let text = side.text;
  if (v.rand() < GENERATION.sideReplyShare) {
    const replyDb = db + uniform(v.rand, GENERATION.sideReplyExtraDb);
    const reply = await t.overlay(cycle(S.SIDE_REPLIES, v.index), side.end + 0.3, otherSpeaker(v), round1(replyDb), 'side_reply');
    end = reply.end;
    text = `${text} / ${reply.text}`;
  }
  t.cursor = end;
  return {
    track: t,
    durationS: end + v.set.answerTailS,
    extra: { overlap: { contextText: request.text, text, start: side.start, end } },
  };
}

async function backgroundSpeech(v: Variation): Promise<Built> {
  const { t, request } = await longAnswer(v);
  const db = round1(uniform(v.rand, GENERATION.backgroundDb));
  const want = uniform(v.rand, v.set.backgroundS);
  const { start, end, text } = await backgroundLines(v, t, t.cursor, db, want, v.speakerRand);
  t.cursor = end;
  return {
    track: t,
    durationS: end + v.set.answerTailS,
    extra: { overlap: { contextText: request.text, text, start, end } },
  };
}

/** Whole lines, alternating two voices (a TV dialogue or two people talking), from `at` until `want` s long. */
async function backgroundLines(v: Variation, t: TrackBuilder, at: number, db: number, want: number, rand: () => number, maxLines = 6): Promise<SpeechSpan> {
  const voices = [otherSpeaker(v, rand), otherSpeaker(v, rand)];
  let start = Infinity;
  let end = at;
  const said: string[] = [];
  for (let k = 0; end - Math.min(start, at) < want; k++) {
    const s = await t.overlay(cycle(S.BACKGROUND_LINES, v.index + k), at, voices[k % 2]!, db, 'background');
    start = Math.min(start, s.start);
    end = s.end;
    said.push(s.text);
    at = s.end + 0.25;
    if (k >= maxLines - 1) break; // six lines at most (by default), whatever the wanted length
  }
  return { start, end, text: said.join(' ') };
}

/**
 * `--background after-turn`: someone else (a TV, a person across the room) starts talking right after
 * the user's turn ends, 12–18 dB down. The user's words and timing stay as they were (`rand` is the
 * sample's own stream for this, apart from the script's); the agent should answer the user through it.
 */
export async function addBackgroundAfterTurn(v: Variation, built: Built, rand: () => number): Promise<Built> {
  const last = built.track.user[built.track.user.length - 1];
  if (!last) return built;
  const db = round1(uniform(rand, GENERATION.backgroundDb));
  const at = last.end + uniform(rand, GENERATION.afterTurnStartS);
  const { end } = await backgroundLines(v, built.track, at, db, uniform(rand, GENERATION.afterTurnS), rand);
  // Room for an answer after the voice, for an agent that waits for it to stop.
  return { ...built, durationS: Math.max(built.durationS, end + v.set.answerTailS) };
}

/**
 * `--background throughout`: a TV (two voices, whole lines) on from the sample's start to its end,
 * under the user's speech as well as in their pauses, 16-22 dB down. The user's words and timing stay
 * as they were; the sample's length too.
 */
export async function addBackgroundThroughout(v: Variation, built: Built, rand: () => number): Promise<Built> {
  const db = round1(uniform(rand, GENERATION.throughoutDb));
  const at = uniform(rand, [0, 0.3]);
  await backgroundLines(v, built.track, at, db, built.durationS - at, rand, 40);
  return built;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export const BUILDERS: Readonly<Record<CategoryId, Builder>> = {
  pause_handling: pauseHandling,
  smooth_turn_taking: turnTaking,
  user_interruption: userInterruption,
  backchannel: backchannelMonologue,
  user_backchannel: userBackchannel,
  talking_to_others: talkingToOthers,
  background_speech: backgroundSpeech,
};
