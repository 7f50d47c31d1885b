/**
 * The article's four families of full-duplex speech-to-speech and the concepts it explains.
 * Text fields are phrased to be spoken aloud (numbers in words) as well as read.
 */
import type { Concept, Family } from './catalog-types.js';

export const FAMILIES: readonly Family[] = [
  {
    id: 1,
    name: 'Dual-stream + neural codec',
    analogy: 'two intercoms at once',
    analogyDetail:
      'One channel carries the incoming order and another carries the outgoing plating call, both open at the same time, while the cook scribbles notes on a whiteboard to keep the thread across both lines.',
    meaningOf200ms: "The theoretical floor on the single transformer's forward pass.",
    representatives: ['moshi', 'personaplex', 'sesame-csm-1b'],
    dataBet: 'It is the hungriest family for clean two-channel conversational speech.',
    fitsBuyer: 'a lab chasing the shortest transformer forward pass',
    fitsBecause: 'it has the fewest moving parts: one joint model reads all streams together',
    licenceStory:
      'It has the cleanest licence stories for model weights, and the least transparent stories about the audio those weights learned from.',
    explanation: [
      "Parallel audio streams share one neural codec: one stream for the user's audio, one for the model's audio, and a text inner monologue, all read together by a single transformer.",
      'Moshi made the design tractable with its Mimi codec, which emits a small handful of sound tokens every eighty milliseconds that a language model can read the way it reads words.',
      'PersonaPlex and Sesame CSM are wired the same way.',
    ],
    aliases: ['dual stream', 'dual stream plus neural codec', 'dual stream plus codec', 'two intercoms', 'two intercoms at once', 'jewel stream'],
  },
  {
    id: 2,
    name: 'Interleaved / flatten single-stream',
    analogy: 'one intercom, very fast alternation',
    analogyDetail:
      'Only one line is available, but orders and plating calls take very short turns on it, alternating so quickly that from the dining room it sounds like both directions are happening at once.',
    meaningOf200ms: 'The length of one alternating block, not the response time.',
    representatives: [
      'omniflatten', 'qwen2.5-omni', 'covo-audio', 'covo-audio-chat-fd', 'kimi-audio', 'glm-4-voice', 'step-audio-2', 'llama-omni-2',
    ],
    dataBet:
      "It can be trained largely or entirely on synthetic interleaved data, as OmniFlatten's two thousand hour CosyVoice corpus showed at half a billion parameters.",
    fitsBuyer: 'a startup minimising training data cost',
    fitsBecause: 'it can train on two thousand hours of synthetic interleaved audio, as OmniFlatten showed',
    licenceStory:
      'Its licences range from MIT for Kimi-Audio and CC BY 4.0 for Covo-Audio, through custom community licences with commercial carve-outs such as Baichuan-Omni, to paper-only with no weight release, like OmniFlatten.',
    explanation: [
      'Speech and text are packed into one timeline of repeating blocks: a small block of text, then a small block of speech, then text again, and so on.',
      'Full-duplex behaviour here is not really parallel; it is very fast alternation, and the block is the smallest unit of responsiveness.',
      'That is why Family 2 latency numbers should always be read together with the block size.',
    ],
    aliases: ['interleaved', 'interleave', 'flatten', 'interleaved single stream', 'single stream', 'one intercom', 'fast alternation'],
  },
  {
    id: 3,
    name: 'Cascade + chunk-level duplex predictor',
    analogy: 'a relay with a supervisor',
    analogyDetail:
      "The classic kitchen pipeline of take order, prep and plate is still there, stage by stage, but a supervisor stands behind the line and shouts cut in now every half second, so the relay overlaps at short time scales instead of waiting for each handoff.",
    meaningOf200ms: 'The supervisor signal alone. The full pipeline is five to ten times slower.',
    representatives: ['freeze-omni', 'minicpm-o-4.5'],
    dataBet:
      'It leans on pretrained speech recognition and speech synthesis corpora, plus a small fine-tuning set for the state predictor.',
    fitsBuyer: 'an enterprise that already has a strong speech recognition, language model and speech synthesis stack',
    fitsBecause: 'it adds full-duplex behaviour without retraining the pipeline end to end',
    licenceStory: 'Families three and four are younger and less licence-consistent.',
    explanation: [
      'It looks like a cascade and behaves, at short time scales, like a full-duplex system.',
      'The speech recognition, language model and speech synthesis stages are still there, but a small extra model, a state predictor, decides every fraction of a second whether the system should listen, speak, or cut in.',
      'If you already have strong components it reaches full-duplex behaviour without retraining everything; if you do not, it is no cheaper than the other families.',
    ],
    aliases: [
      'cascade with predictor', 'cascade plus predictor', 'cascade with a predictor', 'chunk level predictor', 'chunk level duplex predictor',
      'relay with a supervisor', 'relay', 'supervisor', 'duplex predictor',
    ],
  },
  {
    id: 4,
    name: 'Codec-free / thinking state',
    analogy: 'no tickets, only hand signals',
    analogyDetail:
      'The cook never writes a ticket or reads an order aloud; the whole kitchen runs on continuous hand signals, and an internal speak-or-listen instinct decides which way the signal flows. It is like humming along to a melody instead of reading the music sheet.',
    meaningOf200ms: 'Not yet standardised; the family is too young.',
    representatives: ['salmonn-omni'],
    dataBet: 'It needs continuous-embedding conversational audio, a quantity the field has not yet tried to scale.',
    fitsBuyer: 'a research group testing whether codec tokens are necessary',
    fitsBecause: 'it is the only family that skips the neural codec entirely',
    licenceStory: 'Families three and four are younger and less licence-consistent.',
    explanation: [
      'It never turns speech into discrete codec tokens: the audio stays a continuous signal throughout.',
      'An internal thinking state decides when to speak and when to listen.',
      'It is the clearest counter-example to the idea that integrated speech-to-speech needs a neural audio codec, and whether it grows into a major line is one of the open questions of twenty twenty-six.',
    ],
    aliases: ['codec free', 'codec less', 'thinking state', 'thinking mechanism', 'hand signals', 'no tickets', 'think state'],
  },
];

export const CONCEPTS: readonly Concept[] = [
  {
    id: 'full-duplex',
    name: 'full duplex',
    explanation: [
      'A full-duplex system can listen while it speaks, the way people do in a real conversation.',
      'A classic cascade cannot, by its own design, listen while it speaks: every stage has to finish before the next can start.',
      'Every full-duplex claim you read about is a claim that some part of the system crosses that line.',
      'As of April twenty twenty-six there are at least four architecturally distinct families of full-duplex speech-to-speech, plus a growing closed commercial layer above them.',
    ],
    aliases: ['full duplex', 'duplex', 'listen while it speaks', 'listen while speaking', 'fully duplex'],
  },
  {
    id: 'cascade',
    name: 'the cascade',
    explanation: [
      'The legacy voice pipeline is a five-stage loop: the device captures audio, speech recognition turns it into text, a language model writes a reply, text to speech renders it, and the speaker plays it.',
      'Each stage has to finish before the next can start, so the minimum latency is the sum of the stages, and a well-tuned cascade lands near one second end to end on a typical day.',
      "Modern cascades keep improving: Deepgram quotes sub-second end-to-end latency for its agent stack, and Cartesia's Sonic reaches first audio in roughly ninety milliseconds.",
    ],
    aliases: ['cascade', 'cascades', 'pipeline', 'voice pipeline', 'legacy pipeline'],
  },
  {
    id: 'mimi',
    name: 'the Mimi codec',
    explanation: [
      "Mimi is Kyutai's streaming neural audio codec, released alongside Moshi under the MIT licence.",
      'Think of it as a smart compressor in the spirit of MP3, designed so a language model can read its output the way it reads words.',
      'It runs at twelve and a half hertz: every eighty milliseconds it emits a small handful of sound tokens that capture tone and rhythm as well as content.',
    ],
    aliases: ['mimi', 'mimi codec', 'me me codec', 'neural audio codec', 'codec'],
  },
  {
    id: 'state-predictor',
    name: 'the state predictor',
    explanation: [
      'In Family 3 a small extra model, the state predictor, stands behind the cascade like a supervisor.',
      'Its only job is to decide every fraction of a second whether the system should be listening, speaking, or cutting in.',
      'It breaks input and output into tiny slices so speech recognition, the language model and speech synthesis can overlap inside each slice.',
    ],
    aliases: ['state predictor', 'chunk level state predictor', 'predictor'],
  },
  {
    id: 'latency-comparison',
    name: 'comparing latency numbers',
    explanation: [
      'Latency numbers are not comparable across families.',
      "Two hundred milliseconds from Moshi describes the theoretical floor of a dual-stream transformer on an L4; the same number from OmniFlatten's family describes the size of an interleaving block; from Freeze-Omni it describes the state predictor alone, while the full pipeline is closer to one point two seconds.",
      'Reading these as the same quantity is the most common way product evaluations and benchmark tables mislead.',
    ],
    aliases: ['latency numbers', 'compare latency', 'comparing latency', 'latency comparison', 'latency'],
  },
  {
    id: 'open-weights',
    name: 'open weights versus open data',
    explanation: [
      'Open weights is not the same as open data.',
      "Moshi's training corpus includes Fisher and undisclosed scraped English conversational audio, CSM publishes almost nothing about its million-hour corpus, and PersonaPlex inherits whatever Moshi was trained on.",
      'Picking a family is, in practice, picking a data bet, and what truly separates a demo from a production system is the data.',
    ],
    aliases: ['open weights', 'open data', 'training data', 'open source'],
  },
  {
    id: 'closed-layer',
    name: 'the closed commercial layer',
    explanation: [
      'Most speech-to-speech minutes used in production in twenty twenty-six go through closed commercial systems such as GPT-4o voice, Gemini Live, Nova Sonic, MAI-Voice-1, Doubao, Hume EVI and Cartesia Sonic.',
      'It is like a shop window: you can time the dish that comes out the door, but the prep line is behind the glass.',
      'You can infer something from behaviour, but not family membership: graceful barge-in hints at Family 1 or 2, chunky interruptions hint at Family 3, and vendors rarely confirm either.',
    ],
    aliases: ['closed systems', 'closed commercial', 'closed layer', 'commercial systems', 'closed models', 'shop window'],
  },
];
