/**
 * Cut-ins: the agent starting to talk while the user's turn goes on (inside a turn, pauses included,
 * up to the end of its last word), counted per 100 user turns. Pause-handling TOR sees this only in
 * one category and only as a yes/no per sample; this counts every onset in every category, so an
 * agent that answers "families" in "the four families | of full duplex systems" is seen wherever
 * the user pauses mid-sentence.
 *
 * Agent onsets come from the output's VAD segments (the same segments every target's scoring uses),
 * joined into speech runs across the gaps FDB v1.5 joins the model's segments across (so a clause
 * pause of an agent that was already talking is no new onset, and the tail of a run is not taken
 * for a backchannel); a run that is a backchannel by FDB's rule (classifyBackchannelSegment: under
 * 1 s with at most 2 words) is no cut-in, only counted.
 */
import { FullduplexError } from '../../src/errors.js';
import type { CategoryId, ScenarioTruth } from '../scenarios/types.js';
import { classifyBackchannelSegment } from './backchannel.js';
import { V15 } from './fdb-v15.js';
import { leq, lt, mergeSegments, overlaps, sortSegments, validateSegments, validateWords, type Segment, type Word } from './types.js';

export const CUT_INS = {
  /** Agent VAD segments closer than this are one run of speech, its onset the first start, s (FDB v1.5's model join). */
  agentRunGapS: V15.modelMergeGapS,
  /**
   * An onset this close to the end of the user's last word is the next turn, not a cut-in, s: the
   * scoring VAD opens a segment up to its 30 ms pad before the audible onset, quantised to 32 ms windows.
   */
  endToleranceS: 0.064,
  /** The report lists this many cut-ins, the longest agent speech inside a user turn first. */
  worstExamples: 10,
} as const;

/** A main-user turn: from its first word's start to its last word's end (pauses inside included), s. */
export interface UserTurn extends Segment {
  readonly text: string;
}

export interface CutIn {
  /** The agent's onset, s from the start of the clip. */
  readonly t: number;
  /** How far into the user's turn it came, s. */
  readonly intoTurnS: number;
  /** Agent speech (VAD) between the onset and the end of the user's turn, s. */
  readonly overlapS: number;
  readonly turn: UserTurn;
  /** The words of the agent's run that starts at the onset (scoring ASR). */
  readonly agentWords: string;
}

export interface CutInResult {
  readonly userTurns: number;
  readonly cutIns: readonly CutIn[];
  /** Agent backchannels (FDB's rule) that started inside a user turn: not cut-ins, counted to be seen. */
  readonly backchannelsInTurns: number;
}

export interface CutInInput {
  readonly userTurns: readonly UserTurn[];
  readonly outputSegments: readonly Segment[];
  readonly outputWords: readonly Word[];
}

/** Roles whose consecutive spans are one turn (a request said in parts, a monologue's sentences). */
const JOINED_ROLES: ReadonlySet<string> = new Set(['part', 'sentence']);

/**
 * The main user's turns from the scenario's truth. Consecutive 'part' / 'sentence' spans form one
 * turn; 'request', 'turn', 'barge_in' are each one turn; 'backchannel' spans are not turns. When the
 * truth has `silences`, an 'eot' silence inside such a group ends a turn there (the generator says so).
 */
export function userTurnsOf(truth: Pick<ScenarioTruth, 'user'> & Partial<Pick<ScenarioTruth, 'silences'>>): UserTurn[] {
  const turns: { start: number; end: number; texts: { text: string; start: number; end: number }[] }[] = [];
  let joinable = false;
  for (const span of truth.user) {
    validateSegments([span], `user span "${span.text}"`);
    if (span.role === 'backchannel') {
      joinable = false;
      continue;
    }
    const last = turns[turns.length - 1];
    if (last && joinable && JOINED_ROLES.has(span.role)) {
      last.end = Math.max(last.end, span.end);
      last.texts.push(span);
    } else {
      turns.push({ start: span.start, end: span.end, texts: [span] });
    }
    joinable = JOINED_ROLES.has(span.role);
  }
  const eots = (truth.silences ?? []).filter((s) => s.kind === 'eot');
  validateSegments(eots, 'eot silence');
  const out: UserTurn[] = [];
  for (const t of turns) {
    let start = t.start;
    for (const e of sortSegments(eots)) {
      if (!(lt(start, e.start) && lt(e.end, t.end))) continue;
      out.push(turnOf(start, e.start, t.texts));
      start = e.end;
    }
    out.push(turnOf(start, t.end, t.texts));
  }
  return out;
}

function turnOf(start: number, end: number, spans: readonly { text: string; start: number; end: number }[]): UserTurn {
  const text = spans.filter((s) => overlaps(s, { start, end })).map((s) => s.text).join(' … ');
  return { start, end, text };
}

/** Every agent onset inside a user turn, with what the agent said. */
export function scoreCutIns(input: CutInInput): CutInResult {
  validateSegments(input.userTurns, 'user turn');
  validateSegments(input.outputSegments, 'output segment');
  validateWords(input.outputWords, 'output word');
  const turns = sortSegments(input.userTurns);
  const inTurn = (t: number): UserTurn | undefined => turns.find((u) => leq(u.start, t) && lt(t, u.end - CUT_INS.endToleranceS));
  const speech = sortSegments(input.outputSegments);
  let backchannelsInTurns = 0;
  const cutIns: CutIn[] = [];
  for (const run of mergeSegments(speech, CUT_INS.agentRunGapS)) {
    const turn = inTurn(run.start);
    if (!turn) continue;
    if (classifyBackchannelSegment(run, input.outputWords).to === 0) {
      backchannelsInTurns++;
      continue;
    }
    const inside = { start: run.start, end: Math.min(run.end, turn.end) };
    const overlapS = speech.reduce((sum, s) => sum + Math.max(0, Math.min(s.end, inside.end) - Math.max(s.start, inside.start)), 0);
    const agentWords = input.outputWords.filter((w) => overlaps(w, run)).map((w) => w.text).join(' ');
    cutIns.push({ t: run.start, intoTurnS: run.start - turn.start, overlapS, turn, agentWords });
  }
  return { userTurns: turns.length, cutIns, backchannelsInTurns };
}

/** One scored sample's cut-ins, as aggregation takes them. */
export interface SampleCutIns {
  readonly id: string;
  readonly category: CategoryId;
  readonly result: CutInResult;
}

export interface CutInCounts {
  readonly samples: number;
  readonly userTurns: number;
  readonly cutIns: number;
  /** Turns with at least one cut-in. */
  readonly turnsCutIn: number;
  /** 100 × cutIns / userTurns; null with no user turns. */
  readonly per100Turns: number | null;
  readonly backchannelsInTurns: number;
}

export interface CutInExample extends CutIn {
  readonly id: string;
  readonly category: CategoryId;
}

export interface CutInSummary extends CutInCounts {
  readonly byCategory: Partial<Record<CategoryId, CutInCounts>>;
  /** The cut-ins with the most agent speech inside the user's turn, most first. */
  readonly worst: readonly CutInExample[];
}

function counts(samples: readonly SampleCutIns[]): CutInCounts {
  let userTurns = 0;
  let cutIns = 0;
  let turnsCutIn = 0;
  let backchannelsInTurns = 0;
  for (const s of samples) {
    userTurns += s.result.userTurns;
    cutIns += s.result.cutIns.length;
    turnsCutIn += new Set(s.result.cutIns.map((c) => `${c.turn.start}:${c.turn.end}`)).size;
    backchannelsInTurns += s.result.backchannelsInTurns;
  }
  return { samples: samples.length, userTurns, cutIns, turnsCutIn, per100Turns: userTurns > 0 ? (100 * cutIns) / userTurns : null, backchannelsInTurns };
}

/** Overall and per-category rates, and the worst examples. */
export function aggregateCutIns(samples: readonly SampleCutIns[], worstExamples: number = CUT_INS.worstExamples): CutInSummary {
  if (!(Number.isInteger(worstExamples) && worstExamples >= 0)) {
    throw new FullduplexError('BAD_ARGUMENT', `worstExamples must be a whole number ≥ 0, got ${worstExamples}`);
  }
  const byCategory: Partial<Record<CategoryId, CutInCounts>> = {};
  for (const category of new Set(samples.map((s) => s.category))) byCategory[category] = counts(samples.filter((s) => s.category === category));
  const all = samples.flatMap((s) => s.result.cutIns.map((c): CutInExample => ({ ...c, id: s.id, category: s.category })));
  all.sort((a, b) => b.overlapS - a.overlapS || a.id.localeCompare(b.id) || a.t - b.t);
  return { ...counts(samples), byCategory, worst: all.slice(0, worstExamples) };
}
