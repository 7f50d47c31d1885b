/**
 * The learned end-of-turn model: logistic regression over `turnEndFeatures`, p(turn over) at one
 * moment of a pause. Trained in the repository (`npm run train:turn`, bench/turn-end/train.ts) on
 * generated conversations with tuning voices only; the weights and the recipe are in weights.ts.
 *
 * Linear on purpose (logistic-model.ts): 18 multiply-adds every 32 ms window, and each decision names
 * its strongest features, so the timeline still says *why* the agent took the turn.
 */
import type { Eagerness } from '../options.js';
import { LogisticModel, type LogisticWeights } from '../logistic-model.js';
import { TURN_END_FEATURES } from './features.js';
import { TURN_END_WEIGHTS } from './weights.js';

export { describeContributions, type FeatureContribution } from '../logistic-model.js';

const PAUSE = TURN_END_FEATURES.indexOf('pause');
const INCOMPLETE = TURN_END_FEATURES.indexOf('incomplete');

export interface TurnEndWeights extends LogisticWeights {
  /** Silence before the model may take the turn at all, per eagerness, ms (chosen with the thresholds). */
  readonly actionDelayMs: Readonly<Record<Eagerness, number>>;
}

export class TurnEndModel extends LogisticModel<TurnEndWeights> {
  constructor(weights: TurnEndWeights = TURN_END_WEIGHTS) {
    super(weights, TURN_END_FEATURES, { name: 'end-of-turn', retrain: 'npm run train:turn' });
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
}
