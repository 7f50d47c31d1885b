/**
 * The engine's learned models (end of turn: turn-end/model.ts; barge-in: barge-in/model.ts) are both
 * logistic regressions over a named feature vector with a threshold per eagerness: this is their
 * shared part. Linear on purpose: plain TypeScript every 32 ms window, deterministic training
 * (bench/logistic.ts), and each decision can name its strongest features with their signed
 * share of the logit, so the timeline says *why*. The explanation is built only when asked for
 * (`explain`, `lazy`): most windows' readings are never logged.
 */
import { FullduplexError } from '../errors.js';
import type { Eagerness } from './options.js';

export interface LogisticWeights {
  /** Feature names in vector order; must equal the features the engine computes. */
  readonly features: readonly string[];
  readonly bias: number;
  readonly weights: readonly number[];
  /** Probability at or above which the model acts, per eagerness (chosen on tuning data). */
  readonly thresholds: Readonly<Record<Eagerness, number>>;
  /** How the weights were made: command, data, and the tuning-data operating points. */
  readonly recipe: Readonly<Record<string, unknown>>;
}

export interface FeatureContribution {
  readonly feature: string;
  /** Signed share of the logit (weight × value). */
  readonly contribution: number;
}

/** What a model is called in errors, and the command that retrains it. */
export interface ModelIdentity {
  readonly name: string;
  readonly retrain: string;
}

export class LogisticModel<W extends LogisticWeights> {
  readonly weights: W;

  constructor(weights: W, features: readonly string[], id: ModelIdentity) {
    if (weights.features.length !== features.length || weights.features.some((f, i) => f !== features[i])) {
      throw new FullduplexError('BAD_ARGUMENT', `${id.name} weights are for features [${weights.features.join(', ')}], the engine computes [${features.join(', ')}]: retrain with ${id.retrain}`);
    }
    if (weights.weights.length !== weights.features.length || !weights.weights.every(Number.isFinite) || !Number.isFinite(weights.bias)) {
      throw new FullduplexError('BAD_ARGUMENT', `${id.name} weights must be one finite number per feature, plus a finite bias`);
    }
    const bad = Object.entries(weights.thresholds).filter(([, v]) => !(v > 0 && v < 1));
    if (bad.length > 0) throw new FullduplexError('BAD_ARGUMENT', `${id.name} thresholds must lie in (0, 1): ${bad.map(([k]) => k).join(', ')}`);
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

  /** `explain(x)` computed on first use, from a copy of `x` (feature buffers are reused window to window). */
  lazyExplanation(x: Float64Array): () => FeatureContribution[] {
    const snapshot = x.slice();
    return lazy(() => this.explain(snapshot));
  }

  threshold(eagerness: Eagerness): number {
    return this.weights.thresholds[eagerness];
  }
}

/** "falling pitch +0.9, pause +0.5, incomplete −1.2" for a decision's reason. */
export function describeContributions(cs: readonly FeatureContribution[]): string {
  return cs.map((c) => `${c.feature.replace(/_/g, ' ')} ${c.contribution >= 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(1)}`).join(', ');
}

/** `f()` computed on the first call only. */
export function lazy<T>(f: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) [value, done] = [f(), true];
    return value;
  };
}
