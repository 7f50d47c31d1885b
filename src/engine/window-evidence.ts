/**
 * What one 32 ms window of user audio says, beyond the VAD and the recogniser: its level and pitch,
 * how much of it the agent's own playback explains (echo), how complete the words so far sound, and
 * the voice that spoke it. The session hands the result to the predictor as its `WindowEvidence`.
 */
import { rmsDbfs } from '../audio/frame.js';
import type { DialogueMessage } from '../dialogue/types.js';
import type { WordTiming } from '../speech/types.js';
import { CompletenessAssessor, type CompletenessResult } from './evidence/completeness.js';
import { EchoReference } from './evidence/echo.js';
import { isNarrativeTurn } from './evidence/narrative.js';
import { PitchContour, PitchTracker } from './evidence/pitch.js';
import type { FinalStretch } from './evidence/pitch-contour.js';
import { VoiceFeatures } from './evidence/voice-profile.js';
import type { AgentActivity, WindowEvidence } from './predictor.js';

/** What the session already knows about the window. */
export interface WindowFacts {
  readonly t: number;
  readonly windowMs: number;
  readonly vadProbability: number;
  readonly agent: AgentActivity;
  /** The predictor has the user in a pause (the pitch contour's last stretch is final). */
  readonly userPaused: boolean;
  /** Someone else spoke in the user's pause: the contour's last stretch is theirs, not the user's. */
  readonly otherVoiceInPause: boolean;
  /** How long the user has been silent, ms (the predictor's pauseMs before this window). */
  readonly pauseMs: number;
  readonly transcript: string;
  readonly words: readonly WordTiming[];
}

export class WindowEvidenceReader {
  private readonly pitch = new PitchTracker();
  private readonly contour = new PitchContour();
  private readonly voiceFeatures = new VoiceFeatures();
  private readonly echo = new EchoReference();
  private readonly completeness = new CompletenessAssessor();
  private lastAssessed: { text: string; result: CompletenessResult } | undefined;
  /** The user's own final stretch, kept while another voice speaks in their pause (undefined or null: not found yet). */
  private userFinal: FinalStretch | null | undefined;

  /** `history` is the session's (read, never written): the agent's last question shapes completeness. */
  constructor(private readonly history: readonly DialogueMessage[]) {}

  /** The agent's audio as it is played: the echo reference. */
  played(samples: Int16Array, t: number): void {
    this.echo.pushPlayed(samples, t);
  }

  read(win: Int16Array, f: WindowFacts): WindowEvidence {
    const est = this.pitch.push(win);
    this.contour.push(est);
    const echoLikelihood = f.agent === 'speaking' || f.agent === 'backchannel' ? this.echo.echoLikelihood(win, f.t) : 0;
    const final = f.userPaused ? this.finalStretch(f) : null;
    return {
      t: f.t,
      windowMs: f.windowMs,
      vadProbability: f.vadProbability,
      levelDb: Number.isFinite(est.energyDb) ? est.energyDb : rmsDbfs(win),
      echoLikelihood,
      transcript: f.transcript,
      completeness: this.assess(f.transcript),
      narrative: isNarrativeTurn(f.transcript),
      pitchShape: final?.shape,
      finalStretch: final,
      words: f.words,
      agentAskedQuestion: this.agentAskedQuestion(),
      agent: f.agent,
      voice: this.voiceFeatures.push(win, est.f0Hz),
    };
  }

  /**
   * The user's final stretch in their pause. Once someone else has spoken in it, the stretch that
   * ended where the pause began: the contour's newest frames are the other voice's (its
   * soft first windows too, before anyone could tell whose they were).
   */
  private finalStretch(f: WindowFacts): FinalStretch | null {
    if (!f.otherVoiceInPause) {
      this.userFinal = undefined;
      return this.contour.final();
    }
    // The newest frame is this window's: the pause's frames are the ones after the user's last. Kept
    // once found; while none is, looked for again each window (a pause counted from the user's last
    // loud window does not always end where their last voiced frames do).
    this.userFinal ??= this.contour.final(f.pauseMs + f.windowMs);
    return this.userFinal;
  }

  private assess(text: string): CompletenessResult {
    if (this.lastAssessed?.text !== text) {
      this.lastAssessed = { text, result: this.completeness.assess(text, { agentAskedQuestion: this.agentAskedQuestion() }) };
    }
    return this.lastAssessed.result;
  }

  private agentAskedQuestion(): boolean {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const m = this.history[i]!;
      // A tool call the agent made without a word is not what the user heard last.
      if (m.role === 'assistant' && !(m.toolCalls?.length && m.content.trim() === '')) return m.content.trim().endsWith('?');
    }
    return false;
  }
}
