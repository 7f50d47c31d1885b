/**
 * One agent reply on its way from the dialogue model to the speaker: text deltas → clauses → TTS →
 * an AgentUtterance, all streaming, so the first clause is audible before the reply is complete.
 * A reply can run speculatively (before the turn is committed) and be attached to the speaker later,
 * or be aborted at any point. Model failures and hangs become a short spoken apology.
 */
import { clausesOf } from '../dialogue/clauses.js';
import type { DialogueMessage, DialogueModel, ToolCall, ToolChoice, ToolSpec } from '../dialogue/types.js';
import type { TimerHandle } from '../audio/clock.js';
import type { ToolResult } from './tools.js';
import { StreamingResampler } from '../audio/resampler.js';
import { toFullduplexError, FullduplexError } from '../errors.js';
import type { TtsEngine } from '../speech/types.js';
import { AgentUtterance } from './agent-output.js';

export interface ReplyOptions {
  /** No first text from the dialogue model after this long (wall time) → apologise, ms. */
  firstTextTimeoutMs: number;
  /** The whole reply must be generated within this long (wall time), ms. */
  totalTimeoutMs: number;
  /** Leading silence trimmed from the first clause's audio, at most this long, ms (flite starts with ~200 ms). */
  maxLeadingTrimMs: number;
  /** Samples quieter than this (absolute PCM16 value) count as leading silence (−50 dBFS ≈ 104). */
  silenceAmplitude: number;
  /** What the agent says when its dialogue model fails. */
  apology: string;
  /**
   * Synthesis runs at most this far ahead of playback: the next clause is synthesized once no more
   * than this much of the reply's audio waits to be played, s. A long reply that is interrupted then
   * costs only what was heard plus this lead, not the whole story (flite is a third of a session's
   * CPU otherwise). The lead must cover a clause's time to first audio on a loaded machine (flite:
   * ~30 ms idle), with a wide margin.
   */
  synthesisLeadS: number;
}

export const defaultReplyOptions: ReplyOptions = {
  firstTextTimeoutMs: 8000,
  totalTimeoutMs: 60000,
  maxLeadingTrimMs: 300,
  silenceAmplitude: 104,
  apology: "Sorry, I lost my train of thought. Could you say that again?",
  synthesisLeadS: 4,
};

export interface ReplyContext {
  readonly dialogue: DialogueModel;
  readonly tts: TtsEngine;
  readonly voice: string | undefined;
  readonly outputRate: number;
  readonly options: ReplyOptions;
  /** Session time to stamp on audio as it becomes ready. */
  readonly stamp: () => number;
  /** The reply was committed (a parked speculative reply resumes from here). */
  readonly committed?: () => void;
  readonly onError: (component: string, e: FullduplexError) => void;
  readonly now?: () => Date;
  /** The tools on offer when the reply started (none: the model is offered none). */
  readonly tools?: ReplyTools;
  /** Bring the reply's time up to the session's (after waiting for something outside it: a commit, a tool). */
  readonly catchUp?: () => void;
}

/** What a reply needs to call tools (replies.ts builds it from the session's ToolCalls). */
export interface ReplyTools {
  readonly specs: readonly ToolSpec[];
  readonly choice: ToolChoice | undefined;
  readonly afterCall: 'answer' | 'end';
  readonly fillerAfterMs: number;
  readonly maxRounds: number;
  /** Run a committed reply's calls (see ToolCalls.run). */
  run(calls: readonly ToolCall[], userText: string): Promise<ToolResult[]>;
  /** A timer on the session clock. */
  timer(seconds: number, cb: () => void): TimerHandle;
  /** The next filler phrase; announces it on the timeline. */
  filler(): string;
}

export class ReplyTask {
  readonly utterance: AgentUtterance;
  readonly done: Promise<void>;
  private readonly abortController = new AbortController();
  private readonly clauses: string[] = [];
  private clauseListener: ((text: string) => void) | undefined;
  // A speculative reply synthesizes its first clause, then parks until committed (or aborted).
  private committed: boolean;
  private releaseGate: () => void = () => {};
  private readonly gate: Promise<void>;
  private parked = false;
  private finished = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly ctx: ReplyContext,
    readonly history: readonly DialogueMessage[],
    readonly userText: string,
    speculative = false,
  ) {
    this.committed = !speculative;
    this.gate = new Promise<void>((r) => (this.releaseGate = r));
    if (this.committed) this.releaseGate();
    this.abortController.signal.addEventListener('abort', () => this.releaseGate(), { once: true });
    this.utterance = new AgentUtterance('reply', ctx.outputRate);
    this.done = this.run().finally(() => {
      this.utterance.finish();
      this.finished = true;
      this.wakeIdle();
    });
  }

  /** The turn is confirmed: speak the rest. */
  commit(): void {
    if (!this.committed) this.ctx.committed?.();
    this.committed = true;
    this.releaseGate();
  }

  get isIdle(): boolean {
    return this.finished || this.parked;
  }

  /** Resolves once the task is finished or parked waiting for its commit: nothing more happens until then. */
  idle(): Promise<void> {
    if (this.finished || this.parked) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private wakeIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private async waitForCommit(): Promise<void> {
    if (this.committed) return;
    this.parked = true;
    this.wakeIdle();
    await this.gate;
    this.parked = false;
  }

  /**
   * Wait (idle, like a parked reply) until playback is within `synthesisLeadS` of the audio made so
   * far, or the reply is aborted.
   */
  private async waitForRoom(): Promise<void> {
    const lead = Math.round(this.ctx.options.synthesisLeadS * this.ctx.outputRate);
    const signal = this.abortController.signal;
    if (signal.aborted || this.utterance.bufferedSamples <= lead) return;
    this.parked = true;
    this.wakeIdle();
    let onAbort = () => {};
    await new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
      void this.utterance.whenBufferedAtMost(lead).then(resolve);
    });
    signal.removeEventListener('abort', onAbort);
    this.parked = false;
  }

  get aborted(): boolean {
    return this.abortController.signal.aborted;
  }

  abort(): void {
    this.abortController.abort();
  }

  /** Report clauses as they are spoken (those already generated are reported at once). */
  attach(onClause: (text: string) => void): void {
    for (const c of this.clauses) onClause(c);
    this.clauseListener = onClause;
  }

  private async run(): Promise<void> {
    const signal = this.abortController.signal;
    const modelAbort = new AbortController();
    const stopModel = () => modelAbort.abort();
    signal.addEventListener('abort', stopModel, { once: true });
    let timedOut = false;
    // The model's time limit: time spent waiting for playback to make room (or for a tool) does not count.
    const totalTimer = new PausableTimeout(() => ((timedOut = true), modelAbort.abort()), this.ctx.options.totalTimeoutMs);
    const tools = this.ctx.tools;
    let history = this.history;
    let clauseCount = 0;
    let gotText = false;
    try {
      for (let round = 1; ; round++) {
        const calls: ToolCall[] = [];
        const offerTools = tools !== undefined && round <= tools.maxRounds;
        const firstTimer = setTimeout(() => ((timedOut = true), modelAbort.abort()), this.ctx.options.firstTextTimeoutMs);
        try {
          const deltas = this.ctx.dialogue.reply({
            history,
            signal: modelAbort.signal,
            now: this.ctx.now?.(),
            ...(offerTools && { tools: tools.specs, ...(tools.choice !== undefined && { toolChoice: tools.choice }) }),
            ...(tools && !offerTools && { tools: tools.specs, toolChoice: 'none' as const }),
            onToolCall: (c) => (clearTimeout(firstTimer), calls.push(c)),
          });
          for await (const clause of clausesOf(markFirst(deltas, () => ((gotText = true), clearTimeout(firstTimer))))) {
            if (clauseCount > 0) {
              await this.waitForCommit();
              totalTimer.pause();
              await this.waitForRoom();
              totalTimer.resume();
            }
            if (signal.aborted) return;
            await this.speak(clause, clauseCount++ === 0);
          }
        } finally {
          clearTimeout(firstTimer);
        }
        if (timedOut && !signal.aborted) {
          this.ctx.onError('dialogue', new FullduplexError('TIMEOUT', gotText ? 'the dialogue model stopped mid-reply' : 'the dialogue model did not answer in time'));
          await this.speak(this.ctx.options.apology, clauseCount++ === 0);
          return;
        }
        // Past the last round the model was offered no tools: a call it makes anyway is ignored.
        if (calls.length === 0 || !tools || !offerTools || signal.aborted) return;
        // No tool ever runs for a turn that was not committed: a speculative reply's calls wait here,
        // and are dropped with it if the speculation is discarded.
        await this.waitForCommit();
        if (signal.aborted) return;
        this.ctx.catchUp?.();
        totalTimer.pause();
        const results = await this.callTools(calls, tools, clauseCount === 0);
        totalTimer.resume();
        if (signal.aborted || tools.afterCall === 'end') return;
        this.ctx.catchUp?.();
        history = [
          ...history,
          { role: 'assistant', content: this.clauses.join(' '), toolCalls: calls },
          ...results.map((r): DialogueMessage => ({ role: 'tool', content: r.output, toolCallId: r.callId })),
        ];
        clauseCount = Math.max(clauseCount, this.clauses.length);
      }
    } catch (e) {
      if (signal.aborted) return;
      this.ctx.onError('dialogue', toFullduplexError(e));
      await this.speak(this.ctx.options.apology, clauseCount++ === 0).catch(() => undefined);
    } finally {
      totalTimer.clear();
      signal.removeEventListener('abort', stopModel);
    }
  }

  /**
   * Run the calls and wait for their results, idle like a parked reply (a barge-in aborts the wait;
   * the results still reach the history). If they take longer than the filler threshold while nothing
   * of this reply is left to play, the agent says a filler.
   */
  private async callTools(calls: readonly ToolCall[], tools: ReplyTools, first: boolean): Promise<ToolResult[]> {
    const signal = this.abortController.signal;
    const running = tools.run(calls, this.userText);
    if (tools.afterCall === 'end') return running;
    let fillerSaid: Promise<void> | undefined;
    const timer = tools.timer(tools.fillerAfterMs / 1000, () => {
      if (signal.aborted || this.utterance.bufferedSamples > 0) return;
      this.parked = false;
      this.ctx.catchUp?.();
      fillerSaid = this.speak(tools.filler(), first).finally(() => {
        this.parked = true;
        this.wakeIdle();
      });
    });
    this.parked = true;
    this.wakeIdle();
    let onAbort = () => {};
    try {
      const out = await new Promise<ToolResult[] | undefined>((resolve) => {
        onAbort = () => resolve(undefined);
        signal.addEventListener('abort', onAbort, { once: true });
        void running.then(resolve);
      });
      timer.cancel();
      await fillerSaid;
      return out ?? [];
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.parked = false;
    }
  }

  private async speak(clause: string, first: boolean): Promise<void> {
    const signal = this.abortController.signal;
    if (signal.aborted) return;
    this.utterance.beginClause(clause);
    this.clauses.push(clause);
    this.clauseListener?.(clause);
    let trimming = first;
    let trimBudget = Math.round((this.ctx.options.maxLeadingTrimMs / 1000) * this.ctx.outputRate);
    let resampler: StreamingResampler | undefined;
    try {
      for await (const chunk of this.ctx.tts.synthesize(clause, { voice: this.ctx.voice, signal, onDegraded: (e) => this.ctx.onError('tts', e) })) {
        let samples = chunk.samples;
        if (chunk.sampleRate !== this.ctx.outputRate) {
          resampler ??= await StreamingResampler.create(chunk.sampleRate, this.ctx.outputRate);
          samples = resampler.process(samples);
        }
        if (trimming) {
          // Drop the synthesizer's leading silence: it would only add to the response latency.
          let i = 0;
          while (i < samples.length && trimBudget > 0 && Math.abs(samples[i]!) < this.ctx.options.silenceAmplitude) (i++, trimBudget--);
          if (i < samples.length) trimming = false;
          samples = samples.subarray(i);
        }
        if (signal.aborted) return;
        this.utterance.push(samples, this.ctx.stamp());
      }
      if (resampler) this.utterance.push(resampler.flush(), this.ctx.stamp());
    } catch (e) {
      if (signal.aborted) return;
      this.ctx.onError('tts', toFullduplexError(e));
    } finally {
      resampler?.destroy();
    }
  }
}

/** A timeout whose clock can be stopped and restarted. */
class PausableTimeout {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private cleared = false;

  constructor(
    private readonly fire: () => void,
    private remainingMs: number,
  ) {
    this.resume();
  }

  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.timer || this.cleared) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(this.fire, Math.max(0, this.remainingMs));
  }

  clear(): void {
    this.cleared = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

async function* markFirst(deltas: AsyncIterable<string>, onFirst: () => void): AsyncGenerator<string> {
  let first = true;
  for await (const d of deltas) {
    if (first && d.trim() !== '') {
      first = false;
      onFirst();
    }
    yield d;
  }
}
