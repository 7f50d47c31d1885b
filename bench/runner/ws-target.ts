/**
 * The engine over its own WebSocket protocol (docs/protocol.md), driven in real time like a browser
 * would: every 20 ms one frame of the user's recording goes out and one frame of the agent's audio
 * comes out of a client-side jitter buffer (prefill as the server suggests, flushed on barge-in), and
 * the playback position goes back to the server. Transport, buffering and the server's scheduling are
 * therefore inside every number measured through this target.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { PcmFrame } from '../../src/audio/frame.js';
import { JitterBuffer } from '../../src/audio/jitter-buffer.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { decodeAudioFrame, encodeAudioFrame, PROTOCOL_VERSION, SESSION_PATH, type ReadyMessage, type ServerMessage } from '../../src/server/protocol.js';
import type { BenchTarget, TargetRunOptions, TargetRunResult } from './target.js';

export interface WsClientOptions {
  /** Server base, e.g. ws://127.0.0.1:8787 (the session path is added). */
  readonly url: string;
  readonly token?: string;
  /** Certificate authority to trust for a wss:// server with a private certificate (PEM). */
  readonly ca?: string | Buffer;
  readonly voice?: string;
  readonly eagerness?: 'low' | 'medium' | 'high';
  /** Client name recorded with the session. */
  readonly client?: string;
  /** Client tick, ms: one input frame out and one output frame played per tick. */
  readonly frameMs?: number;
  /** Report the playback position (default true), so barge-ins commit only what was heard. */
  readonly playbackReports?: boolean;
  /** Send a playback report every this many ticks. */
  readonly reportEveryTicks?: number;
}

export interface WsRunStats {
  /** Times the client's buffer ran dry while playing (a stalled server or transport). */
  underruns: number;
  /** Underruns that broke into the agent's voice (the frame before was not silent): audible dropouts. */
  audibleUnderruns: number;
  underrunMs: number;
  flushes: number;
  /** Client ticks that fired more than one frame late (the client itself was starved). */
  lateTicks: number;
  errors: string[];
  closeCode: number | undefined;
}

export interface WsRunResult {
  /** Agent audio as played by the client, aligned with the input, same duration. */
  readonly output: PcmFrame;
  readonly events: EngineEvent[];
  readonly messages: ServerMessage[];
  readonly ready: ReadyMessage;
  readonly stats: WsRunStats;
}

/** One conversation over the protocol. */
export class WsConversation {
  readonly events: EngineEvent[] = [];
  readonly messages: ServerMessage[] = [];
  private buffer: JitterBuffer | undefined;
  private flushes = 0;
  private readonly errors: string[] = [];
  private closeCode: number | undefined;
  private closed: Promise<void>;

  private constructor(
    private readonly ws: WebSocket,
    readonly ready: ReadyMessage,
    private readonly o: WsClientOptions,
  ) {
    this.buffer = new JitterBuffer(ready.outputSampleRate, { prefillMs: ready.prefillMs, maxBufferMs: 30_000 });
    this.closed = new Promise((resolve) => ws.once('close', (code) => ((this.closeCode = code), resolve())));
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
  }

  static async open(inputSampleRate: number, o: WsClientOptions): Promise<WsConversation> {
    const url = new URL(SESSION_PATH, o.url.replace(/^http/, 'ws'));
    if (o.token) url.searchParams.set('token', o.token);
    const ws = new WebSocket(url, { perMessageDeflate: false, ...(o.ca !== undefined && { ca: o.ca }) });
    ws.binaryType = 'nodebuffer';
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`server refused the connection: HTTP ${res.statusCode}`)));
    });
    ws.send(
      JSON.stringify({
        type: 'start',
        protocol: PROTOCOL_VERSION,
        inputSampleRate,
        playbackReports: o.playbackReports ?? true,
        client: o.client ?? 'bench ws-target',
        ...(o.voice ? { voice: o.voice } : {}),
        ...(o.eagerness ? { eagerness: o.eagerness } : {}),
      }),
    );
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const m = JSON.parse(data.toString('utf8')) as ServerMessage;
        if (m.type === 'ready') (ws.off('message', onMessage), resolve(m));
        else if (m.type === 'error' && m.fatal) reject(new Error(`${m.code}: ${m.message}`));
      };
      ws.on('message', onMessage);
      ws.once('close', (code, reason) => reject(new Error(`closed before ready: ${code} ${reason.toString()}`)));
    });
    return new WsConversation(ws, ready, o);
  }

  /** Play `input` in real time; resolves with what the client played, aligned with it. */
  async play(input: PcmFrame, signal?: AbortSignal): Promise<WsRunResult> {
    const frameMs = this.o.frameMs ?? this.ready.frameMs;
    const inFrame = Math.round((input.sampleRate * frameMs) / 1000);
    const outRate = this.ready.outputSampleRate;
    const outFrame = Math.round((outRate * frameMs) / 1000);
    const ticks = Math.ceil(input.samples.length / inFrame);
    const output = new Int16Array(Math.round((input.samples.length / input.sampleRate) * outRate));
    const reportEvery = this.o.reportEveryTicks ?? 2;
    const reports = this.o.playbackReports ?? true;
    let lateTicks = 0;
    let audibleUnderruns = 0;
    let lastPeak = 0;
    const t0 = performance.now();
    for (let k = 0; k < ticks && !signal?.aborted && this.ws.readyState === WebSocket.OPEN; ) {
      // Drift-free: tick k is due at t0 + k·frameMs; a late client catches up tick by tick.
      const wait = t0 + k * frameMs - performance.now();
      if (wait > 0) await sleep(wait);
      else if (-wait > frameMs) lateTicks++;
      const dueThrough = Math.min(ticks - 1, Math.floor((performance.now() - t0) / frameMs));
      for (; k <= dueThrough; k++) {
        this.ws.send(encodeAudioFrame(input.samples.subarray(k * inFrame, (k + 1) * inFrame)), { binary: true });
        const before = this.buffer!.stats().underruns;
        const played = this.buffer!.pull(outFrame);
        if (this.buffer!.stats().underruns > before && lastPeak > AUDIBLE_PEAK) audibleUnderruns++;
        lastPeak = peak(played);
        const at = k * outFrame;
        if (at < output.length) output.set(played.subarray(0, Math.min(outFrame, output.length - at)), at);
        if (reports && k % reportEvery === 0) this.report();
      }
    }
    if (this.ws.readyState !== WebSocket.OPEN) await this.closed; // the server ended it: learn why
    const s = this.buffer!.stats();
    return {
      output: { samples: output, sampleRate: outRate },
      events: this.events,
      messages: this.messages,
      ready: this.ready,
      stats: { underruns: s.underruns, audibleUnderruns, underrunMs: (s.underrunSamples / outRate) * 1000, flushes: this.flushes, lateTicks, errors: this.errors, closeCode: this.closeCode },
    };
  }

  /** Say goodbye (`stop`) and wait for the server to close. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'stop' }));
    const timer = setTimeout(() => this.ws.terminate(), 5000);
    await this.closed;
    clearTimeout(timer);
  }

  private report(): void {
    const b = this.buffer!;
    const s = b.stats();
    this.ws.send(JSON.stringify({ type: 'playback', position: s.playedSamples + s.flushedSamples + s.droppedSamples, buffered: b.bufferedSamples, underruns: s.underruns }));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.buffer?.push(decodeAudioFrame(data));
      return;
    }
    const m = JSON.parse(data.toString('utf8')) as ServerMessage;
    this.messages.push(m);
    if (m.type === 'event') this.events.push(m.event);
    else if (m.type === 'error') this.errors.push(`${m.code}: ${m.message}`);
    else if (m.type === 'flush') {
      const b = this.buffer!;
      const s = b.stats();
      const position = s.playedSamples + s.flushedSamples + s.droppedSamples;
      const dropped = b.flush();
      this.flushes++;
      if (dropped > 0 && (this.o.playbackReports ?? true)) this.ws.send(JSON.stringify({ type: 'flushed', position, dropped }));
    }
  }
}

/** A frame whose peak is above this (−50 dBFS) carries voice, so running dry after it is audible. */
const AUDIBLE_PEAK = 104;

function peak(x: Int16Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** BenchTarget over the protocol: one fresh session per run, real time only. */
export class WebSocketTarget implements BenchTarget {
  readonly name: string;
  readonly clocks = ['realtime'] as const;

  constructor(private readonly o: WsClientOptions) {
    this.name = o.url;
  }

  describe(): string {
    return `fullduplex engine over its WebSocket protocol v${PROTOCOL_VERSION} (PCM16, 20 ms frames, client jitter buffer) at ${this.o.url}`;
  }

  async run(input: PcmFrame, options: TargetRunOptions): Promise<TargetRunResult> {
    if (options.clock !== 'realtime') throw new Error(`${this.name} runs in real time only`);
    const c = await WsConversation.open(input.sampleRate, this.o);
    try {
      const r = await c.play(input, options.signal);
      return { output: r.output, events: r.events, info: { transport: 'websocket', protocol: PROTOCOL_VERSION, sessionId: r.ready.sessionId, ...r.stats } };
    } finally {
      await c.close();
    }
  }

  async close(): Promise<void> {
    // Sessions are closed after each run; nothing is held between runs.
  }
}
