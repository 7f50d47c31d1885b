/**
 * Turns per-window speech probabilities into speech segments, with hysteresis (a higher threshold to
 * start than to keep going) and named hangover settings. Streaming: feed windows, get events.
 */
import type { PcmFrame } from '../../audio/frame.js';
import { FullduplexError } from '../../errors.js';
import type { VadWindowResult, VoiceActivityDetector } from '../types.js';

export interface SegmenterOptions {
  /** Probability at or above which a window counts as speech when not already in speech. */
  startThreshold: number;
  /** Probability below which a window counts as silence once in speech (hysteresis: lower than start). */
  endThreshold: number;
  /** Speech must last this long before a segment starts (rejects clicks), ms. */
  minSpeechMs: number;
  /** Silence must last this long before a segment ends (the hangover), ms. */
  minSilenceMs: number;
  /** Padding added to both ends of reported segments, ms (the onset is often quieter than the threshold). */
  speechPadMs: number;
  /**
   * Silero's probability stays high for a while after speech stops (its receptive field): on flite
   * voices the first sub-threshold window comes 60–120 ms after the audible end (median ~80 ms). The
   * reported segment end is moved back by this much; the speech_end event itself is not delayed or
   * advanced, only its timestamp is corrected.
   */
  endLagMs: number;
}

export const defaultSegmenterOptions: SegmenterOptions = {
  startThreshold: 0.5,
  endThreshold: 0.35,
  minSpeechMs: 64,
  minSilenceMs: 200,
  speechPadMs: 0,
  endLagMs: 64,
};

export interface Segment {
  start: number;
  end: number;
}

export type SegmenterEvent =
  | { type: 'speech_start'; time: number }
  | { type: 'speech_end'; segment: Segment };

export class SpeechSegmenter {
  readonly options: SegmenterOptions;
  private inSpeech = false;
  private candidateStart: number | undefined;
  private silenceStart: number | undefined;
  private segmentStart = 0;
  private lastEnd = 0;

  constructor(options: Partial<SegmenterOptions> = {}) {
    this.options = { ...defaultSegmenterOptions, ...options };
    const o = this.options;
    if (!(o.endThreshold <= o.startThreshold) || o.startThreshold <= 0 || o.startThreshold > 1) {
      throw new FullduplexError('BAD_ARGUMENT', 'segmenter: need 0 < endThreshold <= startThreshold <= 1');
    }
  }

  get speaking(): boolean {
    return this.inSpeech;
  }

  push(w: VadWindowResult): SegmenterEvent[] {
    const o = this.options;
    const events: SegmenterEvent[] = [];
    this.lastEnd = w.end;
    if (!this.inSpeech) {
      if (w.probability >= o.startThreshold) {
        this.candidateStart ??= w.start;
        if ((w.end - this.candidateStart) * 1000 >= o.minSpeechMs) {
          this.inSpeech = true;
          this.segmentStart = Math.max(0, this.candidateStart - o.speechPadMs / 1000);
          this.silenceStart = undefined;
          events.push({ type: 'speech_start', time: this.segmentStart });
        }
      } else {
        this.candidateStart = undefined;
      }
    } else if (w.probability < o.endThreshold) {
      this.silenceStart ??= w.start;
      if ((w.end - this.silenceStart) * 1000 >= o.minSilenceMs) {
        const end = Math.max(this.segmentStart, this.silenceStart + (o.speechPadMs - o.endLagMs) / 1000);
        events.push({ type: 'speech_end', segment: { start: this.segmentStart, end } });
        this.inSpeech = false;
        this.candidateStart = undefined;
        this.silenceStart = undefined;
      }
    } else {
      this.silenceStart = undefined;
    }
    return events;
  }

  /** Close an open segment at end of stream. */
  flush(): SegmenterEvent[] {
    if (!this.inSpeech) return [];
    this.inSpeech = false;
    const end = this.silenceStart ?? this.lastEnd;
    return [{ type: 'speech_end', segment: { start: this.segmentStart, end } }];
  }

  reset(): void {
    this.inSpeech = false;
    this.candidateStart = undefined;
    this.silenceStart = undefined;
  }
}

/** Batch helper: speech segments of a whole 16 kHz recording. */
export async function detectSpeechSegments(
  vad: VoiceActivityDetector,
  audio: PcmFrame,
  options: Partial<SegmenterOptions> = {},
): Promise<Segment[]> {
  if (audio.sampleRate !== vad.sampleRate) {
    throw new FullduplexError('BAD_SAMPLE_RATE', `VAD needs ${vad.sampleRate} Hz audio, got ${audio.sampleRate} Hz`);
  }
  vad.reset();
  const seg = new SpeechSegmenter(options);
  const out: Segment[] = [];
  const windows = await vad.push(audio.samples);
  for (const w of windows) for (const e of seg.push(w)) if (e.type === 'speech_end') out.push(e.segment);
  for (const e of seg.flush()) if (e.type === 'speech_end') out.push(e.segment);
  vad.reset();
  return out;
}
