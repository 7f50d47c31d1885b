/**
 * The embedded default dialogue model: offline, deterministic, rule and intent based. It is built
 * for recogniser output (lower case, unpunctuated, often misheard), so it matches keywords and
 * fuzzy aliases rather than grammar, and it answers questions about the full-duplex landscape from
 * the catalog. The same request always produces the same reply (variety comes from hashing).
 */
import { FullduplexError } from '../errors.js';
import { findConcept, findFamily, findSystems } from './catalog.js';
import type { SystemEntry } from './catalog-types.js';
import * as A from './embedded-answers.js';
import * as I from './embedded-intents.js';
import * as T from './embedded-talk.js';
import { speakable } from './spoken.js';
import { hasAny, normalizeWords, pick, rawWords } from './text-match.js';
import type { DialogueMessage, DialogueModel, DialogueRequest } from './types.js';

export interface EmbeddedDialogueOptions {
  /** How the model introduces itself. */
  readonly assistantName: string;
  /** Pause between streamed words, ms. 0 streams as fast as the consumer reads. */
  readonly wordDelayMs: number;
  /** Pause before the first word ("thinking"), ms. */
  readonly firstDeltaDelayMs: number;
  /** IANA time zone for the time and date; undefined uses the system's zone. */
  readonly timeZone: string | undefined;
  /** Stories, explanations and "talk about" answers are extended to at least this many words (≈ 10 s of speech at 40). */
  readonly minLongWords: number;
}

export const EMBEDDED_DEFAULTS: EmbeddedDialogueOptions = {
  assistantName: 'Duplex',
  wordDelayMs: 0,
  firstDeltaDelayMs: 0,
  timeZone: undefined,
  minLongWords: 60,
};

/** Everything the router needs about the current turn. */
interface Turn {
  readonly history: readonly DialogueMessage[];
  readonly raw: string;
  readonly words: readonly string[];
  readonly rawTokens: readonly string[];
  readonly seed: string;
  readonly previous: DialogueMessage | undefined;
  readonly interrupted: boolean;
  readonly clock: T.ClockParts;
  readonly now: Date;
}

/** Where a reply came from; decides whether an interruption is acknowledged first. */
type Reply = { readonly text: string; readonly ack?: boolean; readonly long?: boolean };

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

/** What the embedded model says, once per conversation, when it is given tools it cannot call. */
export const NO_TOOLS_NOTICE =
  "I can't use tools: I'm the built-in offline model. To use tools, run me with an OpenAI-compatible language model, with the options --llm-url and --llm-model.";

export class EmbeddedDialogueModel implements DialogueModel {
  readonly name = 'embedded';
  private readonly opts: EmbeddedDialogueOptions;

  constructor(options: Partial<EmbeddedDialogueOptions> = {}) {
    this.opts = { ...EMBEDDED_DEFAULTS, ...options };
    for (const key of ['wordDelayMs', 'firstDeltaDelayMs', 'minLongWords'] as const) {
      const v = this.opts[key];
      if (!Number.isFinite(v) || v < 0) throw new FullduplexError('BAD_ARGUMENT', `EmbeddedDialogueModel: ${key} must be a number >= 0`);
    }
    T.clockParts(new Date(0), this.opts.timeZone); // validates the time zone now, not mid-conversation
  }

  /**
   * Streams the reply word by word (once per conversation, when given tools, it first says it cannot
   * call them) (each delta is a word plus its trailing space). Ends quietly and
   * promptly when `req.signal` aborts. `req.instructions` is ignored: the model has no prompt.
   */
  async *reply(req: DialogueRequest): AsyncGenerator<string, void, undefined> {
    const { signal } = req;
    if (signal.aborted) return;
    let text = this.respond(req.history, req.now ?? new Date());
    if (req.tools?.length && req.toolChoice !== 'none' && !req.history.some((m) => m.role === 'assistant' && m.content.startsWith(NO_TOOLS_NOTICE.slice(0, 24)))) {
      text = `${NO_TOOLS_NOTICE} ${text}`;
    }
    if (this.opts.firstDeltaDelayMs > 0 && !(await sleep(this.opts.firstDeltaDelayMs, signal))) return;
    const pieces = text.match(/\S+\s*/g) ?? [];
    for (let i = 0; i < pieces.length; i++) {
      if (signal.aborted) return;
      yield pieces[i]!;
      if (this.opts.wordDelayMs > 0 && i < pieces.length - 1 && !(await sleep(this.opts.wordDelayMs, signal))) return;
    }
  }

  /** The complete reply `reply()` would stream for this history (useful for tests and logs). */
  respond(history: readonly DialogueMessage[], now: Date = new Date()): string {
    let last = -1;
    for (let i = history.length - 1; i >= 0; i--) {
      if (history[i]!.role === 'user') {
        last = i;
        break;
      }
    }
    const raw = last >= 0 ? history[last]!.content : '';
    let previous: DialogueMessage | undefined;
    for (let i = last - 1; i >= 0 && previous === undefined; i--) if (history[i]!.role === 'assistant') previous = history[i];
    const words = normalizeWords(raw);
    const turn: Turn = {
      history: history.slice(0, last + 1),
      raw,
      words,
      rawTokens: rawWords(raw),
      seed: `${words.join(' ')}|${last}`,
      previous,
      interrupted: previous?.interrupted === true,
      clock: T.clockParts(now, this.opts.timeZone),
      now,
    };
    const reply = this.route(turn);
    let text = reply.text;
    if (reply.long === true && countWords(text) < this.opts.minLongWords) {
      text = `${text} ${T.fullDuplexTalk('While we are on the subject, here is the bigger picture.')}`;
    }
    if (turn.interrupted && reply.ack !== false) text = `${pick(['Okay.', 'Sure.', 'Got it.'], turn.seed)} ${text}`;
    return speakable(text);
  }

  private route(t: Turn): Reply {
    const w = t.words;
    const content = w.filter((x) => !I.FILLERS.has(x));
    if (content.length === 0) return { text: T.clarificationReply(t.seed), ack: false };

    const conversational = this.conversational(t);
    if (conversational !== undefined) return conversational;

    // A greeting in front of a real request ("hi, what time is it") gets a short hello and the answer.
    const greeting = I.GREET.filter((g) => I.startsWithAny(w, [g])).sort((a, b) => b.length - a.length)[0];
    const body = this.substantive(t, greeting === undefined ? w : w.slice(greeting.split(' ').length));
    if (body !== undefined) return greeting === undefined ? body : { ...body, text: `Hi! ${body.text}` };

    return this.smallTalk(t) ?? this.fallback(t, content);
  }

  /** Replies that depend on the previous turn: confirmations, stop, continue, repeat. */
  private conversational(t: Turn): Reply | undefined {
    const w = t.words;
    const prev = t.previous?.content ?? '';
    if (prev.trimEnd().endsWith(T.CONFIRM_QUESTION) && w.length <= 6 && T.findDictatedDigits(t.rawTokens) === undefined) {
      if (I.startsWithAny(w, I.NO)) return { text: T.deniedReply(), ack: false };
      if (I.startsWithAny(w, I.YES)) return { text: T.confirmedReply(t.seed), ack: false };
    }
    if (hasAny(w, I.STOP) && !hasAny(w, I.CONTINUE) && w.every((x) => I.STOP_WORDS.has(x) || I.FILLERS.has(x))) {
      if (hasAny(w, ['wait', 'hold on', 'hang on', 'one moment', 'one second', 'pause'])) return { text: "Sure, I'm listening.", ack: false };
      if (hasAny(w, ['never mind', 'nevermind', 'cancel'])) return { text: 'No problem.', ack: false };
      return { text: "Okay, I'll stop.", ack: false };
    }
    if (w.length <= 5 && hasAny(w, I.REPEAT) && t.previous !== undefined) {
      return { text: `Sure. ${t.previous.content}`, ack: false };
    }
    if (w.length <= 5 && (hasAny(w, I.CONTINUE) || (t.interrupted && hasAny(w, I.MORE)))) {
      if (t.interrupted) return { text: this.resume(t), ack: false };
    }
    if (w.length <= 5 && (hasAny(w, I.MORE) || hasAny(w, I.CONTINUE)) && t.previous !== undefined) {
      const topic = findSystems(t.previous.content)[0];
      if (topic !== undefined) return { text: A.systemLong(topic), long: true };
      const fam = findFamily(t.previous.content);
      if (fam !== undefined) return { text: A.familyLong(fam), long: true };
      return { text: T.fullDuplexTalk('Here is a bit more.'), long: true };
    }
    return undefined;
  }

  /** Picks up an interrupted reply from the start of the sentence that was cut off. */
  private resume(t: Turn): string {
    const prev = t.previous!;
    const prevIndex = t.history.lastIndexOf(prev);
    const original = t.history.slice(0, prevIndex);
    const hasUser = original.some((m) => m.role === 'user');
    const full = hasUser ? this.respond(original, t.now) : '';
    const spoken = prev.content.split(/\s+/).filter((x) => x !== '');
    const all = full.split(/\s+/).filter((x) => x !== '');
    let k = 0;
    while (k < spoken.length && k < all.length && spoken[k] === all[k]) k++;
    // The last spoken word may have been cut mid-word; restart at the sentence it belongs to.
    let start = Math.min(k, all.length);
    while (start > 0 && !/[.?!]$/.test(all[start - 1]!)) start--;
    const rest = all.slice(start).join(' ');
    if (!hasUser || k === 0) return 'Sorry, I lost my place. What would you like to hear about?';
    if (rest === '') return 'That was everything I had to say. What else would you like to know?';
    return `Sure, where was I? ${rest}`;
  }

  /** Catalog questions, clock and calendar, dictation and long-form requests. */
  private substantive(t: Turn, w: readonly string[]): Reply | undefined {
    if (w.length === 0) return undefined;
    return this.catalog(t, w) ?? this.clock(t, w) ?? this.dictation(t, w) ?? this.longForm(t, w);
  }

  private catalog(t: Turn, w: readonly string[]): Reply | undefined {
    let systems: SystemEntry[] = findSystems(w);
    const aspects = I.detectAspects(w);
    const long = hasAny(w, I.LONG);
    const family = findFamily(w);

    // With a system named, its latency answer already explains the number through its family.
    if (hasAny(w, I.TWO_HUNDRED) && systems.length === 0) return { text: A.meaningOf200msAnswer(family) };
    if (hasAny(w, I.PERMISSIVE) && systems.length === 0) return { text: A.mostPermissiveAnswer() };
    if (systems.length === 0 && aspects.length > 0 && family === undefined && hasAny(w, I.PRONOUNS)) {
      systems = this.recentTopic(t);
    }
    if (systems.length >= 2) {
      const nonLatency = aspects.filter((a) => a !== 'latency');
      if (nonLatency.length > 0 && !hasAny(w, I.COMPARE)) return { text: systems.map((s) => A.aspectsAnswer(s, nonLatency)).join(' ') };
      return { text: A.compareSystems(systems) };
    }
    if (systems.length === 1) {
      const s = systems[0]!;
      if (aspects.length > 0 && !(aspects.length === 1 && aspects[0] === 'family' && long)) return { text: A.aspectsAnswer(s, aspects) };
      return long ? { text: A.systemLong(s), long: true } : { text: A.systemOverview(s) };
    }
    const buyer = I.BUYERS.find((b) => w.includes(b));
    if (buyer !== undefined && hasAny(w, ['family', 'which', 'should', 'choose', 'pick', 'fits', 'suits'])) {
      const text = A.buyerAnswer(buyer);
      if (text !== undefined) return { text };
    }
    if (family !== undefined) {
      if (long) return { text: A.familyLong(family), long: true };
      if (hasAny(w, I.MEMBERS)) return { text: A.familyMembers(family) };
      return { text: A.familyOverview(family) };
    }
    if (hasAny(w, I.FAMILIES_ALL) || (w.includes('families') && !long)) return { text: A.familiesList(), long };
    const concept = findConcept(w);
    if (concept !== undefined && (long || hasAny(w, ['what', 'how', 'why', 'mean', 'means']))) {
      return { text: A.conceptAnswer(concept, long), long };
    }
    if (w.includes('families')) return { text: `${A.familiesList()} ${A.meaningOf200msAnswer()}`, long: true };
    if (aspects.length > 0 && (aspects.includes('licence') || aspects.includes('parameters'))) {
      return { text: 'Which model do you mean? For example, Moshi, Freeze-Omni or SALMONN-omni.' };
    }
    return undefined;
  }

  /** Systems named in the most recent earlier turns, for "what licence is it under?". */
  private recentTopic(t: Turn): SystemEntry[] {
    for (let i = t.history.length - 2; i >= 0; i--) {
      const found = findSystems(t.history[i]!.content);
      if (found.length > 0) return found.slice(0, 1);
    }
    return [];
  }

  private clock(t: Turn, w: readonly string[]): Reply | undefined {
    if (hasAny(w, I.TIME) || (w.length <= 2 && w.includes('time'))) return { text: T.timeReply(t.clock) };
    if (hasAny(w, I.YEAR)) return { text: T.yearReply(t.clock) };
    if (hasAny(w, I.DATE) || (w.length <= 2 && (w.includes('date') || w.includes('today')))) return { text: T.dateReply(t.clock) };
    return undefined;
  }

  private dictation(t: Turn, w: readonly string[]): Reply | undefined {
    const email = T.findEmail(t.raw, w);
    if (email !== undefined) return { text: T.emailReadBack(email) };
    const digits = T.findDictatedDigits(t.rawTokens);
    if (digits !== undefined) return { text: T.digitsReadBack(digits) };
    const name = T.findName(w);
    if (name !== undefined) return { text: T.nameReply(name) };
    return undefined;
  }

  private longForm(t: Turn, w: readonly string[]): Reply | undefined {
    if (hasAny(w, I.STORY)) {
      const earlier = t.history.filter((m) => m.role === 'user' && hasAny(normalizeWords(m.content), I.STORY)).length - 1;
      return { text: T.storyReply(Math.max(0, earlier)), long: true };
    }
    if (hasAny(w, I.JOKE)) {
      const earlier = t.history.filter((m) => m.role === 'user' && hasAny(normalizeWords(m.content), I.JOKE)).length - 1;
      return { text: T.jokeReply(Math.max(0, earlier)) };
    }
    if (hasAny(w, I.TALK)) return { text: T.fullDuplexTalk(), long: true };
    if (hasAny(w, I.LONG)) {
      const about = w.indexOf('about');
      const topic = about >= 0 ? w.slice(about + 1, about + 6).filter((x) => !I.FILLERS.has(x)).join(' ') : '';
      return { text: topic !== '' ? T.unknownTopicTalk(topic) : T.fullDuplexTalk(), long: true };
    }
    return undefined;
  }

  private smallTalk(t: Turn): Reply | undefined {
    const w = t.words;
    const offline = I.OFFLINE_TOPICS.find((x) => hasAny(w, [x]));
    if (offline !== undefined) return { text: T.offlineReply(offline) };
    if (hasAny(w, I.IDENTITY)) return { text: T.identityReply(this.opts.assistantName) };
    if (hasAny(w, I.HOW_ARE_YOU)) return { text: T.howAreYouReply(t.seed) };
    if (hasAny(w, I.THANKS)) return { text: T.thanksReply(t.seed) };
    if (hasAny(w, I.BYE)) return { text: T.byeReply(t.seed) };
    if (hasAny(w, I.HELP)) return { text: T.helpReply() };
    if (hasAny(w, I.HEAR)) return { text: T.hearingReply() };
    if (w.length <= 3 && w.every((x) => I.ACKNOWLEDGE.has(x))) return { text: T.acknowledgementReply(t.seed) };
    if (I.startsWithAny(w, I.GREET) || (w.length <= 3 && hasAny(w, I.GREET))) {
      return { text: T.greetingReply(t.clock, this.opts.assistantName, t.seed) };
    }
    return undefined;
  }

  /** Nothing matched: ask again when we caught too little, otherwise say what we understood. */
  private fallback(t: Turn, content: readonly string[]): Reply {
    const heard = t.words.join(' ');
    const tiny = content.filter((x) => x.length <= 2).length;
    const garbled = content.length <= 2 || tiny * 2 > content.length || new Set(content).size * 2 < content.length;
    if (garbled) return { text: T.clarificationReply(t.seed, content.length <= 4 ? heard : undefined), ack: false };
    return { text: T.statementReply(heard, t.seed) };
  }
}
