/**
 * The barge-in probe: plays a generated conversation (the user asks, the agent answers, the user
 * interrupts or backchannels over the answer, or someone else talks over it) through the local engine on a virtual clock, and keeps
 * every window's barge-in reading (p(interruption), optionally its features) and the engine's
 * decisions. Training probes with the model unable to cancel (threshold above 1), so every window of
 * the overlap is seen; until its first cancel the deployed model behaves exactly the same (yields
 * and resumes do not depend on p), so a threshold's cancels can be replayed from these readings.
 */
import { VirtualClock } from '../../src/audio/clock.js';
import type { PredictorOverrides } from '../../src/engine/options.js';
import { createLocalSession } from '../../src/engine/local.js';
import { simulate } from '../../src/engine/simulate.js';
import type { AsrEngine, TtsEngine } from '../../src/speech/types.js';
import { generateScenario, type BackgroundMode } from '../scenarios/generate.js';
import type { SetName, VoiceSetName } from '../scenarios/config.js';
import type { CategoryId } from '../scenarios/types.js';

/**
 * The categories with speech over the agent: the user interrupting or backchannelling, and someone
 * else (side talk, a TV) that attention did not filter out. The model's data.
 */
export const BARGE_IN_CATEGORIES: readonly CategoryId[] = ['user_interruption', 'user_backchannel', 'talking_to_others', 'background_speech'];

/** A decision counts for an event from its start to this long after its end, s (resume waits for silence). */
export const EVENT_TAIL_S = 1.0;

export interface OverlapEvent {
  /** 'other': someone else's voice (side talk, background speech), which must not cancel the agent. */
  readonly role: 'barge_in' | 'backchannel' | 'other';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export interface ProbeReading {
  readonly t: number;
  readonly p: number;
  readonly agentSpeaking: boolean;
  readonly features?: number[];
}

export interface ProbedConversation {
  readonly id: string;
  readonly category: CategoryId;
  readonly voices: VoiceSetName;
  readonly events: OverlapEvent[];
  readonly readings: ProbeReading[];
  readonly decisions: { readonly t: number; readonly action: string; readonly reason: string }[];
}

export interface BargeInProbeOptions {
  readonly set: SetName;
  readonly indices: readonly number[];
  readonly voices: VoiceSetName;
  readonly categories?: readonly CategoryId[];
  readonly predictor?: PredictorOverrides;
  readonly keepFeatures?: boolean;
  /**
   * A TV under the whole conversation (`bench run --background`). It is the room, not an event: only
   * the user's interruptions and backchannels are events, and the id says it was there.
   */
  readonly background?: BackgroundMode;
  readonly shared: { readonly asr: AsrEngine; readonly tts: TtsEngine };
  readonly onProgress?: (done: number, total: number, id: string) => void;
}

export async function probeBargeIns(o: BargeInProbeOptions): Promise<ProbedConversation[]> {
  const cats = o.categories ?? BARGE_IN_CATEGORIES;
  const plan = o.indices.flatMap((index) => cats.map((category) => ({ category, index })));
  const out: ProbedConversation[] = [];
  for (const [k, { category, index }] of plan.entries()) {
    const sc = await generateScenario(o.set, category, index, { voices: o.voices, ...(o.background && { background: o.background }) });
    const clock = new VirtualClock();
    const engine = { ...(o.predictor && { predictor: o.predictor }), shared: o.shared };
    const session = await createLocalSession(clock, engine);
    const readings: ProbeReading[] = [];
    session.predictor.bargeIn.onReading = (r, x) =>
      readings.push({ t: round4(r.t), p: r.p, agentSpeaking: r.agentSpeaking, ...(o.keepFeatures && { features: Array.from(x, round6) }) });
    try {
      await simulate({ samples: sc.input, sampleRate: sc.truth.sampleRate }, { ...engine, maxTailS: 0, session, clock });
    } finally {
      await session.close();
    }
    const events: OverlapEvent[] = [
      ...sc.truth.user
        .filter((u): u is typeof u & { role: 'barge_in' | 'backchannel' } => u.role === 'barge_in' || u.role === 'backchannel')
        .map((u) => ({ role: u.role, text: u.text, start: u.start, end: u.end })),
      ...(o.background ? [] : sc.truth.others).map((u) => ({ role: 'other' as const, text: u.text, start: u.start, end: u.end })),
    ].sort((a, b) => a.start - b.start);
    const decisions = session.events.flatMap((e) => (e.type === 'decision' && e.agent !== 'idle' ? [{ t: round4(e.t), action: e.action, reason: e.reason }] : []));
    const id = o.background ? `${sc.truth.id} (${o.background})` : sc.truth.id;
    out.push({ id, category, voices: o.voices, events, readings, decisions });
    o.onProgress?.(k + 1, plan.length, id);
  }
  return out;
}

/** The event a moment belongs to (from its start to EVENT_TAIL_S after its end), if any. */
export function eventAt(events: readonly OverlapEvent[], t: number): OverlapEvent | undefined {
  return events.find((ev) => t >= ev.start && t <= ev.end + EVENT_TAIL_S);
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
