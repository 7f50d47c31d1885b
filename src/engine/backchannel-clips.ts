/**
 * The agent's backchannels ("mm hmm", "right", …), synthesized ahead so that one can start within a
 * window of the predictor asking for it, and trimmed of the synthesizer's silences. A clip set is
 * synthesized once per process for each voice and phrase list and shared by every session that
 * speaks with that voice: keyed by the engine's audio identity (TtsEngine.audioIdentity: backend,
 * voice, model, rate), so a new session's own engine instance still finds it — with a TTS server that
 * saves one request per phrase per session. Engines with no identity share per instance only. A set
 * that failed, or that the engine spoke with its fallback voice (a TTS server that failed), is not
 * kept: the next session asks again; every session given such a set reports why (`degradedBy`, an
 * error event on its timeline), so the different voice of its backchannels is explained.
 */
import { StreamingResampler } from '../audio/resampler.js';
import type { FullduplexError } from '../errors.js';
import type { TtsEngine } from '../speech/types.js';
import { AgentUtterance } from './agent-output.js';
import { defaultPredictorOptions } from './options.js';

/** Samples quieter than this (absolute PCM16) are trimmed from both ends of a clip (−50 dBFS). */
const CLIP_SILENCE = 104;
/**
 * Clip sets kept per process, least recently used dropped first: a server runs one voice or a few,
 * and a set is a few seconds of 16 kHz audio (~100 KB), so 8 covers every voice in use at small cost.
 */
export const CLIP_SETS_KEPT = 8;

export class BackchannelClips {
  private turn = 0;

  private constructor(
    private readonly clips: readonly Clip[],
    private readonly rate: number,
    /** Why some clips are in the engine's fallback voice (empty when none are). */
    readonly degradedBy: readonly FullduplexError[],
  ) {}

  static async create(tts: TtsEngine, voice: string | undefined, rate: number, phrases = defaultPredictorOptions.backchannel.phrases): Promise<BackchannelClips> {
    const spoken = voice ?? tts.defaultVoice;
    const identity = tts.audioIdentity?.(spoken);
    const key = JSON.stringify([identity ?? null, spoken, rate, phrases]);
    const store = identity === undefined ? perEngine(tts) : shared;
    let set = store.get(key);
    if (set) {
      // Most recently used last: Map keeps insertion order.
      store.delete(key);
      store.set(key, set);
    } else {
      set = synthesize(tts, voice, rate, phrases);
      store.set(key, set);
      while (store.size > CLIP_SETS_KEPT) store.delete(store.keys().next().value!);
      const forget = () => void (store.get(key) === set && store.delete(key));
      set.then((s) => s.degradedBy.length > 0 && forget(), forget);
    }
    const { clips, degradedBy } = await set;
    return new BackchannelClips(clips, rate, degradedBy);
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
/** `degradedBy`: the engine fell back to another voice for some clip, and why (such a set is not kept). */
type ClipSet = { readonly clips: readonly Clip[]; readonly degradedBy: readonly FullduplexError[] };

/** Clip sets by audio identity, voice, rate and phrases (or on their way). Their samples are never written. */
const shared = new Map<string, Promise<ClipSet>>();
/** For engines with no audio identity: per engine instance. */
const byEngine = new WeakMap<TtsEngine, Map<string, Promise<ClipSet>>>();

function perEngine(tts: TtsEngine): Map<string, Promise<ClipSet>> {
  let m = byEngine.get(tts);
  if (!m) byEngine.set(tts, (m = new Map()));
  return m;
}

/** How many clip sets are kept now (for tests). */
export function clipSetsKept(): number {
  return shared.size;
}

async function synthesize(tts: TtsEngine, voice: string | undefined, rate: number, phrases: readonly string[]): Promise<ClipSet> {
  const clips: Clip[] = [];
  const degradedBy: FullduplexError[] = [];
  for (const text of phrases) {
    const parts: Int16Array[] = [];
    let resampler: StreamingResampler | undefined;
    for await (const c of tts.synthesize(text, { voice, onDegraded: (e) => void degradedBy.push(e) })) {
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
  return { clips, degradedBy };
}
