/**
 * Is the user telling something (a story, an account) rather than asking or answering? People who
 * open with "let me tell you…" or "so yesterday…" hold the floor across sentence ends, and listeners
 * answer those boundaries with a backchannel, not a takeover. Without this cue an engine that answers
 * finished sentences quickly would take over at the first full stop of every story.
 */

/** Openers that announce a multi-sentence turn (matched at the start of the turn, after fillers). */
export const NARRATIVE_OPENERS: readonly string[] = [
  'let me tell you',
  'i have to tell you',
  'i gotta tell you',
  'i want to tell you',
  'guess what',
  'you know what happened',
  'you will not believe',
  "you won't believe",
  'so yesterday',
  'yesterday i',
  'last week',
  'last weekend',
  'last night',
  'the other day',
  'once upon a time',
  'so basically',
  'long story short',
  'here is what happened',
  "here's what happened",
  'it all started',
  'so this morning',
  'this morning i',
  'something funny',
  'something strange',
  'something weird',
  'something crazy',
  'something happened',
  'the story of',
  'a story about',
  'one time i',
  'this one time',
];

/** A turn that starts like a question or a request is asking for something, whatever follows. */
const ASKING = new Set(['can', 'could', 'would', 'will', 'do', 'does', 'did', 'is', 'are', 'what', 'who', 'how', 'why', 'when', 'where', 'which', 'tell', 'please', 'give', 'show']);

const SKIP = new Set(['so', 'well', 'okay', 'ok', 'oh', 'um', 'uh', 'and', 'hey', 'alright', 'the']);
/** Openers are looked for among the turn's first words only; the recogniser may insert a word or two. */
const SEARCH_WORDS = 8;

export function isNarrativeTurn(transcript: string, openers: readonly string[] = NARRATIVE_OPENERS): boolean {
  // Only the opening matters, and this runs every window on a transcript that may be minutes long.
  const words = transcript.slice(0, 120).toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean);
  const first = words.find((w) => !SKIP.has(w));
  if (first === undefined || ASKING.has(first)) return false;
  const head = ` ${words.slice(0, SEARCH_WORDS).join(' ')} `;
  return openers.some((o) => head.includes(` ${o} `) || head.trimEnd().endsWith(` ${o}`));
}
