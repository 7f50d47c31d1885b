/**
 * A line said as one utterance and cut at its phrase boundaries. People mostly pause inside a turn
 * with the intonation of a sentence that goes on; a phrase synthesized alone ends instead with the
 * fall and lengthening of a finished sentence, which every within-turn gap would then carry. Cutting
 * the whole line keeps the running prosody before each gap.
 *
 * None of the pool's engines reports word times through the interface used here (espeak-ng and
 * Festival run as subprocesses), so the boundary is found from audio: estimated from the phrases'
 * durations said alone, scaled to the whole line, then moved to the quietest nearby frame — word
 * boundaries and stop closures are where connected speech dips.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { trimClip } from './audio.js';
import { PHRASE_CUT } from './config.js';
import { voiceClip, type Speaker } from './voices.js';

/** Level of each 10 ms frame (hop 5 ms), dBFS; index i covers samples [i·hop, i·hop + 2·hop). */
function levels(samples: Int16Array, hop: number): Float64Array {
  const n = Math.max(0, Math.floor((samples.length - 2 * hop) / hop) + 1);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = i * hop; k < i * hop + 2 * hop; k++) acc += samples[k]! * samples[k]!;
    out[i] = acc > 0 ? 10 * Math.log10(acc / (2 * hop) / 32768 ** 2) : -120;
  }
  return out;
}

/**
 * Sample indices where `whole` is cut so that its pieces say the phrases whose durations (said alone)
 * are `durations`. Cuts keep at least 0.1 s of speech on each side of each other.
 */
export function cutPoints(whole: PcmFrame, durations: readonly number[]): number[] {
  const rate = whole.sampleRate;
  const hop = Math.round(rate * 0.005);
  const lv = levels(whole.samples, hop);
  const total = durations.reduce((a, b) => a + b, 0);
  const minGap = Math.round(0.1 * rate);
  const cuts: number[] = [];
  let sum = 0;
  for (let k = 0; k < durations.length - 1; k++) {
    sum += durations[k]!;
    const est = (whole.samples.length * sum) / total;
    const lo = Math.max((cuts.at(-1) ?? 0) + minGap, est - PHRASE_CUT.searchS * rate);
    const hi = Math.min(whole.samples.length - minGap, est + PHRASE_CUT.searchS * rate);
    let best = Math.round(Math.min(Math.max(est, lo), hi));
    let bestScore = Infinity;
    for (let i = Math.ceil(lo / hop); i * hop <= hi && i < lv.length; i++) {
      const centre = i * hop + hop;
      const score = lv[i]! + (PHRASE_CUT.distancePenaltyDbPerS * Math.abs(centre - est)) / rate;
      if (score < bestScore) (bestScore = score), (best = centre);
    }
    cuts.push(best);
  }
  return cuts;
}

/** Short fades at a cut's edges, so a piece does not start or stop with a click. */
function faded(samples: Int16Array, fadeIn: boolean, fadeOut: boolean, n: number): Int16Array {
  const out = samples.slice();
  const m = Math.min(n, Math.floor(out.length / 2));
  for (let i = 0; i < m; i++) {
    const g = i / m;
    if (fadeIn) out[i] = Math.round(out[i]! * g);
    if (fadeOut) out[out.length - 1 - i] = Math.round(out[out.length - 1 - i]! * g);
  }
  return out;
}

/**
 * `speaker` saying `phrases` as one utterance, as one clip per phrase (each trimmed to its speech, so
 * the gaps placed between them are what they say). Falls back to the phrases said alone when a cut
 * would leave a piece without speech.
 */
export async function continuousPhrases(phrases: readonly string[], speaker: Speaker): Promise<PcmFrame[]> {
  const alone: PcmFrame[] = [];
  for (const p of phrases) alone.push(await voiceClip(p, speaker));
  if (phrases.length < 2) return alone;
  const whole = await voiceClip(phrases.join(' '), speaker);
  const cuts = cutPoints(whole, alone.map((c) => c.samples.length));
  const edges = [0, ...cuts, whole.samples.length];
  const fade = Math.round(PHRASE_CUT.fadeS * whole.sampleRate);
  const pieces: PcmFrame[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const samples = faded(whole.samples.subarray(edges[k]!, edges[k + 1]!), k > 0, k + 2 < edges.length, fade);
    const piece = trimClip({ samples, sampleRate: whole.sampleRate });
    if (piece.samples.length < whole.sampleRate * 0.05) return alone;
    pieces.push(piece);
  }
  return pieces;
}
