/**
 * The catalog: the full-duplex speech-to-speech landscape of the article "From pipeline to
 * integrated" (April 2026) as typed data, with small lookup helpers. Reused by the embedded
 * dialogue model and the benchmark report, so it holds only what the article states.
 */
import { CONCEPTS, FAMILIES } from './catalog-families.js';
import { SYSTEMS } from './catalog-systems.js';
import type { Concept, Family, FamilyId, PublishedLatency, SystemEntry, SystemFamily } from './catalog-types.js';
import { buildPhraseIndex, findPhrases, normalizeWords, type PhraseIndexEntry } from './text-match.js';

export type * from './catalog-types.js';
export { CONCEPTS, FAMILIES, SYSTEMS };

/** Where the facts come from, for reports that cite the catalog. */
export const CATALOG_SOURCE = {
  title: 'From pipeline to integrated (the STS series, article 03: four families)',
  asOf: 'April 2026',
} as const;

let systemIndex: PhraseIndexEntry<SystemEntry>[] | undefined;
let familyIndex: PhraseIndexEntry<Family>[] | undefined;
let conceptIndex: PhraseIndexEntry<Concept>[] | undefined;

function systemsIdx(): PhraseIndexEntry<SystemEntry>[] {
  // Names are aliases too, so "Qwen2.5-Omni" typed in full always matches.
  systemIndex ??= buildPhraseIndex(SYSTEMS.map((s) => ({ value: s, aliases: [s.name, ...s.aliases] })));
  return systemIndex;
}

/** The family with this id (1–4), or undefined. */
export function familyOf(n: number): Family | undefined {
  return FAMILIES.find((f) => f.id === n);
}

/** The system with this id (e.g. 'moshi'), or undefined. */
export function getSystem(id: string): SystemEntry | undefined {
  return SYSTEMS.find((s) => s.id === id);
}

/** Systems placed in a family (or the closed/cascade layer), in catalog order. */
export function systemsInFamily(family: SystemFamily): SystemEntry[] {
  return SYSTEMS.filter((s) => s.family === family);
}

/** Every system named in `text` (typed or recognised speech), in the order they are mentioned. */
export function findSystems(text: string | readonly string[]): SystemEntry[] {
  const words = typeof text === 'string' ? normalizeWords(text) : text;
  return findPhrases(words, systemsIdx()).map((m) => m.value);
}

/** The first system named in `text`, or undefined. Tolerates recognition errors ("persona plex"). */
export function findSystem(text: string | readonly string[]): SystemEntry | undefined {
  return findSystems(text)[0];
}

const FAMILY_NUMBER_WORDS: Record<string, FamilyId> = {
  one: 1, won: 1, first: 1, two: 2, to: 2, too: 2, second: 2, three: 3, tree: 3, third: 3, four: 4, for: 4, fourth: 4,
};

/**
 * The family named in `text`: "family three", "the third family", "family 3", or a family alias
 * ("dual stream", "codec free"). Undefined when none is named.
 */
export function findFamily(text: string | readonly string[]): Family | undefined {
  const words = typeof text === 'string' ? normalizeWords(text) : text;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w !== 'family' && w !== 'families') continue;
    const after = FAMILY_NUMBER_WORDS[words[i + 1] ?? ''];
    // "family for moshi" asks about Moshi's family; "for" only counts as four at the end.
    if (after !== undefined && !(words[i + 1] === 'for' && i + 2 < words.length)) return familyOf(after);
    const before = FAMILY_NUMBER_WORDS[words[i - 1] ?? ''];
    if (before !== undefined && /^(first|second|third|fourth)$/.test(words[i - 1]!)) return familyOf(before);
  }
  familyIndex ??= buildPhraseIndex(FAMILIES.map((f) => ({ value: f, aliases: f.aliases })));
  return findPhrases(words, familyIndex)[0]?.value;
}

/** The concept (full duplex, cascade, Mimi, …) named in `text`, or undefined. */
export function findConcept(text: string | readonly string[]): Concept | undefined {
  const words = typeof text === 'string' ? normalizeWords(text) : text;
  conceptIndex ??= buildPhraseIndex(CONCEPTS.map((c) => ({ value: c, aliases: c.aliases })));
  return findPhrases(words, conceptIndex)[0]?.value;
}

/** 'Family 1', 'closed commercial', 'cascade': a short label for tables. */
export function familyLabel(family: SystemFamily): string {
  if (family === 'closed') return 'closed commercial';
  if (family === 'cascade') return 'cascade';
  return `Family ${family}`;
}

/** A latency figure as compact text for tables: '160 ms', '160–320 ms', '≈1.2 s', '<1 s'. */
export function formatLatency(l: PublishedLatency): string {
  const unit = (ms: number) => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
  const prefix = l.qualifier === 'approximately' ? '≈' : l.qualifier === 'under' ? '<' : '';
  if (l.toMs !== undefined) {
    const sameUnit = l.ms < 1000 === l.toMs < 1000;
    return `${prefix}${sameUnit ? String(l.ms >= 1000 ? l.ms / 1000 : l.ms) : unit(l.ms)}–${unit(l.toMs)}`;
  }
  return `${prefix}${unit(l.ms)}`;
}

/** The licence as one line of text, or undefined when the article states none. */
export function licenceSummary(s: SystemEntry): string | undefined {
  const l = s.licence;
  if (l === undefined) return undefined;
  const parts: string[] = [];
  if (l.weights !== undefined) parts.push(`weights ${l.weights}`);
  if (l.code !== undefined) parts.push(`code ${l.code}`);
  if (l.release !== undefined) parts.push(l.release);
  for (const c of l.components ?? []) parts.push(`${c.name} ${c.licence}`);
  if (parts.length === 0) {
    if (l.weightsPublic === false) return 'weights not released';
    return undefined;
  }
  return parts.join('; ');
}
