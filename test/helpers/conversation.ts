/** Helpers for engine tests: build a user track from clips and pauses, run it, look at both channels. */
import { SileroVad } from '../../src/speech/vad/silero.js';
import { detectSpeechSegments, type Segment } from '../../src/speech/vad/segmenter.js';
import { simulate, type SimulateOptions, type SimulationResult } from '../../src/engine/simulate.js';
import type { EngineEvent, EngineEventType } from '../../src/engine/events.js';
import type { PcmFrame } from '../../src/audio/frame.js';
import { compose } from './speech.js';

let vad: SileroVad | undefined;

/** Speech segments of the agent's channel, found by an independent VAD (not the engine's). */
export async function agentSpeech(r: SimulationResult): Promise<Segment[]> {
  vad ??= await SileroVad.create();
  return detectSpeechSegments(vad, { samples: r.agent, sampleRate: r.sampleRate });
}

export async function closeVad(): Promise<void> {
  await vad?.close();
  vad = undefined;
}

export async function run(parts: readonly (PcmFrame | number)[], o: SimulateOptions = {}) {
  const { audio, spans } = compose(parts);
  const result = await simulate(audio, { maxTailS: 20, ...o });
  return { result, spans, agent: await agentSpeech(result) };
}

export function eventsOf<T extends EngineEventType>(r: SimulationResult, type: T): Extract<EngineEvent, { type: T }>[] {
  return r.events.filter((e) => e.type === type) as Extract<EngineEvent, { type: T }>[];
}

export function decisions(r: SimulationResult, action: string) {
  return eventsOf(r, 'decision').filter((d) => d.action === action);
}

/** Agent speech overlapping [from, to). */
export function speechBetween(segs: readonly Segment[], from: number, to: number): Segment[] {
  return segs.filter((s) => s.end > from && s.start < to);
}

export function timeline(r: SimulationResult): string {
  return r.events
    .filter((e) => e.type !== 'transcript_partial' && e.type !== 'session_start')
    .map((e) => `${e.t.toFixed(2)} ${e.type} ${e.type === 'decision' ? e.action + ': ' + e.reason : e.type === 'control' ? e.action + ': ' + e.detail : 'text' in e ? e.text : ''}`)
    .join('\n');
}
