/**
 * Narrowband speech heard as wideband: an affine map from the cepstra of speech that passed an 8 kHz
 * channel to the cepstra the same speech has at 16 kHz, which is what pocketsphinx's model was trained
 * on. Fitted by least squares on parallel recordings of the tuning voices (`npm run train:narrowband`,
 * bench/asr/train-narrowband.ts); applied to each 10 ms frame before the decoder's own normalisation.
 * It predicts the empty 3.4–6.8 kHz filters from the filled ones (cepstra mix every filter) and undoes
 * the channel's tilt; the decoder's live cepstral mean normalisation then adapts from there.
 */
import { NARROWBAND_WEIGHTS } from './narrowband-weights.js';

export interface NarrowbandWeights {
  /** Cepstra per frame (pocketsphinx's front end gives 13). */
  readonly ncep: number;
  /** Row o: weights of input cepstra 0..ncep-1, then the bias, for output cepstrum o. */
  readonly rows: readonly (readonly number[])[];
  readonly recipe: Readonly<Record<string, unknown>>;
}

/** Frames × ncep cepstra in, the same number out, mapped. */
export function mapNarrowband(features: Float32Array, w: NarrowbandWeights = NARROWBAND_WEIGHTS): Float32Array {
  const n = w.ncep;
  if (features.length % n !== 0) throw new RangeError(`features must be whole frames of ${n} cepstra`);
  const out = new Float32Array(features.length);
  for (let f = 0; f < features.length; f += n) {
    for (let o = 0; o < n; o++) {
      const row = w.rows[o]!;
      let s = row[n]!;
      for (let i = 0; i < n; i++) s += row[i]! * features[f + i]!;
      out[f + o] = s;
    }
  }
  return out;
}
