/**
 * A Gemini Live (BidiGenerateContent) client for benchmarking: `setup` first (audio responses, both
 * transcriptions on), then microphone audio as `realtimeInput.audio` (PCM16, 16 kHz), and the model's
 * `serverContent` read back: audio parts with their arrival time, `interrupted` (the client must drop
 * what it has queued), transcriptions and turn boundaries. Frames may come as text or binary JSON.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FullduplexError } from '../../errors.js';
import { geminiRealtimeAudio, GEMINI_INPUT_SAMPLE_RATE, modelTurnAudio, parseGeminiServerMessage, type GeminiServerMessage, type GeminiSetup } from './messages.js';

export interface GeminiLiveClientOptions {
  /** ws:// or wss:// URL of the BidiGenerateContent endpoint. */
  url: string;
  /** Sent as the `key` query parameter, as Google's endpoint expects. */
  apiKey?: string;
  /** e.g. models/gemini-live-2.5-flash-preview */
  model: string;
  systemInstruction?: string;
  /** A prebuilt voice name (speechConfig). */
  voice?: string;
  /** Extra setup fields (realtimeInputConfig, …), merged last. */
  setup?: Partial<GeminiSetup>;
  setupTimeoutMs?: number;
}

const DEFAULT_SETUP_TIMEOUT_MS = 30_000;

export interface GeminiAudioChunk {
  /** Mono PCM16 at the chunk's rate (24 kHz from Gemini). */
  readonly pcm: Int16Array;
  readonly sampleRate: number;
  readonly at: number;
}

export class GeminiLiveClient {
  readonly messages: { message: GeminiServerMessage; at: number }[] = [];
  readonly errors: string[] = [];
  readonly inputTranscript: string[] = [];
  readonly outputTranscript: string[] = [];
  onAudio: ((c: GeminiAudioChunk) => void) | undefined;
  /** The model stopped because the user barged in: drop queued audio. */
  onInterrupted: ((at: number) => void) | undefined;
  closeCode: number | undefined;
  closeReason = '';
  readonly closed: Promise<void>;

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((r) => ws.once('close', (code, reason) => ((this.closeCode = code), (this.closeReason = reason.toString()), r())));
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(isBinary ? data : data.toString('utf8')));
  }

  static async connect(o: GeminiLiveClientOptions): Promise<GeminiLiveClient> {
    const url = new URL(o.url);
    if (o.apiKey) url.searchParams.set('key', o.apiKey);
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 << 20 });
    ws.on('error', () => undefined);
    const c = new GeminiLiveClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new FullduplexError('COMPONENT_FAILED', `the Gemini Live server refused the connection: HTTP ${res.statusCode}`)));
    });
    const setup: GeminiSetup = {
      model: o.model,
      generationConfig: { responseModalities: ['AUDIO'], ...(o.voice ? { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: o.voice } } } } : {}) },
      ...(o.systemInstruction ? { systemInstruction: { parts: [{ text: o.systemInstruction }] } } : {}),
      inputAudioTranscription: {},
      outputAudioTranscription: {},
      ...o.setup,
    };
    c.send({ setup });
    await c.waitForSetup(o.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS);
    return c;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: Record<string, unknown>): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  /** Microphone audio, PCM16 at 16 kHz (the rate the API documents for input). */
  sendAudio(pcm16k: Int16Array): void {
    if (this.open) this.ws.send(geminiRealtimeAudio({ samples: pcm16k, sampleRate: GEMINI_INPUT_SAMPLE_RATE }));
  }

  /** The microphone paused: the server may flush what it has cached. */
  audioStreamEnd(): void {
    this.send({ realtimeInput: { audioStreamEnd: true } });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 3000);
    await this.closed;
    clearTimeout(timer);
  }

  private waitForSetup(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new FullduplexError('TIMEOUT', `no setupComplete within ${timeoutMs} ms`)), timeoutMs);
      const check = setInterval(() => {
        if (this.messages.some((m) => m.message.setupComplete !== undefined)) done(resolve);
      }, 10);
      const done = (f: () => void) => (clearTimeout(timer), clearInterval(check), f());
      void this.closed.then(() => done(() => reject(new FullduplexError('COMPONENT_FAILED', `closed before setupComplete: ${this.closeCode} ${this.closeReason}`))));
    });
  }

  private onMessage(frame: string | Buffer): void {
    const at = performance.now();
    let message: GeminiServerMessage;
    try {
      message = parseGeminiServerMessage(frame);
    } catch (e) {
      this.errors.push((e as Error).message);
      return;
    }
    const content = message.serverContent;
    if (content) {
      try {
        for (const a of modelTurnAudio(content)) this.onAudio?.({ pcm: a.samples, sampleRate: a.sampleRate, at });
      } catch (e) {
        this.errors.push((e as Error).message);
      }
      if (content.interrupted) this.onInterrupted?.(at);
      if (content.inputTranscription?.text) this.inputTranscript.push(content.inputTranscription.text);
      if (content.outputTranscription?.text) this.outputTranscript.push(content.outputTranscription.text);
      // Keep the record small: audio payloads are not stored.
      if (content.modelTurn) message = { ...message, serverContent: { ...content, modelTurn: { parts: [] } } };
    }
    this.messages.push({ message, at });
  }
}
