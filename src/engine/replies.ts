/**
 * The agent's replies inside one session: the speculative reply readied at a tentative end of turn,
 * the committed reply that becomes the agent's turn, and what of it enters the history: everything
 * when it plays to the end, only the words heard when it is cut (a barge-in, or the application's
 * cancel). Backchannels and the application's context go through here too: this is the history's writer. The session decides when; this module carries it out and keeps the books for `settle()`.
 */
import type { DialogueMessage, DialogueModel } from '../dialogue/types.js';
import { toFullduplexError, type FullduplexError } from '../errors.js';
import type { AgentOutput, AgentUtterance } from './agent-output.js';
import type { BackchannelClips } from './backchannel-clips.js';
import type { EngineEvent } from './events.js';
import type { ComputeTiming } from './compute-time.js';
import { ReplyTask, type ReplyContext, type ReplyTools } from './reply.js';
import type { SessionTools, ToolCalls } from './tools.js';
import type { ToolOptions } from './options.js';
import type { Clock } from '../audio/clock.js';

/** What the replies need from their session. */
export interface ReplyHost {
  /** The session's history: this module and the session's control API are its only writers. */
  readonly history: DialogueMessage[];
  readonly output: AgentOutput;
  readonly sampleRate: number;
  /** Charges each reply's compute to its own lane (modelled time). */
  readonly timing: ComputeTiming;
  readonly components: Pick<ReplyContext, 'dialogue' | 'tts' | 'voice' | 'options' | 'now'>;
  /** The session's tools (calls, results, history records) and how the agent behaves around them. */
  readonly tools: ToolCalls;
  readonly toolOptions: ToolOptions;
  readonly clock: Clock;
  emit(e: EngineEvent): void;
  stamp(): number;
  error(component: string, e: FullduplexError): void;
  /** How many of an utterance's pulled samples the listener heard (a client's buffer may hold the rest). */
  heardSamples(u: AgentUtterance): number;
}

export class Replies {
  private speculative: ReplyTask | undefined;
  /** The tools the speculation was readied with: the commit reuses it only if the session's are the same. */
  private speculativeTools = '';
  private reply: ReplyTask | undefined;
  private readonly tasks = new Set<Promise<unknown>>();
  /** The history entry each reply utterance left, so a later truncation can correct exactly that one. */
  private readonly entries = new WeakMap<AgentUtterance, DialogueMessage>();
  private fillers = 0;

  constructor(private readonly host: ReplyHost) {}

  /** A reply is committed and not yet finished playing (or still being prepared). */
  get active(): boolean {
    return this.reply !== undefined;
  }

  /** Start readying a reply to `text` before the turn is committed. */
  speculate(text: string): void {
    this.speculative?.abort();
    const task = new ReplyTask(this.context(), [...this.host.history, { role: 'user', content: text }], text, true);
    this.speculative = task;
    this.speculativeTools = toolsKey(this.host.tools.tools);
    this.track(task);
    this.host.emit({ type: 'speculation_start', t: this.host.stamp(), text });
  }

  /**
   * A better transcript of the open turn arrived (an STT server's): a speculation readied on other
   * words is readied again on these, so the commit, which answers them, can use it.
   */
  respeculate(text: string): void {
    const spec = this.speculative;
    if (!spec || spec.aborted || !text.trim() || normalize(spec.userText) === normalize(text)) return;
    this.discardSpeculation('the speech-to-text server heard other words');
    this.speculate(text);
  }

  discardSpeculation(reason: string): void {
    if (!this.speculative) return;
    this.speculative.abort();
    this.speculative = undefined;
    this.host.emit({ type: 'speculation_discarded', t: this.host.stamp(), reason });
  }

  /** The user's turn `text` is over: it joins the history and the agent answers it (reusing a matching speculation). */
  answerTurn(text: string): void {
    const spec = this.speculative;
    this.speculative = undefined;
    this.host.history.push({ role: 'user', content: text });
    let task: ReplyTask;
    // A reply offers the tools it was readied with: one readied before the tools changed (a Realtime
    // response.create with its own tools arrives after the pause) is readied again.
    const sameTools = this.speculativeTools === toolsKey(this.host.tools.tools);
    if (spec && !spec.aborted && normalize(spec.userText) === normalize(text) && sameTools) {
      task = spec;
      this.host.emit({ type: 'speculation_used', t: this.host.stamp(), text });
    } else {
      if (spec) {
        this.speculative = spec;
        this.discardSpeculation(sameTools || spec.aborted ? 'the final transcript differs from the speculated one' : 'the tools changed since it was readied');
      }
      task = new ReplyTask(this.context(), [...this.host.history], text);
      this.track(task);
    }
    this.start(task, text);
  }

  /** The user's turn `text` joins the history unanswered (its reply was withdrawn while its text was on its way). */
  recordTurn(text: string): void {
    this.discardSpeculation('the reply was withdrawn before the turn\'s text arrived');
    if (text) this.host.history.push({ role: 'user', content: text });
  }

  /** Answer the history as it stands (session.respond); `userText` is the turn it answers. */
  answerHistory(userText: string): void {
    const task = new ReplyTask(this.context(), [...this.host.history], userText);
    this.track(task);
    this.start(task, userText);
  }

  /**
   * Say `text` verbatim as the agent's turn (no dialogue model): synthesized in the session's voice,
   * played in place of anything else, and remembered in the history like any reply.
   */
  say(text: string): AgentUtterance {
    const scripted: DialogueModel = {
      name: 'scripted',
      async *reply() {
        yield text;
      },
    };
    const task = new ReplyTask({ ...this.context(), dialogue: scripted }, [...this.host.history], '');
    this.track(task);
    this.start(task, '');
    return task.utterance;
  }

  /**
   * Stop the reply: its task is aborted (nothing more is generated or synthesised) and its speech cut;
   * only the words heard (`heardSamples`, else what the host says was heard) join the history. Returns
   * whether anything was stopped.
   */
  cut(t: number, reason: 'interrupted' | 'cancelled', heardSamples?: number): boolean {
    const hadTask = this.reply !== undefined;
    this.reply?.abort();
    this.reply = undefined;
    const u = this.host.output.utterance;
    if (!u || (reason === 'cancelled' && u.kind !== 'reply')) return hadTask;
    this.host.output.stop();
    this.host.emit({ type: 'agent_speech_stop', t, kind: u.kind, reason });
    if (u.kind !== 'reply') return true;
    const heardN = clamp(heardSamples ?? this.host.heardSamples(u), u.played);
    const heard = u.heardText(heardN);
    this.host.emit({ type: 'agent_speech_truncated', t, heardText: heard, fullText: u.fullText, playedSeconds: heardN / this.host.sampleRate });
    if (heard) this.remember(u, { role: 'assistant', content: heard, interrupted: true });
    return true;
  }

  /**
   * The listener heard only `heardSamples` of `u` (a client that stopped its playback): its history
   * entry keeps just those words, or goes. Returns the words heard.
   */
  truncate(t: number, u: AgentUtterance, heardSamples: number): string {
    const heardN = clamp(heardSamples, u.played);
    const heard = u.heardText(heardN);
    const entry = this.entries.get(u);
    const i = entry ? this.host.history.lastIndexOf(entry) : -1;
    if (i >= 0 && entry!.content !== heard) {
      if (heard === '') this.host.history.splice(i, 1);
      else this.remember(u, { role: 'assistant', content: heard, interrupted: true }, i);
    }
    this.host.emit({ type: 'agent_speech_truncated', t, heardText: heard, fullText: u.fullText, playedSeconds: heardN / this.host.sampleRate });
    return heard;
  }

  /** Say a backchannel ("mm hmm") if the agent is silent. */
  backchannel(clips: BackchannelClips): void {
    if (this.host.output.utterance) return;
    const clip = clips.next(this.host.stamp());
    if (!clip) return;
    this.host.emit({ type: 'backchannel', t: this.host.stamp(), text: clip.fullText });
    this.host.output.play(clip);
  }

  /**
   * Context from the application: a message at the end of the history, or the leading system message
   * (replaced; empty content removes it). Returns the content as stored (trimmed).
   */
  addContext(message: DialogueMessage, where: 'end' | 'instructions'): string {
    const history = this.host.history;
    const content = message.content.trim();
    if (where === 'end') {
      if (content !== '' || message.toolCalls?.length) history.push({ ...message, content });
      return content;
    }
    const has = history[0]?.role === 'system';
    if (content === '') {
      if (has) history.shift();
    } else if (has) history[0] = { role: 'system', content };
    else history.unshift({ role: 'system', content });
    return content;
  }

  /** An utterance played to its end. */
  completed(u: AgentUtterance, t: number): void {
    this.host.emit({ type: 'agent_speech_stop', t, kind: u.kind, reason: 'completed' });
    if (u.kind !== 'reply') return;
    if (u.fullText) this.remember(u, { role: 'assistant', content: u.fullText });
    if (this.reply?.utterance === u) this.reply = undefined;
  }

  /** Resolves once no reply work is left (a parked speculation counts once its first clause is ready). */
  async settle(): Promise<void> {
    for (;;) {
      const replies = [this.speculative, this.reply].filter((r): r is ReplyTask => r !== undefined);
      if (replies.every((r) => r.isIdle)) return;
      await Promise.allSettled(replies.map((r) => r.idle()));
    }
  }

  async close(): Promise<void> {
    this.speculative?.abort();
    this.reply?.abort();
    await Promise.allSettled([...this.tasks]);
  }

  /** Each reply gets its own compute lane (modelled time) and components that charge it. */
  private context(): ReplyContext {
    const { timing, components: c } = this.host;
    const lane = timing.replyLane();
    return {
      dialogue: timing.meterDialogue(c.dialogue, lane),
      tts: timing.meterTts(c.tts, lane),
      voice: c.voice,
      outputRate: this.host.sampleRate,
      options: c.options,
      stamp: () => lane.stamp(),
      committed: () => lane.catchUp(this.host.stamp()),
      onError: (component, e) => this.host.error(component, e),
      now: c.now,
      catchUp: () => lane.catchUp(this.host.stamp()),
      ...(this.host.tools.tools && { tools: this.replyTools() }),
    };
  }

  /** The tools as the session offers them now (a reply keeps the set it started with). */
  private replyTools(): ReplyTools {
    const t = this.host.tools.tools!;
    const o = this.host.toolOptions;
    return {
      specs: t.specs,
      choice: t.choice,
      afterCall: t.afterCall ?? 'answer',
      fillerAfterMs: o.fillerAfterMs,
      maxRounds: o.maxRounds,
      run: (calls, userText) => this.host.tools.run(calls, userText, true),
      timer: (seconds, cb) => this.host.clock.setTimer(seconds, cb),
      filler: () => {
        const text = o.fillers[this.fillers++ % Math.max(1, o.fillers.length)] ?? 'One moment.';
        this.host.emit({ type: 'tool_filler', t: this.host.stamp(), text });
        return text;
      },
    };
  }

  /** The reply becomes the agent's turn: committed, announced, and played in place of any other. */
  private start(task: ReplyTask, userText: string): void {
    task.commit();
    this.host.emit({ type: 'agent_reply_start', t: this.host.stamp(), userText });
    task.attach((clause) => this.host.emit({ type: 'agent_text', t: this.host.stamp(), text: clause }));
    this.reply?.abort();
    this.reply = task;
    this.host.output.play(task.utterance, this.host.stamp());
  }

  /** `u`'s words enter the history (appended, or in place of its entry at `at`). */
  private remember(u: AgentUtterance, m: DialogueMessage, at?: number): void {
    if (at === undefined) this.host.history.push(m);
    else this.host.history[at] = m;
    this.entries.set(u, m);
  }

  private track(task: ReplyTask): void {
    const p = task.done.catch((e) => this.host.error('engine', toFullduplexError(e)));
    this.tasks.add(p);
    void p.finally(() => this.tasks.delete(p));
  }
}

function clamp(n: number, max: number): number {
  return Math.max(0, Math.min(max, n));
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9' ]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** What a reply's tools show the model (the same set given again compares equal). */
function toolsKey(t: SessionTools | undefined): string {
  return t ? JSON.stringify([t.specs, t.choice ?? null, t.afterCall ?? null]) : '';
}
