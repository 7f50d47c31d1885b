/**
 * Types of the catalog: the full-duplex speech-to-speech landscape as described by the "From
 * pipeline to integrated" article (April 2026). Every optional field is left undefined where the
 * article does not state the fact, so consumers can say "not stated" instead of guessing.
 */

export type FamilyId = 1 | 2 | 3 | 4;

/** An open family, the closed commercial layer, or a plain cascade product. */
export type SystemFamily = FamilyId | 'closed' | 'cascade';

export interface Family {
  readonly id: FamilyId;
  /** e.g. 'Dual-stream + neural codec'. */
  readonly name: string;
  /** The article's everyday analogy, e.g. 'two intercoms at once'. */
  readonly analogy: string;
  /** The analogy spelt out (the article's kitchen), one or two sentences. */
  readonly analogyDetail: string;
  /** What a "200 ms" latency figure means for a system of this family. */
  readonly meaningOf200ms: string;
  /** Ids of the systems the article lists as representative, in its order. */
  readonly representatives: readonly string[];
  /** Which training-data bet the family makes. */
  readonly dataBet: string;
  /** Who the family fits, from the article's buyer cheat sheet, and why. */
  readonly fitsBuyer: string;
  readonly fitsBecause: string;
  /** How the family's licences look, as far as the article says. */
  readonly licenceStory: string;
  /** A few sentences describing how the family works, phrased to be spoken aloud. */
  readonly explanation: readonly string[];
  /** Spoken/recognised phrasings that name the family (besides "family N"). */
  readonly aliases: readonly string[];
}

export interface LicenceInfo {
  /** Licence of the model weights, as stated. */
  readonly weights?: string;
  /** Licence of the code, as stated. */
  readonly code?: string;
  /** A licence stated for the release as a whole, where the article does not split weights and code. */
  readonly release?: string;
  /** Licences of named parts, e.g. Moshi's Mimi codec. */
  readonly components?: readonly { readonly name: string; readonly licence: string }[];
  /** False where the article says the weights were not released (closed or paper-only). */
  readonly weightsPublic?: boolean;
  /** What the licence allows, where the article comments on it. */
  readonly note?: string;
}

export interface PublishedLatency {
  /** Which number this is, for tables: 'theoretical', 'measured on an NVIDIA L4', 'average'. */
  readonly label: string;
  /** The same, phrased to follow the spoken figure: "160 ms <of theoretical latency>". */
  readonly phrase: string;
  /** The figure in milliseconds (the low end of a range). */
  readonly ms: number;
  /** The high end, for a range such as Freeze-Omni's 160–320 ms. */
  readonly toMs?: number;
  /** 'approximately' for "roughly"/"≈"; 'under' for "sub-…" claims. */
  readonly qualifier?: 'approximately' | 'under';
  /** What the number measures, per the article: one standalone sentence. */
  readonly meaning: string;
}

export interface ReleaseDate {
  readonly year: number;
  /** 1–12 when the article names the month. */
  readonly month?: number;
  /**
   * A verb phrase read as "<name> <event> <date>" when the date is not a plain release, e.g.
   * 'was published in', "has shipped on Google's apps since". Default: 'was released in'.
   */
  readonly event?: string;
}

export interface SystemEntry {
  /** Stable kebab-case id, e.g. 'moshi', 'covo-audio-chat-fd'. */
  readonly id: string;
  /** Display name as the article writes it. */
  readonly name: string;
  readonly family: SystemFamily;
  readonly organisation?: string;
  /** Parameter count as stated ('7B') and in billions. */
  readonly parameters?: { readonly stated: string; readonly billions: number };
  readonly licence?: LicenceInfo;
  readonly released?: ReleaseDate;
  readonly latency?: readonly PublishedLatency[];
  /** One line for tables and reports. */
  readonly note: string;
  /** Further facts from the article, each a sentence phrased to be spoken aloud. */
  readonly details?: readonly string[];
  /** Id of the entry this one is a variant or tier of. */
  readonly variantOf?: string;
  /**
   * Phrasings that name the system in speech or typed text, matched after normalisation
   * (lower case, digits spelt out) and with fuzzy tolerance. Include likely recognition errors.
   */
  readonly aliases: readonly string[];
}

/** A concept the article explains (full duplex, cascade, Mimi codec, …) for "what is X" questions. */
export interface Concept {
  readonly id: string;
  readonly name: string;
  readonly explanation: readonly string[];
  readonly aliases: readonly string[];
}
