/**
 * Keyword sets for the embedded model's intents. Matched against normalised words (lower case,
 * digits spelt out, "licence"/"licensed" folded to "license"), as a recogniser would produce them.
 */
import type { Aspect } from './embedded-answers.js';
import { hasAny } from './text-match.js';

export const FILLERS = new Set(['uh', 'um', 'umm', 'uhm', 'erm', 'er', 'ah', 'hmm', 'mm', 'mhm', 'huh', 'oh', 'the', 'a', 'an', 'and', 'so']);

const ASPECT_PHRASES: readonly [Aspect, readonly string[]][] = [
  ['family', ['family', 'families', 'architecture', 'architectures', 'kind of', 'type of', 'what kind', 'which kind', 'category', 'belong', 'belongs', 'group']],
  [
    'organisation',
    ['who', 'company', 'organisation', 'organization', 'made', 'make', 'makes', 'built', 'build', 'developed', 'develop', 'created', 'comes from', 'vendor', 'maker', 'released by', 'behind'],
  ],
  ['parameters', ['parameters', 'parameter', 'params', 'how big', 'how large', 'size', 'billion', 'how many']],
  ['licence', ['license', 'licenses', 'licensing', 'open source', 'commercial', 'commercially', 'terms of use']],
  [
    'latency',
    ['latency', 'latencies', 'fast', 'faster', 'fastest', 'quick', 'quickly', 'speed', 'delay', 'response time', 'slow', 'slower', 'milliseconds', 'how long', 'lag', 'responsive'],
  ],
  ['release', ['when', 'release date', 'what year', 'launched', 'came out', 'come out', 'released in', 'how old', 'how new']],
];

/** The catalog facts a question asks for, in a fixed order; [] for none. */
export function detectAspects(words: readonly string[]): Aspect[] {
  return ASPECT_PHRASES.filter(([, phrases]) => hasAny(words, phrases)).map(([a]) => a);
}

export const LONG = [
  'tell me about', 'tell me everything', 'talk about', 'explain', 'describe', 'more about', 'details', 'in detail', 'how does',
  'how do', 'what do you know about', 'everything about', 'teach me', 'walk me through',
];
export const TALK = ['talk to me', 'keep talking', 'say something', 'talk for a while', 'entertain me'];
export const COMPARE = ['compare', 'comparison', 'versus', 'vs', 'difference', 'than', 'or'];
export const MEMBERS = ['which systems', 'which models', 'what systems', 'what models', 'examples', 'members', 'who is in', 'what is in', 'which are'];
export const FAMILIES_ALL = ['the families', 'four families', 'all families', 'the four', 'what families', 'which families', 'families are there', 'the architectures'];
export const TWO_HUNDRED = ['two hundred milliseconds', 'two hundred millisecond', 'two hundred mil'];
export const PERMISSIVE = ['most permissive', 'permissive', 'most open', 'most commercial', 'best license'];
export const BUYERS = ['lab', 'startup', 'enterprise', 'company', 'research', 'researcher'];

export const TIME = ['what time', 'the time', 'time is it', 'current time', 'time now', 'time please', 'what is the time'];
export const DATE = ['what date', 'the date', 'today date', 'date today', 'what day', 'which day', 'day is it', 'day today', 'what is today', 'day of the week', 'todays date', 'what month', 'which month'];
export const YEAR = ['what year', 'which year', 'year is it'];

export const STOP = ['stop', 'wait', 'hold on', 'hang on', 'never mind', 'nevermind', 'cancel', 'be quiet', 'shut up', 'quiet', 'pause', 'enough', 'one moment', 'one second'];
/** Words that may surround a stop request ("okay stop talking please") without adding a question. */
export const STOP_WORDS = new Set([
  ...STOP.flatMap((p) => p.split(' ')),
  'please', 'a', 'second', 'minute', 'moment', 'sec', 'okay', 'talking', 'it', 'now', 'there', 'just', 'up', 'right', 'be', 'hey', 'oh',
]);
export const CONTINUE = ['go on', 'continue', 'keep going', 'carry on', 'go ahead', 'and then', 'you were saying', 'finish'];
export const MORE = ['tell me more', 'more', 'what else', 'anything else'];
export const REPEAT = ['repeat', 'say that again', 'say it again', 'what did you say', 'come again', 'pardon', 'sorry what'];

export const GREET = ['hello', 'hi', 'hey', 'hiya', 'howdy', 'greetings', 'good morning', 'good afternoon', 'good evening', 'morning', 'hallo', 'yo'];
export const HOW_ARE_YOU = ['how are you', 'how are you doing', 'how is it going', 'hows it going', 'how are things', 'how do you do', 'you okay', 'how you doing'];
export const THANKS = ['thanks', 'thank you', 'thank', 'cheers', 'appreciate it', 'much appreciated'];
export const BYE = ['bye', 'goodbye', 'good bye', 'see you', 'good night', 'farewell', 'talk to you later', 'see ya', 'bye bye'];
export const IDENTITY = ['who are you', 'who made you', 'who built you', 'who created you', 'what are you', 'your name', 'introduce yourself', 'are you a robot', 'are you human', 'are you real'];
export const HELP = ['help', 'what can you do', 'what do you do', 'what can i ask', 'what should i ask', 'how does this work', 'options'];
export const HEAR = ['can you hear me', 'are you there', 'are you listening', 'do you hear me', 'can you understand me'];
/** Words that, alone ("okay", "all right", "i see"), just acknowledge. */
export const ACKNOWLEDGE = new Set(['okay', 'alright', 'all', 'right', 'cool', 'great', 'fine', 'yes', 'yeah', 'no', 'nope', 'sure', 'good', 'nice', 'i', 'see', 'got', 'it', 'thats']);
export const STORY = ['story', 'stories', 'once upon'];
export const JOKE = ['joke', 'jokes', 'funny', 'make me laugh'];
export const OFFLINE_TOPICS = ['weather', 'news', 'traffic', 'stocks', 'stock market', 'score', 'forecast'];

export const YES = ['yes', 'yeah', 'yep', 'yup', 'correct', 'right', 'exactly', 'affirmative', 'indeed', 'absolutely', 'sure', 'perfect', 'it is'];
export const NO = ['no', 'nope', 'wrong', 'incorrect', 'nah', 'not right', 'not quite', 'negative'];
export const PRONOUNS = ['it', 'its', 'that', 'this', 'they', 'them', 'their', 'one'];

/** True when the first word (or two) of `words` is one of `phrases`. */
export function startsWithAny(words: readonly string[], phrases: readonly string[]): boolean {
  return phrases.some((p) => {
    const ps = p.split(' ');
    return ps.every((w, i) => words[i] === w);
  });
}
