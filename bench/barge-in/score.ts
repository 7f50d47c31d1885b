/**
 * Scoring speech over the agent, per event of the script (the user's interruption or backchannel):
 * from the engine's decisions (a live run under either policy), or replayed from a probe's readings
 * at a candidate threshold (training). A backchannel is kept when the agent's turn is not cancelled;
 * it rode through when the agent did not even pause. Someone else's voice (side talk, background
 * speech) is the same: left alone when the turn is not cancelled. An interruption is stopped when the
 * turn is cancelled; the agent is silent from its first yield (or the cancel).
 */
import { eventAt, EVENT_TAIL_S, type OverlapEvent, type ProbedConversation } from './probe.js';

export interface EventOutcome {
  readonly id: string;
  readonly role: OverlapEvent['role'];
  readonly text: string;
  /** The agent's turn was cancelled, s after the event start (null: it was not). */
  readonly cancelS: number | null;
  /** The agent fell silent (first yield or cancel), s after the event start (null: it never paused). */
  readonly silentS: number | null;
}

export interface OverlapSummary {
  readonly backchannels: number;
  /** Backchannels after which the agent's turn went on (no cancel). */
  readonly backchannelsKept: number;
  /** …without even pausing. */
  readonly backchannelsRodeThrough: number;
  readonly interruptions: number;
  readonly interruptionsStopped: number;
  /** Agent silent after the interruption started (first yield or cancel), s, over stopped interruptions. */
  readonly silentMeanS: number | null;
  readonly silentMedianS: number | null;
  /** Agent's turn cancelled after the interruption started, s. */
  readonly cancelMeanS: number | null;
  readonly cancelMedianS: number | null;
  /** Someone else's speech over the agent (side talk, background). */
  readonly others: number;
  /** …after which the agent's turn went on (no cancel). */
  readonly othersLeftAlone: number;
  /** …without even pausing. */
  readonly othersRodeThrough: number;
  /** Cancels outside any scripted event (echo, noise). */
  readonly strayCancels: number;
}

const inEvent = (ev: OverlapEvent, t: number) => t >= ev.start && t <= ev.end + EVENT_TAIL_S;

/** Outcomes from the decisions a run made. */
export function outcomesFromDecisions(c: ProbedConversation): { outcomes: EventOutcome[]; stray: number } {
  const outcomes = c.events.map((ev) => {
    const first = (actions: readonly string[]) => c.decisions.find((d) => actions.includes(d.action) && inEvent(ev, d.t));
    const cancel = first(['cancel']);
    const silent = first(['yield', 'cancel']);
    return { id: c.id, role: ev.role, text: ev.text, cancelS: cancel ? cancel.t - ev.start : null, silentS: silent ? silent.t - ev.start : null };
  });
  const stray = c.decisions.filter((d) => d.action === 'cancel' && !eventAt(c.events, d.t)).length;
  return { outcomes, stray };
}

/**
 * Outcomes had the model cancelled at `threshold`: the first reading at or above it while the agent
 * was paused (the model decides only then). Silence comes from the probe's own yields, which do not
 * depend on the threshold.
 */
export function outcomesAtThreshold(c: ProbedConversation, threshold: number): { outcomes: EventOutcome[]; stray: number } {
  const cancels = c.readings.filter((r) => !r.agentSpeaking && r.p >= threshold);
  const outcomes = c.events.map((ev) => {
    const cancel = cancels.find((r) => inEvent(ev, r.t));
    const yieldAt = c.decisions.find((d) => d.action === 'yield' && inEvent(ev, d.t));
    const silentT = Math.min(cancel?.t ?? Infinity, yieldAt?.t ?? Infinity);
    return { id: c.id, role: ev.role, text: ev.text, cancelS: cancel ? cancel.t - ev.start : null, silentS: Number.isFinite(silentT) ? silentT - ev.start : null };
  });
  // A stray cancel ends the overlap: count at most one per overlap outside the events (readings a window apart).
  let stray = 0;
  let lastT = -Infinity;
  for (const r of cancels) {
    if (eventAt(c.events, r.t)) continue;
    if (r.t - lastT > 0.5) stray++;
    lastT = r.t;
  }
  return { outcomes, stray };
}

export function summarise(outcomes: readonly EventOutcome[], strayCancels: number): OverlapSummary {
  const bc = outcomes.filter((o) => o.role === 'backchannel');
  const bi = outcomes.filter((o) => o.role === 'barge_in');
  const others = outcomes.filter((o) => o.role === 'other');
  const stopped = bi.filter((o) => o.cancelS !== null);
  const silent = stopped.map((o) => o.silentS ?? o.cancelS!);
  const cancel = stopped.map((o) => o.cancelS!);
  return {
    backchannels: bc.length,
    backchannelsKept: bc.filter((o) => o.cancelS === null).length,
    backchannelsRodeThrough: bc.filter((o) => o.silentS === null).length,
    interruptions: bi.length,
    interruptionsStopped: stopped.length,
    silentMeanS: mean(silent),
    silentMedianS: median(silent),
    cancelMeanS: mean(cancel),
    cancelMedianS: median(cancel),
    others: others.length,
    othersLeftAlone: others.filter((o) => o.cancelS === null).length,
    othersRodeThrough: others.filter((o) => o.silentS === null).length,
    strayCancels,
  };
}

function mean(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : round3(xs.reduce((a, b) => a + b, 0) / xs.length);
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return round3(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
