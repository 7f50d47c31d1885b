/**
 * Offline conversation: play a recording of the user into a session on a virtual clock, as a sound
 * card would (one 32 ms window in, one out), and record both sides time-aligned.
 */
import type { PcmFrame } from '../audio/frame.js';
import { VirtualClock } from '../audio/clock.js';
import { resample } from '../audio/resampler.js';
import type { EngineEvent } from './events.js';
import { createLocalSession, type LocalEngineOptions } from './local.js';
import { ENGINE_SAMPLE_RATE, WINDOW_SAMPLES, type ConversationSession } from './session.js';

export interface SimulateOptions extends LocalEngineOptions {
  /** After the input ends, keep running (silent user) until the agent is quiet, at most this long, s. */
  maxTailS?: number;
  /** Use this session instead of creating a local one (it must run on `clock`). */
  session?: ConversationSession;
  clock?: VirtualClock;
}

export interface SimulationResult {
  readonly sampleRate: number;
  readonly user: Int16Array;
  readonly agent: Int16Array;
  readonly events: readonly EngineEvent[];
}

export async function simulate(input: PcmFrame, o: SimulateOptions = {}): Promise<SimulationResult> {
  // The session gets the input at its own rate (it resamples, as it would from a live microphone);
  // the recording's user channel is resampled separately.
  const user16 = input.sampleRate === ENGINE_SAMPLE_RATE ? input.samples : (await resample(input, ENGINE_SAMPLE_RATE)).samples;
  const inRate = input.sampleRate;
  const inputAt = (k: number) => Math.floor((k * WINDOW_SAMPLES * inRate) / ENGINE_SAMPLE_RATE);
  const clock = o.clock ?? new VirtualClock();
  const session = o.session ?? (await createLocalSession(clock, o));
  const maxTail = Math.round(((o.maxTailS ?? 30) * ENGINE_SAMPLE_RATE) / WINDOW_SAMPLES);
  const agentParts: Int16Array[] = [];
  let tail = 0;
  for (let k = 0, i = 0; ; k++, i += WINDOW_SAMPLES) {
    const inInput = i < user16.length;
    if (!inInput) {
      const quiet = !session.output.utterance && !session.predictor.inTurn;
      if (quiet || tail++ >= maxTail) break;
    }
    const win = new Int16Array(inputAt(k + 1) - inputAt(k));
    if (inInput) win.set(input.samples.subarray(inputAt(k), inputAt(k + 1)));
    agentParts.push(session.pullAudio(WINDOW_SAMPLES));
    await clock.advance(WINDOW_SAMPLES / ENGINE_SAMPLE_RATE);
    await session.pushAudio(win, inRate);
    await session.settle();
  }
  if (!o.session) await session.close();
  const len = Math.max(user16.length, agentParts.length * WINDOW_SAMPLES);
  const user = new Int16Array(len);
  user.set(user16);
  const agent = new Int16Array(len);
  let off = 0;
  for (const p of agentParts) (agent.set(p.subarray(0, Math.min(p.length, len - off)), off), (off += p.length));
  return { sampleRate: ENGINE_SAMPLE_RATE, user, agent, events: session.events };
}
