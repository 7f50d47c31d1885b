/**
 * `/metrics`: the server's health in Prometheus text format, kept with prom-client (one registry per
 * server, so several servers in one process — tests — do not share counters).
 *
 * Sessions are metered where every transport meets the engine: the live runtime's sink (native and
 * Moshi sessions, `meterHost`) and the Realtime endpoint's `onEvent` (`SessionMeter` directly). Each
 * session's engine timeline gives the response latency (the `turn_latency` event: the user's last
 * word → the reply's first sample handed to the listener) and the barge-in time (user speech onset →
 * the agent paused), so the histograms measure what the benchmarks measure.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineEvent } from '../engine/events.js';
import type { HostStats, OpenRequest, SessionHandle, SessionHost } from './session-host.js';
import type { ServerMessage } from './protocol.js';

export type Transport = 'native' | 'realtime' | 'moshi';
export type RefusalReason = 'full' | 'draining' | 'unauthorized' | 'forbidden';

export interface MetricsSource {
  capacity(): number;
  /** Why the server is not ready, or undefined when it accepts sessions. */
  notReady(): 'full' | 'draining' | undefined;
  hostStats(): Promise<HostStats>;
}

/** Response latency buckets, s: a good turn answers in 0.3–0.8 s; past 2 s it feels broken. */
const LATENCY_BUCKETS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1, 1.25, 1.5, 2, 3, 5];
/** Barge-in buckets, s: the agent should fall silent within a few hundred ms of the user's onset. */
const BARGE_IN_BUCKETS = [0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2];

export class ServerMetrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly active: Gauge<'transport'>;
  private readonly started: Counter<'transport'>;
  private readonly refusals: Counter<'reason'>;
  private readonly errors: Counter<'kind'>;
  private readonly underruns: Counter<'transport'>;
  readonly responseLatency: Histogram<'transport'>;
  readonly bargeIn: Histogram<'transport'>;
  private readonly open = new Map<Transport, number>([['native', 0], ['realtime', 0], ['moshi', 0]]);
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();

  constructor(source: MetricsSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'fullduplex_process_' });
    this.active = new Gauge({
      name: 'fullduplex_sessions_active',
      help: 'Live sessions by transport',
      labelNames: ['transport'],
      registers,
      collect: () => {
        for (const [t, n] of this.open) this.active.set({ transport: t }, n);
      },
    });
    this.started = new Counter({ name: 'fullduplex_sessions_started_total', help: 'Sessions started, by transport', labelNames: ['transport'], registers });
    this.refusals = new Counter({ name: 'fullduplex_sessions_refused_total', help: 'Connections refused before a session started, by reason (full, draining, unauthorized, forbidden)', labelNames: ['reason'], registers });
    this.errors = new Counter({ name: 'fullduplex_errors_total', help: 'Errors by kind: engine component/code, or the error code sent to a client', labelNames: ['kind'], registers });
    this.underruns = new Counter({ name: 'fullduplex_client_underruns_total', help: 'Playback underruns the clients reported (their buffer ran dry while the agent spoke)', labelNames: ['transport'], registers });
    this.responseLatency = new Histogram({ name: 'fullduplex_response_latency_seconds', help: "User's last word to the reply's first audio handed to the listener", labelNames: ['transport'], buckets: LATENCY_BUCKETS, registers });
    this.bargeIn = new Histogram({ name: 'fullduplex_barge_in_seconds', help: "User speech onset to the agent falling silent, when the user spoke over the agent", labelNames: ['transport'], buckets: BARGE_IN_BUCKETS, registers });
    new Gauge({ name: 'fullduplex_sessions_capacity', help: 'Sessions this instance admits at once (--max-sessions)', registers, collect() { this.set(source.capacity()); } });
    new Gauge({ name: 'fullduplex_ready', help: '1 when /readyz accepts sessions, 0 when full or draining', registers, collect() { this.set(source.notReady() ? 0 : 1); } });
    new Gauge({ name: 'fullduplex_draining', help: '1 once a drain (SIGTERM) began', registers, collect() { this.set(source.notReady() === 'draining' ? 1 : 0); } });
    const self = this;
    new Gauge({
      name: 'fullduplex_cpu_cores_per_session',
      help: 'Process CPU (every thread) since the previous scrape, in cores, divided by the live sessions (0 when none)',
      registers,
      collect() {
        const cores = self.coresSinceLastScrape();
        const sessions = self.totalOpen();
        this.set(sessions > 0 ? cores / sessions : 0);
      },
    });
    const threadGauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['thread'], registers });
    const loop = threadGauge('fullduplex_engine_loop_delay_p99_seconds', 'Event-loop delay p99 of each engine thread (its recogniser runs there), since start or the last /v1/stats?reset=1');
    const late = threadGauge('fullduplex_engine_late_ticks', 'Real-time beat ticks more than one frame late on each engine thread, since start or the last /v1/stats?reset=1');
    new Gauge({
      name: 'fullduplex_engine_threads',
      help: 'Engine threads running sessions',
      registers,
      async collect() {
        const h = await source.hostStats().catch(() => undefined);
        if (!h) return;
        this.set(h.threads.length);
        h.threads.forEach((t, i) => {
          loop.set({ thread: String(i) }, t.loopDelayP99Ms / 1000);
          late.set({ thread: String(i) }, t.lateTicks);
        });
      },
    });
  }

  refused(reason: RefusalReason): void {
    this.refusals.inc({ reason });
  }

  error(kind: string): void {
    this.errors.inc({ kind });
  }

  /** One session's meter: call `event` with its engine events, `close` when it ends (idempotent). */
  session(transport: Transport): SessionMeter {
    this.open.set(transport, (this.open.get(transport) ?? 0) + 1);
    this.started.inc({ transport });
    let closed = false;
    return new SessionMeter(transport, this, () => {
      if (closed) return;
      closed = true;
      this.open.set(transport, (this.open.get(transport) ?? 1) - 1);
    });
  }

  /** @internal (SessionMeter) */
  underrun(transport: Transport, n: number): void {
    if (n > 0) this.underruns.inc({ transport }, n);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  private totalOpen(): number {
    let n = 0;
    for (const v of this.open.values()) n += v;
    return n;
  }

  private coresSinceLastScrape(): number {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const wallUs = (now - this.lastWall) * 1000;
    this.lastCpu = process.cpuUsage();
    this.lastWall = now;
    return wallUs > 0 ? (cpu.user + cpu.system) / wallUs : 0;
  }
}

/** Events after which no user_speech_start can belong to an earlier pause any more. */
const SETTLES_PAUSE = new Set<EngineEvent['type']>(['agent_paused', 'agent_resumed', 'agent_speech_stop', 'agent_speech_truncated', 'user_speech_stop', 'session_end']);

export class SessionMeter {
  private lastOnset: number | undefined;
  private pausedAt: number | undefined;
  private agentSpeaking = false;
  private underrunsSeen = 0;

  constructor(
    private readonly transport: Transport,
    private readonly m: ServerMetrics,
    readonly close: () => void,
  ) {}

  event(e: EngineEvent): void {
    const transport = this.transport;
    // The engine acts on a barge-in before it announces the speech (yield is urgent): the pause's
    // user_speech_start may follow it in the same window. A pause is measured from the onset of the
    // user's speech (announced before or just after it), as summary.ts's bargeInStops does.
    if (this.pausedAt !== undefined && SETTLES_PAUSE.has(e.type)) this.settlePause(this.lastOnset);
    switch (e.type) {
      case 'turn_latency': {
        const end = e.stages.speechEnd ?? e.stages.silence;
        if (end !== null && e.stages.heard >= end) this.m.responseLatency.observe({ transport }, e.stages.heard - end);
        break;
      }
      case 'agent_speech_start':
        this.agentSpeaking = true;
        break;
      case 'agent_speech_stop':
        this.agentSpeaking = false;
        break;
      case 'user_speech_start':
        if (this.pausedAt !== undefined && e.onset <= this.pausedAt) this.settlePause(e.onset);
        else if (this.pausedAt !== undefined) this.settlePause(this.lastOnset);
        this.lastOnset = e.onset;
        break;
      case 'agent_paused':
        if (this.agentSpeaking) this.pausedAt = e.t;
        break;
      case 'error':
        this.m.error(`${e.component}/${e.code}`);
        break;
      case 'session_end':
        this.close();
        break;
      default:
        break;
    }
  }

  private settlePause(onset: number | undefined): void {
    const t = this.pausedAt!;
    this.pausedAt = undefined;
    if (onset !== undefined && t >= onset) this.m.bargeIn.observe({ transport: this.transport }, t - onset);
  }

  /** A client's running count of underruns (the native protocol's `playback.underruns`). */
  underrunsReported(total: number): void {
    if (total <= this.underrunsSeen) return;
    this.m.underrun(this.transport, total - this.underrunsSeen);
    this.underrunsSeen = total;
  }
}

/**
 * The live runtime with every session metered: events, client errors and underruns are read on the
 * way through; the session is counted from its `ready` until its handle closes. `countErrors: false`
 * where the connection counts the errors it sends itself (the native protocol's, which include these).
 */
export function meterHost(
  host: SessionHost,
  metrics: ServerMetrics,
  transport: Transport | ((req: OpenRequest) => Transport),
  o: { countErrors: boolean } = { countErrors: true },
): SessionHost {
  return {
    get voices() {
      return host.voices;
    },
    start: () => host.start(),
    stats: (reset) => host.stats(reset),
    close: () => host.close(),
    open: async (req, sink) => {
      let meter: SessionMeter | undefined;
      const early: EngineEvent[] = [];
      const opened = await host.open(req, {
        audio: (s, info) => sink.audio(s, info),
        message: (msg: ServerMessage) => {
          if (msg.type === 'event') (meter ? meter.event(msg.event) : early.push(msg.event));
          sink.message(msg);
        },
        error: (code, message) => {
          if (o.countErrors) metrics.error(`protocol/${code}`);
          sink.error(code, message);
        },
        fatal: (message) => {
          if (o.countErrors) metrics.error('protocol/SESSION_FAILED');
          sink.fatal(message);
        },
      });
      const m = (meter = metrics.session(typeof transport === 'function' ? transport(req) : transport));
      for (const e of early.splice(0)) m.event(e);
      const h = opened.handle;
      const handle: SessionHandle = {
        ...h,
        id: h.id,
        input: (s) => h.input(s),
        playback: (p) => {
          if (p.underruns !== undefined) m.underrunsReported(p.underruns);
          h.playback(p);
        },
        close: async (reason) => {
          try {
            return await h.close(reason);
          } finally {
            m.close();
          }
        },
      };
      return { handle, ready: opened.ready };
    },
  };
}
