/**
 * Per-turn latency stages of a target that exposes the engine's timeline (`turn_latency` events):
 * each stage's time counted from the end of the user's speech as the scorer's VAD hears it in the
 * input (the same end the Full-Duplex-Bench latencies count from), so the last stage, "heard", is
 * the engine's own view of the number the benchmark measures from the outside.
 */
import type { EngineEvent } from '../../src/engine/events.js';
import type { Segment } from '../metrics/types.js';

/** The stages in order, as named in report.json. */
export const STAGES = ['silence', 'commit', 'firstClause', 'firstAudio', 'heard'] as const;
export type StageName = (typeof STAGES)[number];

/** One turn: ms from the end of the user's speech to each stage (null: the stage was not seen). */
export interface TurnStages {
  /** End of the user's speech: the end of the last input speech segment before the VAD's silence, s. */
  readonly userEndS: number;
  readonly ms: Readonly<Record<StageName, number | null>>;
  /** The reply had been prepared speculatively before the commit. */
  readonly speculative: boolean;
}

export function turnStagesOf(events: readonly EngineEvent[] | undefined, userSegments: readonly Segment[]): TurnStages[] {
  const out: TurnStages[] = [];
  for (const e of events ?? []) {
    if (e.type !== 'turn_latency') continue;
    const s = e.stages;
    const detected = s.silence ?? s.commit;
    // The user's speech that the silence ended: the last input segment ending at or before it.
    const before = userSegments.filter((g) => g.end <= detected + 1e-9);
    const end = before[before.length - 1]?.end;
    if (end === undefined) continue;
    const ms = (t: number | null) => (t === null ? null : Math.round((t - end) * 1e4) / 10);
    out.push({ userEndS: end, ms: { silence: ms(s.silence), commit: ms(s.commit), firstClause: ms(s.firstClause), firstAudio: ms(s.firstAudio), heard: ms(s.heard) }, speculative: s.speculative });
  }
  return out;
}
