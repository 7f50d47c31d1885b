/**
 * Turn control for a live engine session, through the session's control API: the client's turn
 * detection settings can change mid-session (session.update → `updateOptions`), and with
 * `turn_detection: null` or `create_response: false` the engine must not answer until the client sends
 * response.create (`holdTurns`, then `takeTurnNow`). The end-of-turn policy the settings chose (the
 * learned model for semantic_vad, a silence timer for server_vad) stays in charge whenever turns are not held.
 */
import type { ConversationSession } from '../../engine/session.js';
import type { TurnSettings } from './endpoint-config.js';

export class TurnControl {
  constructor(private readonly session: ConversationSession) {}

  /** The client asked for an answer and the engine has not taken the turn yet. */
  get releasedTurn(): boolean {
    return this.session.predictor.turnRequested;
  }

  apply(settings: TurnSettings): void {
    this.session.updateOptions(settings.predictor);
    this.session.holdTurns(!settings.createResponse);
  }

  /** response.create with a user turn open: the engine answers it at the user's pause (or the next one). */
  release(): void {
    this.session.takeTurnNow();
  }

  /** The user has spoken and the engine has not answered yet. */
  get userTurnPending(): boolean {
    return this.session.predictor.inTurn || this.session.predictor.userSpeaking;
  }
}
