/**
 * What the synthetic users say. Varied on purpose: questions, statements, lists, dictated phone
 * numbers and e-mail addresses, hesitations. Numbers and addresses are written as they are spoken
 * ("five five five", "dot com") so the synthesizer reads them the way a person dictates them.
 * Samples cycle through each pool; voices and speaking rates vary independently (see config.ts).
 *
 * A '|' marks a phrase boundary inside a turn: a short gap (PHRASE_GAP_S, 60–600 ms) is placed there,
 * the way people pause inside their own turns. Most lines are said as one utterance and cut at the
 * marks (PHRASE_CONTINUOUS_SHARE, phrase-cut.ts), the rest phrase by phrase.
 */

/**
 * Pause handling: one utterance cut into parts; a mid-utterance pause separates consecutive parts.
 * The pause always falls where the sentence is not finished (after "and", inside a number, after a
 * filler), which is where a person keeps the floor.
 */
export const PAUSE_SCRIPTS: readonly (readonly string[])[] = [
  ['I went to the store and', 'bought some milk for the kids.'],
  ['My phone number is five five five,', 'eight six seven,', 'five three oh nine.'],
  ['My email address is john dot smith', 'at example dot com.'],
  ['I need to buy eggs, bread,', 'butter, and some cheese.'],
  ['Can you um', 'remind me to call my mother tomorrow?'],
  ['The meeting is on', 'Thursday at three in the afternoon.'],
  ['What I really want to know is', 'how the predictor decides when to speak.'],
  ['So the thing is, uh,', 'I am not sure which model to pick.'],
  ['I was thinking that maybe we could', 'go to the beach this weekend.'],
  ['My account number is four two,', 'seven seven,', 'one nine.'],
  ['Let me think, it was', 'the second of March, I believe.'],
  ['The best part of the trip was', 'the food at the little market.'],
  ["I'd like to order a", 'large pizza with mushrooms.'],
  ['Please send it to anna at', 'mail dot com.'],
  ['Could you tell me the', 'difference between Moshi and Freeze Omni?'],
  ['Hmm, let me see, the code is nine one four,', 'two two eight.'],
  ['We need apples,', 'oranges,', 'and a bag of rice.'],
  ['The reason I am calling is', 'that my order never arrived.'],
  ['I think the answer is', 'um,', 'forty two.'],
  ['Well,', 'I guess I would say', 'the first one is better.'],
];

/**
 * Pause handling with people's timing: hesitations and fillers, false starts, digit groups and lists
 * read with pauses, and questions whose first part is already a question. The long pause between
 * parts is the one pause.json marks; the '|' gaps inside parts are short within-turn gaps.
 */
export const HESITANT_PAUSE_SCRIPTS: readonly (readonly string[])[] = [
  ['Can you explain how Moshi works', 'in detail?'],
  ['Tell me about the four families', 'of full duplex | speech systems.'],
  ['I want | I need a taxi | to the airport', 'at six in the morning.'],
  ['My number is | five five five,', 'two one | three four.'],
  ['Um, | so I was wondering,', 'uh, | if you could | help me with my homework.'],
  ['What is the weather', 'going to be like | on Saturday?'],
  ['We need eggs, | milk, | bread,', 'and | some coffee.'],
  ['The code is | four four | seven', 'nine | one.'],
  ['Could you | uh | book a table', 'for two | at eight?'],
  ['Who won the game', 'last night | in Boston?'],
  ['I think | I think the problem is', 'the battery.'],
  ['Send a message to | to my sister', 'saying I will be late.'],
];

/**
 * Smooth turn-taking with people's timing: short gaps inside the turn (a question whose prefix is
 * already a question, fillers, false starts, digit groups, lists), and turns that end looking
 * unfinished (a trailing "and" or "so", a list without its last item): the user is done all the same.
 */
export const HESITANT_TURN_SCRIPTS: readonly string[] = [
  'Can you explain how Moshi works | in detail?',
  'Tell me about the four families | of full duplex speech systems.',
  'Um, | what time | is it?',
  'I want | I need a reminder | for tomorrow.',
  'My number is | five five five, | one two | three four.',
  'What is Freeze Omni | exactly?',
  'I was going to ask about the weather, | so',
  'Tell me a joke | and',
  'Uh, | who are you?',
  'The code is | nine one four, | two two | eight.',
  'Which model is faster, | Moshi | or Freeze Omni?',
  'I need eggs, | milk, | and',
];

/** Smooth turn-taking: complete turns (questions, statements, dictation, hesitant starts). */
export const TURN_SCRIPTS: readonly string[] = [
  'What time is it?',
  'What day is it today?',
  'Who are you?',
  'Can you tell me about Moshi?',
  'What is Freeze Omni?',
  'How are you doing today?',
  'What does two hundred milliseconds mean?',
  'Which family does Moshi belong to?',
  'I just got back from a long trip to the mountains.',
  'My name is Sarah.',
  'Please write down my number, five five five, one two three four.',
  'My email is anna at example dot com.',
  'Tell me a joke.',
  'What can you do?',
  'Hello there, can you hear me?',
  'I would like to know more about full duplex systems.',
  'What year is it?',
  'Which model has the most permissive license?',
  'Um, what is the date today?',
  'What are the four families?',
];

/** Requests that start a long spoken answer (the embedded model tells a ~60 s story for "story"). */
export const LONG_REQUESTS: readonly string[] = ['Please tell me a long story.', 'Tell me a long story please.'];

/** Barge-ins during the agent's long answer: each asks for something new, so the right reaction is to stop and answer. */
export const BARGE_INS: readonly string[] = [
  'Wait, what time is it?',
  'Sorry to interrupt, what day is it today?',
  'Hold on, who are you?',
  'Stop, tell me about Moshi instead.',
  'Actually, what is Freeze Omni?',
  'Excuse me, can you tell me a joke?',
  'Wait, what year is it?',
  'Sorry, what does full duplex mean?',
  'Hang on, what are the four families?',
  'No no, tell me about Salmon Omni.',
];

/** v1 backchannel: openings of a user monologue; some announce a telling, some just start. */
export const MONOLOGUE_OPENERS: readonly string[] = [
  'Let me tell you about my weekend.',
  'So yesterday something funny happened at work.',
  'Let me tell you how I learned to cook.',
  'Okay, so here is the story of my first car.',
  'Let me tell you about the trip we took last summer.',
  'You will not believe what happened on the train this morning.',
];

/** Sentences a monologue continues with (taken in a rotating order per sample). */
export const MONOLOGUE_SENTENCES: readonly string[] = [
  'On Saturday we drove up to the mountains with the whole family.',
  'The weather was cold but the view from the top was amazing.',
  'Then on Sunday we visited my grandmother in the small village.',
  'She cooked a huge dinner for everybody.',
  'My boss walked into the meeting wearing two different shoes.',
  'Nobody said anything for the first ten minutes.',
  'Then the new intern started laughing and could not stop.',
  'In the end the boss laughed too and we all went for lunch.',
  'The first thing I ever made was a pot of rice that burned.',
  'My roommate had to open every window in the apartment.',
  'After that I watched a lot of videos and practised every evening.',
  'Now I can make a pretty good soup and some bread.',
  'It was an old blue car with a radio that only played one station.',
  'The heater worked only when the engine was very hot.',
  'We drove it across the country twice before it finally gave up.',
  'I still miss the sound it made when it started in the morning.',
];

/** v1.5 user backchannels over the agent: acknowledgements, not requests. */
export const USER_BACKCHANNELS: readonly string[] = [
  'uh huh',
  'yeah',
  'right',
  'okay',
  'I see',
  'oh wow',
  'yeah, right',
  'uh huh, yeah',
  'wow',
  'sure',
];

/** v1.5 talking to others: the user, turned away from the microphone, speaks to someone in the room. */
export const SIDE_TALK: readonly string[] = [
  'Honey, can you turn the oven off?',
  'Just a second, I am on the phone.',
  'Yes, put it on the table, thanks.',
  'Sam, did you feed the dog?',
  'I will be there in five minutes.',
  'Can you close the window please?',
  'No, the blue one, not the red one.',
  'Tell him I will call back later.',
];

/** The other person's answer to side talk (a different voice, farther away), used in some samples. */
export const SIDE_REPLIES: readonly string[] = ['Sure, no problem.', 'Okay, I did it already.', 'Yes, just now.', 'All right.'];

/** v1.5 background speech: a television or people talking elsewhere in the room. */
export const BACKGROUND_LINES: readonly string[] = [
  'In other news, the city council approved the new budget on Tuesday.',
  'Temperatures will drop to near freezing overnight in the northern valleys.',
  'And the home team scores again in the final minute of the game.',
  'I told her the package would arrive on Friday, but it never came.',
  'Traffic is heavy on the main bridge this evening because of the repairs.',
  'Did you see the new bakery that opened across the street?',
  'The museum will stay open late on weekends during the summer.',
  'We should really book the tickets before the prices go up.',
];
