/**
 * Speech segments from Silero window probabilities, by the rules of Silero's own
 * get_speech_timestamps (the function upstream scores with), re-implemented from its documented
 * behaviour: a segment starts at the first window ≥ threshold, ends at the first window below
 * threshold − 0.15 once the probability has stayed below it for min silence (a window back at or
 * above threshold cancels the pending end), is kept only if longer than min speech, and is then
 * padded on both sides (half the gap when two segments are closer than two pads).
 *
 * The project's streaming segmenter (src/speech/vad/segmenter.ts) serves the engine and differs on
 * purpose (consecutive windows for min speech, an end-lag correction); scoring follows upstream.
 */
import type { VadWindowResult } from '../../src/speech/types.js';
import { pythonRound, type Segment } from '../metrics/types.js';

/** Silero's default `time_resolution` for `return_seconds=True`: 1 decimal (0.1 s). */
export const RETURN_SECONDS_DECIMALS = 1;

/**
 * Segments as Silero's get_speech_timestamps returns them with `return_seconds=True` (what
 * upstream's eval_backchannel.py asks for): each time rounded by Python's round to 0.1 s, the
 * start no earlier than 0 and the end no later than the audio. Input times are sample / 16000.
 */
export function returnSeconds(segments: readonly Segment[], audioDurationS: number): Segment[] {
  return segments.map((s) => ({
    start: Math.max(pythonRound(s.start, RETURN_SECONDS_DECIMALS), 0),
    end: Math.min(pythonRound(s.end, RETURN_SECONDS_DECIMALS), audioDurationS),
  }));
}

export interface SpeechTimestampOptions {
  readonly threshold: number;
  /** Silero uses threshold − 0.15. */
  readonly negThreshold: number;
  readonly minSpeechMs: number;
  readonly minSilenceMs: number;
  readonly speechPadMs: number;
}

export function speechTimestamps(windows: readonly VadWindowResult[], durationS: number, o: SpeechTimestampOptions): Segment[] {
  const raw: { start: number; end: number }[] = [];
  let start: number | null = null;
  let tempEnd: number | null = null;
  for (const w of windows) {
    const p = w.probability;
    if (p >= o.threshold && tempEnd !== null) tempEnd = null;
    if (p >= o.threshold && start === null) {
      start = w.start;
      continue;
    }
    if (start !== null && p < o.negThreshold) {
      tempEnd ??= w.start;
      if ((w.start - tempEnd) * 1000 < o.minSilenceMs) continue;
      if ((tempEnd - start) * 1000 > o.minSpeechMs) raw.push({ start, end: tempEnd });
      start = null;
      tempEnd = null;
    }
  }
  if (start !== null && (durationS - start) * 1000 > o.minSpeechMs) raw.push({ start, end: durationS });
  return pad(raw, durationS, o.speechPadMs / 1000);
}

function pad(segs: { start: number; end: number }[], durationS: number, padS: number): Segment[] {
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (i === 0) s.start = Math.max(0, s.start - padS);
    const next = segs[i + 1];
    if (next === undefined) {
      s.end = Math.min(durationS, s.end + padS);
      continue;
    }
    const gap = next.start - s.end;
    if (gap < 2 * padS) {
      s.end += gap / 2;
      next.start = Math.max(0, next.start - gap / 2);
    } else {
      s.end = Math.min(durationS, s.end + padS);
      next.start = Math.max(0, next.start - padS);
    }
  }
  return segs;
}
