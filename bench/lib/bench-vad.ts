/**
 * Silero VAD v5 cost per 32 ms window and a detection sanity check, on one continuous stream per voice
 * (sentences separated by 0.5 s of silence) and on separate non-speech clips.
 */
import { SileroVad, SILERO_WINDOW } from '../../src/speech/vad/silero.js';
import { compose } from '../../test/helpers/speech.js';
import { nonSpeechClips, type Utterance } from './corpus.js';
import { now, round, summarize, timeAsync, type Summary } from './stats.js';

export interface VadResults {
  model: string;
  threads: number;
  modelLoadMs: number;
  firstWindowMs: number;
  windows: number;
  msPerWindow: Summary;
  /** Fraction of windows wholly inside a sentence's audible span with probability ≥ 0.5. */
  speechWindowsDetected: number;
  /** Fraction of windows in the pauses between sentences (≥ 100 ms after speech) with probability ≥ 0.5. */
  pauseWindowsFalse: number;
  /** Per non-speech clip: fraction of windows with probability ≥ 0.5. */
  nonSpeechFalse: Record<string, number>;
  nonSpeechFalseOverall: number;
}

const THRESHOLD = 0.5;
const GAP_SECONDS = 0.5;
const PAUSE_MARGIN = 0.1;

/** Push a stream window by window; returns each window's probability and records its cost. */
async function runStream(vad: SileroVad, samples: Int16Array, costs: number[]): Promise<number[]> {
  vad.reset();
  const probs: number[] = [];
  for (let i = 0; i + SILERO_WINDOW <= samples.length; i += SILERO_WINDOW) {
    const t0 = now();
    const r = await vad.push(samples.subarray(i, i + SILERO_WINDOW));
    costs.push(now() - t0);
    probs.push(r[0]!.probability);
  }
  return probs;
}

type Label = 'speech' | 'pause' | 'edge';

function labelWindows(count: number, spans: readonly { start: number; end: number }[]): Label[] {
  const w = SILERO_WINDOW / 16000;
  const labels: Label[] = [];
  for (let k = 0; k < count; k++) {
    const a = k * w;
    const b = a + w;
    if (spans.some((s) => a >= s.start && b <= s.end)) labels.push('speech');
    else if (spans.every((s) => b <= s.start || a >= s.end + PAUSE_MARGIN)) labels.push('pause');
    else labels.push('edge');
  }
  return labels;
}

export async function benchVad(corpus: Map<string, Utterance[]>): Promise<VadResults> {
  const [vad, modelLoadMs] = await timeAsync(() => SileroVad.create());
  const [, firstWindowMs] = await timeAsync(() => vad.push(new Int16Array(SILERO_WINDOW)));
  const costs: number[] = [];
  const hits = { speech: 0, speechN: 0, pause: 0, pauseN: 0 };
  for (const utterances of corpus.values()) {
    const parts = utterances.flatMap((u) => [GAP_SECONDS, u.audio]);
    const { audio, spans } = compose([...parts, GAP_SECONDS]);
    const probs = await runStream(vad, audio.samples, costs);
    labelWindows(probs.length, spans).forEach((label, k) => {
      const on = probs[k]! >= THRESHOLD ? 1 : 0;
      if (label === 'speech') (hits.speech += on), hits.speechN++;
      if (label === 'pause') (hits.pause += on), hits.pauseN++;
    });
  }
  const nonSpeechFalse: Record<string, number> = {};
  let falseAll = 0;
  let nAll = 0;
  for (const clip of nonSpeechClips()) {
    const probs = await runStream(vad, clip.samples, costs);
    const on = probs.filter((p) => p >= THRESHOLD).length;
    nonSpeechFalse[clip.name] = round(on / probs.length);
    falseAll += on;
    nAll += probs.length;
  }
  await vad.close();
  return {
    model: vad.name,
    threads: 1,
    modelLoadMs: round(modelLoadMs, 1),
    firstWindowMs: round(firstWindowMs, 2),
    windows: costs.length,
    msPerWindow: summarize(costs),
    speechWindowsDetected: round(hits.speech / hits.speechN),
    pauseWindowsFalse: round(hits.pause / Math.max(1, hits.pauseN)),
    nonSpeechFalse,
    nonSpeechFalseOverall: round(falseAll / nAll),
  };
}
