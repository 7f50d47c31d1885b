/**
 * A loopback server that speaks Gemini Live's wire format (BidiGenerateContent over WebSocket), with
 * the local engine behind it: the first client message must be `setup` (answered by `setupComplete`),
 * microphone audio comes as `realtimeInput.audio` (base64 PCM16, rate in the MIME type), and the agent
 * answers with `serverContent` messages — modelTurn audio at 24 kHz, input/output transcriptions,
 * `interrupted` on a barge-in, `generationComplete` and `turnComplete` at the end of each turn. Frames
 * go out as binary UTF-8 JSON, as Google's service sends them. Like the service, it reports a bad
 * request by closing the socket with code 1007 and the reason.
 *
 * It exists to test the Gemini Live benchmark client end to end without the network.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { RealClock } from '../../src/audio/clock.js';
import { StreamingResampler } from '../../src/audio/resampler.js';
import type { OutputUtterance } from '../../src/engine/control.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { ENGINE_SAMPLE_RATE, type ConversationSession } from '../../src/engine/session.js';
import { toFullduplexError } from '../../src/errors.js';
import { resolveLimits, type ProtocolEndpointLimits } from '../../src/protocols/endpoint-deps.js';
import { frameBeat, type FrameCounter, type LocalSessionFactory } from './local-sessions.js';
import { decodeGeminiAudio, GEMINI_INPUT_SAMPLE_RATE, GEMINI_OUTPUT_SAMPLE_RATE, geminiModelAudio, geminiSetupComplete, parseGeminiClientMessage, type GeminiServerMessage, type WsFrame } from '../../src/protocols/gemini-live/messages.js';

/** The path of Google's endpoint (v1beta); the fake answers it and any path under /ws/. */
export const GEMINI_LIVE_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';
/** Close code the service uses for a request it cannot accept. */
export const GEMINI_BAD_REQUEST_CLOSE = 1007;

export interface GeminiFakeOptions {
  /** Send JSON as binary frames (the service does) or as text. */
  binaryFrames: boolean;
  /** A setup must arrive within this long of connecting, ms. */
  setupTimeoutMs: number;
}

export const defaultGeminiFakeOptions: Readonly<GeminiFakeOptions> = Object.freeze({ binaryFrames: true, setupTimeoutMs: 10_000 });

export interface GeminiFakeDeps {
  /** Open one engine session for one connection (closed by the fake when the connection ends). */
  createSession: LocalSessionFactory;
  gemini?: Partial<GeminiFakeOptions>;
  limits?: Partial<ProtocolEndpointLimits>;
  log?: (line: string) => void;
}

/** The fake's output beat: one frame of agent audio is pulled every this many ms. */
const FRAME_MS = 20;

export function handleGeminiLiveConnection(ws: WebSocket, deps: GeminiFakeDeps): Promise<void> {
  return new GeminiConnection(ws, deps).finished;
}

class GeminiConnection {
  readonly finished: Promise<void>;
  private readonly o: GeminiFakeOptions;
  private readonly limits: ProtocolEndpointLimits;
  private readonly clock = new RealClock();
  private session: ConversationSession | undefined;
  private resampler: StreamingResampler | undefined;
  private readonly beat: FrameCounter;
  private setupSeen = false;
  private transcribeInput = false;
  private transcribeOutput = false;
  private speaking: OutputUtterance | undefined;
  private readonly pending: WsFrame[] = [];
  private closed = false;
  private setupTimer: NodeJS.Timeout | undefined;
  private resolveFinished!: () => void;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: GeminiFakeDeps,
  ) {
    this.o = { ...defaultGeminiFakeOptions, ...deps.gemini };
    this.limits = resolveLimits(deps.limits);
    this.beat = frameBeat(FRAME_MS, (n) => this.guard(() => this.output(n)));
    this.finished = new Promise((r) => (this.resolveFinished = r));
    ws.on('message', (data: Buffer, isBinary: boolean) => this.guard(() => this.onMessage(isBinary ? data : data.toString('utf8'))));
    ws.on('close', () => void this.shutdown());
    ws.on('error', () => undefined);
    this.setupTimer = setTimeout(() => this.badRequest('no setup message'), this.o.setupTimeoutMs);
  }

  private send(m: GeminiServerMessage | string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const text = typeof m === 'string' ? m : JSON.stringify(m);
    this.ws.send(this.o.binaryFrames ? Buffer.from(text, 'utf8') : text, { binary: this.o.binaryFrames });
  }

  private badRequest(reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(GEMINI_BAD_REQUEST_CLOSE, reason.slice(0, 120));
    void this.shutdown();
  }

  private onMessage(frame: WsFrame): void {
    if (this.closed) return;
    let m: ReturnType<typeof parseGeminiClientMessage>;
    try {
      m = parseGeminiClientMessage(frame);
    } catch (e) {
      return this.badRequest(`Invalid request: ${toFullduplexError(e).message}`);
    }
    if (!this.setupSeen) {
      if (m.kind !== 'setup') return this.badRequest('the first message must be setup');
      this.setupSeen = true;
      clearTimeout(this.setupTimer);
      this.transcribeInput = m.setup.inputAudioTranscription !== undefined;
      this.transcribeOutput = m.setup.outputAudioTranscription !== undefined;
      const system = m.setup.systemInstruction;
      const instructions = typeof system === 'string' ? system : (system?.parts ?? []).map((p) => p.text ?? '').join(' ');
      return void this.start(instructions.trim());
    }
    if (m.kind === 'setup') return this.badRequest('setup may be sent only once');
    if (!this.session) return void this.pending.push(frame);
    if (m.kind === 'realtimeInput') {
      const audio = m.realtimeInput.audio ? [m.realtimeInput.audio] : (m.realtimeInput.mediaChunks ?? []);
      for (const blob of audio) {
        let pcm;
        try {
          pcm = decodeGeminiAudio(blob, GEMINI_INPUT_SAMPLE_RATE);
        } catch (e) {
          return this.badRequest(`Invalid audio: ${toFullduplexError(e).message}`);
        }
        if (pcm.samples.length > 0) void this.session.pushAudio(pcm.samples, pcm.sampleRate);
      }
    } else if (m.kind === 'clientContent') {
      // Text turns join the conversation as context for the next spoken reply.
      for (const turn of m.clientContent.turns ?? []) {
        const text = (turn.parts ?? []).map((p) => p.text ?? '').join(' ').trim();
        if (text) this.session.addContext({ role: turn.role === 'model' ? 'assistant' : 'user', content: text });
      }
    }
  }

  private async start(instructions: string): Promise<void> {
    try {
      this.session = await this.deps.createSession({ protocol: 'gemini-live', clock: this.clock, onEvent: (e) => this.onEngineEvent(e) });
      if (instructions) this.session.addContext({ role: 'system', content: instructions }, 'instructions');
      this.resampler = await StreamingResampler.create(ENGINE_SAMPLE_RATE, GEMINI_OUTPUT_SAMPLE_RATE);
    } catch (e) {
      return this.badRequest(`the engine could not start: ${toFullduplexError(e).message}`);
    }
    if (this.closed) return void this.session.close();
    this.send(geminiSetupComplete());
    this.beat.start();
    for (const f of this.pending.splice(0)) this.onMessage(f);
  }

  /** Agent audio goes out while the agent speaks (Gemini sends no silence between turns). */
  private output(frames: number): void {
    if (!this.session || !this.resampler) return;
    const u = this.session.output.utterance;
    if (this.speaking && this.speaking !== u) this.turnEnded();
    const before = u?.played ?? 0;
    const pcm = this.session.pullAudio(frames * Math.round((ENGINE_SAMPLE_RATE * FRAME_MS) / 1000));
    if (!u || u.played === before) return;
    this.speaking = u;
    const out = this.resampler.process(pcm);
    if (out.length > 0) this.send(geminiModelAudio({ samples: out, sampleRate: GEMINI_OUTPUT_SAMPLE_RATE }));
    if (this.session.output.utterance !== u) this.turnEnded();
  }

  private turnEnded(): void {
    const tail = this.resampler!.flush();
    if (tail.length > 0) this.send(geminiModelAudio({ samples: tail, sampleRate: GEMINI_OUTPUT_SAMPLE_RATE }));
    this.speaking = undefined;
    this.send({ serverContent: { generationComplete: true } });
    this.send({ serverContent: { turnComplete: true }, usageMetadata: { promptTokenCount: 0, responseTokenCount: 0, totalTokenCount: 0 } });
  }

  private onEngineEvent(e: EngineEvent): void {
    if (this.closed) return;
    if (e.type === 'transcript_final' && this.transcribeInput) this.send({ serverContent: { inputTranscription: { text: e.text } } });
    else if (e.type === 'agent_text' && this.transcribeOutput) this.send({ serverContent: { outputTranscription: { text: `${e.text} ` } } });
    else if (e.type === 'agent_speech_stop' && e.reason === 'interrupted') {
      this.resampler?.flush();
      this.speaking = undefined;
      this.send({ serverContent: { interrupted: true } });
    }
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.deps.log?.(`gemini-live fake: internal error: ${toFullduplexError(e).message}`);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1011, 'internal error');
      void this.shutdown();
    }
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.beat.stop();
    clearTimeout(this.setupTimer);
    try {
      await this.session?.close();
    } catch {
      // closing is best effort
    }
    this.resampler?.destroy();
    this.resolveFinished();
  }
}

export interface GeminiFakeServer {
  readonly port: number;
  /** ws://127.0.0.1:port + GEMINI_LIVE_PATH */
  readonly url: string;
  close(): Promise<void>;
}

/** A loopback HTTP server answering Gemini Live upgrades on /ws/… (tests; port 0 picks a free one). */
export async function startGeminiFakeServer(deps: GeminiFakeDeps, host = '127.0.0.1', port = 0): Promise<GeminiFakeServer> {
  const limits = resolveLimits(deps.limits);
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes, perMessageDeflate: false });
  const live = new Set<Promise<void>>();
  const sockets = new Set<WebSocket>();
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith('/ws/')) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const done = handleGeminiLiveConnection(ws, deps).finally(() => (live.delete(done), sockets.delete(ws)));
      live.add(done);
    });
  });
  await new Promise<void>((resolve, reject) => (http.once('error', reject), http.listen(port, host, () => resolve())));
  const address = http.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    port: actual,
    url: `ws://${host}:${actual}${GEMINI_LIVE_PATH}`,
    close: async () => {
      for (const ws of sockets) ws.close(1001, 'shutting down');
      await Promise.allSettled([...live]);
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
