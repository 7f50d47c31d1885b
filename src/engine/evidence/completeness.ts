/**
 * Is the user's turn finished, judging by the words alone? A rule-based reading of the partial
 * transcript, so a pause after "i want to fly to" or "my number is five five five" is held through,
 * while "what license is moshi under" can be answered at once.
 *
 * Rules, first match wins (word lists in lexicon.ts, scores in `scores`):
 *  1. no words → unsure.
 *  2. addresses: "…dot com" (a TLD after "dot") → complete; ending on "dot"/"underscore"/…, or an
 *     email being dictated ("john at gmail", "my email is john") without a TLD → incomplete.
 *  3. a trailing run of digit words: with a cue ("phone", "zip", "pin", …) or ≥ `minDictationDigits`
 *     digits, fewer digits than the cue needs → incomplete, enough → complete.
 *  4. whole-text closings ("thanks", "bye") and idiomatic endings ("i think so", "me too") → complete;
 *     endings that need more ("it depends on", "and then", "what about") → incomplete; a hummed
 *     "mm hmm" / "uh huh" → an acknowledgement (see 7).
 *  5. a trailing filler ("um", "you know"; not "do you know", not "what's it like") → incomplete.
 *  6. a trailing function word → incomplete: subject+auxiliary contraction ("it's"), determiner
 *     ("the"), conjunction ("and"), preposition ("to", except a question's stranded preposition
 *     "who are you talking to"), modifier ("very"), auxiliary ("my name is"; "yes it is" is an elliptic
 *     reply), inverted subject ("can you"; "how are you" is complete), subject pronoun ("so i").
 *  7. a content-word ending: a question/request form of ≥ 2 words → complete; only acknowledgements ("yes",
 *     "yeah": same score) → complete when answering a question, else unsure; 1–2 words → complete as
 *     an answer, else unsure; a longer clause → leaning complete.
 * Not per-window work: run it when the partial transcript changes. Options compile once per object.
 */
import { FullduplexError } from '../../errors.js';
import * as L from './lexicon.js';
import { endsWith, matchesAt, normalizeTranscript, phrases } from './text.js';

export type CompletenessVerdict = 'complete' | 'incomplete' | 'unsure';

export interface CompletenessResult {
  /** Probability-like 0..1 that the user's turn is finished. */
  readonly score: number;
  readonly verdict: CompletenessVerdict;
  /** Short human-readable reason, e.g. "ends on conjunction 'and'". */
  readonly reason: string;
}

export interface CompletenessContext {
  /** The agent's last turn asked a question, so a bare "yes" or "paris" is a whole answer. */
  readonly agentAskedQuestion?: boolean;
}

/** Score given by each rule; verdicts come from the thresholds, so these set both. */
export interface CompletenessScores {
  readonly noWords: number;
  readonly functionWordEnding: number;
  readonly fillerEnding: number;
  readonly partialDigits: number;
  readonly completeDigits: number;
  readonly partialAddress: number;
  readonly completeAddress: number;
  readonly closing: number;
  readonly idiom: number;
  readonly question: number;
  readonly strandedPreposition: number;
  readonly acknowledgementReply: number;
  readonly acknowledgementUnprompted: number;
  readonly ellipticReply: number;
  readonly possiblyElliptic: number;
  readonly shortAnswer: number;
  readonly shortFragment: number;
  readonly clause: number;
}

export interface CompletenessOptions {
  /** Score at or above which the verdict is 'complete'. */
  readonly completeAtOrAbove: number;
  /** Score at or below which the verdict is 'incomplete'. Between the two: 'unsure'. */
  readonly incompleteAtOrBelow: number;
  readonly scores: CompletenessScores;
  /** A digit run this long counts as dictation even without a cue word ("room five one two"). */
  readonly minDictationDigits: number;
  /** Digits that complete cue-less dictation (a phone number with area code). */
  readonly defaultDictationDigits: number;
  /** How many words before a digit run are searched for a cue word. */
  readonly digitCueLookback: number;
  readonly conjunctions: readonly string[];
  readonly prepositions: readonly string[];
  readonly determiners: readonly string[];
  readonly auxiliaries: readonly string[];
  readonly copulas: readonly string[];
  /** Particles that after a copula usually open a place or time still to come ("is on …"). */
  readonly copulaParticles: readonly string[];
  readonly subjectContractions: readonly string[];
  readonly subjectPronouns: readonly string[];
  readonly invertedSubjects: readonly string[];
  readonly modifiers: readonly string[];
  readonly fillers: readonly string[];
  readonly whWords: readonly string[];
  readonly requestOpeners: readonly string[];
  readonly leadingMarkers: readonly string[];
  readonly infinitiveTakers: readonly string[];
  readonly acknowledgements: readonly string[];
  readonly closings: readonly string[];
  readonly completeIdioms: readonly string[];
  readonly incompleteEndings: readonly string[];
  /** Whole texts ("mm hmm") that count as an acknowledgement rather than a filler. */
  readonly affirmativeGrunts: readonly string[];
  readonly digitWords: readonly string[];
  readonly digitRepeaters: Readonly<Record<string, number>>;
  /** Cue word → digits that complete the number; earlier keys win. */
  readonly digitCues: Readonly<Record<string, number>>;
  readonly emailCues: readonly string[];
  readonly emailProviders: readonly string[];
  readonly addressSeparators: readonly string[];
  readonly topLevelDomains: readonly string[];
}

export const defaultCompletenessOptions: CompletenessOptions = {
  completeAtOrAbove: 0.65,
  incompleteAtOrBelow: 0.35,
  scores: {
    noWords: 0.5,
    functionWordEnding: 0.1,
    fillerEnding: 0.15,
    partialDigits: 0.1,
    completeDigits: 0.8,
    partialAddress: 0.1,
    completeAddress: 0.85,
    closing: 0.9,
    idiom: 0.8,
    question: 0.85,
    strandedPreposition: 0.75,
    acknowledgementReply: 0.9,
    acknowledgementUnprompted: 0.5,
    ellipticReply: 0.8,
    possiblyElliptic: 0.45,
    shortAnswer: 0.7,
    shortFragment: 0.5,
    clause: 0.7,
  },
  minDictationDigits: 3,
  defaultDictationDigits: 10,
  digitCueLookback: 4,
  conjunctions: L.CONJUNCTIONS,
  prepositions: L.PREPOSITIONS,
  determiners: L.DETERMINERS,
  auxiliaries: L.AUXILIARIES,
  copulas: L.COPULAS,
  copulaParticles: L.COPULA_PARTICLES,
  subjectContractions: L.SUBJECT_CONTRACTIONS,
  subjectPronouns: L.SUBJECT_PRONOUNS,
  invertedSubjects: L.INVERTED_SUBJECTS,
  modifiers: L.MODIFIERS,
  fillers: L.FILLERS,
  whWords: L.WH_WORDS,
  requestOpeners: L.REQUEST_OPENERS,
  leadingMarkers: L.LEADING_MARKERS,
  infinitiveTakers: L.INFINITIVE_TAKERS,
  acknowledgements: L.ACKNOWLEDGEMENTS,
  closings: L.CLOSINGS,
  completeIdioms: L.COMPLETE_IDIOMS,
  incompleteEndings: L.INCOMPLETE_ENDINGS,
  affirmativeGrunts: L.AFFIRMATIVE_GRUNTS,
  digitWords: L.DIGIT_WORDS,
  digitRepeaters: L.DIGIT_REPEATERS,
  digitCues: L.DIGIT_CUES,
  emailCues: L.EMAIL_CUES,
  emailProviders: L.EMAIL_PROVIDERS,
  addressSeparators: L.ADDRESS_SEPARATORS,
  topLevelDomains: L.TOP_LEVEL_DOMAINS,
};

/** Options as accepted by the constructor: any subset, `scores` merged field by field. */
export type CompletenessOverrides = Partial<Omit<CompletenessOptions, 'scores'>> & { readonly scores?: Partial<CompletenessScores> };

const DO_FORMS: ReadonlySet<string> = new Set(['do', 'does', 'did', "don't", "doesn't", "didn't"]);

type Form = 'wh' | 'inverted' | 'request' | null;

/** Word lists compiled to sets and phrases; reusable for any number of transcripts. */
export class CompletenessAssessor {
  readonly options: CompletenessOptions;
  private readonly conj: ReadonlySet<string>;
  private readonly prep: ReadonlySet<string>;
  private readonly det: ReadonlySet<string>;
  private readonly aux: ReadonlySet<string>;
  private readonly cop: ReadonlySet<string>;
  private readonly copulaParticles: ReadonlySet<string>;
  private readonly contr: ReadonlySet<string>;
  private readonly subj: ReadonlySet<string>;
  private readonly inv: ReadonlySet<string>;
  private readonly mod: ReadonlySet<string>;
  private readonly wh: ReadonlySet<string>;
  private readonly markers: ReadonlySet<string>;
  private readonly infin: ReadonlySet<string>;
  private readonly ack: ReadonlySet<string>;
  private readonly digits: ReadonlySet<string>;
  private readonly providers: ReadonlySet<string>;
  private readonly emailCues: ReadonlySet<string>;
  private readonly seps: ReadonlySet<string>;
  private readonly tlds: ReadonlySet<string>;
  private readonly fillers: string[][];
  private readonly requests: string[][];
  private readonly closings: ReadonlySet<string>;
  private readonly idioms: string[][];
  private readonly unfinished: string[][];
  private readonly grunts: ReadonlySet<string>;

  constructor(options: CompletenessOverrides = {}) {
    const o = (this.options = { ...defaultCompletenessOptions, ...options, scores: { ...defaultCompletenessOptions.scores, ...options.scores } });
    if (!(o.incompleteAtOrBelow >= 0 && o.incompleteAtOrBelow < o.completeAtOrAbove && o.completeAtOrAbove <= 1)) {
      throw new FullduplexError('BAD_ARGUMENT', 'completeness: need 0 <= incompleteAtOrBelow < completeAtOrAbove <= 1');
    }
    for (const [k, v] of Object.entries(o.scores)) {
      if (!(v >= 0 && v <= 1)) throw new FullduplexError('BAD_ARGUMENT', `completeness: scores.${k} must be in [0, 1]`);
    }
    if (!(o.minDictationDigits >= 1 && o.defaultDictationDigits >= 1 && o.digitCueLookback >= 0)) {
      throw new FullduplexError('BAD_ARGUMENT', 'completeness: digit settings must be positive');
    }
    const s = (list: readonly string[]): ReadonlySet<string> => new Set(list);
    this.conj = s(o.conjunctions); this.prep = s(o.prepositions); this.det = s(o.determiners);
    this.aux = s(o.auxiliaries); this.cop = s(o.copulas); this.copulaParticles = s(o.copulaParticles); this.contr = s(o.subjectContractions);
    this.subj = s(o.subjectPronouns); this.inv = s(o.invertedSubjects); this.mod = s(o.modifiers);
    this.wh = s(o.whWords); this.markers = s(o.leadingMarkers); this.infin = s(o.infinitiveTakers);
    this.ack = s(o.acknowledgements); this.digits = s(o.digitWords); this.providers = s(o.emailProviders);
    this.emailCues = s(o.emailCues); this.seps = s(o.addressSeparators); this.tlds = s(o.topLevelDomains);
    // Longest first, so "you know" is reported rather than a shorter match.
    this.fillers = phrases(o.fillers).sort((a, b) => b.length - a.length);
    this.requests = phrases(o.requestOpeners);
    this.closings = new Set(phrases(o.closings).map((p) => p.join(' ')));
    this.idioms = phrases(o.completeIdioms);
    this.unfinished = phrases(o.incompleteEndings);
    this.grunts = new Set(phrases(o.affirmativeGrunts).map((p) => p.join(' ')));
  }

  assess(text: string, context: CompletenessContext = {}): CompletenessResult {
    return this.assessTokens(normalizeTranscript(text), context);
  }

  assessTokens(t: readonly string[], context: CompletenessContext = {}): CompletenessResult {
    const sc = this.options.scores;
    const n = t.length;
    if (n === 0) return this.result(sc.noWords, 'no words recognized');
    const last = t[n - 1]!;
    const prev = n >= 2 ? t[n - 2]! : '';
    const replying = context.agentAskedQuestion === true;

    const address = this.address(t);
    if (address) return address;
    const digits = this.digitRun(t);
    if (digits) return digits;

    let start = 0; // after acknowledgements: "okay thanks", "yes thank you"
    while (start < n - 1 && this.ack.has(t[start]!)) start++;
    if (this.closings.has(t.slice(start).join(' '))) return this.result(sc.closing, `closing '${t.slice(start).join(' ')}'`);
    for (const p of this.idioms) if (endsWith(t, p)) return this.result(sc.idiom, `ends on idiom '${p.join(' ')}'`);
    for (const p of this.unfinished) if (endsWith(t, p)) return this.result(sc.functionWordEnding, `ends on '${p.join(' ')}'`);
    if (this.grunts.has(t.join(' '))) return this.acknowledgement(t, replying);

    const form = this.form(t);
    const hasWh = t.some((w, i) => i < n - 1 && this.wh.has(w));
    for (const f of this.fillers) {
      if (!endsWith(t, f)) continue;
      const before = t[n - f.length - 1];
      // "do you know" asks; "what's it like" strands a preposition: neither is a filler.
      if (f.join(' ') === 'you know' && before !== undefined && DO_FORMS.has(before)) break;
      if (f.length === 1 && last === 'like' && hasWh) break;
      return this.result(sc.fillerEnding, `ends on filler '${f.join(' ')}'`);
    }

    const fw = sc.functionWordEnding;
    if (this.contr.has(last)) return this.result(fw, `ends on '${last}' (subject and auxiliary, verb missing)`);
    if (this.det.has(last)) return this.result(fw, `ends on determiner '${last}'`);
    if (this.conj.has(last)) return this.result(fw, `ends on conjunction '${last}'`);
    if (this.cop.has(prev) && this.copulaParticles.has(last) && form === null) {
      return this.result(sc.possiblyElliptic, `'${prev} ${last}' may go on ("is on … Thursday")`);
    }
    if (this.prep.has(last) || (last === 'like' && hasWh)) {
      if (last === 'to' && this.infin.has(prev)) return this.result(fw, `ends on infinitive '${prev} to'`);
      if (hasWh && prev !== '' && !this.wh.has(prev) && !this.isFunctionWord(prev)) {
        return this.result(sc.strandedPreposition, `question with stranded preposition '${last}'`);
      }
      return this.result(fw, `ends on preposition '${last}'`);
    }
    if (this.mod.has(last)) return this.result(fw, `ends on modifier '${last}'`);
    if (this.aux.has(last)) return this.auxEnding(t, replying, form);
    if (this.aux.has(prev) && this.inv.has(last)) {
      // "how are you", "who is it", "where am i" are whole; "can you", "should i" need a verb.
      if (form === 'wh' && this.cop.has(prev)) return this.result(sc.question, `question ending '${prev} ${last}'`);
      return this.result(fw, `ends on inverted '${prev} ${last}' (verb missing)`);
    }
    if (this.subj.has(last)) return this.result(fw, `ends on subject pronoun '${last}'`);

    // A lone "what" / "why" is as likely the first word of a question as the whole of one.
    if (form !== null && n >= 2) return this.result(sc.question, `${form === 'request' ? 'request' : 'question'} ending on content word '${last}'`);
    if (t.every((w) => this.ack.has(w))) return this.acknowledgement(t, replying);
    if (n <= 2) {
      return replying
        ? this.result(sc.shortAnswer, `short answer '${t.join(' ')}'`)
        : this.result(sc.shortFragment, `short fragment '${t.join(' ')}'`);
    }
    return this.result(sc.clause, `clause ending on content word '${last}'`);
  }

  private result(score: number, reason: string): CompletenessResult {
    const o = this.options;
    const verdict: CompletenessVerdict = score >= o.completeAtOrAbove ? 'complete' : score <= o.incompleteAtOrBelow ? 'incomplete' : 'unsure';
    return { score, verdict, reason };
  }

  private acknowledgement(t: readonly string[], replying: boolean): CompletenessResult {
    const sc = this.options.scores;
    return replying
      ? this.result(sc.acknowledgementReply, `acknowledgement '${t.join(' ')}' answering a question`)
      : this.result(sc.acknowledgementUnprompted, `acknowledgement '${t.join(' ')}' with no question to answer`);
  }

  private isFunctionWord(w: string): boolean {
    return this.prep.has(w) || this.det.has(w) || this.conj.has(w) || this.aux.has(w) || this.contr.has(w);
  }

  /** Question or request form, judged from the opening words after discourse markers. */
  private form(t: readonly string[]): Form {
    let i = 0;
    while (i < t.length - 1 && this.markers.has(t[i]!)) i++;
    const first = t[i]!;
    if (this.wh.has(first)) return 'wh';
    // Statements rarely open with an auxiliary; imperatives that do ("do it") are whole anyway.
    if (this.aux.has(first) && i < t.length - 1) return 'inverted';
    for (const p of this.requests) if (matchesAt(t, i, p) && t.length > i + p.length) return 'request';
    // A question after a lead-in the marker list does not know ("wait stop what time is it"): a
    // wh-word followed closely by an auxiliary starts a question clause.
    for (let j = t.length - 2; j > i; j--) {
      if (this.wh.has(t[j]!) && t.slice(j + 1, j + 4).some((w) => this.aux.has(w))) return 'wh';
    }
    return null;
  }

  /** "my name is" vs the elliptic reply "yes it is" / "i can", and "so i can" (purpose, unfinished). */
  private auxEnding(t: readonly string[], replying: boolean, form: Form): CompletenessResult {
    const sc = this.options.scores;
    const n = t.length;
    const last = t[n - 1]!;
    const prev = n >= 2 ? t[n - 2]! : '';
    if (!this.inv.has(prev)) return this.result(sc.functionWordEnding, `ends on auxiliary '${last}'`);
    const before = n >= 3 ? t[n - 3]! : '';
    if (this.conj.has(before)) return this.result(sc.functionWordEnding, `'${before} ${prev} ${last}' needs a verb`);
    // "what can you do", "what did i have": after an auxiliary and its subject, do / have / be is the verb.
    if (form === 'wh' && this.aux.has(before)) return this.result(sc.question, `question ending '${before} ${prev} ${last}'`);
    if ((n >= 3 && this.ack.has(t[0]!)) || (n === 2 && replying)) {
      return this.result(sc.ellipticReply, `elliptic reply '${t.join(' ')}'`);
    }
    return this.result(sc.possiblyElliptic, `'${prev} ${last}' may be elliptic or unfinished`);
  }

  /** Rule 2: dictated email addresses and URLs. */
  private address(t: readonly string[]): CompletenessResult | null {
    const sc = this.options.scores;
    const n = t.length;
    const last = t[n - 1]!;
    if (n >= 2 && t[n - 2] === 'dot' && this.tlds.has(last)) return this.result(sc.completeAddress, `address ends on '.${last}'`);
    if (this.seps.has(last)) return this.result(sc.partialAddress, `address continues after '${last}'`);
    let dictating = false;
    for (let i = 0; i < n - 1 && !dictating; i++) {
      const w = t[i]!;
      const next = t[i + 1]!;
      if (w === 'at' && i > 0 && (this.providers.has(next) || t.indexOf('dot', i) > i)) dictating = true;
      if (this.emailCues.has(w) && (next === 'is' || next === "it's" || (next === 'address' && t[i + 2] === 'is'))) dictating = true;
    }
    return dictating ? this.result(sc.partialAddress, 'email address without a top-level domain') : null;
  }

  /** Rule 3: a trailing run of dictated digits. */
  private digitRun(t: readonly string[]): CompletenessResult | null {
    const o = this.options;
    const isDigit = (i: number): boolean => {
      const w = t[i];
      if (w === undefined || !this.digits.has(w)) return false;
      if (w !== 'oh' && w !== 'o') return true;
      const a = t[i - 1];
      const b = t[i + 1];
      return (a !== undefined && a !== 'oh' && a !== 'o' && this.digits.has(a)) || (b !== undefined && b !== 'oh' && b !== 'o' && this.digits.has(b));
    };
    let i = t.length - 1;
    let count = 0;
    while (i >= 0) {
      if (isDigit(i)) count++;
      else if (o.digitRepeaters[t[i]!] !== undefined && isDigit(i + 1)) count += o.digitRepeaters[t[i]!]! - 1;
      else break;
      i--;
    }
    if (count === 0) {
      // "please write down my number": the user is about to dictate it ("what is my number" asks).
      const last = t[t.length - 1]!;
      const owned = t.slice(-3, -1).some((w) => w === 'my' || w === 'our');
      if (o.digitCues[last] !== undefined && owned && !this.wh.has(t[0]!)) {
        return this.result(o.scores.partialDigits, `'${t.slice(-2).join(' ')}' announces a number still to come`);
      }
      return null;
    }
    const lead = t.slice(Math.max(0, i + 1 - o.digitCueLookback), i + 1);
    const cue = Object.keys(o.digitCues).find((k) => lead.includes(k));
    let needed: number;
    let what: string;
    if (cue !== undefined) {
      needed = o.digitCues[cue]!;
      what = `number after '${cue}'`;
    } else if (count >= o.minDictationDigits) {
      needed = o.defaultDictationDigits;
      what = 'digit sequence';
    } else {
      return null; // "i need two": a number used as a word
    }
    return count < needed
      ? this.result(o.scores.partialDigits, `${what} has ${count} of ${needed} digits`)
      : this.result(o.scores.completeDigits, `${what} complete with ${count} of ${needed} digits`);
  }
}

const defaultAssessor = new CompletenessAssessor();
const assessors = new WeakMap<CompletenessOverrides, CompletenessAssessor>();

/**
 * Probability that the user's turn is finished, from its words. `options` are compiled once per
 * object (cached), so pass the same object each time — or build a CompletenessAssessor.
 */
export function assessCompleteness(
  partialTranscript: string,
  context: CompletenessContext = {},
  options?: CompletenessOverrides,
): CompletenessResult {
  let a = defaultAssessor;
  if (options !== undefined) {
    a = assessors.get(options) ?? new CompletenessAssessor(options);
    assessors.set(options, a);
  }
  return a.assess(partialTranscript, context);
}

export { isBackchannelText, defaultBackchannelOptions } from './backchannel.js';
export type { BackchannelOptions } from './backchannel.js';
