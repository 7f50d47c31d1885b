/**
 * Spoken answers about the catalog for the embedded dialogue model. Everything is generated from
 * catalog fields, so an answer never states more than the article does, and numbers are spelt
 * out for the TTS.
 */
import { CONCEPTS, FAMILIES, familyOf, getSystem } from './catalog.js';
import type { Concept, Family, PublishedLatency, ReleaseDate, SystemEntry } from './catalog-types.js';
import { billionsWords, durationWords, MONTH_NAMES, numberWords, yearWords } from './spoken.js';

export type Aspect = 'family' | 'organisation' | 'parameters' | 'licence' | 'latency' | 'release';

export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function possessive(name: string): string {
  return name.endsWith('s') ? `${name}'` : `${name}'s`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** "Dual-stream + neural codec" → "dual-stream plus neural codec", for speaking. */
export function spokenFamilyName(f: Family): string {
  return lowerFirst(f.name.replace(/ \+ /g, ' plus ').replace(/ \/ /g, ' or '));
}

/** "NVIDIA Open Model License" → "the NVIDIA Open Model License"; "MIT" stays "MIT". */
function withArticle(licence: string): string {
  if (/^(a|an|the) /i.test(licence)) return licence;
  return /licen[cs]e$/i.test(licence) ? `the ${licence}` : licence;
}

export function familyTitle(id: number): string {
  return `Family ${numberWords(id)}`;
}

function dateWords(d: ReleaseDate): string {
  return d.month === undefined ? yearWords(d.year) : `${MONTH_NAMES[d.month - 1]} ${yearWords(d.year)}`;
}

function figureWords(l: PublishedLatency): string {
  const q = l.qualifier === 'approximately' ? 'about ' : l.qualifier === 'under' ? 'under ' : '';
  if (l.toMs === undefined) return q + durationWords(l.ms);
  const low = l.ms < 1000 && l.toMs < 1000 ? numberWords(l.ms) : durationWords(l.ms);
  return `${q}${low} to ${durationWords(l.toMs)}`;
}

function systemNames(ids: readonly string[]): string[] {
  return ids.map((id) => getSystem(id)?.name ?? id);
}

// ---------------------------------------------------------------- one aspect of one system

export function licenceAnswer(s: SystemEntry): string {
  const l = s.licence;
  if (s.family === 'closed') return `${s.name} is a closed commercial system, so there are no public weights; its licence terms are kept behind the blinds.`;
  if (l === undefined) return `The article doesn't say what licence ${s.name} is under.`;
  const parts: string[] = [];
  if (l.weights !== undefined) parts.push(`${possessive(s.name)} weights are released under ${withArticle(l.weights)}`);
  if (l.code !== undefined) {
    parts.push(parts.length > 0 ? `its code under ${withArticle(l.code)}` : `${possessive(s.name)} code is released under ${withArticle(l.code)}`);
  }
  for (const c of l.components ?? []) parts.push(`its ${c.name} under ${withArticle(c.licence)}`);
  if (l.release !== undefined) parts.push(`${s.name} is released under ${withArticle(l.release)}`);
  if (parts.length > 0) return [`${joinAnd(parts)}.`, l.note ?? ''].join(' ').trim();
  if (l.weightsPublic === false) return [`${possessive(s.name)} weights were not released.`, l.note ?? ''].join(' ').trim();
  if (l.note !== undefined) return `As for ${s.name}: ${lowerFirst(l.note)}`;
  return `The article doesn't say what licence ${s.name} is under.`;
}

export function familyAnswer(s: SystemEntry): string {
  if (s.family === 'closed') {
    return `${s.name} is a closed commercial system. The article doesn't place it in a family: vendors keep the architecture private, so you can guess the family from behaviour, but not confirm it.`;
  }
  if (s.family === 'cascade') {
    return `${s.name} is a cascade: speech recognition, a language model and speech synthesis, one stage after another. A cascade cannot, by its own design, listen while it speaks.`;
  }
  const f = familyOf(s.family)!;
  return `${s.name} belongs to ${familyTitle(f.id)}, ${spokenFamilyName(f)}: in the article's words, ${f.analogy}.`;
}

export function parametersAnswer(s: SystemEntry): string {
  if (s.parameters !== undefined) return `${s.name} has ${billionsWords(s.parameters.billions)} parameters.`;
  if (s.family === 'closed') return `${s.name} is closed, and its parameter count is one of the things vendors keep private.`;
  return `The article doesn't give a parameter count for ${s.name}.`;
}

export function organisationAnswer(s: SystemEntry): string {
  if (s.organisation !== undefined) return `${s.name} comes from ${s.organisation}.`;
  const hint = s.details?.[0];
  return `The article doesn't say who made ${s.name}.${hint !== undefined ? ` ${hint}` : ''}`;
}

export function releaseAnswer(s: SystemEntry): string {
  if (s.released === undefined) return `The article doesn't give a release date for ${s.name}.`;
  return `${s.name} ${s.released.event ?? 'was released in'} ${dateWords(s.released)}.`;
}

function familyMeaningSentence(s: SystemEntry): string {
  if (typeof s.family !== 'number') {
    return s.family === 'closed'
      ? 'Because the architecture is private, you cannot tell which family the number should be read through.'
      : '';
  }
  const f = familyOf(s.family)!;
  return `In ${familyTitle(f.id)}, a two hundred millisecond number means ${lowerFirst(f.meaningOf200ms)}`;
}

function figuresPhrase(ls: readonly PublishedLatency[]): string {
  return joinAnd(ls.map((l) => `${figureWords(l)} ${l.phrase}`));
}

export function latencyAnswer(s: SystemEntry): string {
  const ls = s.latency ?? [];
  if (ls.length === 0) return `The article doesn't give a latency figure for ${s.name}. ${familyMeaningSentence(s)}`.trim();
  const meanings = [...new Set(ls.map((l) => l.meaning))];
  const tail = s.family === 'closed' ? familyMeaningSentence(s) : '';
  return [`For ${s.name}, the article gives ${figuresPhrase(ls)}.`, ...meanings, tail].filter((x) => x !== '').join(' ');
}

const ASPECT_ANSWERS: Record<Aspect, (s: SystemEntry) => string> = {
  family: familyAnswer,
  organisation: organisationAnswer,
  parameters: parametersAnswer,
  licence: licenceAnswer,
  latency: latencyAnswer,
  release: releaseAnswer,
};

export function aspectsAnswer(s: SystemEntry, aspects: readonly Aspect[]): string {
  return aspects.map((a) => ASPECT_ANSWERS[a](s)).join(' ');
}

// ---------------------------------------------------------------- whole systems

/** Two or three sentences: what it is, who made it, one fact. */
export function systemOverview(s: SystemEntry): string {
  const who = s.organisation !== undefined ? ` from ${s.organisation}` : '';
  let intro: string;
  if (typeof s.family === 'number') {
    const f = familyOf(s.family)!;
    intro = `${s.name} is a ${familyTitle(f.id)} system${who}, the family the article calls ${f.analogy}.`;
  } else if (s.family === 'closed') {
    intro = `${s.name} is a closed commercial voice system${who}.`;
  } else {
    intro = `${s.name} is a cascade voice product${who}.`;
  }
  return `${intro} ${s.details?.[0] ?? ''}`.trim();
}

/** Everything the catalog knows about a system, long enough to talk for a while. */
export function systemLong(s: SystemEntry): string {
  const parts = [systemOverview(s), ...(s.details ?? []).slice(1)];
  if (s.parameters !== undefined) parts.push(parametersAnswer(s));
  if (s.released !== undefined) parts.push(releaseAnswer(s));
  if (s.licence !== undefined && s.family !== 'closed') parts.push(licenceAnswer(s));
  if (s.latency !== undefined) parts.push(latencyAnswer(s));
  if (typeof s.family === 'number') {
    const f = familyOf(s.family)!;
    parts.push(`A word on its family. ${f.explanation.join(' ')}`);
  } else if (s.family === 'closed') {
    parts.push(CONCEPTS.find((c) => c.id === 'closed-layer')!.explanation.join(' '));
  } else {
    parts.push(CONCEPTS.find((c) => c.id === 'cascade')!.explanation.join(' '));
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------- families and concepts

export function familyMembers(f: Family): string {
  const names = systemNames(f.representatives);
  return names.length === 1
    ? `${names[0]} is the only public example of ${familyTitle(f.id)}.`
    : `${familyTitle(f.id)} includes ${joinAnd(names)}.`;
}

export function familyOverview(f: Family): string {
  return [
    `${familyTitle(f.id)} is ${spokenFamilyName(f)}; in the article's words, ${f.analogy}.`,
    f.analogyDetail,
    familyMembers(f),
  ].join(' ');
}

export function familyLong(f: Family): string {
  return [
    familyOverview(f),
    ...f.explanation,
    `A two hundred millisecond figure here means ${lowerFirst(f.meaningOf200ms)}`,
    `On data: ${lowerFirst(f.dataBet)}`,
    `It suits ${f.fitsBuyer}, because ${f.fitsBecause}.`,
    `On licences: ${lowerFirst(f.licenceStory)}`,
  ].join(' ');
}

export function familiesList(): string {
  const items = FAMILIES.map((f) => {
    const names = systemNames(f.representatives.slice(0, 4));
    return `${familyTitle(f.id)}, ${spokenFamilyName(f)}: ${f.analogy}, like ${joinAnd(names)}.`;
  });
  return [
    'There are four families of full-duplex speech-to-speech.',
    ...items,
    'Above them sits a closed commercial layer, such as GPT-4o voice and Gemini Live, whose architecture is kept private.',
  ].join(' ');
}

/** What "200 ms" means: for one family, or for all four. */
export function meaningOf200msAnswer(f?: Family): string {
  if (f !== undefined) return `In ${familyTitle(f.id)}, two hundred milliseconds means ${lowerFirst(f.meaningOf200ms)}`;
  return [
    'The same two hundred milliseconds means different things in each family.',
    ...FAMILIES.map((x) => `In ${familyTitle(x.id)}, ${lowerFirst(x.meaningOf200ms)}`),
    'So never compare latency numbers across families as if they were the same quantity.',
  ].join(' ');
}

export function compareSystems(list: readonly SystemEntry[]): string {
  const lines = list.map((s) => {
    const fam = typeof s.family === 'number' ? `is in ${familyTitle(s.family)}` : s.family === 'closed' ? 'is a closed system' : 'is a cascade';
    const ls = s.latency ?? [];
    const lat = ls.length > 0 ? ` and reports ${figuresPhrase(ls)}` : ', with no latency figure in the article';
    return `${s.name} ${fam}${lat}.`;
  });
  const caveat = CONCEPTS.find((c) => c.id === 'latency-comparison')!.explanation[0]!;
  const families = new Set(list.map((s) => s.family));
  const tail = families.size > 1 ? `${caveat} Each number has to be read through its own family.` : 'They are in the same family, so their numbers are at least measuring similar things.';
  return `${lines.join(' ')} ${tail}`;
}

export function conceptAnswer(c: Concept, long: boolean): string {
  return long ? c.explanation.join(' ') : c.explanation.slice(0, 2).join(' ');
}

/** Which family suits a kind of buyer, keyed by a word in the question. */
export function buyerAnswer(word: string): string | undefined {
  const byWord: Record<string, number> = { lab: 1, startup: 2, enterprise: 3, company: 3, research: 4, researcher: 4 };
  const id = byWord[word];
  if (id === undefined) return undefined;
  const f = familyOf(id)!;
  return `For ${f.fitsBuyer}, the article points to ${familyTitle(f.id)}, ${spokenFamilyName(f)}, because ${f.fitsBecause}.`;
}

export function mostPermissiveAnswer(): string {
  const s = getSystem('covo-audio-chat-fd')!;
  return `The most permissive one is ${s.name}, from ${s.organisation}, released under ${s.licence!.weights}. ${s.details!.join(' ')}`;
}
