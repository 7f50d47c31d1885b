/**
 * Committed user turns whose text is still on its way (an STT server's transcript). The session takes
 * the turn at once — the predictor and the recogniser move on, and the windows keep flowing, so a
 * barge-in or the next turn is heard on time — and the turn lands (joins the history, is answered)
 * when its text arrives. Turns land in the order they were committed. Until it lands, a turn counts as
 * the agent's reply being readied: speech over it can pause it (`pause`) or withdraw its answer
 * (`withdraw`: a confirmed barge-in, `cancelReply`, `say`, `respond`), and a withdrawn turn still
 * lands, unanswered, so a finished turn is never lost.
 */
import { toFullduplexError, type FullduplexError } from '../errors.js';
import type { TakenTurn } from './turn-recognizer.js';

export interface TurnLanding {
  /** The reply still stands (not withdrawn). */
  readonly answer: boolean;
  /** Speech over the waiting reply paused it: the reply starts paused. */
  readonly paused: boolean;
}

interface Pending {
  answer: boolean;
  paused: boolean;
}

export class TurnCommits {
  private readonly open: Pending[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    /** The turn's text is here: record it, and answer it unless withdrawn. */
    private readonly land: (turn: TakenTurn, how: TurnLanding) => void,
    private readonly error: (e: FullduplexError) => void,
  ) {}

  /** Some committed turn's text is still on its way. */
  get pending(): boolean {
    return this.open.length > 0;
  }

  /** A committed turn waits for its text and will be answered: the agent's reply is being readied. */
  get replyAwaited(): boolean {
    return this.open.some((p) => p.answer);
  }

  /** The awaited reply was paused by speech over it (see `pause`). */
  get paused(): boolean {
    return this.open.some((p) => p.answer && p.paused);
  }

  /** A turn was taken: it lands now when its text is here and no earlier turn waits, else in turn. */
  add(text: TakenTurn | Promise<TakenTurn>): void {
    if (!(text instanceof Promise) && this.open.length === 0) return this.land(text, { answer: true, paused: false });
    const p: Pending = { answer: true, paused: false };
    this.open.push(p);
    const run = this.tail.then(async () => {
      let turn: TakenTurn;
      try {
        turn = await text;
      } finally {
        this.open.splice(this.open.indexOf(p), 1);
      }
      this.land(turn, p);
    });
    this.tail = run.catch((e: unknown) => this.error(toFullduplexError(e)));
  }

  /** Speech over the awaited reply paused it (a yield), or it resumes. */
  pause(on: boolean): void {
    for (const p of this.open) p.paused = on;
  }

  /** Answer none of the waiting turns (they still land, unanswered). Returns whether a reply was awaited. */
  withdraw(): boolean {
    const had = this.replyAwaited;
    for (const p of this.open) p.answer = false;
    return had;
  }

  /** Resolves once every turn committed so far has landed. */
  async idle(): Promise<void> {
    while (this.open.length > 0) await this.tail;
  }
}
