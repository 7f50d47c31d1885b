/**
 * The agent's voice on its way to the speaker. Audio of one utterance arrives in chunks (each stamped
 * with the session time at which it was ready) and leaves at the playback rate through `pull()`,
 * which is called by whatever plays it: the simulator, the live server, a protocol adapter. Because
 * audio only counts as heard once pulled, the played position tells exactly which words the user
 * heard when a barge-in cut the agent off.
 */

export type UtteranceKind = 'reply' | 'backchannel';

interface QueuedChunk {
  readonly samples: Int16Array;
  readonly readyAt: number;
  offset: number;
}

export class AgentUtterance {
  private readonly queue: QueuedChunk[] = [];
  private readonly clauses: { text: string; startSample: number }[] = [];
  private queuedSamples = 0;
  private finished = false;
  private roomWaiters: { atMost: number; resolve: () => void }[] = [];
  /** Samples handed to the speaker so far. */
  played = 0;
  /** Session time of the first sample handed to the speaker. */
  firstPlayedAt: number | undefined;
  /** Nothing plays before this session time (the moment the reply was committed). */
  notBefore = -Infinity;

  constructor(
    readonly kind: UtteranceKind,
    readonly sampleRate: number,
  ) {}

  /** A new clause starts here; its audio follows through `push`. */
  beginClause(text: string): void {
    this.clauses.push({ text, startSample: this.queuedSamples });
  }

  push(samples: Int16Array, readyAt: number): void {
    if (this.finished || samples.length === 0) return;
    this.queue.push({ samples, readyAt, offset: 0 });
    this.queuedSamples += samples.length;
  }

  /** No more audio will come. */
  finish(): void {
    this.finished = true;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** Finished and fully played. */
  get isDone(): boolean {
    return this.finished && this.played >= this.queuedSamples;
  }

  get fullText(): string {
    return this.clauses.map((c) => c.text).join(' ');
  }

  /** Samples synthesized and not yet played. */
  get bufferedSamples(): number {
    return this.queuedSamples - this.played;
  }

  /** Resolves once at most `samples` wait to be played (at once if that is already so). */
  whenBufferedAtMost(samples: number): Promise<void> {
    if (this.bufferedSamples <= samples) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ atMost: samples, resolve }));
  }

  get hasAudio(): boolean {
    return this.queuedSamples > 0;
  }

  /** Time at which the first audio was ready, if any. */
  get firstReadyAt(): number | undefined {
    return this.queue[0]?.readyAt;
  }

  /**
   * The words the user heard: every clause played to its end, plus the share of the current clause's
   * words proportional to the share of its audio that was played. `playedSamples` (at most `played`)
   * asks about an earlier point, e.g. what a client's speaker had played when its buffer was flushed.
   */
  heardText(playedSamples: number = this.played): string {
    const played = Math.max(0, Math.min(this.played, playedSamples));
    const parts: string[] = [];
    for (let i = 0; i < this.clauses.length; i++) {
      const c = this.clauses[i]!;
      const end = this.clauses[i + 1]?.startSample ?? this.queuedSamples;
      if (played >= end) parts.push(c.text);
      else if (played > c.startSample) {
        const words = c.text.split(/\s+/);
        const share = (played - c.startSample) / Math.max(1, end - c.startSample);
        const n = Math.floor(words.length * share);
        if (n > 0) parts.push(words.slice(0, n).join(' '));
        break;
      } else break;
    }
    return parts.join(' ');
  }

  /**
   * Copy up to `n` samples into `out` at `at`, never playing audio before its ready time. `time0` is
   * the session time of out[0]. Returns how many samples were written (the rest stays silent).
   */
  pullInto(out: Int16Array, at: number, n: number, time0: number): number {
    let written = 0;
    while (written < n && this.queue.length > 0) {
      const head = this.queue[0]!;
      const pos = at + written;
      const tPos = time0 + pos / this.sampleRate;
      const readyAt = Math.max(head.readyAt, this.notBefore);
      if (readyAt > tPos + 1e-9) {
        // Not ready yet: leave silence until it is (within this pull, if it becomes ready inside it).
        const wait = Math.ceil((readyAt - tPos) * this.sampleRate);
        if (written + wait >= n) break;
        written += wait;
        continue;
      }
      if (this.played === 0) this.firstPlayedAt = tPos;
      const take = Math.min(n - written, head.samples.length - head.offset);
      out.set(head.samples.subarray(head.offset, head.offset + take), at + written);
      head.offset += take;
      written += take;
      this.played += take;
      if (head.offset >= head.samples.length) this.queue.shift();
    }
    if (this.roomWaiters.length > 0) this.wakeRoomWaiters();
    return this.queue.length === 0 ? written : n;
  }

  private wakeRoomWaiters(): void {
    const buffered = this.bufferedSamples;
    this.roomWaiters = this.roomWaiters.filter((w) => (buffered <= w.atMost ? (w.resolve(), false) : true));
  }
}

export interface AgentOutputListener {
  started(u: AgentUtterance, t: number): void;
  completed(u: AgentUtterance, t: number): void;
}

/** The speaker side: one utterance at a time, pausable, with a played-audio tap for echo reference. */
export class AgentOutput {
  private current: AgentUtterance | undefined;
  private startedCurrent = false;
  private paused = false;

  constructor(
    readonly sampleRate: number,
    private readonly listener: AgentOutputListener,
    private readonly onPlayed: (samples: Int16Array, t: number) => void,
  ) {}

  get utterance(): AgentUtterance | undefined {
    return this.current;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** True once the current utterance's first sample has been played. */
  get audible(): boolean {
    return this.startedCurrent;
  }

  /** Start playing `u`, not before session time `notBefore`. */
  play(u: AgentUtterance, notBefore = -Infinity): void {
    u.notBefore = notBefore;
    this.current = u;
    this.startedCurrent = false;
    this.paused = false;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** Stop at once; returns the utterance that was cut (its `played` tells what was heard). */
  stop(): AgentUtterance | undefined {
    const u = this.current;
    this.current = undefined;
    this.paused = false;
    this.startedCurrent = false;
    return u;
  }

  /** The next `n` samples for the speaker, starting at session time `t0`. */
  pull(n: number, t0: number): Int16Array {
    const out = new Int16Array(n);
    const u = this.current;
    if (!u || this.paused) return out;
    const before = u.played;
    const end = u.pullInto(out, 0, n, t0);
    if (u.played > before) {
      if (!this.startedCurrent) {
        this.startedCurrent = true;
        this.listener.started(u, u.firstPlayedAt ?? t0);
      }
      this.onPlayed(out, t0);
    }
    if (u.isDone) {
      this.current = undefined;
      this.startedCurrent = false;
      this.listener.completed(u, t0 + end / this.sampleRate);
    }
    return out;
  }
}
