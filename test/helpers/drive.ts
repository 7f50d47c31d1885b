/**
 * Drive a real local session window by window on a virtual clock (as `simulate` does) and let a test
 * act on it between windows: the way an application uses the control API while audio flows.
 */
import { VirtualClock } from '../../src/audio/clock.js';
import type { PcmFrame } from '../../src/audio/frame.js';
import { createLocalSession, type LocalEngineOptions } from '../../src/engine/local.js';
import { ENGINE_SAMPLE_RATE, WINDOW_SAMPLES, type ConversationSession } from '../../src/engine/session.js';
import type { SimulationResult } from '../../src/engine/simulate.js';
import { compose } from './speech.js';

/** Called after every window with the session time (s) at its end. */
export type WindowHook = (session: ConversationSession, t: number) => void | Promise<void>;

/**
 * `settle: false` lets replies run in wall time beside the windows instead of finishing inside each
 * window (for a test that holds a reply back on purpose).
 */
export async function drive(parts: readonly (PcmFrame | number)[], hook: WindowHook, o: LocalEngineOptions & { settle?: boolean } = {}) {
  const { audio, spans } = compose(parts);
  const clock = new VirtualClock();
  const session = await createLocalSession(clock, o);
  const agent = new Int16Array(audio.samples.length + WINDOW_SAMPLES);
  for (let i = 0; i + WINDOW_SAMPLES <= audio.samples.length; i += WINDOW_SAMPLES) {
    agent.set(session.pullAudio(WINDOW_SAMPLES), i);
    await clock.advance(WINDOW_SAMPLES / ENGINE_SAMPLE_RATE);
    await session.pushAudio(audio.samples.subarray(i, i + WINDOW_SAMPLES));
    if (o.settle !== false) await session.settle();
    await hook(session, clock.now());
  }
  await session.close();
  const result: SimulationResult = { sampleRate: ENGINE_SAMPLE_RATE, user: audio.samples, agent, events: session.events };
  return { session, result, spans };
}
