/** A readable digest of a session timeline: who spoke when, what was said, and the key latencies. */
import type { EngineEvent } from './events.js';

const fmt = (t: number) => `${t.toFixed(2).padStart(7)} s`;

export interface TurnLatency {
  /** Agent audio start minus the user's speech stop as the predictor saw it, s. */
  readonly responseS: number;
  readonly userText: string;
}

/** Response latencies: each reply's first audio after the last user speech stop before it. */
export function responseLatencies(events: readonly EngineEvent[]): TurnLatency[] {
  const out: TurnLatency[] = [];
  let lastStop: number | undefined;
  let userText = '';
  for (const e of events) {
    if (e.type === 'user_speech_stop') lastStop = e.t;
    if (e.type === 'agent_reply_start') userText = e.userText;
    if (e.type === 'agent_speech_start' && e.kind === 'reply' && lastStop !== undefined) {
      out.push({ responseS: e.t - lastStop, userText });
      lastStop = undefined;
    }
  }
  return out;
}

/** Barge-ins: how long after the overlapping user speech began the agent went silent, s. */
export function bargeInStops(events: readonly EngineEvent[]): number[] {
  const onsets = events.flatMap((e) => (e.type === 'user_speech_start' ? [e.onset] : []));
  const out: number[] = [];
  for (const e of events) {
    if (e.type !== 'agent_paused') continue;
    const onset = onsets.filter((o) => o <= e.t).pop();
    if (onset !== undefined) out.push(e.t - onset);
  }
  return out;
}

export function summarizeTurns(events: readonly EngineEvent[]): string {
  const lines: string[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'transcript_final':
        lines.push(`${fmt(e.t)}  user     "${e.text}"`);
        break;
      case 'agent_speech_start':
        lines.push(`${fmt(e.t)}  agent    ${e.kind === 'backchannel' ? `(backchannel) "${e.text}"` : 'starts speaking'}`);
        break;
      case 'agent_text':
        lines.push(`${fmt(e.t)}  agent    "${e.text}"`);
        break;
      case 'agent_paused':
      case 'agent_resumed':
        lines.push(`${fmt(e.t)}  agent    ${e.type === 'agent_paused' ? 'pauses (possible barge-in)' : 'resumes'}`);
        break;
      case 'agent_speech_truncated':
        lines.push(`${fmt(e.t)}  agent    cut off after ${e.playedSeconds.toFixed(2)} s; user heard "${e.heardText}"`);
        break;
      case 'decision':
        if (e.action === 'take_turn' || e.action === 'ignore' || e.action === 'cancel' || e.action === 'hold') lines.push(`${fmt(e.t)}  decide   ${e.action}: ${e.reason}`);
        break;
      case 'error':
        lines.push(`${fmt(e.t)}  ERROR    ${e.component}: ${e.code}: ${e.message}`);
        break;
    }
  }
  const lat = responseLatencies(events).map((l) => `${(l.responseS * 1000).toFixed(0)} ms`);
  const stops = bargeInStops(events).map((s) => `${(s * 1000).toFixed(0)} ms`);
  lines.push('', `response latency after the user stopped (VAD): ${lat.join(', ') || 'none'}`);
  lines.push(`agent silent after a barge-in began: ${stops.join(', ') || 'none'}`);
  return lines.join('\n');
}
