/**
 * Sessions spread over engine worker threads (engine-worker.ts). Each worker has its own recogniser,
 * synthesizer, engine pool and real-time beat; a new session goes to the worker with the fewest. The
 * main thread only moves bytes between sockets and workers. If a worker dies, its sessions end with
 * 1011 and a fresh worker takes its place; sessions on other workers go on.
 */
import { Worker } from 'node:worker_threads';
import type { LiveSessionSink, LiveSessionStats } from './live-session.js';
import type { ControlResult } from './session-control.js';
import type { ReadyMessage } from './protocol.js';
import type { HostConfig, HostStats, OpenRequest, SessionHandle, SessionHost } from './session-host.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

interface Session {
  readonly sink: LiveSessionSink;
  opened?: { resolve: (r: { handle: SessionHandle; ready: ReadyMessage }) => void; reject: (e: Error) => void };
  closed?: (dir: string | undefined) => void;
}

class EngineWorker {
  readonly sessions = new Map<string, Session>();
  readonly worker: Worker;
  readonly ready: Promise<readonly string[]>;
  private readonly requests = new Map<number, (v: unknown) => void>();
  private nextReq = 1;
  private shutdown: (() => void) | undefined;
  private failStart: ((e: Error) => void) | undefined;
  dead = false;

  constructor(
    config: HostConfig,
    private readonly log: (line: string) => void,
    onDeath: (w: EngineWorker) => void,
  ) {
    this.worker = new Worker(new URL('./engine-worker.js', import.meta.url), { workerData: config });
    this.ready = new Promise((resolve, reject) => {
      this.failStart = reject;
      this.worker.on('message', (m: FromWorker) => {
        if (m.op === 'started') resolve(m.voices);
        else if (m.op === 'start_failed') reject(new Error(m.message));
        else this.onMessage(m);
      });
      this.worker.once('error', (e) => reject(e));
    });
    this.worker.on('error', (e) => this.log(`engine worker failed: ${e.stack ?? e.message}`));
    this.worker.once('exit', (code) => {
      this.dead = true;
      this.failStart?.(new Error(`the engine worker exited (code ${code}) before it was ready`));
      this.shutdown?.();
      for (const [id, s] of this.sessions) {
        s.opened?.reject(new Error('the engine worker stopped'));
        s.closed?.(undefined);
        if (!s.opened && !s.closed) s.sink.fatal(`the engine thread running this session stopped (exit code ${code})`);
        this.sessions.delete(id);
      }
      for (const r of this.requests.values()) r(undefined);
      this.requests.clear();
      onDeath(this);
    });
  }

  post(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.dead) this.worker.postMessage(m, transfer);
  }

  request<T>(make: (req: number) => ToWorker): Promise<T | undefined> {
    if (this.dead) return Promise.resolve(undefined);
    const req = this.nextReq++;
    return new Promise((resolve) => {
      this.requests.set(req, resolve as (v: unknown) => void);
      this.post(make(req));
    });
  }

  /** Stop the thread now: its sessions end as if it had died (their recordings unfinished). */
  terminate(): void {
    if (this.dead) return;
    this.dead = true; // no new session goes to it; the 'exit' handler does the rest
    void this.worker.terminate();
  }

  stop(): Promise<void> {
    if (this.dead) return Promise.resolve();
    return new Promise((resolve) => {
      this.shutdown = resolve;
      this.post({ op: 'shutdown' });
    });
  }

  private onMessage(m: FromWorker): void {
    switch (m.op) {
      case 'audio':
        return this.sessions.get(m.id)?.sink.audio(new Int16Array(m.pcm), m.info);
      case 'message':
        return this.sessions.get(m.id)?.sink.message(m.m);
      case 'error':
        return this.sessions.get(m.id)?.sink.error(m.code, m.message);
      case 'opened': {
        const s = this.sessions.get(m.id);
        const pending = s?.opened;
        if (s) s.opened = undefined;
        return pending?.resolve({ handle: this.handle(m.id), ready: m.ready });
      }
      case 'open_failed': {
        const s = this.sessions.get(m.id);
        this.sessions.delete(m.id);
        return s?.opened?.reject(new Error(m.message));
      }
      case 'closed': {
        const s = this.sessions.get(m.id);
        this.sessions.delete(m.id);
        return s?.closed?.(m.dir);
      }
      case 'session_stats':
      case 'host_stats':
      case 'farewell_done':
      case 'control_done': {
        const r = this.requests.get(m.req);
        this.requests.delete(m.req);
        return r?.(m.op === 'control_done' ? m.result : m.stats);
      }
      case 'log':
        return this.log(m.line);
      case 'shutdown_done':
        void this.worker.terminate();
        return;
    }
  }

  handle(id: string): SessionHandle {
    return {
      id,
      input: (samples) => {
        const pcm = samples.buffer as ArrayBuffer;
        // Decoded frames own their buffer; anything else is copied before it is handed over.
        const own = samples.byteOffset === 0 && samples.byteLength === pcm.byteLength ? pcm : (samples.slice().buffer as ArrayBuffer);
        this.post({ op: 'input', id, pcm: own }, [own]);
      },
      playback: (m) => this.post({ op: 'playback', id, m }),
      flushed: (m) => this.post({ op: 'flushed', id, m }),
      text: (m) => this.post({ op: 'text', id, m }),
      control: async (m) => (await this.request<ControlResult>((req) => ({ op: 'control', req, id, m }))) ?? { error: 'the engine thread stopped' },
      toolResult: (m) => this.post({ op: 'tool_result', id, m }),
      stats: () => this.request<LiveSessionStats>((req) => ({ op: 'session_stats', req, id })),
      farewell: async (text, maxMs) => void (await this.request((req) => ({ op: 'farewell', req, id, text, maxMs }))),
      close: (reason) =>
        new Promise((resolve) => {
          const s = this.sessions.get(id);
          if (!s || this.dead) return resolve(undefined);
          s.closed = resolve;
          this.post({ op: 'close', id, reason });
        }),
    };
  }
}

export class WorkerHost implements SessionHost {
  private readonly workers: EngineWorker[] = [];
  private voiceList: readonly string[] = [];
  private closing = false;

  constructor(
    private readonly config: HostConfig,
    private readonly count: number,
    private readonly log: (line: string) => void,
  ) {}

  get voices(): readonly string[] {
    return this.voiceList;
  }

  async start(): Promise<void> {
    // The warm engines are shared out between the workers.
    const per = Math.ceil(this.config.warmSessions / this.count);
    for (let i = 0; i < this.count; i++) this.workers.push(this.spawn(per));
    const voices = await Promise.all(this.workers.map((w) => w.ready));
    this.voiceList = voices[0] ?? [];
  }

  open(req: OpenRequest, sink: LiveSessionSink): Promise<{ handle: SessionHandle; ready: ReadyMessage }> {
    const live = this.workers.filter((w) => !w.dead);
    if (live.length === 0) return Promise.reject(new Error('no engine worker is running'));
    const w = live.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
    return new Promise((resolve, reject) => {
      w.sessions.set(req.id, { sink, opened: { resolve, reject } });
      w.post({ op: 'open', id: req.id, start: req.start });
    });
  }

  async stats(reset: boolean): Promise<HostStats> {
    const all = await Promise.all(this.workers.map((w) => w.request<HostStats>((req) => ({ op: 'host_stats', req, reset }))));
    const got = all.filter((s): s is HostStats => s !== undefined);
    return {
      sessions: got.reduce((n, s) => n + s.sessions, 0),
      spareEngines: got.reduce((n, s) => n + s.spareEngines, 0),
      threads: got.flatMap((s) => s.threads),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    // Every session has closed, or the server stopped waiting for it (session-close.ts): a thread that
    // does not shut down within the same bound is wedged, and terminating it harms nobody now.
    const bound = this.config.limits.sessionCloseTimeoutSeconds * 1000;
    await Promise.all(
      this.workers.map(async (w) => {
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([w.stop().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), bound)))]);
        clearTimeout(timer);
        if (!stopped) {
          this.log(`an engine worker did not shut down within ${bound / 1000} s; terminating it`);
          w.terminate();
        }
      }),
    );
  }

  /**
   * The server stopped waiting for session `id`'s close. Its thread is terminated only if no other
   * session is on it (open or opening): terminating ends every session on the thread mid-sentence
   * with unfinished recordings, which a wedged neighbour must not cost them. Alone, the thread is
   * freed and a fresh one takes its place; otherwise the session stays counted on its thread (it may
   * still be using it) and only the waiting stops.
   */
  abandonClose(id: string): void {
    const w = this.workers.find((x) => x.sessions.has(id));
    if (!w || w.dead) return;
    if (w.sessions.size > 1) return this.log(`session ${id} is left on its engine worker, which runs ${w.sessions.size - 1} other session(s)`);
    this.log(`terminating the engine worker of session ${id}, which did not close (no other session is on it)`);
    w.terminate();
  }

  private spawn(warm: number): EngineWorker {
    return new EngineWorker({ ...this.config, warmSessions: warm }, this.log, (dead) => {
      const i = this.workers.indexOf(dead);
      if (this.closing || i < 0) return;
      this.log('an engine worker stopped; starting a fresh one');
      const fresh = this.spawn(0);
      this.workers[i] = fresh;
      fresh.ready.catch((e: Error) => this.log(`the replacement engine worker failed to start: ${e.message}`));
    });
  }
}
