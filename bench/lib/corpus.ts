/**
 * The benchmark's audio: the 24 conversational test sentences synthesized in-process by flite, per
 * voice, at 16 kHz (the rate the VAD and the ASR take), plus non-speech clips for the VAD.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { CONVERSATIONAL_SENTENCES } from '../../test/fixtures/sentences.js';
import { pinkNoise, silence, whiteNoise } from '../../test/helpers/speech.js';

export const SENTENCES = CONVERSATIONAL_SENTENCES;

/** 16 kHz flite voices the ASR is scored on (kal is 8 kHz and would need upsampling). */
export const ASR_VOICES = ['slt', 'rms', 'awb', 'kal16'] as const;

export interface Utterance {
  readonly text: string;
  readonly voice: string;
  readonly audio: PcmFrame;
}

export function synthesizeCorpus(voices: readonly string[] = ASR_VOICES): Map<string, Utterance[]> {
  const tts = new FliteTts();
  const out = new Map<string, Utterance[]>();
  for (const voice of voices) {
    out.set(
      voice,
      SENTENCES.map((text) => {
        const c = tts.synthesizeAll(text, voice);
        return { text, voice, audio: { samples: c.samples, sampleRate: c.sampleRate } };
      }),
    );
  }
  return out;
}

export const seconds = (f: PcmFrame): number => f.samples.length / f.sampleRate;

/** Non-speech clips (16 kHz) that the VAD must not call speech. */
export function nonSpeechClips(secondsEach = 5): { name: string; samples: Int16Array }[] {
  return [
    { name: 'digital silence', samples: silence(secondsEach) },
    { name: 'white noise -40 dBFS', samples: whiteNoise(secondsEach, -40, 11) },
    { name: 'white noise -30 dBFS', samples: whiteNoise(secondsEach, -30, 12) },
    { name: 'pink noise -35 dBFS', samples: pinkNoise(secondsEach, -35, 13) },
  ];
}
