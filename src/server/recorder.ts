/**
 * Each session's record on disk, written as it happens so that a kill -9 of the server loses at
 * most `flushMs` of audio and nothing of a finished turn:
 *
 *   <sessionsDir>/<date>-<id>/conversation.wav   two channels at 16 kHz: user left, agent right
 *                            /events.jsonl       every engine event, one JSON object per line
 *                            /transcript.txt     one line per finished turn (interrupted turns marked)
 *                            /session.json       configuration; rewritten with statistics at the end
 *
 * Writes are synchronous appends: they reach the OS page cache at once (which survives the process),
 * and their order (audio before the WAV header's sizes) is what makes every prefix readable.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WavFileWriter } from '../audio/wav.js';
import type { StreamingResampler } from '../audio/resampler.js';
import { threadResamplers } from '../audio/resampler-pool.js';
import type { EngineEvent } from '../engine/events.js';
import type { RecordingOptions } from './options.js';

const RATE = 16000;

export class SessionRecorder {
  readonly dir: string;
  private readonly wav: WavFileWriter;
  private readonly user: Int16Array[] = [];
  private readonly agent: Int16Array[] = [];
  private userQueued = 0;
  private agentQueued = 0;
  private lastFlush = 0;
  private replyText: string[] = [];
  private failed = false;
  private closed = false;

  private constructor(
    private readonly o: RecordingOptions,
    dir: string,
    private readonly meta: Record<string, unknown>,
    private readonly resampler: StreamingResampler | undefined,
    private readonly onError: (message: string) => void,
  ) {
    this.dir = dir;
    this.wav = new WavFileWriter(join(dir, 'conversation.wav'), RATE, 2);
  }

  /** Undefined when recording is disabled (`sessionsDir` is ''). */
  static async create(o: RecordingOptions, id: string, inputRate: number, meta: Record<string, unknown>, onError: (m: string) => void): Promise<SessionRecorder | undefined> {
    if (!o.sessionsDir) return undefined;
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const dir = join(o.sessionsDir, `${stamp}-${id}`);
    mkdirSync(dir, { recursive: true });
    const head = { id, started: new Date().toISOString(), ...meta };
    writeFileSync(join(dir, 'session.json'), JSON.stringify(head, null, 2) + '\n');
    writeFileSync(join(dir, 'transcript.txt'), '');
    writeFileSync(join(dir, 'events.jsonl'), '');
    const resampler = inputRate === RATE ? undefined : await threadResamplers.take(inputRate, RATE);
    return new SessionRecorder(o, dir, head, resampler, onError);
  }

  /** User audio as received (the client's rate). */
  userAudio(samples: Int16Array): void {
    if (this.closed) return;
    const pcm = this.resampler ? this.resampler.process(samples) : samples;
    if (pcm.length === 0) return;
    this.user.push(pcm);
    this.userQueued += pcm.length;
  }

  /** Agent audio exactly as sent to the client (16 kHz). */
  agentAudio(samples: Int16Array): void {
    if (this.closed) return;
    this.agent.push(samples);
    this.agentQueued += samples.length;
  }

  /** Write queued audio if `flushMs` has passed (called on every output frame). */
  maybeFlush(nowMs: number): void {
    if (nowMs - this.lastFlush < this.o.flushMs) return;
    this.lastFlush = nowMs;
    this.flushAudio(false);
  }

  event(e: EngineEvent): void {
    if (this.closed) return;
    this.append('events.jsonl', JSON.stringify(e) + '\n');
    const line = this.transcriptLine(e);
    if (line) {
      // A turn's line is written only after its audio, so a turn readable in the transcript is in the WAV too.
      this.flushAudio(false);
      this.append('transcript.txt', line + '\n');
    }
  }

  /** Write everything (padding the shorter channel), add statistics to session.json, close. */
  close(meta: Record<string, unknown>): void {
    if (this.closed) return;
    this.flushAudio(true);
    this.closed = true;
    try {
      this.wav.close();
      writeFileSync(join(this.dir, 'session.json'), JSON.stringify({ ...this.meta, ended: new Date().toISOString(), ...meta }, null, 2) + '\n');
    } catch (e) {
      this.fail(e);
    } finally {
      if (this.resampler) threadResamplers.give(this.resampler);
    }
  }

  private transcriptLine(e: EngineEvent): string | undefined {
    const at = `[${e.t.toFixed(2).padStart(7)} s]`;
    switch (e.type) {
      case 'transcript_final':
        return e.text.trim() ? `${at} user:  ${e.text.trim()}` : undefined;
      case 'user_text':
        return `${at} user (typed):  ${e.text.trim()}`;
      case 'agent_reply_start':
        this.replyText = [];
        return undefined;
      case 'agent_text':
        this.replyText.push(e.text);
        return undefined;
      case 'backchannel':
        return `${at} agent: (${e.text})`;
      case 'tool_call':
        return `${at} agent calls ${e.name}(${e.arguments.slice(0, 200)})`;
      case 'tool_result':
        return `${at} ${e.name} ${e.isError ? 'failed' : 'answers'}: ${e.output.slice(0, 200)}`;
      case 'agent_speech_stop':
        return e.kind === 'reply' && e.reason === 'completed' ? `${at} agent: ${this.replyText.join(' ')}` : undefined;
      case 'agent_speech_truncated':
        return `${at} agent: ${e.heardText} [interrupted after ${e.playedSeconds.toFixed(1)} s; not heard: "${unheard(e.heardText, e.fullText)}"]`;
      default:
        return undefined;
    }
  }

  /** Interleave both channels as far as both have audio; pad a channel that lags too far (or at the end). */
  private flushAudio(final: boolean): void {
    if (this.failed) return;
    const skew = this.o.maxChannelSkewSeconds * RATE;
    if (final || this.agentQueued - this.userQueued > skew) this.pad(this.user, this.agentQueued - this.userQueued, 'user');
    if (final || this.userQueued - this.agentQueued > skew) this.pad(this.agent, this.userQueued - this.agentQueued, 'agent');
    const n = Math.min(this.userQueued, this.agentQueued);
    if (n === 0) return;
    try {
      this.wav.appendFrames([take(this.user, n), take(this.agent, n)]);
      this.userQueued -= n;
      this.agentQueued -= n;
    } catch (e) {
      this.fail(e);
    }
  }

  private pad(queue: Int16Array[], n: number, which: 'user' | 'agent'): void {
    if (n <= 0) return;
    queue.push(new Int16Array(n));
    if (which === 'user') this.userQueued += n;
    else this.agentQueued += n;
  }

  private append(file: string, text: string): void {
    if (this.failed) return;
    try {
      appendFileSync(join(this.dir, file), text);
    } catch (e) {
      this.fail(e);
    }
  }

  /** A full disk must not end the conversation: report once, stop recording. */
  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onError(`recording to ${this.dir} stopped: ${(e as Error).message}`);
  }
}

/** Remove and return the first n samples of a queue of chunks. */
function take(queue: Int16Array[], n: number): Int16Array {
  const out = new Int16Array(n);
  let o = 0;
  while (o < n) {
    const head = queue[0]!;
    const k = Math.min(head.length, n - o);
    out.set(head.subarray(0, k), o);
    o += k;
    if (k === head.length) queue.shift();
    else queue[0] = head.subarray(k);
  }
  return out;
}

function unheard(heard: string, full: string): string {
  const rest = full.startsWith(heard) ? full.slice(heard.length) : full;
  const t = rest.trim();
  return t.length > 80 ? t.slice(0, 77) + '…' : t;
}
