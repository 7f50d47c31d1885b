/**
 * Follows a session's own timeline and, when a committed reply's first sample reaches the listener,
 * says where the turn's response time went (a `turn_latency` event, stages in events.ts). Reads only
 * events, so the session needs nothing but to show it each one; the TTS's first-audio time is asked
 * of the playing utterance at that moment.
 */
import type { EngineEvent, TurnLatencyStages } from './events.js';

interface Pending {
  speechEnd: number | null;
  readonly silence: number | null;
  readonly commit: number;
  replyStarted: boolean;
  firstClause: number | null;
  speculative: boolean;
}

export class TurnLatencyTracker {
  private silence: number | null = null;
  private pending: Pending | undefined;

  /** The `turn_latency` event `e` completes, if any. `firstReadyAt`: when the playing utterance's first audio was ready. */
  observe(e: EngineEvent, firstReadyAt: () => number | undefined): EngineEvent | undefined {
    switch (e.type) {
      case 'user_speech_start':
        this.silence = null;
        break;
      case 'user_speech_stop':
        this.silence = e.t;
        break;
      case 'transcript_final':
        // The commit takes the turn's words: its final transcript follows the take_turn decision.
        if (this.pending && !this.pending.replyStarted) this.pending.speechEnd = e.words[e.words.length - 1]?.end ?? null;
        break;
      case 'decision':
        if (e.action === 'take_turn') {
          this.pending = { speechEnd: null, silence: this.silence, commit: e.t, replyStarted: false, firstClause: null, speculative: false };
        }
        break;
      case 'speculation_used':
        if (this.pending) this.pending.speculative = true;
        break;
      case 'agent_reply_start':
        if (this.pending) {
          // A second reply start before any audio (a typed turn) is not this turn's answer.
          if (this.pending.replyStarted) this.pending = undefined;
          else this.pending.replyStarted = true;
        }
        break;
      case 'agent_text':
        if (this.pending?.replyStarted && this.pending.firstClause === null) this.pending.firstClause = Math.max(e.t, this.pending.commit);
        break;
      case 'agent_speech_start': {
        const p = this.pending;
        if (e.kind !== 'reply' || !p?.replyStarted) break;
        this.pending = undefined;
        const ready = firstReadyAt();
        const stages: TurnLatencyStages = {
          speechEnd: p.speechEnd,
          silence: p.silence,
          commit: p.commit,
          firstClause: p.firstClause,
          firstAudio: ready === undefined ? null : Math.min(e.t, Math.max(ready, p.firstClause ?? p.commit)),
          heard: e.t,
          speculative: p.speculative,
        };
        return { type: 'turn_latency', t: e.t, stages };
      }
      default:
        break;
    }
    return undefined;
  }
}
