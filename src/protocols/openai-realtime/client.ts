/**
 * A plain OpenAI Realtime WebSocket client for benchmarking any Realtime-compatible server (OpenAI's,
 * ours, open servers that copy the API): it speaks GA by default or the beta (header and flat session
 * fields), reads either dialect back as GA (parseServerEvent), and hands audio deltas over with their
 * arrival time. It does what real clients do on a barge-in only when asked (`truncate`); the bench
 * target decides when.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FullduplexError } from '../../errors.js';
import { base64ToPcm16, pcm16ToBase64 } from '../codecs/pcm-base64.js';
import { parseServerEvent, sessionToBeta, type RealtimeDialect, type RealtimeSessionConfig, type RealtimeServerEvent } from './events.js';

export interface RealtimeClientOptions {
  /** ws:// or wss:// URL including the path and ?model=… */
  url: string;
  apiKey?: string;
  dialect?: RealtimeDialect;
  /** Sent once connected (GA shape; converted for beta). Audio formats are set to 24 kHz PCM16 unless given. */
  session?: RealtimeSessionConfig;
  /** Waiting for session.created / session.updated, ms. */
  setupTimeoutMs?: number;
  headers?: Record<string, string>;
}

export const REALTIME_CLIENT_RATE = 24000;
const DEFAULT_SETUP_TIMEOUT_MS = 30_000;

export interface RealtimeAudioDelta {
  readonly pcm: Int16Array;
  readonly at: number;
  readonly itemId: string;
  readonly responseId: string;
}

interface Waiter {
  test: (e: { type: string; [k: string]: unknown }, index: number) => boolean;
  resolve: (e: { type: string; [k: string]: unknown }) => void;
  reject: (e: Error) => void;
}

export type TimedServerEvent = { readonly event: { type: string; [k: string]: unknown }; readonly at: number };

export class RealtimeClient {
  /** Every server event (GA names) with its arrival time (performance.now(), ms); audio deltas without their payload. */
  readonly events: TimedServerEvent[] = [];
  readonly errors: string[] = [];
  onAudio: ((d: RealtimeAudioDelta) => void) | undefined;
  onEvent: ((e: TimedServerEvent) => void) | undefined;
  closeCode: number | undefined;
  readonly closed: Promise<void>;
  session: Record<string, unknown> | undefined;
  private readonly waiters = new Set<Waiter>();

  private constructor(
    private readonly ws: WebSocket,
    readonly dialect: RealtimeDialect,
  ) {
    this.closed = new Promise((r) =>
      ws.once('close', (code) => {
        this.closeCode = code;
        for (const w of this.waiters) w.reject(new FullduplexError('COMPONENT_FAILED', `the Realtime server closed the connection (${code})`));
        this.waiters.clear();
        r();
      }),
    );
    ws.on('message', (data: Buffer) => this.onMessage(data));
  }

  static async connect(o: RealtimeClientOptions): Promise<RealtimeClient> {
    const dialect = o.dialect ?? 'ga';
    const headers: Record<string, string> = { ...o.headers };
    if (o.apiKey) headers['Authorization'] = `Bearer ${o.apiKey}`;
    if (dialect === 'beta') headers['OpenAI-Beta'] = 'realtime=v1';
    const ws = new WebSocket(o.url, { headers, perMessageDeflate: false, maxPayload: 64 << 20 });
    ws.on('error', () => undefined);
    const c = new RealtimeClient(ws, dialect);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new FullduplexError('COMPONENT_FAILED', `the Realtime server refused the connection: HTTP ${res.statusCode}`)));
    });
    const timeout = o.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
    const created = await c.waitFor((e) => e.type === 'session.created' || e.type === 'error', timeout, 'session.created');
    if (created.type === 'error') throw new FullduplexError('COMPONENT_FAILED', `Realtime server error: ${JSON.stringify(created['error'])}`);
    const session: RealtimeSessionConfig = {
      type: 'realtime',
      ...o.session,
      audio: {
        ...o.session?.audio,
        input: { format: { type: 'audio/pcm', rate: 24000 }, ...o.session?.audio?.input },
        output: { format: { type: 'audio/pcm', rate: 24000 }, ...o.session?.audio?.output },
      },
    };
    const already = c.events.length;
    c.send({ type: 'session.update', session: dialect === 'beta' ? sessionToBeta(session) : session });
    const updated = await c.waitFor((e, i) => i >= already && (e.type === 'session.updated' || e.type === 'error'), timeout, 'session.updated');
    if (updated.type === 'error') throw new FullduplexError('COMPONENT_FAILED', `the Realtime server rejected the session: ${JSON.stringify(updated['error'])}`);
    c.session = updated['session'] as Record<string, unknown>;
    return c;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(event: { type: string; [k: string]: unknown }): void {
    if (this.open) this.ws.send(JSON.stringify(event));
  }

  /** Microphone audio, PCM16 at 24 kHz. */
  appendAudio(pcm24k: Int16Array): void {
    this.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(pcm24k) });
  }

  /** Tell the server how much of an item's audio was actually played (after a barge-in). */
  truncate(itemId: string, audioEndMs: number): void {
    this.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: Math.max(0, Math.floor(audioEndMs)) });
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000);
    const timer = setTimeout(() => this.ws.terminate(), 3000);
    await this.closed;
    clearTimeout(timer);
  }

  /** The first event (already received or future) at or after position 0 that passes `test`. */
  waitFor(test: (e: { type: string; [k: string]: unknown }, index: number) => boolean, timeoutMs: number, what: string): Promise<{ type: string; [k: string]: unknown }> {
    const found = this.events.findIndex((x, i) => test(x.event, i));
    if (found >= 0) return Promise.resolve(this.events[found]!.event);
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        test,
        resolve: (e) => (clearTimeout(timer), resolve(e)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      const timer = setTimeout(() => (this.waiters.delete(w), reject(new FullduplexError('TIMEOUT', `no ${what} from the Realtime server within ${timeoutMs} ms`))), timeoutMs);
      this.waiters.add(w);
    });
  }

  private onMessage(data: Buffer): void {
    const at = performance.now();
    let parsed: ReturnType<typeof parseServerEvent>;
    try {
      parsed = parseServerEvent(data.toString('utf8'));
    } catch (e) {
      this.errors.push((e as Error).message);
      return;
    }
    const event = parsed.event as RealtimeServerEvent | { type: string; [k: string]: unknown };
    if (event.type === 'response.output_audio.delta') {
      const d = event as Extract<RealtimeServerEvent, { type: 'response.output_audio.delta' }>;
      let pcm: Int16Array;
      try {
        pcm = base64ToPcm16(d.delta, 'response audio');
      } catch (e) {
        this.errors.push((e as Error).message);
        return;
      }
      this.onAudio?.({ pcm, at, itemId: d.item_id, responseId: d.response_id });
      const { delta: _omit, ...rest } = d;
      this.record({ event: { ...rest, samples: pcm.length }, at });
      return;
    }
    if (event.type === 'error') this.errors.push(JSON.stringify((event as { error?: unknown }).error ?? event).slice(0, 300));
    this.record({ event: event as { type: string }, at });
  }

  private record(e: TimedServerEvent): void {
    this.events.push(e);
    this.onEvent?.(e);
    for (const w of [...this.waiters]) {
      if (w.test(e.event, this.events.length - 1)) {
        this.waiters.delete(w);
        w.resolve(e.event);
      }
    }
  }
}
