/**
 * Turn control for a live session, through the runtime's control calls: the client's turn detection
 * settings can change mid-session (session.update → `update_options`), and with `turn_detection: null`
 * or `create_response: false` the engine must not answer until the client sends response.create
 * (`hold_turns`, then `take_turn_now` / `request_reply`). The end-of-turn policy the settings chose (the
 * learned model for semantic_vad, a silence timer for server_vad) stays in charge whenever turns are not held.
 */
import type { SessionHandle } from '../../server/session-host.js';
import type { ControlResult } from '../../server/session-control.js';
import type { TurnSettings } from './endpoint-config.js';

export class TurnControl {
  constructor(private readonly handle: SessionHandle) {}

  apply(settings: TurnSettings): void {
    void this.handle.control({ type: 'control', action: 'update_options', options: settings.predictor });
    void this.handle.control({ type: 'control', action: 'hold_turns', on: !settings.createResponse });
  }

  /** response.create with a user turn open: the engine answers it at the user's pause (or the next one). */
  release(): void {
    void this.handle.control({ type: 'control', action: 'take_turn_now' });
  }

  /** response.create: answer the open user turn at its pause, or the history if the user spoke last. */
  requestReply(): Promise<ControlResult> {
    return this.handle.control({ type: 'control', action: 'request_reply' });
  }
}
