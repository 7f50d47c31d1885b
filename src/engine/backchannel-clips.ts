/**
 * The agent's backchannels ("mm hmm", "right", …), synthesized ahead so that one can start within a
 * window of the predictor asking for it, and trimmed of the synthesizer's silences. The clips are
 * synthesized once per synthesizer, voice and phrase list, and shared by every session that uses them
 * (a new session then starts without a synthesis round: most of a warm server's session start).
 */
import { StreamingResampler } from '../audio/resampler.js';
import type { TtsEngine } from '../speech/types.js';
import { AgentUtterance } from './agent-output.js';
import { defaultPredictorOptions } from './options.js';

/** Samples quieter than this (absolute PCM16) are trimmed from both ends of a clip (−50 dBFS). */
const CLIP_SILENCE = 104;

export class BackchannelClips {
  private turn = 0;

  private constructor(private readonly clips: readonly Clip[], private readonly rate: number) {}

  static async create(tts: TtsEngine, voice: string | undefined, rate: number, phrases = defaultPredictorOptions.backchannel.phrases): Promise<BackchannelClips> {
    let byKey = synthesized.get(tts);
    if (!byKey) synthesized.set(tts, (byKey = new Map()));
    const key = JSON.stringify([voice ?? null, rate, phrases]);
    let clips = byKey.get(key);
    if (!clips) {
      clips = synthesize(tts, voice, rate, phrases);
      byKey.set(key, clips);
      clips.catch(() => byKey.delete(key)); // a failure is not remembered: the next session tries again
    }
    return new BackchannelClips(await clips, rate);
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

type Clip = { readonly text: string; readonly samples: Int16Array };

/** Clips already synthesized (or on their way), per synthesizer and key. Their samples are never written. */
const synthesized = new WeakMap<TtsEngine, Map<string, Promise<readonly Clip[]>>>();

async function synthesize(tts: TtsEngine, voice: string | undefined, rate: number, phrases: readonly string[]): Promise<readonly Clip[]> {
  const clips: Clip[] = [];
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
  return clips;
}
