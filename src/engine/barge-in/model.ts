/**
 * The learned barge-in model: logistic regression over `bargeInFeatures`, p(real interruption) at one
 * window of user speech over the agent, against a backchannel ("uh-huh", "yeah, right"), a cough or a
 * misheard murmur. Trained in the repository (`npm run train:bargein`, bench/barge-in/train.ts) on
 * generated conversations with tuning voices only; weights and recipe in weights.ts.
 *
 * Linear for the same reasons as the end-of-turn model (turn-end/model.ts): plain TypeScript every
 * 32 ms, deterministic training, and each decision names its strongest features.
 */
import { FullduplexError } from '../../errors.js';
import type { Eagerness } from '../options.js';
import type { FeatureContribution } from '../turn-end/model.js';
import { BARGE_IN_FEATURES } from './features.js';
import { BARGE_IN_WEIGHTS } from './weights.js';

export interface BargeInWeights {
  /** Feature names in vector order; must equal BARGE_IN_FEATURES. */
  readonly features: readonly string[];
  readonly bias: number;
  readonly weights: readonly number[];
  /** p(interruption) at or above which the agent's turn is cancelled, per eagerness (chosen on tuning data). */
  readonly thresholds: Readonly<Record<Eagerness, number>>;
  /** How the weights were made: command, data, and the tuning-data operating points. */
  readonly recipe: Readonly<Record<string, unknown>>;
}

export class BargeInModel {
  readonly weights: BargeInWeights;

  constructor(weights: BargeInWeights = BARGE_IN_WEIGHTS) {
    if (weights.features.length !== BARGE_IN_FEATURES.length || weights.features.some((f, i) => f !== BARGE_IN_FEATURES[i])) {
      throw new FullduplexError(
        'BAD_ARGUMENT',
        `barge-in weights are for features [${weights.features.join(', ')}], the engine computes [${BARGE_IN_FEATURES.join(', ')}]: retrain with npm run train:bargein`,
      );
    }
    if (weights.weights.length !== weights.features.length || !weights.weights.every(Number.isFinite) || !Number.isFinite(weights.bias)) {
      throw new FullduplexError('BAD_ARGUMENT', 'barge-in weights must be one finite number per feature, plus a finite bias');
    }
    const bad = Object.entries(weights.thresholds).filter(([, v]) => !(v > 0 && v < 1));
    if (bad.length > 0) throw new FullduplexError('BAD_ARGUMENT', `barge-in thresholds must lie in (0, 1): ${bad.map(([k]) => k).join(', ')}`);
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

  threshold(eagerness: Eagerness): number {
    return this.weights.thresholds[eagerness];
  }
}
