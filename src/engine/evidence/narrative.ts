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
];

const SKIP = new Set(['so', 'well', 'okay', 'ok', 'oh', 'um', 'uh', 'and', 'hey', 'alright']);

export function isNarrativeTurn(transcript: string, openers: readonly string[] = NARRATIVE_OPENERS): boolean {
  // Only the opening matters, and this runs every window on a transcript that may be minutes long.
  const words = transcript.slice(0, 120).toLowerCase().replace(/[^a-z' ]/g, ' ').split(/\s+/).filter(Boolean);
  for (let skip = 0; skip <= 2 && skip < words.length; skip++) {
    const head = words.slice(skip, skip + 6).join(' ');
    if (openers.some((o) => head.startsWith(o))) return true;
    if (!SKIP.has(words[skip]!)) break;
  }
  return false;
}
