/**
 * One decision window of a session: the user's 32 ms of audio through the VAD and the recogniser, the
 * evidence the predictor reads, and its decisions carried out on the replies, the speaker and the
 * recogniser (taking the turn: turn-commit.ts). The session owns the parts; this is the per-window
 * plumbing between them.
 */
import type { Clock } from '../audio/clock.js';
import { toFullduplexError, type FullduplexError } from '../errors.js';
import type { VoiceActivityDetector } from '../speech/types.js';
import type { AgentOutput } from './agent-output.js';
import type { BackchannelClips } from './backchannel-clips.js';
import type { ComputeTiming } from './compute-time.js';
import type { EngineEvent } from './events.js';
import type { AgentActivity, Decision, DuplexPredictor } from './predictor.js';
import type { Replies } from './replies.js';
import { TurnCommits, type TurnLanding } from './turn-commit.js';
import type { TakenTurn, TurnRecognizer } from './turn-recognizer.js';
import type { WindowEvidenceReader } from './window-evidence.js';

/** The session's parts a window works with. */
export interface WindowHost {
  readonly clock: Clock;
  readonly vad: VoiceActivityDetector;
  readonly windowMs: number;
  /** Observe without answering (SessionOptions.listenOnly). */
  readonly listenOnly: boolean | 'turns';
  readonly timing: ComputeTiming;
  readonly duplex: DuplexPredictor;
  readonly recognizer: TurnRecognizer;
  readonly evidence: WindowEvidenceReader;
  readonly speaker: AgentOutput;
  readonly replies: Replies;
  readonly clips: BackchannelClips;
  /** The session is closed: a turn landing now is recorded, not answered. */
  isClosed(): boolean;
  emit(e: EngineEvent): void;
  stamp(): number;
  error(component: string, e: FullduplexError): void;
}

export class DecisionWindow {
  /** Turns taken whose text (an STT server's) is on its way: the windows do not wait for it. */
  readonly commits: TurnCommits;
  private userSpeechOpen = false;

  constructor(private readonly h: WindowHost) {
    this.commits = new TurnCommits((turn, how) => this.land(turn, how), (e) => h.error('engine', e));
  }

  /** One window of user audio: voice activity, recognition, evidence, the predictor's decisions, carried out. */
  async process(win: Int16Array): Promise<void> {
    this.h.timing.beginWindow();
    let probability = 0;
    try {
      probability = (await this.h.vad.push(win))[0]?.probability ?? 0;
      this.h.timing.input.charge(this.h.timing.costs.vadMsPerWindow);
    } catch (e) {
      this.h.error('vad', toFullduplexError(e));
    }
    const agent = this.agentActivity();
    this.h.recognizer.feed(win);
    const decisions = this.h.duplex.update(
      this.h.evidence.read(win, {
        t: this.h.clock.now(),
        windowMs: this.h.windowMs,
        vadProbability: probability,
        agent,
        userPaused: !this.h.duplex.userSpeaking,
        otherVoiceInPause: this.h.duplex.otherVoiceInPause,
        pauseMs: this.h.duplex.pauseMs,
        transcript: this.h.recognizer.transcript(),
        words: this.h.recognizer.words,
      }),
    );
    // Output-affecting decisions first: they are time-critical and cheap, recognition work is not.
    for (const d of [...decisions].sort((a, b) => priority(a) - priority(b))) await this.act(d, agent);
    this.dropAbandonedRecognition();
  }

  /** What the agent is doing, as the predictor reads it. */
  agentActivity(): AgentActivity {
    const u = this.h.speaker.utterance;
    // A turn taken whose text is on its way: its reply is being readied, as a reply's first clause is.
    if (!u) return this.commits.replyAwaited ? (this.commits.paused ? 'paused' : 'speaking') : 'idle';
    if (u.kind === 'backchannel') return 'backchannel';
    return this.h.speaker.isPaused ? 'paused' : 'speaking';
  }

  private async act(d: Decision, agent: AgentActivity): Promise<void> {
    const t = this.h.stamp();
    this.h.emit({ type: 'decision', t, action: d.action, reason: d.reason, agent });
    if (this.h.listenOnly && LISTEN_ONLY_SKIPS.has(d.action)) {
      if (d.action === 'take_turn' && this.h.listenOnly === 'turns') {
        await this.h.recognizer.take();
        this.h.duplex.turnTaken();
      }
      return;
    }
    switch (d.action) {
      case 'user_start':
        this.h.emit({ type: 'user_speech_start', t, onset: t - this.h.duplex.segmentMs / 1000 });
        this.userSpeechOpen = true;
        this.h.recognizer.start();
        break;
      case 'user_stop':
        this.h.emit({ type: 'user_speech_stop', t });
        this.userSpeechOpen = false;
        // Each speech segment is one recogniser utterance: its final hypothesis (best path over the
        // whole segment) is what end-of-turn decisions read, not a partial still settling — partials
        // lag the last word and invent words ("huh") in the silence after it.
        await this.h.recognizer.finishSegment();
        break;
      case 'speculate':
        this.startSpeculation();
        break;
      case 'discard_speculation':
        this.h.replies.discardSpeculation(d.reason);
        break;
      case 'take_turn':
        await this.commitTurn();
        break;
      case 'backchannel':
        this.h.replies.backchannel(this.h.clips);
        break;
      case 'yield':
        this.h.speaker.pause();
        this.commits.pause(true);
        this.h.emit({ type: 'agent_paused', t });
        break;
      case 'resume':
        this.h.speaker.resume();
        this.commits.pause(false);
        this.h.emit({ type: 'agent_resumed', t });
        this.h.recognizer.cancel();
        break;
      case 'cancel':
        this.commits.withdraw();
        this.h.replies.cut(t, 'interrupted');
        break;
      case 'ignore':
        // Speech that had been taken for the user's is somebody else's after all. (If attention
        // judges it the user's again, its user_start restarts recognition with the pre-roll.)
        if (this.userSpeechOpen) this.h.emit({ type: 'user_speech_stop', t });
        this.userSpeechOpen = false;
        this.h.recognizer.dropSegment(); // its words must not join the user's turn
        break;
      case 'hold':
      case 'keep_talking':
        break;
    }
  }

  // ------------------------------------------------------------------ recognition
  /** The predictor dropped the turn (side talk, noise) or the overlap ended: forget its words. */
  private dropAbandonedRecognition(): void {
    if (this.h.recognizer.holdsTurn && !this.h.duplex.inTurn && !this.h.duplex.userSpeaking && this.agentActivity() !== 'paused') {
      this.h.recognizer.cancel();
    }
  }

  // ------------------------------------------------------------------ replies
  private startSpeculation(): void {
    // The text the commit will answer: an STT server's where it has arrived, else the streaming one's.
    const text = (this.h.recognizer.committedText ?? this.h.recognizer.transcript()).trim();
    if (text) this.h.replies.speculate(text);
  }

  /**
   * The turn is taken now: the predictor and the recogniser move on at once. Its text (an STT server's,
   * where one is configured) may still be on its way; the windows do not wait for it (turn-commit.ts).
   */
  private async commitTurn(): Promise<void> {
    const taken = await this.h.recognizer.take();
    this.h.duplex.turnTaken();
    this.commits.add(taken.text);
  }

  /** A taken turn's text is here: the timeline keeps the streaming recogniser's words and text beside it. */
  private land(turn: TakenTurn, how: TurnLanding): void {
    const { text, words, streamingText, textSource } = turn;
    this.h.emit({ type: 'transcript_final', t: this.h.stamp(), text, words, ...(streamingText !== undefined && { streamingText, textSource }) });
    if (!how.answer || this.h.isClosed()) return this.h.replies.recordTurn(text);
    this.h.replies.answerTurn(text);
    if (how.paused) this.h.speaker.pause(); // speech over the waiting reply paused it; the predictor decides the rest
  }
}

const URGENT = new Set(['yield', 'cancel', 'resume']);
/** Decisions a listen-only session observes but does not carry out. */
const LISTEN_ONLY_SKIPS = new Set(['speculate', 'take_turn', 'backchannel']);
function priority(d: Decision): number {
  return URGENT.has(d.action) ? 0 : 1;
}
