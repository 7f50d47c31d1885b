/**
 * A quieter voice under the user's: a TV left on, people talking across the room. The VAD hears
 * speech in it, so the segment that holds the user's words does not end when the user stops, and the
 * next one starts before the user speaks again. Level splits them where the VAD cannot, whether the
 * agent talks or not (over the agent, an "uh-huh" under a TV would otherwise read as a long barge-in):
 * - in a segment of the user's, once `quieterVoiceMs` have passed since the last window within
 *   `quieterVoiceDropDb` of the segment's loudest, and the VAD still hears speech, the user has stopped
 *   and what goes on is someone else's voice (over the agent the predictor acts on it only once
 *   another voice has been heard in the conversation);
 * - in that voice, once `rejudgeMinWindows` windows come within `rejudgeDropDb` of the user's loudest
 *   before the split, the user speaks again.
 * The predictor splits the segment at each point. Pure bookkeeping over levels; no allocation.
 */
import type { AttentionOptions } from './options.js';

export class QuieterVoiceWatch {
  /** The user's loudest window in the current segment, dBFS. */
  private peakDb = -Infinity;
  /** When the last window within `quieterVoiceDropDb` of the peak ended, s. */
  private lastLoudT = 0;
  /** When the segment started, s: the quiet that splits it is counted inside it. */
  private startT = 0;
  /** The user's loudest before the split: what their return is held against, dBFS. */
  private userPeakDb = -Infinity;
  private risen = 0;
  /** The user's voice in this segment is known (carried over from the segment before): no minimum to hear first. */
  private carried = false;

  constructor(private readonly options: AttentionOptions) {}

  /**
   * A segment of the user's starts. `carry`: it goes on from the user's last (their next phrase, or
   * their return over the quieter voice), so their loudest so far still holds: a quieter voice that
   * fills the gap and runs on is held against the user, not against itself.
   */
  startUser(t: number, carry: boolean): void {
    this.risen = 0;
    this.carried = carry && Number.isFinite(this.peakDb);
    if (!this.carried) {
      this.peakDb = -Infinity;
      this.lastLoudT = t;
    }
    this.startT = t;
  }

  /**
   * A speech window of the user's segment. Once only a quieter voice has been heard in the segment for
   * `quieterVoiceMs`: how long ago the user stopped, and how much of the segment that voice holds, ms;
   * null otherwise.
   */
  userWindow(t: number, levelDb: number, segmentMs: number, windowMs: number, agentTalking: boolean): { pauseMs: number; segmentMs: number } | null {
    const a = this.options;
    const waitMs = agentTalking ? a.quieterVoiceOverAgentMs : a.quieterVoiceMs;
    if (a.quieterVoiceMs <= 0 || waitMs <= 0 || !Number.isFinite(levelDb)) return null;
    if (levelDb > this.peakDb - a.quieterVoiceDropDb) {
      this.peakDb = Math.max(this.peakDb, levelDb);
      this.lastLoudT = t;
      return null;
    }
    const quietMs = (t - this.lastLoudT) * 1000;
    const quietHereMs = (t - Math.max(this.lastLoudT, this.startT)) * 1000;
    // The user spoke for at least a judging's worth of the segment (or before it): its loudest is theirs.
    if (quietHereMs < waitMs || (!this.carried && segmentMs - quietMs < a.judgeAfterWindows * windowMs)) return null;
    this.userPeakDb = this.peakDb;
    this.risen = 0;
    return { pauseMs: quietMs, segmentMs: quietHereMs };
  }

  /**
   * The segment goes on from the user's (`startUser(…, true)`) and nothing in it so far came within
   * `quieterVoiceDropDb` of their loudest: how far below it this window lies, dB; null otherwise. Over
   * the agent, such a "continuation" may be the TV's next phrase right after the user's "uh-huh", so
   * it is not yet a reason to pause.
   */
  quietContinuationDropDb(levelDb: number): number | null {
    if (!this.carried || this.lastLoudT >= this.startT || this.options.quieterVoiceMs <= 0) return null;
    const drop = this.peakDb - levelDb;
    return drop >= this.options.quieterVoiceDropDb ? drop : null;
  }

  /**
   * An ignored voice that has gone on past attention's re-judging (a TV that started before the user,
   * side talk that runs on): the user speaking up inside it is held against `userLoudestDb`.
   */
  watchReturn(userLoudestDb: number): void {
    this.userPeakDb = userLoudestDb;
    this.risen = 0;
  }

  /** How far the quieter voice's window lies below the user's loudest before the split, dB. */
  dropDb(levelDb: number): number {
    return this.userPeakDb - levelDb;
  }

  /** A speech window of the quieter voice split off: true once the user's own level is back. */
  otherWindow(levelDb: number): boolean {
    const a = this.options;
    if (levelDb >= this.userPeakDb - a.rejudgeDropDb) this.risen++;
    return this.risen >= a.rejudgeMinWindows;
  }
}
