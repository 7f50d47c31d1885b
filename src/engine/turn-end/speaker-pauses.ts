/**
 * How this user pauses inside their turns, learned over the conversation. The end-of-turn model is
 * one wait for everyone, learned on generated speech whose pauses inside a turn run to 1.8 s; people
 * who speak fluently never pause that long, and make every answer wait for a pause they do not make.
 * Once the conversation has heard enough of the user's pauses (each one they went on after), a
 * silence longer than all of them by a margin is most likely the end of the turn.
 *
 * The rule and its tunables (options.ts `endOfTurn.speakerPause*`) were chosen on generated speakers
 * of several pausing styles, tuning voices only (bench/turn-end/speaker-pause-study.ts).
 */
import type { EndOfTurnOptions } from '../options.js';

export class SpeakerPauses {
  private longestMs = 0;
  private counted = 0;
  private heardCount = 0;
  private lastPauseMs = 0;

  constructor(private readonly options: EndOfTurnOptions) {}

  /** A pause inside the user's turn that they went on after (as long as the predictor measured it), ms. */
  add(pauseMs: number): void {
    this.heardCount++;
    this.lastPauseMs = pauseMs;
    if (pauseMs < this.options.speakerPauseCountFromMs) return;
    this.counted++;
    this.longestMs = Math.max(this.longestMs, pauseMs);
  }

  /** Every pause the user went on after, counted or too short to count. */
  get heard(): number {
    return this.heardCount;
  }

  /** The last of them, ms. */
  get lastMs(): number {
    return this.lastPauseMs;
  }

  /** How many of the user's pauses have been counted. */
  get count(): number {
    return this.counted;
  }

  /** The longest counted pause, ms (0 with none). */
  get longest(): number {
    return this.longestMs;
  }

  /**
   * The silence past which this user's turn is over by their own pausing, ms; null while too few of
   * their pauses have been heard, or with the rule off (`speakerPauseMinCount` 0).
   */
  ceilingMs(): number | null {
    const o = this.options;
    if (o.speakerPauseMinCount <= 0 || this.counted < o.speakerPauseMinCount) return null;
    return this.longestMs + o.speakerPauseMarginMs;
  }
}
