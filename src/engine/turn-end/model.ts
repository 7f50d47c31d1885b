/**
 * The learned end-of-turn model: logistic regression over `turnEndFeatures`, p(turn over) at one
 * moment of a pause. Trained in the repository (`npm run train:turn`, bench/turn-end/train.ts) on
 * generated conversations with tuning voices only; the weights and the recipe are in weights.ts.
 *
 * Linear on purpose: it runs every 32 ms window in plain TypeScript (18 multiply-adds), it is
 * deterministic to train, and each decision can name its strongest features with their signed share
 * of the logit, so the timeline still says *why* the agent took the turn.
 */
import { FullduplexError } from '../../errors.js';
import type { Eagerness } from '../options.js';
import { TURN_END_FEATURES } from './features.js';

const PAUSE = TURN_END_FEATURES.indexOf('pause');
const INCOMPLETE = TURN_END_FEATURES.indexOf('incomplete');
import { TURN_END_WEIGHTS } from './weights.js';

export interface TurnEndWeights {
  /** Feature names in vector order; must equal TURN_END_FEATURES. */
  readonly features: readonly string[];
  readonly bias: number;
  readonly weights: readonly number[];
  /** p(turn over) at or above which the turn is taken, per eagerness (chosen on tuning data). */
  readonly thresholds: Readonly<Record<Eagerness, number>>;
  /** Silence before the model may take the turn at all, per eagerness, ms (chosen with the thresholds). */
  readonly actionDelayMs: Readonly<Record<Eagerness, number>>;
  /** How the weights were made: command, data, and the tuning-data operating points. */
  readonly recipe: Readonly<Record<string, unknown>>;
}

export interface FeatureContribution {
  readonly feature: string;
  /** Signed share of the logit (weight × value). */
  readonly contribution: number;
}

export class TurnEndModel {
  readonly weights: TurnEndWeights;

  constructor(weights: TurnEndWeights = TURN_END_WEIGHTS) {
    if (weights.features.length !== TURN_END_FEATURES.length || weights.features.some((f, i) => f !== TURN_END_FEATURES[i])) {
      throw new FullduplexError(
        'BAD_ARGUMENT',
        `end-of-turn weights are for features [${weights.features.join(', ')}], the engine computes [${TURN_END_FEATURES.join(', ')}]: retrain with npm run train:turn`,
      );
    }
    if (weights.weights.length !== weights.features.length || !weights.weights.every(Number.isFinite) || !Number.isFinite(weights.bias)) {
      throw new FullduplexError('BAD_ARGUMENT', 'end-of-turn weights must be one finite number per feature, plus a finite bias');
    }
    this.weights = weights;
  }

  logit(x: Float64Array): number {
    const w = this.weights.weights;
    let z = this.weights.bias;
    for (let i = 0; i < w.length; i++) z += w[i]! * x[i]!;
    return z;
  }

  probability(x: Float64Array): number {
    return 1 / (1 + Math.exp(-this.logit(x)));
  }

  /** The `n` features that pushed hardest (either way), strongest first. */
  explain(x: Float64Array, n = 3): FeatureContribution[] {
    const w = this.weights.weights;
    return w
      .map((wi, i) => ({ feature: this.weights.features[i]!, contribution: wi * x[i]! }))
      .filter((c) => c.contribution !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, n);
  }

  /**
   * Words that plainly need more ("…and", "…the", half a phone number) hold the turn for at least
   * `incompleteFloorMs` whatever p says: the recogniser's words are often wrong, so the model learned
   * to trust them little, but when they are right a cut-in there is the worst kind (the rule costs no
   * latency at the trained operating points on tuning data; see bench/turn-end/train.ts).
   */
  heldByWords(x: Float64Array, incompleteFloorMs: number): boolean {
    return x[INCOMPLETE]! === 1 && x[PAUSE]! * 1000 < incompleteFloorMs;
  }

  threshold(eagerness: Eagerness): number {
    return this.weights.thresholds[eagerness];
  }
}

/** "falling pitch +0.9, pause +0.5, incomplete −1.2" for a decision's reason. */
export function describeContributions(cs: readonly FeatureContribution[]): string {
  return cs.map((c) => `${c.feature.replace(/_/g, ' ')} ${c.contribution >= 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(1)}`).join(', ');
}
