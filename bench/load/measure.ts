/**
 * What one simulated person experienced, read off the audio their client actually played (aligned
 * with what they said): how long after each question the agent's voice started, and how long after
 * they cut in the agent went quiet. Plus the process CPU readings the benchmark needs.
 */
import { readFileSync } from 'node:fs';
import type { PcmFrame } from '../../src/audio/frame.js';
import type { Cue } from './scenario.js';

/** Analysis hop, s. */
const HOP_S = 0.01;
/** Agent voice is present in a hop above this level (dBFS). */
const VOICE_DB = -40;
/** The agent counts as quiet after this long below VOICE_DB, s. */
const QUIET_S = 0.1;
/** A question unanswered this long after it ended counts as no answer, s. */
const MAX_WAIT_S = 6;

function hopDb(f: PcmFrame, t: number): number {
  const a = Math.floor(t * f.sampleRate);
  const b = Math.min(f.samples.length, a + Math.round(HOP_S * f.sampleRate));
  if (b <= a) return -Infinity;
  let acc = 0;
  for (let i = a; i < b; i++) acc += f.samples[i]! * f.samples[i]!;
  return 10 * Math.log10(acc / (b - a) / 32768 ** 2 + 1e-12);
}

export interface SessionMeasures {
  /** Per question: end of the question → first agent audio the client played, ms (null: none within MAX_WAIT_S). */
  responseMs: (number | null)[];
  /** Per interruption of audible agent speech: its start → the agent's audio stops, ms. */
  bargeInStopMs: number[];
}

export function measureSession(output: PcmFrame, cues: readonly Cue[]): SessionMeasures {
  const duration = output.samples.length / output.sampleRate;
  const responseMs: (number | null)[] = [];
  const bargeInStopMs: number[] = [];
  for (const c of cues) {
    if (c.kind === 'question') {
      if (c.end + MAX_WAIT_S > duration) continue; // too close to the end of the run to judge
      let found: number | null = null;
      for (let t = c.end; t < c.end + MAX_WAIT_S; t += HOP_S) {
        if (hopDb(output, t) > VOICE_DB) {
          found = Math.round((t - c.end) * 1000);
          break;
        }
      }
      responseMs.push(found);
    } else {
      const speaking = [0.3, 0.2, 0.1].some((d) => hopDb(output, c.start - d) > VOICE_DB);
      if (!speaking) continue; // the agent was not talking: nothing to interrupt
      let quietSince: number | undefined;
      for (let t = c.start; t < Math.min(duration, c.start + 3); t += HOP_S) {
        if (hopDb(output, t) > VOICE_DB) quietSince = undefined;
        else if (quietSince === undefined) quietSince = t;
        else if (t - quietSince >= QUIET_S) {
          bargeInStopMs.push(Math.round((quietSince - c.start) * 1000));
          break;
        }
      }
    }
  }
  return { responseMs, bargeInStopMs };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100; // USER_HZ is 100 on Linux
}

export function percentile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
