/** Helpers for server tests: a real server on 127.0.0.1 port 0, raw protocol clients, synthesized questions. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type FullduplexServer, type ServerComponents } from '../../src/server/server.js';
import type { ServerOverrides } from '../../src/server/options.js';
import type { ServerMessage } from '../../src/server/protocol.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { defaultWebRoot } from '../../src/cli/talk.js';

let shared: Required<ServerComponents> | undefined;

/** One recogniser and one synthesizer for every server a test file starts (each decoder still per session). */
export function sharedComponents(): Required<ServerComponents> {
  shared ??= { asr: new PocketsphinxAsr(), tts: new FliteTts() };
  return shared;
}

export async function closeSharedComponents(): Promise<void> {
  await shared?.asr.close();
  await shared?.tts.close();
  shared = undefined;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fullduplex-${prefix}-`));
}

export async function testServer(o: ServerOverrides = {}): Promise<FullduplexServer> {
  return startServer(
    {
      webRoot: defaultWebRoot(),
      host: '127.0.0.1',
      port: 0,
      workers: 0, // sessions on the test's thread, sharing its recogniser; the process tests cover workers
      warmSessions: 0,
      log: () => undefined,
      ...o,
      recording: { sessionsDir: tempDir('sessions'), ...o.recording },
    },
    sharedComponents(),
  );
}

export function wsUrl(server: FullduplexServer, path = '/v1/session'): string {
  return `ws://127.0.0.1:${server.port}${path}`;
}

/** A bare protocol client that records everything it receives. */
export class RawClient {
  readonly messages: ServerMessage[] = [];
  audioBytes = 0;
  audioFrames = 0;
  closeCode: number | undefined;
  closeReason = '';
  readonly closed: Promise<void>;
  private readonly seenErrors = new Set<ServerMessage>();
  private waiters: { test: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.audioBytes += (data as Buffer).byteLength;
        this.audioFrames++;
        return;
      }
      const m = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.test(m) ? (w.resolve(m), false) : true));
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => ((this.closeCode = code), (this.closeReason = reason.toString()), resolve())));
    ws.on('error', () => undefined);
  }

  /** Connect; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false, maxPayload: 64 << 20 });
      const c = new RawClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** The next message (already received or future) that passes `test`. */
  next(test: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    const have = this.messages.find(test);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      this.waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** The next error message with this code not returned by an earlier call. */
  async error(code: string, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: 'error' }>> {
    const m = await this.next((x) => x.type === 'error' && x.code === code && !this.seenErrors.has(x), timeoutMs);
    this.seenErrors.add(m);
    return m as Extract<ServerMessage, { type: 'error' }>;
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  sendBinary(b: Uint8Array): void {
    this.ws.send(b, { binary: true });
  }

  async start(extra: Record<string, unknown> = {}): Promise<Extract<ServerMessage, { type: 'ready' }>> {
    this.send({ type: 'start', protocol: 1, inputSampleRate: 16000, ...extra });
    return (await this.next((m) => m.type === 'ready')) as Extract<ServerMessage, { type: 'ready' }>;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    await this.closed;
  }
}
