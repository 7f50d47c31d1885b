/**
 * One WebSocket connection: the protocol's state machine (awaiting `start` → starting → live → ended),
 * its limits, and its errors. Every handler is fenced, so whatever one client sends — or whatever fails
 * in its session — ends at most that connection, never the server or another session.
 */
import type { RawData, WebSocket } from 'ws';
import type { ServerOptions } from './options.js';
import type { AdmissionSlot } from './admission.js';
import type { SessionHandle, SessionHost } from './session-host.js';
import type { KeyedStartOptions } from './keyed-session.js';
import { CloseCode, decodeAudioFrame, encodeAudioFrame, parseClientMessage, ProtocolError, type ClientMessage, type ProtocolErrorCode, type ServerMessage, type StartMessage } from './protocol.js';

export interface ConnectionContext {
  readonly options: ServerOptions;
  readonly host: SessionHost;
  /** Take a session slot (shared with the other transports); undefined when `limits.maxSessions` are live. */
  reserveSlot(): AdmissionSlot | undefined;
  newSessionId(): string;
  /** The server is draining (drain.ts): a `start` now is refused. */
  draining(): boolean;
  /** Every error message this connection sends (for /metrics), reported or suppressed. */
  errorSent(code: ProtocolErrorCode): void;
}

type State = 'awaiting_start' | 'starting' | 'live' | 'ended';

/** Stop sending audio to a client that does not read it once this much is queued in the socket, bytes. */
const MAX_SOCKET_BACKLOG_BYTES = 1 << 20;

export class Connection {
  private state: State = 'awaiting_start';
  private live: SessionHandle | undefined;
  private slot: AdmissionSlot | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private errorWindowStart = 0;
  private errorsInWindow = 0;
  private suppressedErrors = 0;
  /** Audio frames not sent because the client was not reading them. */
  droppedOutputFrames = 0;
  private ended: Promise<void> | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: ConnectionContext,
    readonly remote: string,
    /** The session settings of the ephemeral key the connection was opened with (keyed-session.ts). */
    private readonly keyed: KeyedStartOptions = {},
  ) {
    const limits = ctx.options.limits;
    this.timers.push(setTimeout(() => this.state === 'awaiting_start' && this.fail('START_TIMEOUT', CloseCode.START_TIMEOUT, `no start message within ${limits.startTimeoutSeconds} s`), limits.startTimeoutSeconds * 1000));
    ws.on('message', (data, isBinary) => this.fenced(() => this.onMessage(data, isBinary)));
    ws.on('close', (code) => void this.end(code, code === CloseCode.TOO_BIG ? 'a message exceeded the size limit' : 'the connection closed'));
    ws.on('error', (e) => this.log(`socket error: ${e.message}`));
  }

  get sessionId(): string | undefined {
    return this.live?.id;
  }

  /** The live session's statistics, for /v1/stats. */
  async stats(): Promise<Record<string, unknown> | undefined> {
    const s = await this.live?.stats().catch(() => undefined);
    return this.live && s ? { id: this.live.id, droppedOutputFrames: this.droppedOutputFrames, ...s } : undefined;
  }

  /** Close with `code` (after telling the client why, if it can still hear it) and finish the session. */
  end(code: number, reason: string): Promise<void> {
    this.ended ??= (async () => {
      this.state = 'ended';
      for (const t of this.timers) clearTimeout(t);
      if (this.ws.readyState === this.ws.OPEN) {
        this.send({ type: 'end', code, reason });
        this.ws.close(code, closeReason(reason));
      }
      const live = this.live;
      if (live) {
        const dir = await live.close(reason).catch((e: Error) => void this.log(`session ${live.id} did not close cleanly: ${e.message}`));
        this.log(`session ${live.id} ended (${code}: ${reason})${dir ? `; recorded in ${dir}` : ''}`);
      }
      this.slot?.release();
      this.slot = undefined;
    })();
    return this.ended;
  }

  /** The drain's goodbye: the agent says `text` (if a session is live), then the connection closes. */
  async farewell(text: string, maxMs: number, code: number, reason: string): Promise<void> {
    if (this.state === 'live' && this.live) await this.live.farewell(text, maxMs).catch((e: Error) => this.log(`goodbye failed: ${e.message}`));
    await this.end(code, reason);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === 'ended') return;
    const bytes = toBuffer(data);
    const limits = this.ctx.options.limits;
    if (isBinary) {
      if (bytes.byteLength > limits.maxAudioFrameBytes) return this.error('MESSAGE_TOO_LARGE', `audio frames are limited to ${limits.maxAudioFrameBytes} bytes (got ${bytes.byteLength}); frame dropped`);
      if (this.state !== 'live') return this.error('NOT_STARTED', 'audio before the session is ready is ignored');
      try {
        this.live!.input(decodeAudioFrame(bytes));
      } catch (e) {
        this.error(codeOf(e, 'BAD_AUDIO'), (e as Error).message);
      }
      return;
    }
    if (bytes.byteLength > limits.maxControlBytes) return this.error('MESSAGE_TOO_LARGE', `control messages are limited to ${limits.maxControlBytes} bytes; message dropped`);
    let m: ClientMessage;
    try {
      m = parseClientMessage(bytes.toString('utf8'));
    } catch (e) {
      const code = codeOf(e, 'BAD_MESSAGE');
      // A start this server cannot honour cannot be retried on the same connection.
      if (code === 'UNSUPPORTED' && this.state === 'awaiting_start') return this.fail(code, CloseCode.PROTOCOL_ERROR, (e as Error).message);
      return this.error(code, (e as Error).message);
    }
    this.dispatch(m);
  }

  private dispatch(m: ClientMessage): void {
    if (m.type === 'ping') return this.send(m.id === undefined ? { type: 'pong' } : { type: 'pong', id: m.id });
    if (m.type === 'start') {
      if (this.state !== 'awaiting_start') return this.error('ALREADY_STARTED', 'this connection already has a session');
      return void this.begin(m);
    }
    if (m.type === 'stop') return void this.end(CloseCode.NORMAL, 'the client ended the session');
    if (this.state !== 'live') return this.error('NOT_STARTED', `'${m.type}' needs a live session`);
    if (m.type === 'playback') this.live!.playback(m);
    else if (m.type === 'flushed') this.live!.flushed(m);
    else if (m.type === 'text') this.live!.text(m);
    else if (m.type === 'control') void this.live!.control(m); // a failed call is reported through the sink
    else if (m.type === 'tool_result') this.live!.toolResult(m);
  }

  private async begin(asked: StartMessage): Promise<void> {
    const o = this.ctx.options;
    // The key's settings under the client's own: what the client names explicitly wins.
    const start: StartMessage = { ...this.keyed, ...definedOnly(asked) };
    if (start.voice !== undefined && !this.ctx.host.voices.includes(start.voice)) {
      return this.error('UNSUPPORTED', `voice '${start.voice}' is not available (voices: ${this.ctx.host.voices.join(', ')})`);
    }
    if (this.ctx.draining()) return this.fail('SHUTTING_DOWN', CloseCode.TRY_AGAIN_LATER, 'the server is draining (shutting down); connect again to reach another instance');
    this.slot = this.ctx.reserveSlot();
    if (!this.slot) return this.fail('SERVER_FULL', CloseCode.TRY_AGAIN_LATER, `the server is at its limit of ${o.limits.maxSessions} sessions; try again in ${o.limits.retryAfterSeconds} s`);
    this.state = 'starting';
    const id = this.ctx.newSessionId();
    try {
      const { handle, ready } = await this.ctx.host.open(
        { id, start },
        {
          audio: (samples) => this.sendAudio(samples),
          message: (msg) => this.send(msg),
          error: (code, message) => this.error(code, message),
          fatal: (message) => this.fail('SESSION_FAILED', CloseCode.INTERNAL, message),
        },
      );
      if (this.state !== 'starting') {
        // The client left while the engine was loading.
        await handle.close('client left before the session was ready');
        return;
      }
      this.live = handle;
      this.state = 'live';
      this.send(ready);
      this.timers.push(setTimeout(() => this.fail('SESSION_TOO_LONG', CloseCode.SESSION_TOO_LONG, `sessions are limited to ${o.limits.maxSessionSeconds} s`), o.limits.maxSessionSeconds * 1000));
      this.log(`session ${id} started for ${this.remote} (${start.client ?? 'unnamed client'}, input ${start.inputSampleRate} Hz)`);
    } catch (e) {
      this.log(`session ${id} failed to start: ${(e as Error).message}`);
      this.fail('SESSION_FAILED', CloseCode.INTERNAL, `the session could not start: ${(e as Error).message}`);
    }
  }

  private sendAudio(samples: Int16Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > MAX_SOCKET_BACKLOG_BYTES) {
      this.droppedOutputFrames++;
      return;
    }
    this.ws.send(encodeAudioFrame(samples), { binary: true });
  }

  private send(m: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(JSON.stringify(m));
  }

  /** A recoverable error: tell the client (at most maxErrorsPerSecond; the rest are counted). */
  private error(code: ProtocolErrorCode, message: string): void {
    this.ctx.errorSent(code);
    const now = Date.now();
    if (now - this.errorWindowStart >= 1000) {
      this.errorWindowStart = now;
      this.errorsInWindow = 0;
    }
    if (++this.errorsInWindow > this.ctx.options.limits.maxErrorsPerSecond) {
      this.suppressedErrors++;
      return;
    }
    const note = this.suppressedErrors > 0 ? ` (${this.suppressedErrors} more errors were not reported)` : '';
    this.suppressedErrors = 0;
    this.send({ type: 'error', code, message: message + note, fatal: false });
  }

  /** An error that ends the connection. */
  private fail(code: ProtocolErrorCode, closeCode: number, message: string): void {
    this.ctx.errorSent(code);
    this.send({ type: 'error', code, message, fatal: true });
    void this.end(closeCode, message);
  }

  private fenced(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log(`internal error: ${(e as Error).stack ?? String(e)}`);
      this.fail('SESSION_FAILED', CloseCode.INTERNAL, 'internal error');
    }
  }

  private log(line: string): void {
    this.ctx.options.log(`[${new Date().toISOString()}] ${this.remote}: ${line}`);
  }
}

/** `m` without its undefined fields (so spreading it does not erase defaults under it). */
function definedOnly<T extends object>(m: T): T {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as T;
}

/** A close reason fits in 123 bytes of UTF-8 (the rest of a close frame's 125). */
function closeReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function codeOf(e: unknown, fallback: ProtocolErrorCode): ProtocolErrorCode {
  return e instanceof ProtocolError ? e.code : fallback;
}
