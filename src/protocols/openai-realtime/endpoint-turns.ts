/**
 * Turn control for a live engine session: the client's turn detection settings can change mid-session
 * (session.update), and with `turn_detection: null` or `create_response: false` the engine must not
 * answer until the client sends response.create.
 *
 * The engine has no API for either yet, so this re-resolves the predictor's options and writes them
 * into the session's live options object (the predictor reads it every window). Holding a turn is the
 * same mechanism: every end-of-turn wait becomes infinite until the client asks for a response, then
 * zero for exactly one turn (the client has said the turn is over). See docs/protocols.md ("engine APIs wanted").
 */
import { resolvePredictorOptions, type PredictorOptions, type PredictorOverrides } from '../../engine/options.js';
import type { ConversationSession } from '../../engine/session.js';
import type { TurnSettings } from './endpoint-config.js';

const NESTED = ['listening', 'speaking', 'endOfTurn', 'bargeIn', 'backchannel', 'attention'] as const;

export function mergeOverrides(a: PredictorOverrides, b: PredictorOverrides): PredictorOverrides {
  const out: Record<string, unknown> = { ...a, ...b };
  for (const k of NESTED) if (a[k] || b[k]) out[k] = { ...a[k], ...b[k] };
  return out as PredictorOverrides;
}

export class TurnControl {
  private settings: TurnSettings | undefined;
  /** The client asked for a response while turns are held: let the engine take the next one. */
  private released = false;

  constructor(
    private readonly session: ConversationSession,
    private readonly base: PredictorOverrides,
  ) {}

  /** The client asked for an answer and the engine has not taken the turn yet. */
  get releasedTurn(): boolean {
    return this.released;
  }

  /** Turns are held until response.create. */
  get holding(): boolean {
    return !!this.settings && !this.settings.createResponse && !this.released;
  }

  apply(settings: TurnSettings): void {
    this.settings = settings;
    this.write();
  }

  /** response.create while turns are held: the engine may answer the turn it is in (or the next one). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.write();
  }

  /** The engine took the turn: hold again if the settings say so. */
  turnTaken(): void {
    if (!this.released) return;
    this.released = false;
    this.write();
  }

  /** The user has spoken and the engine has not answered yet. */
  get userTurnPending(): boolean {
    return this.session.predictor.inTurn || this.session.predictor.userSpeaking;
  }

  private write(): void {
    if (!this.settings) return;
    const resolved = resolvePredictorOptions(mergeOverrides(this.base, this.settings.predictor));
    if (!this.settings.createResponse) {
      // Held: never answer by itself. Released: the client says the turn is over, so answer at once.
      const wait = this.released ? 0 : Infinity;
      resolved.endOfTurn = { ...resolved.endOfTurn, policy: 'rules', commitStrongMs: wait, commitCompleteMs: wait, commitUnsureMs: wait, commitIncompleteMs: wait, commitNarrativeMs: wait };
      resolved.maxHoldMs = wait;
    }
    const live: PredictorOptions = this.session.predictor.options;
    Object.assign(live, resolved);
  }
}
