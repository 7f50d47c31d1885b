/**
 * The learned barge-in reading over the agent: while the user speaks over the agent (and after a
 * yield, through the user's silence) it keeps the overlap's running evidence, computes the model's
 * p(real interruption) every window, and says whether to cancel the agent's turn. The predictor
 * asks it under `bargeIn.policy: 'model'`; under 'rules' it is not consulted.
 *
 * The yield itself stays the quick, reversible rule (pause after `yieldAfterMs` of speech): at 64 ms a
 * backchannel and an interruption look alike, and pausing at once is what keeps the agent silent soon
 * after a real interruption starts. The model decides the irreversible step: cancel, or resume.
 */
import { FullduplexError } from '../../errors.js';
import type { PredictorOptions } from '../options.js';
import type { Decision, WindowEvidence } from '../predictor.js';
import { describeContributions, type FeatureContribution } from '../logistic-model.js';
import { BARGE_IN_FEATURES, bargeInFeatures } from './features.js';
import { BargeInModel } from './model.js';

/** The model's reading of one window of the overlap. */
export interface BargeInReading {
  readonly t: number;
  /** p(real interruption). */
  readonly p: number;
  readonly threshold: number;
  /** The strongest features behind p, signed. */
  readonly top: readonly FeatureContribution[];
  /** The agent was speaking (not paused) in this window. */
  readonly agentSpeaking: boolean;
}

/** What the overlap so far means, as the predictor acts on it. */
export interface BargeInVerdict {
  readonly cancel: boolean;
  /** "p(interruption) 0.91 (content words +1.3, overlap +0.9, …)". */
  readonly why: string;
  readonly reading: BargeInReading;
}

export class BargeInPolicy {
  private readonly featureBuf = new Float64Array(BARGE_IN_FEATURES.length);
  private last: BargeInReading | undefined;
  // Running evidence of the overlap (cleared by `reset`).
  private segments = 0;
  private wasSpeaking = false;
  private peakDb = -Infinity;
  private vadSum = 0;
  private vadN = 0;
  private echoMax = 0;
  /** Called with every reading and its features (a reused buffer): the trainer records them. */
  onReading: ((r: BargeInReading, features: Float64Array) => void) | undefined;

  /** `options` is read on every call: it may change at run time. */
  constructor(
    private readonly options: PredictorOptions,
    readonly model: BargeInModel = new BargeInModel(),
  ) {
    const b = options.bargeIn;
    if (b.policy !== 'model' && b.policy !== 'rules') throw new FullduplexError('BAD_ARGUMENT', `bargeIn.policy must be 'model' or 'rules', not ${JSON.stringify(b.policy)}`);
    const bad = (['modelResumeAfterSilenceMs', 'modelCarryMs'] as const).filter((k) => !(b[k] >= 0));
    if (bad.length > 0) throw new FullduplexError('BAD_ARGUMENT', `bargeIn.${bad.join(', bargeIn.')} must be a number ≥ 0`);
  }

  /** The latest reading of the current overlap; undefined outside one. */
  get reading(): BargeInReading | undefined {
    return this.last;
  }

  /** The feature vector behind `reading` (a reused buffer: copy it to keep it). */
  get features(): Float64Array | undefined {
    return this.last ? this.featureBuf : undefined;
  }

  /** The overlap is over (the agent resumed, was cancelled, or is quiet): forget its evidence. */
  reset(): void {
    this.last = undefined;
    this.segments = 0;
    this.wasSpeaking = false;
    this.peakDb = -Infinity;
    this.vadSum = 0;
    this.vadN = 0;
    this.echoMax = 0;
  }

  /**
   * One window of the overlap. `userSpeaking`: attended user speech now; `overlapMs`: attended speech
   * over the agent so far; `silenceMs`: since the user's last speech; `usualUserLevelDb`: attention's.
   */
  read(e: WindowEvidence, userSpeaking: boolean, overlapMs: number, silenceMs: number, usualUserLevelDb: number): BargeInVerdict {
    if (userSpeaking) {
      if (!this.wasSpeaking) this.segments++;
      if (Number.isFinite(e.levelDb)) this.peakDb = Math.max(this.peakDb, e.levelDb);
      this.vadSum += e.vadProbability;
      this.vadN++;
      this.echoMax = Math.max(this.echoMax, e.echoLikelihood);
    }
    this.wasSpeaking = userSpeaking;
    const b = this.options.bargeIn;
    const threshold = b.modelThreshold ?? this.model.threshold(this.options.eagerness);
    const x = bargeInFeatures(
      {
        overlapMs,
        silenceMs: userSpeaking ? 0 : silenceMs,
        segments: Math.max(1, this.segments),
        levelVsUserDb: this.peakDb - usualUserLevelDb,
        vadProbability: e.vadProbability,
        vadMean: this.vadN > 0 ? this.vadSum / this.vadN : e.vadProbability,
        echoMax: this.echoMax,
        transcript: e.transcript,
        words: e.words ?? [],
        stopWords: b.stopWords,
        agentAskedQuestion: e.agentAskedQuestion ?? false,
      },
      this.featureBuf,
    );
    const p = this.model.probability(x);
    // Ranked features and text only when asked for (a decision, a reader): this runs every window of an overlap.
    const top = this.model.lazyExplanation(x);
    this.last = { t: e.t, p, threshold, get top() { return top(); }, agentSpeaking: e.agent === 'speaking' };
    this.onReading?.(this.last, x);
    return {
      cancel: p >= threshold,
      get why() {
        return `p(interruption) ${p.toFixed(2)} (${describeContributions(top())})`;
      },
      reading: this.last,
    };
  }

  /**
   * One window while the agent is paused: cancel once p reaches the threshold; resume once the user
   * has been silent `modelResumeAfterSilenceMs` without it; otherwise wait (undefined).
   */
  decide(e: WindowEvidence, userSpeaking: boolean, overlapMs: number, silenceMs: number, usualUserLevelDb: number): Decision | undefined {
    const v = this.read(e, userSpeaking, overlapMs, silenceMs, usualUserLevelDb);
    const thr = () => v.reading.threshold.toFixed(2);
    if (v.cancel) return { action: 'cancel', reason: `barge-in: ${v.why} ≥ ${thr()} after ${ms(overlapMs)} of speech (${heardWords(e.transcript)})` };
    if (userSpeaking || silenceMs < this.options.bargeIn.modelResumeAfterSilenceMs) return undefined;
    return { action: 'resume', reason: `not a barge-in: ${v.why} < ${thr()} after ${ms(overlapMs)} of speech (${heardWords(e.transcript)})` };
  }

  /**
   * While the agent speaks again after a resume, the overlap's evidence is kept `modelCarryMs` in case
   * the user goes on; true (and forgotten) once the user has been silent that long.
   */
  lapsed(userSpeaking: boolean, overlapMs: number, silenceMs: number): boolean {
    if (userSpeaking || overlapMs === 0 || silenceMs < this.options.bargeIn.modelCarryMs) return false;
    this.reset();
    return true;
  }
}

const ms = (x: number) => `${Math.round(x)} ms`;

/** The last words heard, for a decision's reason. */
function heardWords(transcript: string): string {
  const words = transcript.trim().split(/\s+/);
  return words[0] === '' ? 'no words' : `"${words.length > 6 ? '… ' : ''}${words.slice(-6).join(' ')}"`;
}
