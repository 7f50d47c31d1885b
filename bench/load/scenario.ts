/**
 * The load benchmark's conversation: a question, a request for a long story, and an interruption of
 * that story, synthesized with flite. Each simulated person starts at a different point of it
 * (rotated), so the N sessions do not all speak, decode and synthesize at the same moment.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { FliteTts } from '../../src/speech/tts/flite.js';

export const RATE = 16000;

export interface Cue {
  readonly kind: 'question' | 'barge_in';
  readonly text: string;
  /** Audible start and end of the user's words in the track, s. */
  readonly start: number;
  readonly end: number;
}

export interface LoadScenario {
  readonly audio: PcmFrame;
  readonly cues: readonly Cue[];
  readonly durationS: number;
}

/** Seconds of silence and lines of speech, in order. */
const SCRIPT: readonly (number | { kind: Cue['kind']; text: string })[] = [
  1,
  { kind: 'question', text: 'What time is it?' },
  3.5,
  { kind: 'question', text: 'Please tell me a long story.' },
  6,
  { kind: 'barge_in', text: 'Wait, stop, I have a question.' },
  4,
];

/** Samples below this (−50 dBFS) at either end of a synthesized line are trimmed. */
const TRIM = 104;

export function buildScenario(voice = 'slt'): LoadScenario {
  const tts = new FliteTts();
  const parts: Int16Array[] = [];
  const cues: Cue[] = [];
  let t = 0;
  for (const step of SCRIPT) {
    if (typeof step === 'number') {
      parts.push(new Int16Array(Math.round(step * RATE)));
      t += step;
      continue;
    }
    const c = tts.synthesizeAll(step.text, voice);
    if (c.sampleRate !== RATE) throw new Error(`flite voice ${voice} is ${c.sampleRate} Hz; use a 16 kHz voice`);
    let a = 0;
    let b = c.samples.length;
    while (a < b && Math.abs(c.samples[a]!) < TRIM) a++;
    while (b > a && Math.abs(c.samples[b - 1]!) < TRIM) b--;
    const words = c.samples.slice(a, b);
    cues.push({ kind: step.kind, text: step.text, start: t, end: t + words.length / RATE });
    parts.push(words);
    t += words.length / RATE;
  }
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (samples.set(p, o), (o += p.length));
  return { audio: { samples, sampleRate: RATE }, cues, durationS: t };
}

/** The scenario rotated to start `shiftS` into it (cues move with it; a cue cut by the seam is dropped). */
export function rotate(s: LoadScenario, shiftS: number): LoadScenario {
  const n = s.audio.samples.length;
  const k = Math.round(shiftS * RATE) % n;
  const samples = new Int16Array(n);
  samples.set(s.audio.samples.subarray(k), 0);
  samples.set(s.audio.samples.subarray(0, k), n - k);
  const shift = k / RATE;
  const cues = s.cues
    .map((c) => {
      const start = c.start - shift < 0 ? c.start - shift + s.durationS : c.start - shift;
      return { ...c, start, end: start + (c.end - c.start) };
    })
    .filter((c) => c.end <= s.durationS)
    .sort((a, b) => a.start - b.start);
  return { audio: { samples, sampleRate: RATE }, cues, durationS: s.durationS };
}
