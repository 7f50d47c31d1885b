/**
 * Every tunable of the duplex engine, named, typed and defaulted in one place.
 *
 * Thresholds differ per conversational state (agent listening vs agent speaking), because users ask
 * for an agent that is hard to interrupt *and* patient with slow speakers (frameworks.md, complaint 6).
 * One `eagerness` knob scales the end-of-turn waits; the individual values stay overridable.
 */

export type Eagerness = 'low' | 'medium' | 'high';

/** Voice-activity hysteresis for one conversational state. */
export interface VadStateThresholds {
  /** Window probability at or above which user speech starts (after `minSpeechMs`). */
  startProbability: number;
  /** Window probability below which ongoing user speech counts as silence. */
  endProbability: number;
  /** Speech must last this long before it counts as the user speaking, ms. */
  minSpeechMs: number;
}

export type TurnEndPolicyKind = 'model' | 'rules';

export interface EndOfTurnOptions {
  /**
   * Who decides that the user's turn is over. 'model' (default): the learned end-of-turn model
   * (turn-end/model.ts) gives p(turn over) every window of a pause, and the turn is taken once it
   * reaches the threshold after the action delay. 'rules': the hand-set waits below.
   */
  policy: TurnEndPolicyKind;
  /** Model: p(turn over) at or above which the turn is taken; unset = the trained threshold for the eagerness. */
  modelThreshold: number | undefined;
  /** Model: the turn is never taken before this much silence (the action delay), ms; unset = the trained one for the eagerness. */
  modelActionDelayMs: number | undefined;
  /** Model: a reply is generated speculatively once p reaches this share of the threshold. */
  speculateAtShare: number;
  /** Model: the agent backchannels at a pause only while p is below this share of the threshold (the user is going on). */
  backchannelBelowShare: number;
  /** Silence after which a reply is generated speculatively when the words look finished, ms. */
  speculateAfterMs: number;
  /** Silence before taking the turn after a question, a closing or an answer to the agent's question, ms. */
  commitStrongMs: number;
  /** Silence before taking the turn after a finished-looking statement, ms. */
  commitCompleteMs: number;
  /** Silence before taking the turn when the words do not tell, ms. */
  commitUnsureMs: number;
  /** Silence before taking the turn after "and", "the", "um", half a phone number…, ms. */
  commitIncompleteMs: number;
  /**
   * A user who announced a telling ("let me tell you…"), or has talked this long, is telling
   * something; a finished-looking statement then waits `commitNarrativeMs` (people backchannel at
   * such boundaries rather than take over), ms of speech.
   */
  narrativeAfterMs: number;
  commitNarrativeMs: number;
  /** Falling final pitch shortens the wait by this factor; rising ("list intonation") lengthens it. */
  fallingPitchFactor: number;
  risingPitchFactor: number;
  /**
   * …and a rising contour on an ending that is not a question waits at least this long: it is the
   * continuation rise of a list or an unfinished thought ("eggs, bread, …"), ms.
   */
  risingPitchMinMs: number;
  /** Completeness score at or above which the ending is "strong" (questions: 0.85 by default). */
  strongCompletenessScore: number;
  /**
   * Model: the user's own pausing (turn-end/speaker-pauses.ts). Once the conversation has heard
   * `speakerPauseMinCount` of their pauses of at least `speakerPauseCountFromMs` (pauses inside a
   * turn that they went on after), the turn is taken when the silence passes the longest of them by
   * `speakerPauseMarginMs` and p(turn over) is at least `speakerPauseMinP`, whatever the threshold
   * says. 0 turns it off. Chosen with `npm run study:speaker-pauses` on tuning voices at eagerness
   * medium; the margin scales with eagerness like the waits above (low 2×, high 0.6×).
   */
  speakerPauseMinCount: number;
  speakerPauseCountFromMs: number;
  speakerPauseMarginMs: number;
  speakerPauseMinP: number;
  /**
   * The user going on this soon after the agent took the turn (ms after the take) was a pause too,
   * and counts as one: the ceiling grows past a pause it cut short instead of cutting the next one.
   */
  speakerPauseResumeWithinMs: number;
}

export interface BargeInOptions {
  /**
   * Who decides, once the agent has yielded, whether speech over it is a real interruption (cancel)
   * or a backchannel, cough or murmur (resume): 'model' = the learned barge-in model
   * (barge-in/model.ts, p(interruption) against a threshold per eagerness, trained with
   * `npm run train:bargein`); 'rules' = the hand-set confirmations below (confirmAfterMs,
   * confirmWords, stopWords, …). The yield itself is `yieldAfterMs` under either.
   */
  policy: 'model' | 'rules';
  /** Policy 'model': cancel at this p(interruption) instead of the trained threshold for the eagerness. */
  modelThreshold: number | undefined;
  /**
   * Policy 'model': silence after which the paused agent resumes when p stayed below the threshold,
   * ms. Shorter than the rules' `resumeAfterSilenceMs`: the model has already weighed the words, and
   * a pause of over ~0.5 s makes the resumed speech sound like a new turn rather than a ride-through.
   */
  modelResumeAfterSilenceMs: number;
  /**
   * Policy 'model': after such a resume, the overlap's evidence is kept this long, ms, so an
   * interruption with a pause in it ("Wait, | what time is it?") is judged as one utterance.
   */
  modelCarryMs: number;
  /** User speech over the agent for this long pauses the agent's output at once, ms. */
  yieldAfterMs: number;
  /** Policy 'rules': overlapping speech this long confirms a barge-in (the agent's turn is cancelled), ms. */
  confirmAfterMs: number;
  /** Policy 'rules': this many recognised non-backchannel words also confirm it… */
  confirmWords: number;
  /**
   * …provided the overlapping speech lasted this long: a backchannel is short, and the recogniser
   * often hears two words in it ("uh huh" → "i had"), ms.
   */
  wordsConfirmMinMs: number;
  /** Policy 'rules': after the overlap ends, silence this long without confirmation resumes the paused output, ms. */
  resumeAfterSilenceMs: number;
  /**
   * Policy 'rules': once the overlap has ended, non-backchannel words spoken this long confirm, ms. Shorter overlaps
   * are most often a backchannel the recogniser misheard ("yeah" → "you had"), so they resume —
   * unless they hold one of the `stopWords`.
   */
  singleWordConfirmMs: number;
  /** Words that confirm a barge-in however short the overlap ("stop", "wait") under 'rules'; a feature of the model's. */
  stopWords: readonly string[];
}

export interface BackchannelOptions {
  /** Emit backchannels at all. */
  enabled: boolean;
  /** The user's turn must have lasted this long (speech + pauses) before the first backchannel, ms. */
  minTurnMs: number;
  /** A pause at least this long is a phrase boundary worth acknowledging, ms. */
  atPauseMs: number;
  /** At least this long between two backchannels, ms. */
  minGapMs: number;
  /** What the agent says, in rotation (flite spells out "mm hmm", so it is not among the defaults). */
  phrases: readonly string[];
}

export interface AttentionOptions {
  /**
   * Speech this many dB quieter than the user's usual level is taken as side talk or background
   * speech (a farther voice, a TV) and ignored, whatever the voice. Levels compare a segment's loudest
   * window so far with the user's usual loudest level at the same point of a segment (attention.ts).
   */
  sideTalkLevelDropDb: number;
  /**
   * While the agent speaks, a segment's first windows this many dB below the user's onsets at the same
   * point hold off the yield until the segment is judged (or its level rises), so side talk does not
   * make the agent stutter, dB. Chosen on tuning voices (all 280 samples, levels of every segment over
   * the agent): 10 → 7 dB leaves 8 of 172 other voices' onsets yielding instead of 23, and delays 7 of
   * 122 user onsets by a window or more instead of 5 (mean +0.6 ms); below 7 each dB buys less.
   */
  quietOnsetDropDb: number;
  /** The user's usual level before any turn was heard, dBFS. */
  initialUserLevelDb: number;
  /** A voice is judged only after this many speech windows (its first syllable is often soft). */
  judgeAfterWindows: number;
  /** …and no later than this far into the segment, ms. */
  judgeWithinMs: number;
  /** While the agent speaks, windows whose echo likelihood is at least this are the agent's own voice. */
  echoLikelihoodThreshold: number;
  /** How far a later user segment moves the learned level curve (the first sets it), 0..1. */
  levelLearningRate: number;
  /**
   * An ignored segment is judged again until this far into it: a soft onset (a breath, a quiet
   * "w…") can precede the first loud syllable by a few hundred ms, ms.
   */
  rejudgeWithinMs: number;
  /**
   * A segment that starts this soon after the user's own words ended is the user going on (the next
   * phrase of "Wait, | stop, I have a question"), not judged by level: while the agent still plays, a
   * browser's echo canceller can duck the user's voice 20+ dB for a moment, ms.
   */
  continuationMs: number;
  /**
   * A segment that starts this soon after an ignored segment ended is the same voice going on (the
   * next phrase of side talk or a TV): ignored from its first window, and re-judged as the user's
   * only once it rises to the user's level (`rejudgeDropDb`, `rejudgeMinWindows`), ms.
   */
  otherContinuationMs: number;
  /** …and is the user's after all once its windows come within this many dB of the user's usual level, dB… */
  rejudgeDropDb: number;
  /** …in at least this many windows (one loud click is not a voice). */
  rejudgeMinWindows: number;
  /**
   * A quieter voice under the user's (a TV left on; quieter-voice.ts): in a segment of the user's, over
   * the agent or not, once the VAD has heard only windows this many dB below the user's loudest for
   * `quieterVoiceMs`, the user has stopped and the rest is someone else's voice, dB (past the side-talk
   * threshold, 10, and the 9.6 dB the tuning users' own later segments reach below their first)…
   */
  quieterVoiceDropDb: number;
  /**
   * …for this long, ms (0 turns the split off). At 320 ms the users' own soft stretches split 8 of 200
   * tuning samples without any other voice (phone band, room, monologues); 480 leaves none of them. The
   * end-of-turn clock does not wait for it: the pause is counted from the user's last loud window.
   */
  quieterVoiceMs: number;
  /**
   * …and this long while the agent talks or is paused, ms (0: no split over the agent). Shorter: there
   * the barge-in model is deciding meanwhile, and a TV that runs on after an "uh-huh" reads to it as
   * the user talking on (it cancels at about a second of overlap). Only once another voice has been
   * heard in the conversation: a soft stretch inside the user's own barge-in is not a TV.
   */
  quieterVoiceOverAgentMs: number;
  /**
   * With no user heard yet, a segment whose loudest window stays under this is a distant voice (a
   * person reading aloud across the room, a TV), not addressed to the agent, dBFS. The bench's users
   * speak at −26 dBFS ± 3 dB, whose loudest window over the first 160 ms is −28 dBFS or louder; side
   * talk and background sit 12-18 dB below (loudest windows −29 to −46 dBFS); a voice 20 dB down
   * peaks at −41 to −45 dBFS. −38 leaves 10 dB for a quiet close talker and 3 dB for that far voice.
   */
  distantVoiceDbfs: number;
  /**
   * A voice clearly not the user's (see `otherVoiceMinDistance`) this many dB below the user's usual
   * level is someone else in the room; the user's own voice is ignored only `sideTalkLevelDropDb`
   * down (closer than that it is the user leaning back), dB.
   */
  otherVoiceLevelDropDb: number;
  /**
   * Voice distance (the user's standard deviations, see evidence/voice-profile.ts) from which a
   * voice is clearly another person's. Measured on the bench's flite voices (profile from one or two
   * requests, 8-12 voiced windows of a segment): the same voice 0.4-1.4, the other sex mostly 2-3.7;
   * similar voices (and a user whose pitch varies widely) overlap and fall back to level alone.
   */
  otherVoiceMinDistance: number;
  /** The pitch counts this many times among the voice features (it separates voices best). */
  voicePitchWeight: number;
  /** The user's pitch spread is taken as at least this, octaves (a monotone first turn would make any intonation "another voice"). */
  voicePitchSdFloorOctaves: number;
  /** A segment's voice is compared only after this many voiced windows (pitch and spectrum settle). */
  voiceMinWindows: number;
  /** …and only once the user's profile holds this many voiced windows (≈ 0.6 s of voiced speech: one short request). */
  voiceProfileMinWindows: number;
  /** The profile learns from the user's first turns, up to this many voiced windows (≈ 10 s), then stays. */
  voiceProfileMaxWindows: number;
}

export interface PredictorOptions {
  eagerness: Eagerness;
  listening: VadStateThresholds;
  speaking: VadStateThresholds;
  endOfTurn: EndOfTurnOptions;
  bargeIn: BargeInOptions;
  backchannel: BackchannelOptions;
  attention: AttentionOptions;
  /** Never wait longer than this after the user stops before taking the turn, ms. */
  maxHoldMs: number;
}

export const defaultPredictorOptions: PredictorOptions = {
  eagerness: 'medium',
  listening: { startProbability: 0.5, endProbability: 0.35, minSpeechMs: 64 },
  // Stricter while the agent talks: its own voice may leak into the microphone.
  speaking: { startProbability: 0.7, endProbability: 0.4, minSpeechMs: 64 },
  endOfTurn: {
    policy: 'model',
    modelThreshold: undefined,
    modelActionDelayMs: undefined,
    speculateAtShare: 0.5,
    backchannelBelowShare: 0.3,
    speculateAfterMs: 32,
    commitStrongMs: 64,
    commitCompleteMs: 96,
    commitUnsureMs: 700,
    commitIncompleteMs: 2200,
    narrativeAfterMs: 6000,
    commitNarrativeMs: 1200,
    fallingPitchFactor: 0.8,
    risingPitchFactor: 1.5,
    risingPitchMinMs: 600,
    strongCompletenessScore: 0.8,
    speakerPauseMinCount: 2,
    speakerPauseCountFromMs: 100,
    speakerPauseMarginMs: 800,
    speakerPauseMinP: 0,
    speakerPauseResumeWithinMs: 1000,
  },
  bargeIn: { policy: 'model', modelThreshold: undefined, modelResumeAfterSilenceMs: 128, modelCarryMs: 1000, yieldAfterMs: 64, confirmAfterMs: 800, confirmWords: 3, wordsConfirmMinMs: 400, resumeAfterSilenceMs: 250, singleWordConfirmMs: 600,
    stopWords: ['stop', 'wait', 'no', 'hold', 'hang', 'sorry', 'excuse', 'actually', 'hey', 'pause', 'quiet', 'enough', 'shut'] },
  backchannel: { enabled: true, minTurnMs: 3000, atPauseMs: 192, minGapMs: 3000, phrases: ['uh huh', 'right', 'okay', 'i see', 'yeah'] },
  attention: {
    sideTalkLevelDropDb: 10,
    quietOnsetDropDb: 7,
    initialUserLevelDb: -28,
    judgeAfterWindows: 5,
    judgeWithinMs: 480,
    echoLikelihoodThreshold: 0.6,
    levelLearningRate: 0.2,
    rejudgeWithinMs: 1200,
    continuationMs: 250,
    otherContinuationMs: 250,
    rejudgeDropDb: 6,
    rejudgeMinWindows: 2,
    quieterVoiceDropDb: 14,
    quieterVoiceMs: 480,
    quieterVoiceOverAgentMs: 224,
    distantVoiceDbfs: -38,
    otherVoiceLevelDropDb: 6,
    otherVoiceMinDistance: 1.8,
    voicePitchWeight: 3,
    voicePitchSdFloorOctaves: 0.15,
    voiceMinWindows: 8,
    voiceProfileMinWindows: 20,
    voiceProfileMaxWindows: 300,
  },
  maxHoldMs: 3000,
};

/** How each eagerness level scales the end-of-turn waits (low waits longer, high answers sooner). */
export const EAGERNESS_WAIT_FACTOR: Readonly<Record<Eagerness, number>> = { low: 2, medium: 1, high: 0.6 };

export type PredictorOverrides = Partial<Omit<PredictorOptions, 'listening' | 'speaking' | 'endOfTurn' | 'bargeIn' | 'backchannel' | 'attention'>> & {
  listening?: Partial<VadStateThresholds>;
  speaking?: Partial<VadStateThresholds>;
  endOfTurn?: Partial<EndOfTurnOptions>;
  bargeIn?: Partial<BargeInOptions>;
  backchannel?: Partial<BackchannelOptions>;
  attention?: Partial<AttentionOptions>;
};

/** Merge overrides onto the defaults and apply the eagerness factor to every end-of-turn wait. */
export function resolvePredictorOptions(o: PredictorOverrides = {}): PredictorOptions {
  const eagerness = o.eagerness ?? defaultPredictorOptions.eagerness;
  const f = EAGERNESS_WAIT_FACTOR[eagerness];
  const e = { ...defaultPredictorOptions.endOfTurn };
  for (const k of ['commitCompleteMs', 'commitUnsureMs', 'commitIncompleteMs', 'commitNarrativeMs', 'risingPitchMinMs', 'speakerPauseMarginMs'] as const) e[k] *= f;
  return {
    ...defaultPredictorOptions,
    ...o,
    eagerness,
    listening: { ...defaultPredictorOptions.listening, ...o.listening },
    speaking: { ...defaultPredictorOptions.speaking, ...o.speaking },
    endOfTurn: { ...e, ...o.endOfTurn },
    bargeIn: { ...defaultPredictorOptions.bargeIn, ...o.bargeIn },
    backchannel: { ...defaultPredictorOptions.backchannel, ...o.backchannel },
    attention: { ...defaultPredictorOptions.attention, ...o.attention },
    maxHoldMs: (o.maxHoldMs ?? defaultPredictorOptions.maxHoldMs) * (o.maxHoldMs === undefined ? f : 1),
  };
}

const OPTION_GROUPS = ['listening', 'speaking', 'endOfTurn', 'bargeIn', 'backchannel', 'attention'] as const;

/** `b` on top of `a`, group by group (a group's fields merge; top-level fields replace). */
export function mergePredictorOverrides(a: PredictorOverrides, b: PredictorOverrides): PredictorOverrides {
  const out: Record<string, unknown> = { ...a, ...b };
  for (const k of OPTION_GROUPS) if (a[k] || b[k]) out[k] = { ...a[k], ...b[k] };
  return out as PredictorOverrides;
}

/** How the agent behaves around tool calls (session.ts `tools`, replies in reply.ts). */
export interface ToolOptions {
  /**
   * A tool still running this long after the call (and nothing of the reply left to play) → the agent
   * says a short filler, ms. Short enough that the first audio after the user's turn stays within
   * ~0.3 s when the model's first output is a call; a tool answering sooner gets no filler.
   */
  fillerAfterMs: number;
  /** What the agent says while waiting, in turn. */
  fillers: readonly string[];
  /** A tool with no result after this long gets an error result (the agent says it could not), ms. */
  timeoutMs: number;
  /** Rounds of calls within one reply; the last round's request offers no tools, so the model must answer. */
  maxRounds: number;
}

export const defaultToolOptions: ToolOptions = {
  fillerAfterMs: 200,
  fillers: ['One moment.', 'Let me check.', 'Just a second.'],
  timeoutMs: 15_000,
  maxRounds: 4,
};
