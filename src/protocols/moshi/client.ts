/**
 * A Moshi / PersonaPlex client that behaves like the reference web client: it opens /api/chat (with
 * PersonaPlex's text_prompt / voice_prompt when given), waits for the 0x00 handshake before sending any
 * audio, encodes the microphone as 24 kHz Opus in 20 ms frames, at most 2 frames per Ogg page, one page
 * per message, and gives up when the server says nothing for 10 s. The server's Ogg Opus stream is
 * decoded as it comes, in whatever split; its text pieces are collected.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FullduplexError } from '../../errors.js';
import { OggOpusStreamDecoder, OggOpusStreamEncoder, OPUS_SAMPLE_RATE_24K } from '../codecs/opus.js';
import { decodeMoshiMessage, encodeMoshiMessage, type MoshiMessage } from './messages.js';

export interface MoshiClientOptions {
  /** ws:// or wss:// URL of the chat endpoint, e.g. ws://127.0.0.1:8998/api/chat. */
  url: string;
  /** PersonaPlex persona text (sent as text_prompt; an empty string is sent too, as PersonaPlex requires the parameter). */
  textPrompt?: string;
  /** PersonaPlex voice file name, e.g. NATF0.pt. */
  voicePrompt?: string;
  /** Opus frames per Ogg page (the reference client: up to 2). */
  framesPerPage?: number;
  /** Waiting for the handshake (PersonaPlex conditions on its prompts first, which takes seconds), ms. */
  handshakeTimeoutMs?: number;
  /** Close when the server has sent nothing for this long (the reference client: 10 s), ms. */
  idleTimeoutMs?: number;
  /**
   * Digital silence in what the client sends (a scenario's padding; a microphone never has it) goes
   * out as the encoder's settled silence packet instead of being encoded frame by frame
   * (OggOpusStreamEncoder's `reuseSilence`). Default true.
   */
  reuseSilence?: boolean;
  headers?: Record<string, string>;
}

export const defaultMoshiClientOptions = { framesPerPage: 2, handshakeTimeoutMs: 60_000, idleTimeoutMs: 10_000, reuseSilence: true } as const;

export interface MoshiAudioChunk {
  /** Mono PCM16 at 24 kHz. */
  readonly pcm: Int16Array;
  /** performance.now() when the message carrying it arrived, ms. */
  readonly at: number;
}

export class MoshiClient {
  readonly audio: MoshiAudioChunk[] = [];
  readonly text: { text: string; at: number }[] = [];
  /** 0x05 messages and damage found in the server's audio. */
  readonly errors: string[] = [];
  /** Messages of kinds the client does not know, discarded as the protocol says. */
  unknownMessages = 0;
  closeCode: number | undefined;
  readonly closed: Promise<void>;
  onAudio: ((chunk: MoshiAudioChunk) => void) | undefined;
  private readonly encoder: OggOpusStreamEncoder;
  private readonly decoder = new OggOpusStreamDecoder({ sampleRate: OPUS_SAMPLE_RATE_24K });
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly handshake: Extract<MoshiMessage, { kind: 'handshake' }>,
    /** The server's 0x04 metadata (Rust servers send it before the handshake, this one right after). */
    public metadata: unknown,
    private readonly idleTimeoutMs: number,
    framesPerPage: number,
    reuseSilence: boolean,
  ) {
    this.encoder = new OggOpusStreamEncoder({ framesPerPage, reuseSilence });
    this.closed = new Promise((resolve) => ws.once('close', (code) => ((this.closeCode = code), this.stopIdle(), resolve())));
    this.touch();
  }

  /** The URL with PersonaPlex's prompt parameters added. */
  static chatUrl(o: MoshiClientOptions): URL {
    const url = new URL(o.url);
    if (o.textPrompt !== undefined) url.searchParams.set('text_prompt', o.textPrompt);
    if (o.voicePrompt !== undefined) url.searchParams.set('voice_prompt', o.voicePrompt);
    return url;
  }

  /** Connect and wait for the handshake; messages before it (metadata) are kept. */
  static async connect(o: MoshiClientOptions): Promise<MoshiClient> {
    const ws = new WebSocket(MoshiClient.chatUrl(o), { perMessageDeflate: false, headers: o.headers ?? {} });
    ws.binaryType = 'nodebuffer';
    ws.on('error', () => undefined);
    let metadata: unknown;
    // Messages right behind the handshake can arrive before the client object listens (ws emits
    // every message of one TCP read at once): they are kept and handed over.
    const behind: [Buffer, boolean][] = [];
    let shaken = false;
    const handshake = await new Promise<Extract<MoshiMessage, { kind: 'handshake' }>>((resolve, reject) => {
      const timer = setTimeout(() => (ws.terminate(), reject(new FullduplexError('TIMEOUT', 'no Moshi handshake in time'))), o.handshakeTimeoutMs ?? defaultMoshiClientOptions.handshakeTimeoutMs);
      const fail = (e: Error) => (clearTimeout(timer), reject(e));
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => fail(new FullduplexError('COMPONENT_FAILED', `the Moshi server refused the connection: HTTP ${res.statusCode}`)));
      ws.once('close', (code, reason) => fail(new FullduplexError('COMPONENT_FAILED', `closed before the handshake: ${code} ${reason.toString()}`)));
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (shaken) return void behind.push([data, isBinary]);
        if (!isBinary || data.length === 0) return;
        let m: MoshiMessage;
        try {
          m = decodeMoshiMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        } catch {
          return;
        }
        if (m.kind === 'metadata') metadata = m.json;
        if (m.kind !== 'handshake') return;
        clearTimeout(timer);
        shaken = true;
        ws.removeAllListeners('close');
        ws.removeAllListeners('unexpected-response');
        resolve(m);
      };
      ws.on('message', onMessage);
    });
    const client = new MoshiClient(ws, handshake, metadata, o.idleTimeoutMs ?? defaultMoshiClientOptions.idleTimeoutMs, o.framesPerPage ?? defaultMoshiClientOptions.framesPerPage, o.reuseSilence ?? defaultMoshiClientOptions.reuseSilence);
    ws.removeAllListeners('message');
    ws.on('message', (data: Buffer, isBinary: boolean) => client.onMessage(data, isBinary));
    for (const [data, isBinary] of behind.splice(0)) client.onMessage(data, isBinary);
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Microphone audio (mono PCM16, 24 kHz, any length): each completed Ogg page goes out as one message. */
  sendAudio(pcm24k: Int16Array): void {
    for (const page of this.encoder.push(pcm24k)) this.sendRaw(encodeMoshiMessage({ kind: 'audio', data: page }));
  }

  /** End the microphone stream (the last page, with end-of-stream). */
  endAudio(): void {
    for (const page of this.encoder.flush()) this.sendRaw(encodeMoshiMessage({ kind: 'audio', data: page }));
  }

  /** Any bytes as one message (tests use it for damaged input). */
  sendRaw(bytes: Uint8Array | string): void {
    if (this.open) this.ws.send(bytes, { binary: typeof bytes !== 'string' });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 3000);
    await this.closed;
    clearTimeout(timer);
  }

  /** @internal one server message (connect() routes them here). */
  onMessage(data: Buffer, isBinary: boolean): void {
    this.touch();
    if (!isBinary) return void this.errors.push('the server sent a text frame');
    let m: MoshiMessage;
    try {
      m = decodeMoshiMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    } catch (e) {
      return void this.errors.push((e as Error).message);
    }
    const at = performance.now();
    switch (m.kind) {
      case 'audio': {
        const r = this.decoder.push(m.data);
        for (const e of r.errors) this.errors.push(`server audio: ${e.message}`);
        if (r.pcm.length > 0) {
          const chunk = { pcm: r.pcm, at };
          this.audio.push(chunk);
          this.onAudio?.(chunk);
        }
        return;
      }
      case 'text':
        return void this.text.push({ text: m.text, at });
      case 'coloredText':
        return void this.text.push({ text: m.text, at });
      case 'error':
        return void this.errors.push(m.message);
      case 'metadata':
        this.metadata = m.json;
        return;
      case 'unknown':
        this.unknownMessages++;
        return;
      default:
        return; // handshake again, control, ping: nothing to do
    }
  }

  private touch(): void {
    this.stopIdle();
    this.idleTimer = setTimeout(() => this.ws.close(1000, 'no message from the server for too long'), this.idleTimeoutMs);
  }

  private stopIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/** All text pieces joined as Moshi's clients show them. */
export function moshiTranscript(pieces: readonly { text: string }[]): string {
  return pieces.map((p) => p.text).join('').trim();
}
