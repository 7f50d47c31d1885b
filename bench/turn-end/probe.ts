/**
 * The end-of-turn probe: plays a user recording into a listen-only session on a virtual clock and
 * reads, every 32 ms window of every silence span, the engine's p(turn over) (its learned model) and
 * whether its own policy would take the turn. Causal, like eot-bench: a window at time t has seen
 * only the audio before t, and times count from the true start of the silence, so the VAD's
 * detection delay is part of the latency.
 */
import { VirtualClock } from '../../src/audio/clock.js';
import { EmbeddedDialogueModel } from '../../src/dialogue/embedded.js';
import type { PredictorOverrides } from '../../src/engine/options.js';
import { ConversationSession, ENGINE_SAMPLE_RATE, WINDOW_SAMPLES } from '../../src/engine/session.js';
import type { AsrEngine, TtsEngine, VoiceActivityDetector } from '../../src/speech/types.js';
import type { SilenceSpan } from './spans.js';

export interface SpanScore {
  /** Seconds since the true start of the silence. */
  readonly t: number;
  readonly p: number;
  /** The user's silence as the engine measures it then, s (0 while it hears speech). */
  readonly pause?: number;
}

/** A pause the user went on after, as the engine measured it: `t` when they went on (s on the input's axis), `s` long. */
export interface MeasuredPause {
  readonly t: number;
  readonly s: number;
}

export interface ProbedSpan extends SilenceSpan {
  /** p(turn over) at every window of the span (0 while the engine still hears speech). */
  readonly scores: SpanScore[];
  /** When the engine's own policy would have taken the turn, s since the span start (null: it waited). */
  readonly engineFireS: number | null;
  /** Feature vectors of the windows where the model gave a reading (training data), parallel to `featureTimes`. */
  readonly features?: Float64Array[];
  readonly featureTimes?: number[];
  /** The turn's words at each of those windows, as the engine read them. */
  readonly transcripts?: string[];
}

export interface ProbeComponents {
  readonly vad: VoiceActivityDetector;
  readonly asr: AsrEngine;
  readonly tts: TtsEngine;
}

export interface ProbeOptions {
  readonly predictor?: PredictorOverrides;
  /** Keep each window's feature vector (for training). */
  readonly keepFeatures?: boolean;
  /** The input holds several turns: a turn taken is over (listenOnly 'turns'), the next is a new one. */
  readonly conversation?: boolean;
  /** Told every pause the user goes on after, as the engine measured it (speaker-pauses.ts). */
  readonly onPause?: (p: MeasuredPause) => void;
}

export async function probeTurnEnds(
  input: Int16Array,
  spans: readonly SilenceSpan[],
  c: ProbeComponents,
  o: ProbeOptions = {},
): Promise<ProbedSpan[]> {
  const clock = new VirtualClock();
  c.vad.reset();
  let fired = false;
  let pausesHeard = 0;
  const session = await ConversationSession.create({
    clock,
    vad: c.vad,
    asr: c.asr,
    tts: c.tts,
    dialogue: new EmbeddedDialogueModel(),
    listenOnly: o.conversation ? 'turns' : true,
    computeTime: 'none',
    onEvent: (e) => {
      if (e.type === 'decision' && e.action === 'take_turn') fired = true;
    },
    ...(o.predictor && { predictor: o.predictor }),
  });
  const out = spans.map((s) => ({ ...s, scores: [] as SpanScore[], engineFireS: null as number | null, features: [] as Float64Array[], featureTimes: [] as number[], transcripts: [] as string[] }));
  // Spans may run past the recording (the user stays silent after a clip's last turn): pad with silence.
  const lastEnd = Math.max(0, ...spans.map((s) => s.end));
  const windows = Math.ceil((lastEnd + 0.1) * (ENGINE_SAMPLE_RATE / WINDOW_SAMPLES));
  try {
    for (let k = 0; k < windows; k++) {
      const win = new Int16Array(WINDOW_SAMPLES);
      if (k * WINDOW_SAMPLES < input.length) win.set(input.subarray(k * WINDOW_SAMPLES, Math.min(input.length, (k + 1) * WINDOW_SAMPLES)));
      await clock.advance(WINDOW_SAMPLES / ENGINE_SAMPLE_RATE);
      await session.pushAudio(win);
      await session.settle();
      const t = clock.now();
      const heard = session.predictor.userPauses;
      if (heard.heard > pausesHeard) o.onPause?.({ t, s: heard.lastMs / 1000 });
      pausesHeard = heard.heard;
      const span = out.find((s) => t > s.start && t <= s.end);
      const firedNow = fired;
      fired = false;
      if (!span) continue;
      const est = session.predictor.turnEnd;
      const rel = t - span.start;
      span.scores.push({ t: rel, p: est?.p ?? 0, pause: session.predictor.pauseMs / 1000 });
      if (firedNow && span.engineFireS === null) span.engineFireS = rel;
      const x = session.predictor.turnEndFeatures;
      if (o.keepFeatures && est && x) {
        span.features.push(Float64Array.from(x));
        span.featureTimes.push(rel);
        span.transcripts.push(est.transcript);
      }
    }
  } finally {
    await session.close();
  }
  return out.map((s) => (o.keepFeatures ? s : { kind: s.kind, start: s.start, end: s.end, scores: s.scores, engineFireS: s.engineFireS }));
}
