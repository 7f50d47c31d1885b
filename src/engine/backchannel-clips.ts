/**
 * The agent's backchannels ("mm hmm", "right", …), synthesized once per session so that one can
 * start within a window of the predictor asking for it, and trimmed of the synthesizer's silences.
 */
import { StreamingResampler } from '../audio/resampler.js';
import type { TtsEngine } from '../speech/types.js';
import { AgentUtterance } from './agent-output.js';
import { defaultPredictorOptions } from './options.js';

/** Samples quieter than this (absolute PCM16) are trimmed from both ends of a clip (−50 dBFS). */
const CLIP_SILENCE = 104;

export class BackchannelClips {
  private turn = 0;

  private constructor(private readonly clips: { text: string; samples: Int16Array }[], private readonly rate: number) {}

  static async create(tts: TtsEngine, voice: string | undefined, rate: number, phrases = defaultPredictorOptions.backchannel.phrases): Promise<BackchannelClips> {
    const clips: { text: string; samples: Int16Array }[] = [];
    for (const text of phrases) {
      const parts: Int16Array[] = [];
      let resampler: StreamingResampler | undefined;
      for await (const c of tts.synthesize(text, { voice })) {
        if (c.sampleRate !== rate) resampler ??= await StreamingResampler.create(c.sampleRate, rate);
        parts.push(resampler ? resampler.process(c.samples) : c.samples);
      }
      if (resampler) (parts.push(resampler.flush()), resampler.destroy());
      const all = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) (all.set(p, o), (o += p.length));
      let a = 0;
      let b = all.length;
      while (a < b && Math.abs(all[a]!) < CLIP_SILENCE) a++;
      while (b > a && Math.abs(all[b - 1]!) < CLIP_SILENCE) b--;
      if (b > a) clips.push({ text, samples: all.slice(a, b) });
    }
    return new BackchannelClips(clips, rate);
  }

  /** The next clip in rotation, as an utterance ready to play at `readyAt`. */
  next(readyAt: number): AgentUtterance | undefined {
    if (this.clips.length === 0) return undefined;
    const c = this.clips[this.turn++ % this.clips.length]!;
    const u = new AgentUtterance('backchannel', this.rate);
    u.beginClause(c.text);
    u.push(c.samples, readyAt);
    u.finish();
    return u;
  }
}
