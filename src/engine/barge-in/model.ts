/**
 * The learned barge-in model: logistic regression over `bargeInFeatures`, p(real interruption) at one
 * window of user speech over the agent, against a backchannel ("uh-huh", "yeah, right"), a cough or a
 * misheard murmur. Trained in the repository (`npm run train:bargein`, bench/barge-in/train.ts) on
 * generated conversations with tuning voices only; weights and recipe in weights.ts.
 *
 * Linear for the same reasons as the end-of-turn model (logistic-model.ts).
 */
import { LogisticModel, type LogisticWeights } from '../logistic-model.js';
import { BARGE_IN_FEATURES } from './features.js';
import { BARGE_IN_WEIGHTS } from './weights.js';

/** p(interruption) at or above which the agent's turn is cancelled, per eagerness: `thresholds`. */
export type BargeInWeights = LogisticWeights;

export class BargeInModel extends LogisticModel<BargeInWeights> {
  constructor(weights: BargeInWeights = BARGE_IN_WEIGHTS) {
    super(weights, BARGE_IN_FEATURES, { name: 'barge-in', retrain: 'npm run train:bargein' });
  }
}
