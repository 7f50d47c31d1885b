/**
 * The speaker pool: a speaker is a base voice from one side of the voice split (config.ts VOICE_SETS)
 * plus a per-sample variation (pitch, tempo, EQ tilt, telephone band, room) drawn from the sample's
 * random stream. `voiceClip` turns text into that speaker's speech, trimmed, at the reference level.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import { FullduplexError } from '../../src/errors.js';
import { EspeakTts } from '../../src/speech/tts/espeak.js';
import { FestivalTts } from '../../src/speech/tts/festival.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import type { TtsChunk } from '../../src/speech/types.js';
import { atLevel, SCENARIO_RATE, trimClip } from './audio.js';
import { SPEAKER_VARIATION as SV, TRACK, VOICE_SETS, type PoolVoice, type VoiceEngine, type VoiceSetName } from './config.js';
import { pitchAndTempo, room, telephone, tilt } from './effects.js';

/** One voice as heard in one sample (recorded in scenario.json). */
export interface Speaker {
  readonly engine: VoiceEngine;
  readonly voice: string;
  readonly base: string;
  readonly pitchSemitones: number;
  readonly tempo: number;
  readonly tiltDb: number;
  readonly telephone: boolean;
  /** null = dry (close microphone). */
  readonly room: { readonly rt60S: number; readonly wet: number } | null;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const between = (rand: () => number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rand();

/** A speaker with `voice`, varied by draws from `rand` (always the same number of draws). */
export function drawSpeaker(voice: PoolVoice, rand: () => number): Speaker {
  const pitch = r2(between(rand, SV.pitchSemitones));
  const tempo = r2(between(rand, SV.tempo));
  const tiltDb = r2(between(rand, SV.tiltDb));
  const phone = rand() < SV.telephoneShare;
  const reverb = rand() < SV.reverbShare;
  const rt60S = r2(between(rand, SV.reverbRt60S));
  const wet = r2(between(rand, SV.reverbWet));
  return { ...voice, pitchSemitones: pitch, tempo, tiltDb, telephone: phone, room: reverb ? { rt60S, wet } : null };
}

/** `voice` as the engine makes it, at `tempo`. */
export function plainSpeaker(voice: PoolVoice, tempo = 1): Speaker {
  return { ...voice, pitchSemitones: 0, tempo, tiltDb: 0, telephone: false, room: null };
}

/** A short readable name: "festival/ked_diphone +1.2st ×0.93 phone room". */
export function speakerLabel(s: Speaker): string {
  const sign = s.pitchSemitones >= 0 ? '+' : '';
  return `${s.engine}/${s.voice} ${sign}${s.pitchSemitones}st ×${s.tempo}${s.telephone ? ' phone' : ''}${s.room ? ' room' : ''}`;
}

/** The pool voices of one side, except those whose base voice is in `not`. */
export function poolOf(set: VoiceSetName, not: readonly string[] = []): readonly PoolVoice[] {
  const all = VOICE_SETS[set];
  const rest = all.filter((v) => !not.includes(v.base));
  return rest.length > 0 ? rest : all;
}

let flite: FliteTts | undefined;
let festival: FestivalTts | undefined;
let espeak: EspeakTts | undefined;

/** The engine's raw output for `text` (deterministic for every engine in the pool). */
async function synthesize(engine: VoiceEngine, voice: string, text: string): Promise<TtsChunk> {
  switch (engine) {
    case 'flite':
      flite ??= new FliteTts();
      return flite.synthesizeAll(text, voice);
    case 'festival':
      if (!festival) {
        festival = new FestivalTts();
        process.once('exit', () => void festival?.close());
      }
      return festival.synthesizeAll(text, voice);
    case 'espeak-ng': {
      espeak ??= new EspeakTts();
      const parts: Int16Array[] = [];
      let sampleRate = espeak.sampleRateOf();
      for await (const c of espeak.synthesize(text, { voice })) {
        parts.push(c.samples);
        sampleRate = c.sampleRate;
      }
      const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) samples.set(p, (at += p.length) - p.length);
      return { samples, sampleRate };
    }
    default:
      throw new FullduplexError('BAD_ARGUMENT', `unknown voice engine '${String(engine)}'`);
  }
}

/** Closes the subprocess engines (Festival keeps one process per voice). */
export async function closeVoices(): Promise<void> {
  await festival?.close();
  festival = undefined;
}

const cache = new Map<string, PcmFrame>();

/**
 * `speaker` saying `text`: synthesized, 16 kHz, trimmed, varied, trimmed again and at the reference
 * level (TRACK.referenceLevelDbfs), so its speech bounds are measured the same way for every voice.
 */
export async function voiceClip(text: string, speaker: Speaker): Promise<PcmFrame> {
  const key = `${JSON.stringify(speaker)}|${text}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const raw = await synthesize(speaker.engine, speaker.voice, text);
  if (raw.samples.length === 0) throw new FullduplexError('COMPONENT_FAILED', `${speaker.engine}/${speaker.voice} produced no audio for '${text}'`);
  let clip: PcmFrame = { samples: raw.samples, sampleRate: raw.sampleRate };
  if (clip.sampleRate !== SCENARIO_RATE) clip = await resample(clip, SCENARIO_RATE);
  clip = await pitchAndTempo(trimClip(atLevel(clip, TRACK.referenceLevelDbfs)), speaker.pitchSemitones, speaker.tempo);
  clip = tilt(clip, speaker.tiltDb, SV.tiltCornerHz);
  if (speaker.telephone) clip = await telephone(clip, SV.telephoneBandHz);
  if (speaker.room) clip = room(clip, speaker.room.rt60S, speaker.room.wet);
  clip = trimClip(atLevel(clip, TRACK.referenceLevelDbfs));
  if (cache.size > 2000) cache.clear(); // bounded: a full set has a few thousand distinct phrases
  cache.set(key, clip);
  return clip;
}
