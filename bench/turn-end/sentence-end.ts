/**
 * Do the words so far end like a sentence? Read from the recogniser's own trigram language model
 * (pocketsphinx's en-us.lm.bin, through the native addon): ln P(</s> | last two words). "…order a"
 * scores about −5, "…in detail" −1.5. A graded lexical reading beside the rule-based completeness:
 * what a person expects to hear next, learned from text rather than listed by hand.
 *
 * One model per thread (the addon's handle keeps lookup state), opened on first use: ~80 ms, memory-
 * mapped. Where the addon or the model file is missing the reading is null and callers go on without it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadNative } from '../../src/native.js';
import { defaultPocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';
import { normalizeTranscript } from '../../src/engine/evidence/text.js';

/** The model file read by default: the one pocketsphinx decodes with. */
export const DEFAULT_SENTENCE_END_MODEL = join(defaultPocketsphinxOptions.modelDir, 'en-us.lm.bin');

/** ln P(</s> | …) mapped to about [-1, 1] for a model feature: −1 ≈ e^-7 ("…of the"), 0 ≈ e^-4, 1 ≈ e^-1 ("…in detail"). */
export const scaledSentenceEnd = (lnP: number): number => Math.max(-1, Math.min(1, (lnP + 4) / 3));

export class SentenceEndModel {
  private constructor(
    private readonly handle: unknown,
    private readonly lmLogProb: (h: unknown, words: string[]) => number,
    private readonly lmKnows: (h: unknown, word: string) => boolean,
  ) {}

  private static perThread = new Map<string, SentenceEndModel | null>();

  /** This thread's model for `path` (opened once), or null when it cannot be read here. */
  static shared(path: string = DEFAULT_SENTENCE_END_MODEL): SentenceEndModel | null {
    const known = SentenceEndModel.perThread.get(path);
    if (known !== undefined) return known;
    let model: SentenceEndModel | null = null;
    try {
      if (existsSync(path)) {
        const n = loadNative();
        model = new SentenceEndModel(n.lmOpen(path), n.lmLogProb, n.lmKnows);
      }
    } catch {
      model = null;
    }
    SentenceEndModel.perThread.set(path, model);
    return model;
  }

  /**
   * ln P(sentence end | the transcript's last two words), with "<s>" before a short transcript;
   * null for an empty one. Words the model does not know count as its unknown word.
   */
  logProbEnd(transcript: string): number | null {
    const words = normalizeTranscript(transcript);
    if (words.length === 0) return null;
    const history = words.length >= 2 ? words.slice(-2) : ['<s>', words[0]!];
    return this.lmLogProb(this.handle, [...history.map((w) => (this.lmKnows(this.handle, w) ? w : '<UNK>')), '</s>']);
  }
}
