/**
 * What one moment of a pause inside the user's turn means for the turn, under either end-of-turn
 * policy: the learned model (p(turn over) against the threshold, after the action delay, with the
 * words' floor) or the hand-set waits. The predictor asks it every window while the user is silent in
 * a turn and turns its verdict into decisions (speculate, hold, take the turn, backchannel).
 */
import type { PredictorOptions } from '../options.js';
import type { WindowEvidence } from '../predictor.js';
import { TURN_END_FEATURES, turnEndFeatures } from './features.js';
import { describeContributions, TurnEndModel, type FeatureContribution } from './model.js';
import { ruleWait } from './rules.js';
import { SpeakerPauses } from './speaker-pauses.js';

/** The end-of-turn model's reading of the current pause (policy 'model'). */
export interface TurnEndEstimate {
  readonly t: number;
  readonly pauseMs: number;
  /** p(turn over). */
  readonly p: number;
  readonly threshold: number;
  readonly actionDelayMs: number;
  /** The strongest features behind p, signed. */
  readonly top: readonly FeatureContribution[];
  /** The turn's words as the model read them. */
  readonly transcript: string;
}

/** What one moment of a pause means for the turn, whichever policy reads it. */
export interface PauseVerdict {
  readonly take: boolean;
  readonly why: string;
  readonly speculate: boolean;
  readonly speculateWhy: string;
  /** The policy is waiting on purpose (worth a 'hold' in the timeline). */
  readonly holding: boolean;
  readonly holdWhy: string;
  /** The user is very likely going on: a good moment for a backchannel. */
  readonly goingOn: boolean;
}

const ms = (x: number) => `${Math.round(x)} ms`;

export class TurnEndPolicy {
  private readonly featureBuf = new Float64Array(TURN_END_FEATURES.length);
  private last: TurnEndEstimate | undefined;
  /** How this user pauses inside their turns, over the whole conversation. */
  readonly speakerPauses: SpeakerPauses;

  /** `options` is read on every call: it may change at run time (the policy too). */
  constructor(
    private readonly options: PredictorOptions,
    readonly model: TurnEndModel = new TurnEndModel(),
  ) {
    this.speakerPauses = new SpeakerPauses(options.endOfTurn);
  }

  /** The model's reading of the current pause; undefined outside pauses or with policy 'rules'. */
  get estimate(): TurnEndEstimate | undefined {
    return this.last;
  }

  /** The feature vector behind `estimate` (a reused buffer: copy it to keep it). */
  get features(): Float64Array | undefined {
    return this.last ? this.featureBuf : undefined;
  }

  /** Not in a pause of the user's turn: no reading. */
  clear(): void {
    this.last = undefined;
  }

  read(e: WindowEvidence, pauseMs: number, turnSpeechMs: number): PauseVerdict {
    return this.options.endOfTurn.policy === 'model' ? this.modelWait(e, pauseMs, turnSpeechMs) : this.ruleWaitNow(e, pauseMs, turnSpeechMs);
  }

  /** The learned model's reading of this moment of the pause, and what it means for the turn. */
  private modelWait(e: WindowEvidence, pause: number, turnSpeechMs: number): PauseVerdict {
    const o = this.options.endOfTurn;
    const { model } = this;
    const threshold = o.modelThreshold ?? model.threshold(this.options.eagerness);
    const delay = o.modelActionDelayMs ?? model.weights.actionDelayMs[this.options.eagerness];
    const x = turnEndFeatures(
      {
        pauseMs: pause,
        turnSpeechMs,
        transcript: e.transcript,
        completeness: e.completeness,
        narrative: e.narrative,
        finalStretch: e.finalStretch ?? null,
        words: e.words ?? [],
        agentAskedQuestion: e.agentAskedQuestion ?? false,
      },
      this.featureBuf,
    );
    const p = model.probability(x);
    // The explanation (features ranked, text) is built only if a decision or a reader asks for it:
    // this runs every window of every pause, and most readings are never logged.
    const top = model.lazyExplanation(x);
    this.last = { t: e.t, pauseMs: pause, p, threshold, actionDelayMs: delay, transcript: e.transcript, get top() { return top(); } };
    const why = () => `p(turn over) ${p.toFixed(2)} (${describeContributions(top())})`;
    const timeout = pause >= this.options.maxHoldMs;
    const held = model.heldByWords(x, o.commitIncompleteMs);
    const byModel = pause >= delay && p >= threshold && !held;
    // Past this user's own longest pause by the margin: they have never paused this long and gone on.
    const ceiling = this.speakerPauses.ceilingMs();
    const bySpeaker = ceiling !== null && pause >= ceiling && p >= o.speakerPauseMinP;
    const take = byModel || timeout || bySpeaker;
    const maxHoldMs = this.options.maxHoldMs;
    const incompleteMs = o.commitIncompleteMs;
    const reason = e.completeness.reason;
    const { longest, count } = this.speakerPauses;
    return {
      take,
      get why() {
        if (byModel) return `${why()} ≥ ${threshold.toFixed(2)}`;
        if (bySpeaker) return `past this user's longest pause (${ms(longest)} of ${count}) by ${ms(o.speakerPauseMarginMs)} (${why()})`;
        return `no sign of an end after ${ms(maxHoldMs)} (${why()})`;
      },
      speculate: p >= threshold * o.speculateAtShare,
      get speculateWhy() {
        return why();
      },
      holding: p < threshold || held,
      get holdWhy() {
        return held ? `${reason}: waiting up to ${ms(incompleteMs)} (${why()})` : `${why()} < ${threshold.toFixed(2)}: the user may go on (${reason})`;
      },
      goingOn: p < threshold * o.backchannelBelowShare,
    };
  }

  /** The hand-set waits (policy 'rules'). */
  private ruleWaitNow(e: WindowEvidence, pause: number, turnSpeechMs: number): PauseVerdict {
    this.last = undefined;
    const o = this.options.endOfTurn;
    const w = ruleWait(o, this.options.maxHoldMs, e.completeness, e.narrative, turnSpeechMs, e.pitchShape);
    return {
      take: pause >= w.ms,
      why: w.why,
      speculate: e.completeness.verdict !== 'incomplete',
      speculateWhy: e.completeness.reason,
      holding: w.ms > o.commitCompleteMs,
      holdWhy: `waiting up to ${ms(w.ms)}: ${w.why}`,
      goingOn: w.ms >= pause + 400,
    };
  }
}
