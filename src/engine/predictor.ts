/**
 * The duplex state predictor: the "supervisor" of the seed's Family 3. Every VAD window (32 ms) it
 * weighs the evidence and says what the conversation should do next:
 *
 *   agent idle      listen · hold through a pause · speculate · take the turn · backchannel · ignore side talk
 *   agent speaking  keep talking (echo, side talk, noise) · yield on possible barge-in
 *   agent paused    cancel (barge-in confirmed by words or duration) · resume (cough, click, "uh-huh")
 *
 * It is pure decision logic: no audio, no I/O, no clock of its own. The session feeds it one
 * `WindowEvidence` per window and carries out the returned decisions; every decision carries a reason
 * a person can read in the timeline.
 */
import type { AgentActivity, Decision, WindowEvidence } from './decision.js';
import { tail } from './evidence/overlap-words.js';
import { resolvePredictorOptions, type PredictorOptions, type PredictorOverrides } from './options.js';
import type { TurnEndModel } from './turn-end/model.js';
import { TurnEndPolicy, type TurnEndEstimate } from './turn-end/policy.js';

export type { TurnEndEstimate } from './turn-end/policy.js';
export type { Action, AgentActivity, Decision, WindowEvidence } from './decision.js';
export { contentWords } from './evidence/overlap-words.js';
import { Attention } from './attention.js';
import { QuieterVoiceWatch } from './quieter-voice.js';
import type { BargeInModel } from './barge-in/model.js';
import { BargeInPolicy } from './barge-in/policy.js';
import { ruleBargeIn } from './barge-in/rules.js';

const ms = (x: number) => `${Math.round(x)} ms`;

export class DuplexPredictor {
  readonly options: PredictorOptions;
  // -- user voice activity (hysteresis)
  private speaking = false;
  private candidateMs = 0;
  private silenceMs = 0;
  private segmentSpeechMs = 0;
  private segmentIgnored = false;
  private segmentStartedTurn = false;
  // -- the user's turn
  private turnActive = false;
  private turnStart = 0;
  private turnSpeechMs = 0;
  private speculating = false;
  private heldThisPause = false;
  private backchannelledThisPause = false;
  private lastBackchannelAt = -Infinity;
  // -- overlap with the agent
  private overlapSpeechMs = 0;
  /** The current segment's share of `overlapSpeechMs`, taken back if the segment turns out to be someone else's. */
  private segmentOverlapMs = 0;
  private keepTalkingLogged = false;
  /** Whose voice each segment is: the main user's, or someone else's (attention.ts). */
  private readonly attention: Attention;
  /** Whose the last speech segment was: a segment right after it is the same voice going on. */
  private lastSegment: 'user' | 'other' | undefined;
  /**
   * How long the user has been silent, ms. Someone else's voice (a TV, side talk) does not end the
   * user's pause: the turn's end is read, and answered, through it.
   */
  private userPauseMs = 0;
  /** The user's pause as it stands if the segment now attended turns out to be someone else's. */
  private pauseIfNotUserMs = 0;
  /** Someone else spoke in the user's current pause (the pitch contour's last stretch is theirs). */
  private otherVoiceThisPause = false;
  /** Someone else's voice has been heard in this conversation (ignored, or split off the user's). */
  private otherVoiceHeard = false;
  /** A quieter voice under the user's (a TV left on): level splits the segments the VAD runs together. */
  private readonly quieter: QuieterVoiceWatch;
  /** The current segment is that quieter voice, split off the user's (or its next phrase). */
  private splitOff = false;

  /** The pause at which the agent last took the turn, ms; cleared when the user next speaks. */
  private takenAtPauseMs: number | undefined;
  /** When the user's turn is over: the learned model or the hand-set waits (turn-end/policy.ts). */
  private readonly turnEndPolicy: TurnEndPolicy;
  /** Speech over the agent: a real interruption or not (barge-in/policy.ts), under bargeIn.policy 'model'. */
  readonly bargeIn: BargeInPolicy;
  // -- turns under the application's control (session.holdTurns / takeTurnNow)
  private held = false;
  private requested = false;
  /** Called after every window with its evidence and decisions: studies record them (an observer, not state). */
  onWindow: ((e: WindowEvidence, decisions: readonly Decision[]) => void) | undefined;

  constructor(options: PredictorOverrides = {}, model?: TurnEndModel, bargeInModel?: BargeInModel) {
    this.options = resolvePredictorOptions(options);
    this.attention = new Attention(this.options.attention);
    this.quieter = new QuieterVoiceWatch(this.options.attention);
    this.turnEndPolicy = new TurnEndPolicy(this.options, model);
    this.bargeIn = new BargeInPolicy(this.options, bargeInModel);
  }

  /** The feature vector behind `turnEnd` (a reused buffer: copy it to keep it). */
  get turnEndFeatures(): Float64Array | undefined {
    return this.turnEndPolicy.features;
  }

  /** The end-of-turn model's reading of the current pause (undefined while the user speaks, or with policy 'rules'). */
  get turnEnd(): TurnEndEstimate | undefined {
    return this.turnEndPolicy.estimate;
  }

  /**
   * How this user pauses inside their turns, over the conversation: the pauses counted and the longest
   * (ms), and every pause they went on after (`heard`, the last `lastMs` long).
   */
  get userPauses(): { readonly count: number; readonly longestMs: number; readonly heard: number; readonly lastMs: number } {
    const s = this.turnEndPolicy.speakerPauses;
    return { count: s.count, longestMs: s.longest, heard: s.heard, lastMs: s.lastMs };
  }

  /** Is anyone speaking (a VAD speech segment, the user's or ignored)? */
  get voiceActive(): boolean {
    return this.speaking;
  }

  /** Is the user (attended) currently speaking? */
  get userSpeaking(): boolean {
    return this.speaking && !this.segmentIgnored;
  }

  /** Length of the current (or last) speech segment, ms. */
  get segmentMs(): number {
    return this.segmentSpeechMs;
  }

  /** How long the user has been silent, ms (0 while the user speaks; someone else's voice does not count). */
  get pauseMs(): number {
    return this.userSpeaking ? 0 : this.userPauseMs;
  }

  /** Someone else's voice was heard in the user's current pause. */
  get otherVoiceInPause(): boolean {
    return this.otherVoiceThisPause;
  }

  get inTurn(): boolean {
    return this.turnActive;
  }

  get usualUserLevelDb(): number {
    return this.attention.usualUserLevelDb;
  }

  /** The session tells the predictor that a reply has been committed (after take_turn). */
  turnTaken(): void {
    this.turnActive = false;
    this.speculating = false;
    this.turnSpeechMs = 0;
    this.requested = false;
  }

  /**
   * New options at run time, written into the live object in place: the attention and end-of-turn
   * policies hold references to its groups and read them every window.
   */
  setOptions(next: PredictorOptions): void {
    new Attention(next.attention); // validates them before anything changes
    const live = this.options as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(next)) {
      const group = live[k];
      if (group !== null && typeof group === 'object' && !Array.isArray(group)) Object.assign(group, v);
      else live[k] = v;
    }
  }

  /** Held: the predictor never takes a turn by itself (it still reads every pause); the application does. */
  holdTurns(on: boolean): void {
    this.held = on;
  }

  get turnsHeld(): boolean {
    return this.held;
  }

  /** Take the user's turn at its first pause, without an end-of-turn wait (until the next turn taken). */
  requestTurn(on = true): void {
    this.requested = on;
  }

  get turnRequested(): boolean {
    return this.requested;
  }

  update(e: WindowEvidence): Decision[] {
    const out: Decision[] = [];
    const o = this.options;
    const agentTalking = e.agent === 'speaking' || e.agent === 'paused';
    const th = agentTalking ? o.speaking : o.listening;
    let voiced = this.speaking ? e.vadProbability >= th.endProbability : e.vadProbability >= th.startProbability;
    if (voiced && (e.agent === 'speaking' || e.agent === 'backchannel') && e.echoLikelihood >= o.attention.echoLikelihoodThreshold) {
      voiced = false; // the agent hearing itself
    }

    // 1. Voice activity with per-state hysteresis.
    this.userPauseMs += e.windowMs;
    this.pauseIfNotUserMs += e.windowMs;
    if (!this.speaking) {
      this.candidateMs = voiced ? this.candidateMs + e.windowMs : 0;
      this.silenceMs += e.windowMs;
      if (this.candidateMs >= th.minSpeechMs) this.startSegment(e, out);
    } else if (voiced) {
      this.silenceMs = 0;
      this.segmentSpeechMs += e.windowMs;
      if (!this.segmentIgnored) {
        this.turnSpeechMs += e.windowMs;
        if (agentTalking) {
          this.overlapSpeechMs += e.windowMs;
          this.segmentOverlapMs += e.windowMs;
        }
      }
      this.attention.addWindow(e.levelDb, e.voice, e.agent === 'idle');
      if (this.splitOff) this.watchUserReturn(e, out);
      else {
        this.checkAttention(e, out);
        if (!this.segmentIgnored) this.watchQuieterVoice(e, out, agentTalking);
        else if (this.segmentSpeechMs > o.attention.rejudgeWithinMs) {
          // Past re-judging, an ignored voice that goes on is watched for the user speaking up inside it.
          this.splitOff = true;
          this.quieter.watchReturn(this.attention.userLoudestDb ?? o.attention.distantVoiceDbfs + o.attention.rejudgeDropDb);
        }
      }
    } else {
      this.silenceMs += e.windowMs;
      if (this.silenceMs >= th.minSpeechMs) this.endSegment(out);
    }
    if (this.speaking && voiced && !this.segmentIgnored) {
      if (this.userPauseMs > this.segmentSpeechMs) this.userWentOn(this.userPauseMs - this.segmentSpeechMs);
      this.userPauseMs = 0;
      this.otherVoiceThisPause = false;
    }

    // 2. What the state of the conversation makes of it.
    if (e.agent === 'speaking') this.whileAgentSpeaks(e, out);
    else if (e.agent === 'paused') this.whileAgentPaused(e, out);
    else this.whileListening(e, out);
    this.onWindow?.(e, out);
    return out;
  }

  /**
   * The user speaks again after `silenceMs`: a pause inside their turn (or one the agent took the turn
   * in, if they went on right after) tells how this user pauses (turn-end/speaker-pauses.ts).
   */
  private userWentOn(silenceMs: number): void {
    const taken = this.takenAtPauseMs;
    this.takenAtPauseMs = undefined;
    const cutShort = taken !== undefined && silenceMs - taken <= this.options.endOfTurn.speakerPauseResumeWithinMs;
    // Inside a turn: the segment goes on with it (one that starts a turn follows the agent's reply).
    if ((this.turnActive && !this.segmentStartedTurn) || cutShort) this.turnEndPolicy.speakerPauses.add(silenceMs);
  }

  /** A segment's first window; `fresh`: it continues nothing (a split at the user's return), with that reason. */
  private startSegment(e: WindowEvidence, out: Decision[], fresh?: string): void {
    // The silence since the last segment, less the windows that started this one.
    const gapMs = this.silenceMs - this.candidateMs;
    const a = this.options.attention;
    const continues =
      fresh !== undefined ? undefined : this.lastSegment === 'user' && gapMs <= a.continuationMs ? 'user' : this.lastSegment === 'other' && gapMs <= a.otherContinuationMs ? 'other' : undefined;
    // The next phrase of a quieter voice split off the user's is that voice still.
    this.splitOff &&= continues === 'other';
    this.speaking = true;
    this.segmentSpeechMs = this.candidateMs;
    this.segmentStartedTurn = false;
    this.silenceMs = 0;
    this.candidateMs = 0;
    this.keepTalkingLogged = false;
    this.segmentOverlapMs = 0;
    this.attention.startSegment(e.levelDb, e.voice, e.agent === 'idle', continues);
    if (continues === 'other') {
      // The next phrase of the side talk (or TV) just ignored: still theirs unless it rises to the user's level.
      this.segmentIgnored = true;
      this.otherVoiceThisPause = this.otherVoiceHeard = true;
      out.push({ action: 'ignore', reason: `the voice just ignored goes on (${ms(gapMs)} later)` });
    } else {
      this.attendSegment(e, out, fresh ?? `speech for ${ms(this.segmentSpeechMs)} (p=${e.vadProbability.toFixed(2)})`, false, continues === 'user' || fresh !== undefined);
    }
    if (!this.splitOff) this.checkAttention(e, out);
  }

  /** The segment is the user's: at its start, or re-judged so after it was ignored. */
  private attendSegment(e: WindowEvidence, out: Decision[], reason: string, rejudged: boolean, goesOn = false): void {
    this.segmentIgnored = false;
    this.pauseIfNotUserMs = this.userPauseMs;
    this.quieter.startUser(e.t, goesOn);
    out.push({ action: 'user_start', reason });
    this.heldThisPause = false;
    this.backchannelledThisPause = false;
    if (e.agent === 'speaking' || e.agent === 'paused') {
      // Re-judged: the windows before the rise were the voice ignored (a TV), not the user talking over the agent.
      const userMs = rejudged ? Math.min(this.segmentSpeechMs, this.attention.windowsSinceRise * e.windowMs) : this.segmentSpeechMs;
      this.overlapSpeechMs += userMs;
      this.segmentOverlapMs = userMs;
      return;
    }
    if (this.speculating) {
      this.speculating = false;
      out.push({ action: 'discard_speculation', reason: 'the user went on speaking' });
    }
    this.segmentStartedTurn = !this.turnActive;
    if (!this.turnActive) {
      this.turnActive = true;
      this.turnStart = e.t - this.segmentSpeechMs / 1000;
      this.turnSpeechMs = this.segmentSpeechMs;
    } else if (rejudged) {
      this.turnSpeechMs += this.segmentSpeechMs; // its windows were not counted while it was ignored
    }
  }

  private endSegment(out: Decision[], reason = `silence for ${ms(this.silenceMs)}`): void {
    const wasAttended = !this.segmentIgnored;
    this.lastSegment = wasAttended ? 'user' : 'other';
    this.attention.endSegment(wasAttended);
    this.speaking = false;
    this.segmentIgnored = false;
    if (wasAttended) out.push({ action: 'user_stop', reason });
  }

  /** The user's segment goes on only in a quieter voice: the user stopped, someone else talks on. */
  private watchQuieterVoice(e: WindowEvidence, out: Decision[], agentTalking: boolean): void {
    const quiet = this.quieter.userWindow(e.t, e.levelDb, this.segmentSpeechMs, e.windowMs, agentTalking);
    if (quiet === null) return;
    // Over the agent, a soft stretch inside the user's own barge-in ("press 2 | to enter…") reads like a
    // quieter voice for a moment; split there only where one has been heard in the room already (a TV).
    if (agentTalking && !this.otherVoiceHeard) return;
    const drop = this.quieter.dropDb(e.levelDb).toFixed(0);
    this.turnSpeechMs = Math.max(0, this.turnSpeechMs - quiet.segmentMs);
    // Over the agent, the quieter voice's windows were counted as the user's overlap: they are not
    // (an "uh-huh" under a TV must not read as a second of barge-in).
    if (agentTalking) this.overlapSpeechMs = Math.max(0, this.overlapSpeechMs - quiet.segmentMs);
    this.endSegment(out, `only a voice ${drop} dB below the user's for ${ms(quiet.segmentMs)}: the user stopped`);
    // The rest of the segment is that voice's, and the user's pause began when they stopped.
    this.speaking = true;
    this.segmentIgnored = true;
    this.splitOff = true;
    this.segmentSpeechMs = quiet.segmentMs;
    this.segmentStartedTurn = false;
    this.keepTalkingLogged = false;
    this.segmentOverlapMs = 0;
    this.userPauseMs = quiet.pauseMs;
    this.otherVoiceThisPause = this.otherVoiceHeard = true;
    this.attention.startSegment(e.levelDb, e.voice, e.agent === 'idle', 'other');
    out.push({ action: 'ignore', reason: `a quieter voice (${drop} dB below the user's) goes on after the user` });
  }

  /** In a voice ignored (split off the user's, or past re-judging): the user's own level back is the user speaking again. */
  private watchUserReturn(e: WindowEvidence, out: Decision[]): void {
    if (!this.quieter.otherWindow(e.levelDb)) return;
    const drop = Math.max(0, this.quieter.dropDb(e.levelDb)).toFixed(0);
    this.endSegment(out);
    this.splitOff = false;
    this.silenceMs = 0;
    this.candidateMs = e.windowMs;
    this.startSegment(e, out, `a voice at the user's level rises over the one ignored (${drop} dB below the user's loudest)`);
  }

  /** Judge (again) whose voice the segment is: someone else's is ignored, a re-judged one attended. */
  private checkAttention(e: WindowEvidence, out: Decision[]): void {
    const verdict = this.attention.judge(this.segmentSpeechMs);
    if (verdict?.change === 'attend') this.attendSegment(e, out, verdict.reason, true);
    else if (verdict?.change === 'ignore') this.ignoreSegment(out, verdict.reason);
  }

  /** Side talk, a TV, a far voice: its speech and words are not the user's. */
  private ignoreSegment(out: Decision[], reason: string): void {
    this.segmentIgnored = true;
    // The user's pause never ended: it goes on from before this segment.
    this.userPauseMs = this.pauseIfNotUserMs;
    this.otherVoiceThisPause = this.otherVoiceHeard = true;
    // Its speech over the agent was not the user's: it must not confirm a barge-in.
    this.overlapSpeechMs = Math.max(0, this.overlapSpeechMs - this.segmentOverlapMs);
    this.segmentOverlapMs = 0;
    if (this.segmentStartedTurn) {
      // It was never the user's turn: forget it, and any reply speculated on it.
      this.turnActive = false;
      this.speculating = false;
      this.segmentStartedTurn = false;
    }
    out.push({ action: 'ignore', reason });
  }

  private whileListening(e: WindowEvidence, out: Decision[]): void {
    // The agent finished its reply on its own while the user, who started over its last words, still
    // speaks: that speech is their turn (no barge-in decision will come to start it).
    if (this.overlapSpeechMs > 0 && this.userSpeaking && !this.turnActive) this.startTurnFromOverlap(e, this.segmentSpeechMs);
    this.overlapSpeechMs = 0;
    this.bargeIn.reset();
    this.turnEndPolicy.clear();
    if (!this.turnActive || this.userSpeaking) return;
    // A voice just found to be someone else's: this window's words still hold theirs (dropped next window).
    if (out.some((d) => d.action === 'ignore')) return;
    const o = this.options.endOfTurn;
    const pause = this.userPauseMs;
    const wait = this.turnEndPolicy.read(e, pause, this.turnSpeechMs);
    if (this.requested) {
      out.push({ action: 'take_turn', reason: `${ms(pause)} silence; the application asked for the turn` });
      return;
    }
    if (!this.speculating && pause >= o.speculateAfterMs && wait.speculate) {
      this.speculating = true;
      out.push({ action: 'speculate', reason: `${ms(pause)} pause after "${tail(e.transcript)}" (${wait.speculateWhy})` });
    }
    if (this.held) {
      // The application takes the turns: speculation still readies a reply for it, nothing else.
      if (!this.heldThisPause && pause >= o.speculateAfterMs) {
        this.heldThisPause = true;
        out.push({ action: 'hold', reason: `turns are held by the application (${wait.take ? wait.why : wait.holdWhy})` });
      }
      return;
    }
    if (wait.take) {
      this.takenAtPauseMs = pause;
      out.push({ action: 'take_turn', reason: `${ms(pause)} silence; ${wait.why}` });
      return;
    }
    if (!this.heldThisPause && pause >= o.speculateAfterMs && wait.holding) {
      this.heldThisPause = true;
      out.push({ action: 'hold', reason: wait.holdWhy });
    }
    const b = this.options.backchannel;
    if (
      b.enabled &&
      e.agent === 'idle' &&
      !this.backchannelledThisPause &&
      pause >= b.atPauseMs &&
      wait.goingOn && // only where the predictor is going to keep holding anyway
      (e.t - this.turnStart) * 1000 >= b.minTurnMs &&
      (e.t - this.lastBackchannelAt) * 1000 >= b.minGapMs
    ) {
      this.backchannelledThisPause = true;
      this.lastBackchannelAt = e.t;
      out.push({ action: 'backchannel', reason: `phrase boundary (${ms(pause)} pause) ${((e.t - this.turnStart)).toFixed(1)} s into the user's turn` });
    }
  }

  private whileAgentSpeaks(e: WindowEvidence, out: Decision[]): void {
    const model = this.options.bargeIn.policy === 'model';
    if (model && this.bargeIn.lapsed(this.userSpeaking, this.overlapSpeechMs, this.pauseMs)) this.overlapSpeechMs = 0;
    if (!this.speaking || this.segmentIgnored) return;
    // The model gathers the overlap's evidence from its first window; it decides only once paused.
    if (model) this.bargeIn.read(e, true, this.overlapSpeechMs, 0, this.attention.usualUserLevelDb);
    // An onset well below the user's usual onsets is probably someone else's voice: judge it (a few
    // windows more) before pausing, so side talk and a TV do not make the agent stutter. Onsets are
    // compared with onsets: a word's first window is often 10-15 dB below its peak. Once the level
    // has risen, nothing holds off the yield.
    // Likewise a segment that goes on from the user's but only in a voice far below theirs: the TV's
    // next phrase after an "uh-huh" (split off once it lasts, quieter-voice.ts).
    const onset = this.attention.quietOnsetDropDb();
    const drop = onset ?? this.quieter.quietContinuationDropDb(e.levelDb);
    const quiet = drop !== null;
    if (this.segmentSpeechMs >= this.options.bargeIn.yieldAfterMs && !quiet) {
      out.push({ action: 'yield', reason: `user speech over the agent for ${ms(this.segmentSpeechMs)}` });
    } else if (!this.keepTalkingLogged) {
      this.keepTalkingLogged = true;
      const why = onset !== null ? 'quiet onset' : 'a quiet voice goes on after the user';
      out.push({ action: 'keep_talking', reason: quiet ? `${why} (${drop.toFixed(0)} dB below the user's): judging it first` : `short overlap so far (${ms(this.segmentSpeechMs)})` });
    }
  }

  private whileAgentPaused(e: WindowEvidence, out: Decision[]): void {
    const b = this.options.bargeIn;
    if (this.segmentIgnored && this.overlapSpeechMs === 0) {
      // Everything said over the agent was someone else's (side talk, a TV): carry on at once.
      out.push({ action: 'resume', reason: 'the speech over the agent was not the user\'s' });
      this.bargeIn.reset();
      return;
    }
    if (b.policy === 'model') {
      this.modelBargeIn(e, out);
      return;
    }
    const d = ruleBargeIn(b, e.transcript, this.overlapSpeechMs, this.userSpeaking, this.pauseMs);
    if (!d) return;
    out.push(d);
    if (d.action === 'cancel') this.startTurnFromOverlap(e);
    else this.overlapSpeechMs = 0;
  }

  /** Policy 'model': cancel once p(interruption) passes the threshold; resume after a short silence if it never did. */
  private modelBargeIn(e: WindowEvidence, out: Decision[]): void {
    const d = this.bargeIn.decide(e, this.userSpeaking, this.overlapSpeechMs, this.pauseMs, this.attention.usualUserLevelDb);
    if (d) out.push(d);
    if (d?.action === 'cancel') this.startTurnFromOverlap(e);
    // After a resume the overlap's evidence stays for modelCarryMs: the user may go on with the same utterance.
  }

  /** The user's turn begins with what they said over the agent (`speechMs`, all of it by default). */
  private startTurnFromOverlap(e: WindowEvidence, speechMs = this.overlapSpeechMs): void {
    // If the segment still going on is judged someone else's after all, the turn goes with it.
    this.segmentStartedTurn = this.speaking;
    this.turnActive = true;
    this.turnStart = e.t - (speechMs + this.pauseMs) / 1000;
    this.turnSpeechMs = speechMs;
    this.speculating = false;
    this.overlapSpeechMs = 0;
    this.bargeIn.reset();
  }
}
