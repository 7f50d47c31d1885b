/**
 * Word lists for the text evidence (completeness.ts, backchannel.ts), all lower case, in the forms a
 * small-vocabulary recognizer such as pocketsphinx writes them (CMUdict spellings, contractions as
 * single tokens, hyphenated words split: "uh-huh" → "uh huh"). Kept apart from the rules so they can
 * be reviewed, extended per language or deployment, and passed in as options.
 */

/** Coordinating and subordinating conjunctions: a turn ending here is mid-sentence ("and…"). */
export const CONJUNCTIONS = [
  'and', 'but', 'or', 'nor', 'so', 'because', 'cause', 'if', 'when', 'while', 'although', 'unless',
  'until', 'since', 'whether', 'whereas', 'plus', 'than', 'as',
] as const;

/**
 * Prepositions that almost never end an English statement. Words that double as verb particles
 * ("turn it off", "log in", "give up") are deliberately absent: they end sentences all the time.
 */
export const PREPOSITIONS = [
  'to', 'of', 'with', 'for', 'from', 'at', 'into', 'onto', 'about', 'between', 'among', 'without',
  'toward', 'towards', 'against', 'via', 'per', 'during', 'including', 'except', 'upon', 'within',
] as const;

/**
 * Particles that may end a statement ("the light is on") but after a copula usually open a place or a
 * time still to come ("the meeting is on… Thursday"): such endings are judged unsure.
 */
export const COPULA_PARTICLES = ['on', 'in', 'by', 'over', 'under', 'behind', 'near', 'before', 'after', 'around', 'through', 'until', 'till', 'since'] as const;

/** Articles and possessive determiners: a noun must follow. ("this", "that", "some" can stand alone.) */
export const DETERMINERS = ['the', 'a', 'an', 'my', 'your', 'our', 'their', 'his', 'its', 'every', 'whose'] as const;

/** Auxiliaries and modals, including negated contractions ("my name is…", "the problem was…"). */
export const AUXILIARIES = [
  'is', 'am', 'are', 'was', 'were', 'be', 'been', 'being', 'do', 'does', 'did', 'have', 'has', 'had',
  'can', 'could', 'will', 'would', 'shall', 'should', 'might', 'must',
  "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "haven't", "hasn't", "hadn't",
  "can't", "couldn't", "won't", "wouldn't", "shouldn't",
] as const;

/** The copula: "how are you", "who is it" end complete; "can you" does not. */
export const COPULAS = ['is', 'am', 'are', 'was', 'were'] as const;

/** Subject pronoun + auxiliary contractions: a verb or complement must follow ("i'm…", "it's…"). */
export const SUBJECT_CONTRACTIONS = [
  "i'm", "i've", "i'll", "i'd", "you're", "you've", "you'll", "you'd", "we're", "we've", "we'll",
  "we'd", "they're", "they've", "they'll", "they'd", "he's", "he'll", "he'd", "she's", "she'll",
  "she'd", "it's", "it'll", "that's", "there's", "here's", "what's", "who's", "let's",
] as const;

/** Subject pronouns that cannot end a statement ("so i…"); fine after a copula in a question ("who are they"). */
export const SUBJECT_PRONOUNS = ['i', 'we', 'they', 'he', 'she'] as const;

/** Pronouns that can be the subject after an inverted auxiliary ("can you", "should i", "is it"). */
export const INVERTED_SUBJECTS = ['i', 'you', 'we', 'they', 'he', 'she', 'it', 'there', 'that', 'this'] as const;

/** Intensifiers and similar modifiers that need a head word ("it was very…"). */
export const MODIFIERS = ['very', 'quite', 'rather', 'extremely', 'fairly', 'somewhat'] as const;

/** Hesitation fillers; a multi-word entry matches the last words ("you know"). */
// 'm' and 'n': pocketsphinx's dictionary has no "um", and writes a hummed one as a lone letter
// ("can you um" → "can u n"); spelled addresses and digits are judged before fillers.
export const FILLERS = ['um', 'uh', 'er', 'erm', 'uhm', 'ah', 'eh', 'hmm', 'hm', 'mm', 'm', 'n', 'like', 'you know', 'i mean', 'sort of', 'kind of'] as const;

/** Words that open a question or request. */
export const WH_WORDS = ['what', "what's", 'how', "how's", 'why', 'when', 'where', "where's", 'who', "who's", 'whom', 'which', 'whose'] as const;

/** Openers of a request that works like a question ("tell me about the weather"). */
export const REQUEST_OPENERS = ['tell me', 'show me', 'give me', 'explain', 'describe', 'let me know', 'remind me', 'find me', 'help me'] as const;

/** Discourse markers skipped when looking for the question opener ("so what time is it"). */
export const LEADING_MARKERS = ['so', 'and', 'but', 'okay', 'ok', 'well', 'um', 'uh', 'hey', 'oh', 'also', 'then', 'now', 'please', 'alright'] as const;

/** Words that take an infinitive: "…want to" is incomplete even in a question. */
export const INFINITIVE_TAKERS = [
  'want', 'wants', 'wanted', 'need', 'needs', 'needed', 'have', 'has', 'had', 'going', 'gonna', 'like',
  'love', 'try', 'trying', 'able', 'used', 'supposed', 'ought', 'plan', 'planning', 'hope', 'decide', 'how',
] as const;

/** Complete replies on their own when they answer a question (one score for all: "yeah" ≡ "yes"). */
export const ACKNOWLEDGEMENTS = [
  'yes', 'yeah', 'yep', 'yup', 'ya', 'yah', 'no', 'nope', 'nah', 'okay', 'ok', 'sure', 'right',
  'correct', 'exactly', 'alright', 'fine', 'absolutely', 'definitely', 'certainly', 'maybe', 'perhaps',
  'please', 'thanks', 'course', 'of', 'sir', 'indeed', 'agreed', 'great', 'perfect', 'good', 'cool',
] as const;

/** Complete utterances in any context (closings, thanks). Matched against the whole normalized text. */
export const CLOSINGS = [
  'thanks', 'thank you', 'thank you very much', 'thanks a lot', 'no thanks', 'no thank you', 'bye',
  'goodbye', 'bye bye', 'good bye', "that's all", "that's it", 'never mind', 'nevermind', 'see you',
] as const;

/** Whole-phrase endings that look incomplete by the word rules but are complete idioms. */
export const COMPLETE_IDIOMS = [
  'i think so', 'i guess so', 'i hope so', "i don't think so", 'i believe so', 'and so on', 'and so forth',
  'or so', 'me too', 'as well', 'of course', 'thank you', "what's up", 'even so',
  // Greetings are whole turns: "hello there" wants an answer now, not after a 700 ms "unsure" wait.
  'hello', 'hello there', 'hi', 'hi there', 'hey there', 'good morning', 'good afternoon', 'good evening',
] as const;

/** Whole-phrase endings that look complete by the word rules but need a continuation. */
export const INCOMPLETE_ENDINGS = [
  'depends on', 'depend on', 'based on', 'rely on', 'relies on', 'focus on', 'such as', 'in order',
  'and then', 'but then', 'so then', 'there is no', "there's no", 'what about', 'how about',
] as const;

/** Hummed "yes" sounds: an acknowledgement when the agent asked, not a hesitation filler. */
export const AFFIRMATIVE_GRUNTS = ['uh huh', 'mm hmm', 'm hm', 'mhm', 'uh hum', 'um hum', 'mm hm'] as const;

/** Digit words a recognizer emits for dictated numbers; "oh" counts only next to another digit. */
export const DIGIT_WORDS = ['zero', 'oh', 'o', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** Words that multiply the next digit ("double five" = 55). */
export const DIGIT_REPEATERS: Readonly<Record<string, number>> = { double: 2, triple: 3 };

/**
 * Cue words before a digit run and the digit count that completes it. Earlier entries win when several
 * cues are present ("zip code" → zip, "card number" → card).
 */
export const DIGIT_CUES: Readonly<Record<string, number>> = {
  zip: 5, postal: 5, postcode: 5, pin: 4, ssn: 9, social: 9, card: 16, code: 6, phone: 10, mobile: 10,
  cell: 10, telephone: 10, number: 10,
};

/** Words that announce an email address being dictated. */
export const EMAIL_CUES = ['email', 'mail'] as const;

/** Mail providers: "john at gmail" is an address still missing ".com". */
export const EMAIL_PROVIDERS = ['gmail', 'yahoo', 'hotmail', 'outlook', 'icloud', 'aol', 'proton', 'protonmail', 'gmx', 'msn', 'live', 'fastmail'] as const;

/** Spoken separators inside an address or URL: the address continues after them. ("at" is a preposition anyway.) */
export const ADDRESS_SEPARATORS = ['dot', 'underscore', 'dash', 'hyphen', 'slash'] as const;

/** Top-level domains that end a dictated address when they follow "dot". */
export const TOP_LEVEL_DOMAINS = [
  'com', 'org', 'net', 'edu', 'gov', 'io', 'co', 'uk', 'us', 'ca', 'de', 'fr', 'ai', 'info', 'biz',
  'me', 'dev', 'app', 'tv', 'au', 'in', 'jp', 'nl', 'es', 'it', 'eu',
] as const;

/**
 * User backchannels: short signals of attention that do not claim the turn. Multi-word entries are
 * matched as phrases; a text is a backchannel when it is made only of these.
 */
export const BACKCHANNELS = [
  'uh huh', 'mm hmm', 'm hm', 'mhm', 'mm', 'mmm', 'hmm', 'hm', 'yeah', 'yes', 'yep', 'yup', 'ya', 'yah',
  'right', 'okay', 'ok', 'o k', 'alright', 'all right', 'i see', 'sure', 'wow', 'oh', 'ah', 'aha',
  'oh wow', 'got it', 'gotcha', 'cool', 'nice', 'great', 'true', 'exactly', 'indeed', 'really', 'i know',
  'of course', 'totally', 'absolutely', 'makes sense', "that's right", "that's true", 'sounds good',
  'good', 'fine', 'ha', 'haha', 'interesting', 'oh okay', 'oh i see', 'okay okay',
] as const;

/**
 * What a small-vocabulary recognizer tends to write for "mm-hm" / "uh-huh" (nasal hums and grunts
 * have no dictionary word, so it picks the nearest short one). Ambiguous on their own, so they count
 * as backchannels only in isBackchannelText, never as content elsewhere.
 */
export const BACKCHANNEL_MISRECOGNITIONS = ['um', 'uh', 'huh', 'hum', 'a huh', 'uh hum', 'um hum', 'em', 'm', 'a ha', 'ha ha'] as const;
