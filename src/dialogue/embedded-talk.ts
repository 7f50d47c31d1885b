/**
 * Small talk, clock and calendar, dictation read-back and long-form talk for the embedded dialogue
 * model. Replies are plain spoken English with numbers in words.
 */
import { FullduplexError } from '../errors.js';
import { familiesList } from './embedded-answers.js';
import { CONCEPTS } from './catalog.js';
import { MONTH_NAMES, digitGroupsWords, longestDigitRun, ordinalWords, timeWords, yearWords } from './spoken.js';
import { pick } from './text-match.js';

// ---------------------------------------------------------------- clock and calendar

export interface ClockParts {
  readonly hour: number;
  readonly minute: number;
  readonly weekday: string;
  readonly day: number;
  readonly month: number;
  readonly year: number;
}

/** The wall-clock fields of `now` in `timeZone` (IANA name; undefined = the system's zone). */
export function clockParts(now: Date, timeZone: string | undefined): ClockParts {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric', weekday: 'long', year: 'numeric', month: 'numeric', day: 'numeric',
    });
  } catch (e) {
    throw new FullduplexError('BAD_ARGUMENT', `unknown time zone "${timeZone}"`, { cause: e });
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => fmt.formatToParts(now).find((p) => p.type === type)?.value ?? '';
  return {
    hour: Number(get('hour')) % 24,
    minute: Number(get('minute')),
    weekday: get('weekday'),
    day: Number(get('day')),
    month: Number(get('month')),
    year: Number(get('year')),
  };
}

export function timeReply(c: ClockParts): string {
  return `It's ${timeWords(c.hour, c.minute)}.`;
}

export function dateReply(c: ClockParts): string {
  return `Today is ${c.weekday}, the ${ordinalWords(c.day)} of ${MONTH_NAMES[c.month - 1]}, ${yearWords(c.year)}.`;
}

export function yearReply(c: ClockParts): string {
  return `It's ${yearWords(c.year)}.`;
}

function partOfDay(hour: number): string {
  return hour < 5 ? 'Hello' : hour < 12 ? 'Good morning' : hour < 17 ? 'Good afternoon' : 'Good evening';
}

// ---------------------------------------------------------------- small talk

export function greetingReply(c: ClockParts, name: string, seed: string): string {
  const follow = pick(
    [
      'What can I do for you?',
      'Ask me the time, or about a speech model like Moshi.',
      'What would you like to talk about?',
    ],
    seed,
  );
  return `${partOfDay(c.hour)}! I'm ${name}. ${follow}`;
}

export function howAreYouReply(seed: string): string {
  return pick(
    [
      "I'm doing well, thanks for asking. How about you?",
      "I'm great, thank you. What would you like to talk about?",
      "Very well, thanks. It's a good day for a conversation.",
    ],
    seed,
  );
}

export function thanksReply(seed: string): string {
  return pick(["You're welcome.", 'Happy to help.', 'Any time.'], seed);
}

export function byeReply(seed: string): string {
  return pick(['Goodbye! It was nice talking with you.', 'Bye for now. Talk to you soon.', 'Take care, goodbye!'], seed);
}

export function identityReply(name: string): string {
  return `I'm ${name}, the built-in dialogue model of this full-duplex engine. I run offline on simple rules, so I'm quick, but not very clever. You can interrupt me at any time.`;
}

export function helpReply(): string {
  return 'I can tell you the time and the date, read back a number or an email address you dictate, tell you a story, and answer questions about full-duplex speech models: their families, licences, sizes and latency. For example, ask me: what licence is Moshi under?';
}

export function hearingReply(): string {
  return 'Yes, I can hear you. What would you like to talk about?';
}

export function acknowledgementReply(seed: string): string {
  return pick(['Okay. What would you like to talk about?', 'Alright. Anything else I can help with?', 'Sure. Ask me anything about speech models, or the time.'], seed);
}

export function offlineReply(topic: string): string {
  return `I'm running offline, so I can't check the ${topic}. I can tell you the time, though, or talk about speech models.`;
}

export function clarificationReply(seed: string, heard?: string): string {
  if (heard !== undefined && heard !== '') {
    return pick(
      [`Sorry, I only caught "${heard}". Could you say that again?`, `I heard "${heard}", but I'm not sure what you mean. Could you rephrase that?`],
      seed,
    );
  }
  return pick(
    ["Sorry, I didn't catch that. Could you say it again?", "I'm sorry, I didn't quite hear you. Could you repeat that?", 'Hmm, I missed that. Could you say it once more?'],
    seed,
  );
}

/** Long turns are quoted by their end only: reading a whole monologue back helps nobody. */
export const MAX_QUOTED_WORDS = 14;

function quote(heard: string): string {
  const words = heard.split(/\s+/);
  return words.length <= MAX_QUOTED_WORDS ? heard : `… ${words.slice(-12).join(' ')}`;
}

export function statementReply(heard: string, seed: string): string {
  heard = quote(heard);
  return pick(
    [
      `I heard: ${heard}. I'm only a small offline assistant, so I'm not sure how to help with that. You can ask me the time, or about a speech model like Moshi.`,
      `You said: ${heard}. I don't know much about that, I'm afraid. Ask me about full-duplex speech models, or the time and date.`,
    ],
    seed,
  );
}

// ---------------------------------------------------------------- dictation read-back

export const CONFIRM_QUESTION = 'Is that right?';

const TLDS = new Set(['com', 'org', 'net', 'edu', 'gov', 'io', 'co', 'uk', 'de', 'fr', 'ai', 'dev', 'info', 'eu', 'us', 'me']);
const NOT_LOCAL = new Set(['is', 'my', 'email', 'e', 'mail', 'address', 'its', 'me', 'to', 'at', 'send', 'write', 'the', 'it', 'and', 'an']);

/** A dictated email address in spoken form ("john dot smith at gmail dot com"), or undefined. */
export function findEmail(raw: string, words: readonly string[]): string | undefined {
  const typed = /([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)/.exec(raw);
  if (typed !== null) {
    const spell = (s: string) => s.replace(/\./g, ' dot ').replace(/-/g, ' dash ').replace(/_/g, ' underscore ');
    return `${spell(typed[1]!)} at ${spell(typed[2]!)}`.toLowerCase().replace(/\s+/g, ' ').trim();
  }
  for (let a = 1; a < words.length; a++) {
    if (words[a] !== 'at') continue;
    let end = -1;
    for (let j = a + 2; j < Math.min(words.length, a + 8); j++) {
      if (words[j - 1] === 'dot' && TLDS.has(words[j]!)) end = j + 1;
    }
    if (end < 0) continue;
    let start = a;
    while (start > 0 && a - start < 6 && !NOT_LOCAL.has(words[start - 1]!)) start--;
    if (start === a) continue;
    return words.slice(start, end).join(' ');
  }
  return undefined;
}

const NUMBER_CUES = new Set(['number', 'phone', 'call', 'pin', 'code', 'digits', 'dial', 'mobile', 'cell', 'extension', 'account']);

/** Dictated digits (at least three, or five without a cue word like "number"), or undefined. */
export function findDictatedDigits(raw: readonly string[]): string | undefined {
  const digits = longestDigitRun(raw);
  const cued = raw.some((w) => NUMBER_CUES.has(w));
  if (digits.length >= 5 || (cued && digits.length >= 3)) return digits;
  return undefined;
}

export function digitsReadBack(digits: string): string {
  return `I heard ${digitGroupsWords(digits)}. ${CONFIRM_QUESTION}`;
}

export function emailReadBack(spoken: string): string {
  return `I heard the email address ${spoken}. ${CONFIRM_QUESTION}`;
}

/** "my name is anna" → "Anna"; undefined when no name is given. */
export function findName(words: readonly string[]): string | undefined {
  for (let i = 0; i + 3 < words.length; i++) {
    if (words[i] === 'my' && words[i + 1] === 'name' && words[i + 2] === 'is') {
      const w = words[i + 3]!;
      return w.charAt(0).toUpperCase() + w.slice(1);
    }
  }
  return undefined;
}

export function nameReply(name: string): string {
  return `Nice to meet you. I heard your name as ${name}. ${CONFIRM_QUESTION}`;
}

export function confirmedReply(seed: string): string {
  return pick(['Great, got it.', 'Perfect, thanks for confirming.', 'Good, I have it.'], seed);
}

export function deniedReply(): string {
  return 'Sorry about that. Could you say it again, a little more slowly?';
}

// ---------------------------------------------------------------- long-form talk

const STORIES: readonly string[] = [
  "Here's a story. Once upon a time there was a restaurant whose dining room never stopped talking. The first cook installed two intercoms, one for orders coming in and one for plating calls going out, and kept a whiteboard of notes so she never lost the thread. The second cook had only one intercom, so he learned to switch between listening and calling so fast that the diners thought he did both at once. The third cook kept the old relay of take order, prep and plate, but hired a supervisor who stood behind the line and shouted cut in now every half second. And the fourth cook never wrote a single ticket: her kitchen ran on hand signals and instinct, like humming a tune without ever reading the notes. One evening a food critic timed them all and wrote that every kitchen answered in two hundred milliseconds. The cooks laughed, because each of them meant something completely different. The first meant her fastest possible reply, the second meant one turn on the intercom, the third meant only the supervisor's shout, and the fourth said nobody had agreed how to measure her kitchen yet. The moral of the story: before you compare two numbers, ask what each one is counting.",
  "Here's a story. On a rocky island there lived a lighthouse keeper named Ada, whose only company was an old radio. For years the radio worked like a polite relay: she spoke, let go of the button, and waited while the mainland listened, thought, and answered. If a storm rolled in while the mainland was talking, Ada had to wait for the whole message to end before she could warn anyone. One winter an engineer brought her a new radio that could listen while it spoke. The very first night, the mainland began reading her a long weather report, and halfway through Ada saw a fishing boat drifting toward the rocks. She simply said, wait, there's a boat on the reef, and the voice on the radio stopped in the middle of a sentence and asked, where? That small interruption saved the boat. Ada decided that the best conversations are not the ones where everyone waits their turn, but the ones where anyone can cut in when it matters. And that is why, to this day, engineers work so hard on machines that can be interrupted.",
  "Here's a story. There was once a small robot who worked at the information desk of a busy train station. The robot had one rule: listen to the whole question, think it over, then answer in full. It was polite, but slow, and the queue stretched out of the door. One morning an old woman asked about the train to the sea, and while the robot was still reading out the timetable, she said, oh, never mind, I found it. The robot kept talking, because it had never learned to stop. The travellers laughed, and the robot felt embarrassed. That night it practised. It learned to keep one ear open while it spoke, to notice a cough or a quick yes, and to stop in the middle of a sentence when someone else needed to speak. It learned to say mm-hmm instead of waiting in silence. Within a week the queue was gone, not because the robot knew more, but because it finally knew when to be quiet. And the old woman came back, just to say it was the best conversation she'd had all year.",
];

/** The n-th story (cycling), so "another story" after a story gives a different one. */
export function storyReply(n: number): string {
  return STORIES[n % STORIES.length]!;
}

const JOKES: readonly string[] = [
  'Why did the cascade never interrupt anyone? Because every stage had to finish before the next one could start.',
  "What did the state predictor say to the speech synthesiser? Cut in now! No, wait. Now!",
  "I tried telling a joke to an interleaved model, but it alternated between the setup and the punchline so fast that I couldn't tell which was which.",
];

export function jokeReply(n: number): string {
  return JOKES[n % JOKES.length]!;
}

/** A long general talk about full-duplex conversation, for "explain" / "talk to me" with no topic. */
export function fullDuplexTalk(prefix = ''): string {
  const concept = (id: string) => CONCEPTS.find((c) => c.id === id)!.explanation.join(' ');
  return [prefix, concept('full-duplex'), concept('cascade'), familiesList(), concept('latency-comparison')]
    .filter((p) => p !== '')
    .join(' ');
}

export function unknownTopicTalk(topic: string): string {
  return fullDuplexTalk(`I don't know much about ${topic}, so let me tell you about something I do know: machines that listen while they speak.`);
}
