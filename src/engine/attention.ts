/**
 * Attention: is this speech segment the main user talking to the agent, or someone else (side talk,
 * a TV, a person reading aloud across the room)? It keeps listening: a segment is judged from its
 * first windows and judged again as it goes on.
 *
 * Level, like with like. The user's loudest level after n windows of a segment (n = 1, 2, …) is
 * learned from their attended segments as a curve, and a segment is compared with that curve at the
 * same n: a word's first windows are 10-15 dB below its peak, so onsets meet onsets.
 *
 * The rule (thresholds in AttentionOptions):
 * - From `judgeAfterWindows` windows until `judgeWithinMs` into the segment, it is ignored when its
 *   loudest window so far lies `sideTalkLevelDropDb` or more below the user's curve (whatever the
 *   voice: the user's own voice that far down is the user turned away, talking to someone else), or
 *   `otherVoiceLevelDropDb` or more below it in a voice clearly not the user's (voice distance at
 *   least `otherVoiceMinDistance`). So "someone else" is another voice that is also quieter, or any
 *   voice that is much quieter; the user's own voice a little quieter (leaning back) and any voice at
 *   the user's level (it may be the user) are attended.
 * - Before any user turn was heard there is no curve: a segment whose loudest window stays under
 *   `distantVoiceDbfs` is a distant voice, not addressed to the agent.
 * - A segment that starts within `otherContinuationMs` of an ignored one is that voice's next phrase:
 *   ignored from its first window (a loud first syllable must not make the agent pause for side talk
 *   it has already recognised), then re-judged like any ignored segment.
 * - An ignored segment is judged again until `rejudgeWithinMs`: once `rejudgeMinWindows` of its
 *   windows reach within `rejudgeDropDb` of the user's curve (or, with no user yet, reach
 *   `distantVoiceDbfs`), it is the user after all (a soft onset before the first loud syllable).
 *   That verdict is final for the segment.
 *
 * The user's curve and voice profile are learned only from segments attended throughout (not
 * re-judged ones, whose first windows are atypical; but with no user known yet, a re-judged segment
 * teaches the curve from its rise on, since under a TV left on every first turn is re-judged); the
 * voice profile only while the agent was silent (no echo in the features), from the first
 * `voiceProfileMaxWindows` voiced windows.
 * Per window: O(features); nothing is allocated after construction.
 */
import { FullduplexError } from '../errors.js';
import type { AttentionOptions } from './options.js';
import { VoiceStats, voiceDistance, voiceFeatureCount } from './evidence/voice-profile.js';

export interface AttentionVerdict {
  /** 'ignore': the segment is someone else's; 'attend': it is the user's after all (re-judged). */
  readonly change: 'ignore' | 'attend';
  readonly reason: string;
}

export class Attention {
  // -- the main user
  private readonly userCurve: Float64Array; // usual loudest level after k+1 windows, dBFS
  private readonly userCurveN: Uint32Array; // segments that taught each point
  private readonly profile = new VoiceStats(voiceFeatureCount());
  // -- the current segment
  private readonly segCurve: Float64Array;
  private readonly segVoice = new VoiceStats(voiceFeatureCount());
  private n = 0;
  private max = -Infinity;
  private ignoredNow = false;
  private rejudged = false;
  private wasIgnored = false;
  private agentSilentThroughout = true;
  private risenWindows = 0;
  /** The window (1-based) of the segment's first rise while ignored; 0 before any. */
  private firstRiseN = 0;
  /** The segment's loudest level after k+1 windows counted from that rise, dBFS. */
  private readonly riseCurve: Float64Array;
  private riseMax = -Infinity;
  /** The segment continues an ignored voice: it is not an onset, so it rises against the user's full level. */
  private continuesOther = false;

  constructor(
    readonly options: AttentionOptions,
    private readonly windowMs = 32,
  ) {
    const bad = (Object.keys(options) as (keyof AttentionOptions)[]).filter((k) => !Number.isFinite(options[k]));
    if (bad.length > 0) throw new FullduplexError('BAD_ARGUMENT', `attention options must be finite numbers: ${bad.join(', ')}`);
    if (!(options.judgeAfterWindows >= 1 && options.rejudgeMinWindows >= 1 && options.levelLearningRate > 0 && options.levelLearningRate <= 1)) {
      throw new FullduplexError('BAD_ARGUMENT', 'attention: judgeAfterWindows and rejudgeMinWindows must be ≥ 1, levelLearningRate in (0, 1]');
    }
    const points = Math.max(options.judgeAfterWindows, Math.ceil(Math.max(options.judgeWithinMs, options.rejudgeWithinMs) / windowMs));
    this.userCurve = new Float64Array(points);
    this.userCurveN = new Uint32Array(points);
    this.segCurve = new Float64Array(points);
    this.riseCurve = new Float64Array(points);
  }

  /** Some user segment has taught the level curve. */
  get userKnown(): boolean {
    return this.userCurveN[0]! > 0;
  }

  /** The user's usual loudest level over a segment's first `judgeAfterWindows` windows, dBFS. */
  get usualUserLevelDb(): number {
    return this.userKnown ? this.userRef(this.options.judgeAfterWindows) : this.options.initialUserLevelDb;
  }

  /** The user's usual loudest over a whole segment, dBFS; null before any user turn was heard. */
  get userLoudestDb(): number | null {
    return this.userKnown ? this.userRef(this.userCurve.length) : null;
  }

  /** Voiced windows in the user's voice profile so far. */
  get profileWindows(): number {
    return this.profile.count;
  }

  get ignored(): boolean {
    return this.ignoredNow;
  }

  /**
   * A segment's first window. `continues`: 'user' when it starts within `continuationMs` of the end
   * of a segment that was the user's (the user going on: not judged); 'other' when it starts within
   * `otherContinuationMs` of one that was ignored (the same voice going on: ignored until it rises).
   */
  startSegment(levelDb: number, voice: Float64Array | null | undefined, agentSilent: boolean, continues?: 'user' | 'other'): void {
    this.n = 0;
    this.max = -Infinity;
    // Continuing the user: a settled verdict, attended. Continuing an ignored voice: ignored from its
    // first window, and re-judged like any ignored segment.
    this.ignoredNow = this.wasIgnored = this.continuesOther = continues === 'other';
    this.rejudged = continues === 'user';
    this.agentSilentThroughout = true;
    this.risenWindows = 0;
    this.firstRiseN = 0;
    this.segVoice.clear();
    this.addWindow(levelDb, voice, agentSilent);
  }

  /** Each further speech window of the segment. */
  addWindow(levelDb: number, voice: Float64Array | null | undefined, agentSilent: boolean): void {
    this.n++;
    if (Number.isFinite(levelDb)) this.max = Math.max(this.max, levelDb);
    if (this.n <= this.segCurve.length) this.segCurve[this.n - 1] = this.max;
    if (voice) this.segVoice.add(voice);
    if (!agentSilent) this.agentSilentThroughout = false;
    if (this.ignoredNow && levelDb >= this.riseLevel()) {
      if (this.risenWindows === 0) {
        this.firstRiseN = this.n;
        this.riseMax = -Infinity;
      }
      this.risenWindows++;
    }
    if (this.firstRiseN > 0) {
      if (Number.isFinite(levelDb)) this.riseMax = Math.max(this.riseMax, levelDb);
      const m = this.n - this.firstRiseN;
      if (m < this.riseCurve.length) this.riseCurve[m] = this.riseMax;
    }
  }

  /**
   * Judge the segment after its latest window; returns a change of verdict, if any (the caller acts
   * on it: drops or restores the segment's words and turn).
   */
  judge(segmentMs: number): AttentionVerdict | null {
    const a = this.options;
    if (!this.ignoredNow) {
      if (this.n < a.judgeAfterWindows || this.rejudged || segmentMs > a.judgeWithinMs) return null;
      const why = this.whyNotTheUser();
      if (why === null) return null;
      this.ignoredNow = this.wasIgnored = true;
      this.risenWindows = 0;
      return { change: 'ignore', reason: why };
    }
    if (segmentMs > a.rejudgeWithinMs || this.risenWindows < a.rejudgeMinWindows) return null;
    this.ignoredNow = false;
    this.rejudged = true;
    const reason = this.userKnown
      ? `re-judged: rose to the user's level (${this.max.toFixed(0)} dBFS, ${Math.max(0, this.riseRef() - this.max).toFixed(0)} dB below the user's usual)`
      : `re-judged: rose to a close-talk level (${this.max.toFixed(0)} dBFS)`;
    return { change: 'attend', reason };
  }

  /**
   * While the agent speaks and the segment is too young to judge: how far it lies below the user's
   * usual level at the same point, when that is far enough (`quietOnsetDropDb`) to wait before
   * pausing; null otherwise (once the level has risen, nothing holds off a yield).
   */
  quietOnsetDropDb(): number | null {
    const a = this.options;
    if (!this.userKnown || this.rejudged || this.n >= a.judgeAfterWindows) return null;
    const drop = this.userRef(this.n) - this.max;
    return drop >= a.quietOnsetDropDb ? drop : null;
  }

  /**
   * How many of the segment's windows, from its first rise to the user's level, came after it was
   * re-judged the user's: only these are the user's speech (what went before was the voice ignored).
   */
  get windowsSinceRise(): number {
    return this.rejudged && this.wasIgnored ? this.n - this.firstRiseN + 1 : this.n;
  }

  /** The segment ended; `attended` says whether it was the user's at its end. Learns from it. */
  endSegment(attended: boolean): void {
    const a = this.options;
    if (!attended || this.n < a.judgeAfterWindows) return;
    if (this.wasIgnored) {
      // A re-judged segment's first windows are another voice's (or a soft onset): it teaches nothing,
      // except the user's very first level, learned from the rise on (a TV on before the user ever
      // spoke makes every first turn start inside it).
      const risenN = this.firstRiseN > 0 ? this.n - this.firstRiseN + 1 : 0;
      if (this.userKnown || !this.rejudged || risenN < a.judgeAfterWindows) return;
      this.learnCurve(this.riseCurve, Math.min(risenN, this.userCurve.length));
      return;
    }
    this.learnCurve(this.segCurve, Math.min(this.n, this.userCurve.length));
    if (this.agentSilentThroughout && this.profile.count < a.voiceProfileMaxWindows) this.profile.merge(this.segVoice);
  }

  private learnCurve(curve: Float64Array, points: number): void {
    for (let k = 0; k < points; k++) {
      // The first segments set the curve; later ones nudge it, so one loud cough cannot move it far.
      const alpha = this.userCurveN[k]! > 0 ? this.options.levelLearningRate : 1;
      this.userCurve[k] += alpha * (curve[k]! - this.userCurve[k]!);
      this.userCurveN[k]++;
    }
  }

  /** How far the segment's voice lies from the user's profile; null while either is too thin to say. */
  voiceDistance(): number | null {
    const a = this.options;
    if (this.profile.count < a.voiceProfileMinWindows || this.segVoice.count < a.voiceMinWindows) return null;
    return voiceDistance(this.segVoice, this.profile, a.voicePitchWeight, a.voicePitchSdFloorOctaves);
  }

  /** Why the segment so far is not the user's, or null if it may be. */
  private whyNotTheUser(): string | null {
    const a = this.options;
    if (!this.userKnown) {
      if (this.max >= a.distantVoiceDbfs) return null;
      return `no user heard yet and the voice is distant (${this.max.toFixed(0)} dBFS, under ${a.distantVoiceDbfs} dBFS): not addressed to the agent`;
    }
    const drop = this.userRef(this.n) - this.max;
    if (drop >= a.sideTalkLevelDropDb) return `voice ${drop.toFixed(0)} dB below the user's usual level: side talk or background`;
    if (drop < a.otherVoiceLevelDropDb) return null;
    const d = this.voiceDistance();
    if (d === null || d < a.otherVoiceMinDistance) return null;
    return `another voice (distance ${d.toFixed(1)} from the user's) ${drop.toFixed(0)} dB below the user's usual level: someone else in the room`;
  }

  /** The user's usual loudest level after `n` windows (the last learned point beyond the curve). */
  private userRef(n: number): number {
    let k = Math.min(n, this.userCurve.length) - 1;
    while (k > 0 && this.userCurveN[k] === 0) k--;
    return this.userCurve[Math.max(0, k)]!;
  }

  /** A window at least this loud counts toward re-judging an ignored segment as the user's. */
  private riseLevel(): number {
    return this.userKnown ? this.riseRef() - this.options.rejudgeDropDb : this.options.distantVoiceDbfs;
  }

  /**
   * What a rising segment is held against: the user's loudest after as many windows (onsets meet
   * onsets); for a voice that goes on after being ignored, the user's loudest over a whole segment
   * (its next phrase is not an onset: measured against the user's first words, a TV's ordinary
   * syllables would pass for the user's).
   */
  private riseRef(): number {
    return this.userRef(this.continuesOther ? this.userCurve.length : this.n);
  }
}
