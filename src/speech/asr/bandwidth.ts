/**
 * Does this caller's audio carry anything above 4 kHz? Speech that passed through an 8 kHz channel
 * (a telephone line, G.711, an 8 kHz recording played at 16 kHz) has nothing there, and the
 * recogniser's 16 kHz model loses most of its words on it (`npm run study:cmn`); the recogniser then
 * maps its features (narrowband-map.ts). The test: in the loud frames of the caller's speech, the share
 * of energy above `highBandHz` in the louder tenth of them (the fricatives). Over whole sentences of
 * the tuning voices: wideband -35 to -8 dB, through an 8 kHz channel -80 to -50 dB (what the filters
 * and resamplers leak); the threshold sits between. Voiced speech alone puts little up there, so
 * wideband is decided on the first clear evidence and narrowband only after most of a second of speech.
 */

export interface BandwidthDetection {
  /** The high band starts here, Hz: above an 8 kHz channel's Nyquist and its filters' skirt. */
  readonly highBandHz: number;
  /** Analysis frame, samples at 16 kHz (10 ms: the recogniser's own frame rate). */
  readonly frameSamples: number;
  /** A frame is speech when it is within this of the loudest frame heard so far, dB ... */
  readonly speechWithinDb: number;
  /** ... and above this level, dBFS. */
  readonly speechFloorDbfs: number;
  /** Wideband as soon as this many speech frames show it (one fricative is enough evidence)... */
  readonly wideAfterFrames: number;
  /** ...narrowband only after this many show none (voiced speech alone has little up there). */
  readonly narrowAfterFrames: number;
  /** At the end of an utterance, decide either way from this many; fewer: no decision yet. */
  readonly minFramesAtEnd: number;
  /**
   * Every utterance with at least narrowAfterFrames of speech votes at its end, and the decision
   * follows the majority of the last this-many votes: one misjudged first utterance (a click read as
   * a fricative) does not decide the whole call, and short ones (a voiced "yeah") do not vote.
   */
  readonly votes: number;
  /** The decision reads this quantile of the speech frames' high-band share (the fricatives'). */
  readonly quantile: number;
  /** Narrowband when that quantile is below this, dB: midway between the tuning voices' wideband sentences (≥ -34.7) and narrowband ones (≤ -49.9). */
  readonly narrowBelowDb: number;
}

export const BANDWIDTH_DETECTION: BandwidthDetection = {
  highBandHz: 5500,
  frameSamples: 160,
  speechWithinDb: 25,
  speechFloorDbfs: -60,
  wideAfterFrames: 10,
  narrowAfterFrames: 80,
  minFramesAtEnd: 20,
  votes: 5,
  quantile: 0.9,
  narrowBelowDb: -42,
};

export type Bandwidth = 'wide' | 'narrow';

/** One RBJ high-pass section, run sample by sample (its state carries across chunks). */
class HighPass {
  private readonly b0: number;
  private readonly b1: number;
  private readonly b2: number;
  private readonly a1: number;
  private readonly a2: number;
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(hz: number, q: number, sampleRate: number) {
    const w = (2 * Math.PI * hz) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    this.b0 = (1 + cos) / 2 / a0;
    this.b1 = -(1 + cos) / a0;
    this.b2 = (1 + cos) / 2 / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
  }

  step(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

const dB = (x: number) => 10 * Math.log10(Math.max(x, 1e-20));
/** An 8th-order Butterworth high-pass as four sections: steep enough that a narrow channel's 3–4 kHz stays out. */
const BUTTERWORTH_8_Q = [0.5098, 0.6013, 0.9, 2.5629] as const;

export class BandwidthDetector {
  private filters: HighPass[] = [];
  private frame = { total: 0, high: 0, n: 0 };
  /** [frame level dBFS, high-band share dB] of every frame heard since the last reset. */
  private frames: [number, number][] = [];
  private loudest = -Infinity;
  private decided: Bandwidth | null = null;
  private recentVotes: Bandwidth[] = [];
  private decidedOn: number | null = null;

  constructor(
    private readonly sampleRate = 16000,
    readonly p: BandwidthDetection = BANDWIDTH_DETECTION,
  ) {
    this.reset();
  }

  /** The decision so far (taken again at each utterance's end; forgotten on reset). */
  get bandwidth(): Bandwidth | null {
    return this.decided;
  }

  /** The high-band share the decision was made on, dB (null before it). */
  get decidedOnDb(): number | null {
    return this.decidedOn;
  }

  /** The high-band share of this utterance's speech so far at the decision's quantile, dB, and how many frames it reads. */
  highBand(): { db: number; frames: number } | null {
    const speech = this.frames.filter(([level]) => level >= this.loudest - this.p.speechWithinDb).map(([, share]) => share);
    if (speech.length === 0) return null;
    speech.sort((a, b) => a - b);
    return { db: speech[Math.min(speech.length - 1, Math.floor(this.p.quantile * speech.length))]!, frames: speech.length };
  }

  /** Listen to more of the caller's audio; returns the decision once there is one. */
  push(samples: Int16Array): Bandwidth | null {
    const frameSamples = this.p.frameSamples;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i]! / 32768;
      let h = x;
      for (const f of this.filters) h = f.step(h);
      this.frame.total += x * x;
      this.frame.high += h * h;
      if (++this.frame.n === frameSamples) {
        const level = dB(this.frame.total / frameSamples);
        // Only frames that can count as speech are kept: a long silence keeps nothing.
        if (level >= this.p.speechFloorDbfs) {
          this.frames.push([level, dB(this.frame.high) - dB(this.frame.total)]);
          this.loudest = Math.max(this.loudest, level);
        }
        this.frame = { total: 0, high: 0, n: 0 };
      }
    }
    if (this.decided) return this.decided;
    const h = this.highBand();
    if (h && h.frames >= this.p.wideAfterFrames && h.db >= this.p.narrowBelowDb) return this.settle('wide', h.db);
    if (h && h.frames >= this.p.narrowAfterFrames) return this.settle('narrow', h.db);
    return null;
  }

  /** The utterance ended: decide, or vote and decide again, from what it held. */
  end(): Bandwidth | null {
    const h = this.highBand();
    this.frames = [];
    this.loudest = -Infinity;
    if (!h) return this.decided;
    const vote: Bandwidth = h.db < this.p.narrowBelowDb ? 'narrow' : 'wide';
    if (h.frames >= this.p.narrowAfterFrames) this.recentVotes = [...this.recentVotes, vote].slice(-this.p.votes);
    if (!this.decided) return h.frames >= this.p.minFramesAtEnd ? this.settle(vote, h.db) : null;
    const against = this.recentVotes.filter((v) => v !== this.decided).length;
    const other: Bandwidth = this.decided === 'wide' ? 'narrow' : 'wide';
    return against > this.recentVotes.length - against ? this.settle(other, h.db) : this.decided;
  }

  /** A new caller or channel: hear it afresh. */
  reset(): void {
    this.filters = BUTTERWORTH_8_Q.map((q) => new HighPass(this.p.highBandHz, q, this.sampleRate));
    this.frame = { total: 0, high: 0, n: 0 };
    this.frames = [];
    this.loudest = -Infinity;
    this.decided = null;
    this.decidedOn = null;
    this.recentVotes = [];
  }

  private settle(b: Bandwidth, db: number): Bandwidth {
    this.decided = b;
    this.decidedOn = db;
    return b;
  }
}
