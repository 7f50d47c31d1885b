/**
 * Moshi-protocol endpoint (also PersonaPlex's): GET /api/chat upgraded to a WebSocket of binary
 * messages, byte 0 the kind. The engine session is opened first (PersonaPlex's text_prompt becomes its
 * instructions), then the handshake goes out, then the OpusHead/OpusTags pages, then one Ogg page of
 * agent audio every `framesPerPage` × 20 ms — a continuous stream, silence included, as Moshi's model
 * speaks on every step. The agent's words go out as 0x02 text pieces. Client audio is an Ogg Opus
 * stream in any split; damage is answered with 0x05 error messages and never ends the session.
 */
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { RealClock } from '../../audio/clock.js';
import { StreamingResampler } from '../../audio/resampler.js';
import type { EngineEvent } from '../../engine/events.js';
import { ENGINE_SAMPLE_RATE, type ConversationSession } from '../../engine/session.js';
import { toFullduplexError } from '../../errors.js';
import { OggOpusStreamDecoder, OggOpusStreamEncoder, OPUS_SAMPLE_RATE_24K } from '../codecs/opus.js';
import { frameBeat, resolveLimits, type ProtocolEndpointDeps, type ProtocolEndpointLimits } from '../endpoint-deps.js';
import type { FrameCounter } from '../../server/metronome.js';
import { decodeMoshiMessage, encodeMoshiMessage, moshiHandshake, type MoshiMessage } from './messages.js';
import { defaultMoshiEndpointOptions, MOSHI_QUERY, type MoshiEndpointOptions } from './endpoint-options.js';

export const MOSHI_PATH = '/api/chat';

export interface MoshiEndpointDeps extends ProtocolEndpointDeps {
  moshi?: Partial<MoshiEndpointOptions>;
}

export function handleMoshiConnection(ws: WebSocket, req: IncomingMessage, deps: MoshiEndpointDeps): Promise<void> {
  return new MoshiConnection(ws, req, deps).finished;
}

/** The agent's words as Moshi's text stream pieces them: one word per message, a space before each. */
export function textPieces(clause: string): string[] {
  return clause.split(/\s+/).filter(Boolean).map((w) => ` ${w}`);
}

class MoshiConnection {
  readonly finished: Promise<void>;
  private readonly o: MoshiEndpointOptions;
  private readonly limits: ProtocolEndpointLimits;
  private readonly clock = new RealClock();
  private readonly textPrompt: string;
  private readonly voicePrompt: string;
  private session: ConversationSession | undefined;
  private encoder: OggOpusStreamEncoder | undefined;
  private resampler: StreamingResampler | undefined;
  private readonly decoder = new OggOpusStreamDecoder({ sampleRate: OPUS_SAMPLE_RATE_24K });
  private readonly beat: FrameCounter;
  private readonly early: Uint8Array[] = [];
  private backlogSamples = 0;
  private lastAudioError = -Infinity;
  private consecutiveErrors = 0;
  private closed = false;
  private expiry: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;

  constructor(
    private readonly ws: WebSocket,
    req: IncomingMessage,
    private readonly deps: MoshiEndpointDeps,
  ) {
    this.o = { ...defaultMoshiEndpointOptions, ...deps.moshi };
    this.limits = resolveLimits(deps.limits);
    const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
    this.textPrompt = q.get(MOSHI_QUERY.textPrompt) ?? '';
    this.voicePrompt = q.get(MOSHI_QUERY.voicePrompt) ?? '';
    this.beat = frameBeat(this.limits.frameMs, (n) => this.guard(() => this.output(n)));
    this.finished = new Promise((r) => (this.resolveFinished = r));
    ws.on('message', (data, isBinary) => this.guard(() => this.onMessage(data as Buffer, isBinary)));
    ws.on('close', () => void this.shutdown());
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
      const session = await this.deps.createSession({
        protocol: 'moshi',
        clock: this.clock,
        onEvent: (e) => this.onEngineEvent(e),
        ...(this.voicePrompt ? { voice: this.voicePrompt } : {}),
      });
      this.session = session;
      if (this.textPrompt.trim() !== '') session.addContext({ role: 'system', content: this.textPrompt }, 'instructions');
      this.resampler = await StreamingResampler.create(ENGINE_SAMPLE_RATE, OPUS_SAMPLE_RATE_24K);
      this.encoder = new OggOpusStreamEncoder({ framesPerPage: this.o.framesPerPage, ...(this.o.bitrate ? { bitrate: this.o.bitrate } : {}) });
    } catch (e) {
      const message = toFullduplexError(e).message;
      this.log(`session failed to start: ${message}`);
      this.sendMessage({ kind: 'error', message: `the engine could not start: ${message}` });
      return this.close(1011, 'engine failed to start');
    }
    if (this.closed) return void this.shutdownResources();
    if (this.o.sendMetadata) this.sendMessage({ kind: 'metadata', json: { model: 'fullduplex', text_prompt: this.textPrompt, voice_prompt: this.voicePrompt } });
    this.sendMessage(moshiHandshake(this.o.handshake));
    const headers = this.encoder.start();
    this.sendMessage({ kind: 'audio', data: concat(headers) });
    this.beat.start();
    this.expiry = setTimeout(() => this.close(1000, 'session time limit reached'), this.limits.maxSessionS * 1000);
    for (const m of this.early.splice(0)) this.audioIn(m);
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
    if (!this.session) {
      // A client that did not wait for the handshake: keep its audio for when the session is ready.
      if (this.early.reduce((n, b) => n + b.length, 0) < this.limits.maxMessageBytes) this.early.push(m.data.slice());
      return;
    }
    this.audioIn(m.data);
  }

  private audioIn(data: Uint8Array): void {
    const r = this.decoder.push(data);
    if (r.errors.length > 0) this.audioError(r.errors.map((e) => e.message).join('; '));
    if (r.pcm.length === 0 || !this.session) return;
    if (this.backlogSamples / OPUS_SAMPLE_RATE_24K > this.limits.maxInputBacklogS) return this.audioError('the engine is behind the audio sent; stream in real time (audio dropped)');
    this.backlogSamples += r.pcm.length;
    const n = r.pcm.length;
    void this.session.pushAudio(r.pcm, OPUS_SAMPLE_RATE_24K).finally(() => (this.backlogSamples -= n));
  }

  /** Damaged audio: said in a 0x05 message (rate-limited), the stream goes on. */
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

  private output(frames: number): void {
    if (!this.session || !this.encoder || !this.resampler) return;
    const pcm16k = this.session.pullAudio(frames * Math.round((ENGINE_SAMPLE_RATE * this.limits.frameMs) / 1000));
    for (const page of this.encoder.push(this.resampler.process(pcm16k))) this.sendMessage({ kind: 'audio', data: page });
  }

  private onEngineEvent(e: EngineEvent): void {
    if (this.closed) return;
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

  private close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
    void this.shutdown();
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.beat.stop();
    if (this.expiry) clearTimeout(this.expiry);
    await this.shutdownResources();
    this.resolveFinished();
  }

  private async shutdownResources(): Promise<void> {
    try {
      await this.session?.close();
    } catch (e) {
      this.log(`session close failed: ${toFullduplexError(e).message}`);
    }
    this.resampler?.destroy();
    this.resampler = undefined;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
