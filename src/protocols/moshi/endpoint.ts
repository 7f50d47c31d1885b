/**
 * Moshi-protocol endpoint (also PersonaPlex's): GET /api/chat upgraded to a WebSocket of binary
 * messages, byte 0 the kind. A thin adapter over the server's live runtime (a SessionHost: worker
 * threads, the warm engine pool, the real-time beat, recordings): the session is opened first
 * (PersonaPlex's text_prompt becomes its instructions), then the handshake goes out, then the
 * OpusHead/OpusTags pages, then the agent's audio as Ogg pages, a continuous stream, silence included,
 * as Moshi's model speaks on every step. The agent's words go out as 0x02 text pieces. Client audio
 * is an Ogg Opus stream in any split; damage is answered with 0x05 error messages and never ends the session.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { concatBytes } from '../../audio/frame.js';
import { LIVE_RESAMPLER_QUALITY, StreamingResampler } from '../../audio/resampler.js';
import type { EngineEvent } from '../../engine/events.js';
import { ENGINE_SAMPLE_RATE } from '../../engine/session.js';
import { toFullduplexError } from '../../errors.js';
import { PROTOCOL_VERSION, type ServerMessage, type StartMessage } from '../../server/protocol.js';
import type { SessionHandle } from '../../server/session-host.js';
import { OggOpusStreamDecoder, OggOpusStreamEncoder, OPUS_SAMPLE_RATE_24K } from '../codecs/opus.js';
import { resolveLimits, type ProtocolEndpointDeps, type ProtocolEndpointLimits } from '../endpoint-deps.js';
import { decodeMoshiMessage, encodeMoshiMessage, moshiHandshake, type MoshiMessage } from './messages.js';
import { defaultMoshiEndpointOptions, MOSHI_QUERY, type MoshiEndpointOptions } from './endpoint-options.js';
import { moshiServerInfo } from './metadata.js';
import { keyedStartOptions, type KeyedStartOptions } from '../../server/keyed-session.js';

export const MOSHI_PATH = '/api/chat';

export interface MoshiEndpointDeps extends ProtocolEndpointDeps {
  moshi?: Partial<MoshiEndpointOptions>;
  /** The session configuration of the ephemeral key the connection presented (the query's own settings win). */
  sessionFor?: (req: IncomingMessage) => Record<string, unknown> | undefined;
}

export function handleMoshiConnection(ws: WebSocket, req: IncomingMessage, deps: MoshiEndpointDeps): Promise<void> {
  return new MoshiConnection(ws, req, deps).finished;
}

/** The agent's words as Moshi's text stream pieces them: one word per message, a space before each. */
export function textPieces(clause: string): string[] {
  return clause.split(/\s+/).filter(Boolean).map((w) => ` ${w}`);
}

export class MoshiConnection {
  readonly finished: Promise<void>;
  private readonly o: MoshiEndpointOptions;
  private readonly limits: ProtocolEndpointLimits;
  private readonly query: URLSearchParams;
  private readonly textPrompt: string;
  private readonly voicePrompt: string;
  /** The session settings of the ephemeral key the connection was opened with. */
  private readonly keyed: KeyedStartOptions;
  private handle: SessionHandle | undefined;
  private readonly encoder: OggOpusStreamEncoder;
  private resampler: StreamingResampler | undefined;
  private readonly decoder = new OggOpusStreamDecoder({ sampleRate: OPUS_SAMPLE_RATE_24K });
  private readonly early: Uint8Array[] = [];
  /** The stream has begun (handshake and Opus headers sent): audio pages may follow. */
  private streaming = false;
  private lastAudioError = -Infinity;
  private consecutiveErrors = 0;
  private closed = false;
  private expiry: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;
  /** Why the session ended, for its recording (the first reason given wins). */
  private endReason: string | undefined;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly deps: MoshiEndpointDeps,
  ) {
    this.o = { ...defaultMoshiEndpointOptions, ...deps.moshi };
    this.limits = resolveLimits(deps.limits);
    const q = (this.query = new URL(req.url ?? '/', 'http://localhost').searchParams);
    this.textPrompt = q.get(MOSHI_QUERY.textPrompt) ?? '';
    this.voicePrompt = q.get(MOSHI_QUERY.voicePrompt) ?? '';
    this.keyed = keyedStartOptions(deps.sessionFor?.(req), deps.host.voices, (line) => this.log(line));
    // The agent's silence between replies is exact zeros: its resampling and encoding are skipped.
    this.encoder = new OggOpusStreamEncoder({ framesPerPage: this.o.framesPerPage, reuseSilence: true, ...(this.o.bitrate ? { bitrate: this.o.bitrate } : {}) });
    this.finished = new Promise((r) => (this.resolveFinished = r));
    ws.on('message', (data, isBinary) => this.guard(() => this.onMessage(data as Buffer, isBinary)));
    ws.on('close', () => {
      this.endReason ??= 'the client closed the connection';
      void this.shutdown();
    });
    ws.on('error', () => undefined);
    void this.start();
  }

  private log(line: string): void {
    this.deps.log?.(`moshi: ${line}`);
  }

  private sendMessage(m: MoshiMessage | Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(m instanceof Uint8Array ? m : encodeMoshiMessage(m), { binary: true });
  }

  private async start(): Promise<void> {
    try {
      // The resampler (warm from the pool, else a WASM load) and the engine session, side by side.
      const resampler = this.deps.resamplers ? this.deps.resamplers.take(ENGINE_SAMPLE_RATE, OPUS_SAMPLE_RATE_24K) : StreamingResampler.create(ENGINE_SAMPLE_RATE, OPUS_SAMPLE_RATE_24K, { quality: LIVE_RESAMPLER_QUALITY });
      void resampler.then((r) => (this.closed ? this.giveBack(r) : (this.resampler = r))).catch(() => undefined);
      const opened = this.deps.host.open({ id: `moshi-${randomBytes(4).toString('hex')}`, start: this.startMessage() }, {
        audio: (samples) => this.guard(() => this.output(samples)),
        message: (m) => this.guard(() => this.onServerMessage(m)),
        error: (_code, message) => this.audioError(message),
        fatal: (message) => {
          this.sendMessage({ kind: 'error', message: message.slice(0, 300) });
          this.close(1011, 'engine failed');
        },
      });
      const [, { handle }] = await Promise.all([resampler, opened]);
      this.handle = handle;
      this.deps.liveSessions?.add(handle);
    } catch (e) {
      const message = toFullduplexError(e).message;
      this.log(`session failed to start: ${message}`);
      this.sendMessage({ kind: 'error', message: `the engine could not start: ${message}` });
      return this.close(1011, 'engine failed to start');
    }
    if (this.closed) return void this.shutdownResources();
    this.sendMessage(moshiHandshake(this.o.handshake));
    this.sendMessage({ kind: 'audio', data: concatBytes(this.encoder.start()) });
    // Behind the Opus headers, which clients expect right after the handshake.
    if (this.o.sendMetadata) this.sendMessage({ kind: 'metadata', json: moshiServerInfo(this.query, this.o) });
    this.streaming = true;
    this.expiry = setTimeout(() => this.close(1000, 'session time limit reached'), this.limits.maxSessionS * 1000);
    for (const m of this.early.splice(0)) this.audioIn(m);
  }

  /**
   * The session as the native protocol's `start` says it: 24 kHz input, the prompt as instructions, a
   * voice we have; an ephemeral key's settings where the query names none.
   */
  private startMessage(): StartMessage {
    // Only a voice the synthesizer has; PersonaPlex voice files (NATF0.pt) are not ours.
    const asked = this.voicePrompt.replace(/\.[a-z0-9]+$/i, '');
    const voice = asked && this.deps.host.voices.includes(asked) ? asked : undefined;
    const instructions = this.textPrompt.trim();
    return { type: 'start', protocol: PROTOCOL_VERSION, inputSampleRate: OPUS_SAMPLE_RATE_24K, client: 'moshi', ...this.keyed, ...(voice && { voice }), ...(instructions && { instructions }) };
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) return this.reject('Moshi messages are binary (byte 0: the kind); a text frame was ignored');
    let m: MoshiMessage;
    try {
      m = decodeMoshiMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (e) {
      return this.reject(toFullduplexError(e).message);
    }
    this.consecutiveErrors = 0;
    if (m.kind !== 'audio') return; // control, ping, metadata, text from a client, unknown kinds: discarded
    if (!this.streaming) {
      // A client that did not wait for the handshake: keep its audio for when the session is ready.
      if (this.early.reduce((n, b) => n + b.length, 0) < this.limits.maxMessageBytes) this.early.push(m.data.slice());
      return;
    }
    this.audioIn(m.data);
  }

  private audioIn(data: Uint8Array): void {
    const r = this.decoder.push(data);
    if (r.errors.length > 0) this.audioError(r.errors.map((e) => e.message).join('; '));
    if (r.pcm.length > 0) this.handle?.input(r.pcm); // the live runtime drops audio sent faster than real time
  }

  /** Damaged or excess audio: said in a 0x05 message (rate-limited), the stream goes on. */
  private audioError(message: string): void {
    const now = performance.now();
    if (now - this.lastAudioError < this.o.audioErrorIntervalMs) return;
    this.lastAudioError = now;
    this.sendMessage({ kind: 'error', message: `audio: ${message.slice(0, 300)}` });
  }

  private reject(message: string): void {
    this.sendMessage({ kind: 'error', message: message.slice(0, 300) });
    if (++this.consecutiveErrors >= this.limits.maxConsecutiveErrors) this.close(1008, 'too many invalid messages');
  }

  /** One beat's agent audio (16 kHz) from the live runtime, out as Ogg pages at 24 kHz. */
  private output(pcm16k: Int16Array): void {
    if (!this.streaming || !this.resampler || this.closed) return;
    for (const page of this.encoder.push(this.resampler.process(pcm16k, { skipDigitalSilence: true }))) this.sendMessage({ kind: 'audio', data: page });
  }

  private onServerMessage(m: ServerMessage): void {
    if (this.closed || m.type !== 'event') return; // flush, spoken: the Moshi client has no use for them
    const e: EngineEvent = m.event;
    if (e.type === 'agent_text') for (const piece of textPieces(e.text)) this.sendMessage({ kind: 'text', text: piece });
    else if (e.type === 'error') this.sendMessage({ kind: 'error', message: `${e.component}: ${e.message}`.slice(0, 300) });
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log(`internal error: ${toFullduplexError(e).message}`);
      this.sendMessage({ kind: 'error', message: 'internal error' });
      this.close(1011, 'internal error');
    }
  }

  /**
   * The server's drain (src/server/drain.ts): the agent says `text` (its audio in the Ogg stream, its
   * words as 0x02 text pieces), the stream ends (EOS page), then close 1001. Bounded by `maxMs`
   * whatever the session does; resolves when the connection has closed.
   */
  async farewell(text: string, maxMs: number): Promise<void> {
    if (this.closed) return;
    const deadline = Date.now() + maxMs;
    const handle = this.handle;
    if (this.streaming && handle) {
      try {
        await Promise.race([handle.farewell(text, maxMs), sleep(maxMs)]);
        if (!this.closed && this.streaming) {
          this.streaming = false; // no audio after the last page
          for (const page of this.encoder.flush()) this.sendMessage({ kind: 'audio', data: page });
        }
      } catch (e) {
        this.log(`goodbye failed: ${toFullduplexError(e).message}`);
      }
    }
    this.close(1001, 'the server is shutting down');
    await Promise.race([this.finished, sleep(Math.max(0, deadline - Date.now()))]);
  }

  /** Close the socket (`reason` is also the recording's end reason) and end the session. */
  close(code: number, reason: string): void {
    this.endReason ??= reason;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    void this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.expiry) clearTimeout(this.expiry);
    await this.shutdownResources();
    this.resolveFinished();
  }

  private async shutdownResources(): Promise<void> {
    if (this.handle) this.deps.liveSessions?.delete(this.handle);
    try {
      await this.handle?.close(this.endReason ?? 'the client closed the connection');
    } catch (e) {
      this.log(`session close failed: ${toFullduplexError(e).message}`);
    }
    this.handle = undefined;
    if (this.resampler) this.giveBack(this.resampler);
    this.resampler = undefined;
  }

  private giveBack(r: StreamingResampler): void {
    if (this.deps.resamplers) this.deps.resamplers.give(r);
    else r.destroy();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
