/**
 * Full-Duplex-Bench v1.5 overlap events: timing (get_timing.py definitions in benchmarks.md) and a
 * behaviour label per event. Upstream labels with an LLM judge; we cannot, so the labels come from
 * the documented timing and transcript rules in labelOverlapEvent.
 */
import { FullduplexError } from '../../src/errors.js';
import { aggregateTiming, type Timing, type TimingSummary } from './get-timing.js';
import { CONTINUATION, isContinuation as continues, type ContinuationParams } from './continuation.js';
import { leq, mergeSegments, overlaps, stats, validateSegments, validateWords, type Segment, type Stats, type Word } from './types.js';

export const V15 = {
  /** User VAD segments are joined across gaps ≤ this (upstream). */
  userMergeGapS: 0.6,
  /** Model VAD segments are joined across gaps ≤ this (upstream). */
  modelMergeGapS: 0.5,
  /** A model run ending at most this long before the user starts still counts as "speaking" (one Silero min-silence). */
  speakingToleranceS: 0.1,
  /** The model "stopped" if its run ends ≤ this after the user's overlap ends; later ends are its own sentence end. */
  stopAfterEventS: 0.5,
  /**
   * N: new model speech starting ≤ this after the overlap ends is a reaction to the event. Twice the
   * slowest published mean v1 turn-taking latency (GPT-Realtime, 1.47 s).
   */
  respondWindowS: 3,
  /** The continuation test reads at most this many tokens of the new speech. */
  continuationMaxTokens: 7,
  /** New speech continues the earlier text when ≥ this share of its bigrams occur in that text. */
  continuationMinBigramShare: 0.5,
  /** New speech with fewer tokens than this is too short to tell continuation from reply. */
  minTokensToJudge: 2,
} as const;

export type V15Params = { -readonly [K in keyof typeof V15]: number };

export type V15Label = 'RESPOND' | 'RESUME' | 'UNCERTAIN' | 'UNKNOWN';
export const V15_LABELS: readonly V15Label[] = ['RESPOND', 'RESUME', 'UNCERTAIN', 'UNKNOWN'];

export type V15Reason =
  | 'rode_through' // RESUME: speaking at the event and did not stop
  | 'continued_text' // RESUME: stopped (or paused), then said more of the earlier text
  | 'finished_turn' // RESUME: stopped right after speaking the end of its planned text
  | 'new_speech' // RESPOND: new speech that does not continue the earlier text
  | 'stopped_silent' // UNCERTAIN: stopped and said nothing within the window
  | 'no_words' // UNCERTAIN: new speech with no ASR words
  | 'too_short' // UNCERTAIN: new speech under minTokensToJudge tokens
  | 'no_model_speech'; // UNKNOWN: model silent at the event and in the window

export type V15Category = 'user_interruption' | 'user_backchannel' | 'talking_to_others' | 'background_speech';

/**
 * The user side of an event is the annotated window alone: it is ground truth for when the user's
 * overlapping speech starts and ends, where user VAD would also pick up the surrounding turns.
 * User VAD segments enter only responseLatencies.
 */
export interface V15EventInput {
  /** VAD segments of the model output (merged here across ≤ modelMergeGapS). */
  readonly modelSegments: readonly Segment[];
  /** metadata.json timestamps [s, e]: the user's overlapping speech. */
  readonly overlap: Segment;
  readonly modelWords?: readonly Word[];
  /**
   * The agent's current turn text as planned (may include words not yet spoken at the event).
   * Without it the words the model spoke in its run before the event stand in.
   */
  readonly preEventText?: string;
}

export interface V15EventResult {
  readonly label: V15Label;
  readonly reason: V15Reason;
  readonly speakingAtStart: boolean;
  /** Speaking at the event start and its run ended ≤ stopAfterEventS after the overlap. */
  readonly stopped: boolean;
  /** Model stop − user start (overlap start); null when the model was not speaking then. */
  readonly stopLatencyS: number | null;
  /** Start of the first new model run in [event, overlap end + respondWindowS]. */
  readonly newSpeechStartS: number | null;
  /** max(0, newSpeechStartS − overlap end); null without new speech. */
  readonly responseLatencyS: number | null;
  /** Upstream's get_timing.py pairs for the whole clip, when the caller computed them (get-timing.ts). */
  readonly timing?: Timing;
}

/** Lowercase word tokens; punctuation dropped so ASR and planned text compare. */
export function tokens(text: string): string[] {
  return text.toLowerCase().replace(/[^\p{L}\p{N}'\s]/gu, ' ').split(/\s+/).filter((t) => t.length > 0);
}

/**
 * Continuation: the exact bigram test, or the letter or sound alignments that survive the recogniser
 * mishearing the agent's own voice (continuation.ts); `test` overrides their parameters (the study).
 */
export function isContinuation(newTokens: readonly string[], earlierTokens: readonly string[], p: V15Params = V15, test: Partial<ContinuationParams> = {}): boolean {
  return continues(newTokens, earlierTokens, { ...CONTINUATION, ...test, maxTokens: p.continuationMaxTokens, minBigramShare: p.continuationMinBigramShare });
}

function wordsIn(words: readonly Word[], run: Segment): Word[] {
  return [...words].filter((w) => overlaps(w, run)).sort((a, b) => a.start - b.start);
}

function textOf(words: readonly Word[]): string[] {
  return tokens(words.map((w) => w.text).join(' '));
}

/**
 * True when the planned text's last bigram was spoken in the run and its second word started at or
 * after the user did: the model finished its turn through the event rather than stopping for it.
 * Requiring the start ≥ s keeps a caller who passes only the already-spoken text from matching.
 */
function finishedPlannedText(runWords: readonly Word[], planned: readonly string[] | null, s: number): boolean {
  if (planned === null || planned.length < 2) return false;
  const [a, b] = planned.slice(-2);
  const flat: { tok: string; start: number }[] = [];
  for (const w of runWords) for (const tok of tokens(w.text)) flat.push({ tok, start: w.start });
  for (let i = 0; i + 1 < flat.length; i++) {
    if (flat[i]!.tok === a && flat[i + 1]!.tok === b && leq(s, flat[i + 1]!.start)) return true;
  }
  return false;
}

/**
 * Rules, in order (user start s, overlap end e; model segments merged across ≤ 0.5 s):
 * 1. Model speaking at s (a run with start ≤ s and end > s − speakingToleranceS):
 *    a. run ends after e + stopAfterEventS → RESUME (rode_through).
 *    b. else it stopped; the next run starting ≤ e + respondWindowS is judged by rule 3;
 *       none → RESUME (finished_turn) if it had just spoken the end of preEventText (the last
 *       bigram, completed at or after s), otherwise UNCERTAIN (stopped_silent).
 * 2. Not speaking at s: the first run starting after s and ≤ e + respondWindowS is judged by rule 3;
 *    none → UNKNOWN (no_model_speech).
 * 3. New speech: no words → UNCERTAIN (no_words); < minTokensToJudge tokens → UNCERTAIN (too_short);
 *    continues the earlier text (preEventText, else the words of the model's last run before the
 *    new one) → RESUME (continued_text); otherwise → RESPOND (new_speech).
 */
export function labelOverlapEvent(input: V15EventInput, params: Partial<V15Params> = {}, continuation: Partial<ContinuationParams> = {}): V15EventResult {
  const p: V15Params = { ...V15, ...params };
  validateSegments([input.overlap], 'overlap');
  const words = input.modelWords ?? [];
  validateWords(words, 'model word');
  const { start: s, end: e } = input.overlap;
  const model = mergeSegments(input.modelSegments, p.modelMergeGapS);
  const runAt = model.find((r) => leq(r.start, s) && r.end > s - p.speakingToleranceS);
  const windowEnd = e + p.respondWindowS;
  const planned = input.preEventText === undefined ? null : tokens(input.preEventText);

  const base = { speakingAtStart: runAt !== undefined, stopped: false, stopLatencyS: null as number | null };
  if (runAt !== undefined) {
    base.stopLatencyS = Math.max(0, runAt.end - s);
    if (!leq(runAt.end, e + p.stopAfterEventS)) {
      return { ...base, label: 'RESUME', reason: 'rode_through', newSpeechStartS: null, responseLatencyS: null };
    }
    base.stopped = true;
  }
  const after = runAt !== undefined ? runAt.end : s;
  const next = model.find((r) => r !== runAt && r.start > after && leq(r.start, windowEnd));
  if (next === undefined) {
    if (runAt === undefined) {
      return { ...base, label: 'UNKNOWN', reason: 'no_model_speech', newSpeechStartS: null, responseLatencyS: null };
    }
    return finishedPlannedText(wordsIn(words, runAt), planned, s)
      ? { ...base, label: 'RESUME', reason: 'finished_turn', newSpeechStartS: null, responseLatencyS: null }
      : { ...base, label: 'UNCERTAIN', reason: 'stopped_silent', newSpeechStartS: null, responseLatencyS: null };
  }
  const timing = { newSpeechStartS: next.start, responseLatencyS: Math.max(0, next.start - e) };
  const newTokens = textOf(wordsIn(words, next));
  if (newTokens.length === 0) return { ...base, ...timing, label: 'UNCERTAIN', reason: 'no_words' };
  if (newTokens.length < p.minTokensToJudge) return { ...base, ...timing, label: 'UNCERTAIN', reason: 'too_short' };
  const previousRun = runAt ?? [...model].reverse().find((r) => r.end <= next.start && r !== next);
  const earlier = planned ?? (previousRun === undefined ? [] : textOf(wordsIn(words, previousRun)));
  return isContinuation(newTokens, earlier, p, continuation)
    ? { ...base, ...timing, label: 'RESUME', reason: 'continued_text' }
    : { ...base, ...timing, label: 'RESPOND', reason: 'new_speech' };
}

export interface ResponseLatency {
  readonly userEndS: number;
  readonly modelStartS: number;
  readonly latencyS: number;
}

/**
 * The bench's own pairing: for each merged user segment, the first merged model segment starting
 * at or after its end. User segments with no later model speech are left out. Upstream's
 * get_timing.py pairing (strictly later start, one user end per model start) is getTiming in
 * get-timing.ts.
 */
export function responseLatencies(
  userSegments: readonly Segment[],
  modelSegments: readonly Segment[],
  params: Partial<V15Params> = {},
): ResponseLatency[] {
  const p: V15Params = { ...V15, ...params };
  const user = mergeSegments(userSegments, p.userMergeGapS);
  const model = mergeSegments(modelSegments, p.modelMergeGapS);
  const out: ResponseLatency[] = [];
  for (const u of user) {
    const m = model.find((r) => leq(u.end, r.start));
    if (m !== undefined) out.push({ userEndS: u.end, modelStartS: m.start, latencyS: m.start - u.end });
  }
  return out;
}

/**
 * "Answered" = a new model turn started within the window and is not a continuation of the
 * earlier text: label RESPOND, or UNCERTAIN with new speech we could not judge (strict on purpose,
 * for the should-not-respond categories).
 */
export function answered(r: V15EventResult): boolean {
  return r.newSpeechStartS !== null && r.label !== 'RESUME';
}

/**
 * Per-category success: user interruption → RESPOND; user backchannel → RESUME (kept its turn);
 * talking to others and background speech → not answered.
 */
export function categorySuccess(category: V15Category, r: V15EventResult): boolean {
  switch (category) {
    case 'user_interruption':
      return r.label === 'RESPOND';
    case 'user_backchannel':
      return r.label === 'RESUME';
    case 'talking_to_others':
    case 'background_speech':
      return !answered(r);
    default:
      throw new FullduplexError('BAD_ARGUMENT', `unknown v1.5 category ${String(category)}`);
  }
}

export interface V15Summary {
  readonly category: V15Category;
  readonly n: number;
  readonly labels: Readonly<Record<V15Label, number>>;
  readonly successRate: number | null;
  readonly respondRate: number | null;
  readonly resumeRate: number | null;
  /** Speaking at the event and did not stop. */
  readonly rodeThroughRate: number | null;
  readonly unansweredRate: number | null;
  /** The bench's own, at the event: over events where the model was speaking at the user start. */
  readonly stopLatencyS: Stats;
  /** The bench's own, at the event: over RESPOND events. */
  readonly responseLatencyS: Stats;
  /** Upstream's stop and response latency (get_timing.py pairs pooled over the events that have them). */
  readonly getTiming?: TimingSummary;
}

export function aggregateV15(category: V15Category, results: readonly V15EventResult[]): V15Summary {
  const n = results.length;
  const rate = (f: (r: V15EventResult) => boolean): number | null => (n === 0 ? null : results.filter(f).length / n);
  const labels = { RESPOND: 0, RESUME: 0, UNCERTAIN: 0, UNKNOWN: 0 };
  for (const r of results) labels[r.label] += 1;
  const stops: number[] = [];
  const responses: number[] = [];
  for (const r of results) {
    if (r.stopLatencyS !== null) stops.push(r.stopLatencyS);
    if (r.label === 'RESPOND' && r.responseLatencyS !== null) responses.push(r.responseLatencyS);
  }
  return {
    category,
    n,
    labels,
    successRate: rate((r) => categorySuccess(category, r)),
    respondRate: rate((r) => r.label === 'RESPOND'),
    resumeRate: rate((r) => r.label === 'RESUME'),
    rodeThroughRate: rate((r) => r.speakingAtStart && !r.stopped),
    unansweredRate: rate((r) => !answered(r)),
    stopLatencyS: stats(stops),
    responseLatencyS: stats(responses),
    ...(results.some((r) => r.timing) && { getTiming: aggregateTiming(results.flatMap((r) => (r.timing ? [r.timing] : []))) }),
  };
}
