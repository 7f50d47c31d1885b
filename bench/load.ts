/**
 * `npm run bench:load`: how many concurrent real-time conversations the live server holds on this
 * machine. The server runs as its own process (`fullduplex talk`, recording on, as shipped); this
 * process plays N simulated people over loopback WebSockets, each a real-time client with a jitter
 * buffer (bench/runner/ws-target.ts), each starting at a different point of the same conversation.
 *
 * Per level N it reports the server's CPU (total and per session), audio underruns at the clients
 * (all, and audible ones: the agent's voice broke up), response latency as heard by the clients, how
 * soon the agent went quiet when interrupted, and the server's own timing health.
 *
 * With `--transport realtime` or `moshi` the people speak OpenAI Realtime or Moshi to the same
 * server (their clients have no jitter buffer, so underruns are not counted there). Each level also
 * times one extra connection to its first event while the N talk.
 *
 *   node dist/bench/load.js [--levels 1,2,4,6,8,10,12,16,20] [--transport native|realtime|moshi]
 *                           [--workers 2] [--out bench/results/load[-<transport>].json] [--cpu-prof dir]
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { machineInfo, gitCommit } from './lib/machine.js';
import { firstEventMs, LOAD_TRANSPORTS, openLoadSession, type LoadPlayResult, type LoadTransport } from './load/transports.js';
import { buildScenario, rotate } from './load/scenario.js';
import { measureSession, percentile, processCpuSeconds } from './load/measure.js';
import { serverStats, startLoadServer } from './load/server.js';

interface Args {
  levels: number[];
  transport: LoadTransport;
  out: string;
  /** Engine worker threads of the server (undefined: the server's default, one per core). */
  workers: number | undefined;
  /** Write V8 CPU profiles of the server (every thread) into this folder. */
  cpuProf: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { levels: [1, 2, 4, 6, 8, 10, 12, 16, 20], transport: 'native', out: '', workers: undefined, cpuProf: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--levels') a.levels = argv[++i]!.split(',').map(Number).filter((n) => n > 0);
    else if (argv[i] === '--out') a.out = argv[++i]!;
    else if (argv[i] === '--workers') a.workers = Number(argv[++i]);
    else if (argv[i] === '--cpu-prof') a.cpuProf = argv[++i]!;
    else if (argv[i] === '--transport') {
      const t = argv[++i] as LoadTransport;
      if (!LOAD_TRANSPORTS.includes(t)) throw new Error(`--transport is one of ${LOAD_TRANSPORTS.join(', ')}`);
      a.transport = t;
    } else throw new Error(`unknown argument ${argv[i]} (use --levels 1,2,4 --transport native --workers 2 --out file.json)`);
  }
  a.out ||= join(process.cwd(), 'bench', 'results', a.transport === 'native' ? 'load.json' : `load-${a.transport}.json`);
  return a;
}

interface LevelResult {
  sessions: number;
  completed: number;
  serverCores: number;
  serverCoresPerSession: number;
  clientCores: number;
  transport: LoadTransport;
  /** Client underruns (native only; null for the protocol clients, which have no jitter buffer). */
  underruns: number | null;
  audibleUnderruns: number | null;
  sessionsWithAudibleUnderruns: number | null;
  responseMsP50: number | null;
  responseMsP90: number | null;
  unanswered: number;
  engineResponseMsP50: number | null;
  bargeInStopMsP50: number | null;
  /** One more connection opened while the N talk: socket open to its first event, ms. */
  firstEventMs: number | null;
  maxInputBacklogS: number;
  skippedSpeechFrames: number;
  /** Event-loop delay of the main thread (sockets) and of the busiest engine thread, ms. */
  mainLoopDelayP99Ms: number;
  engineLoopDelayP99Ms: number;
  engineLoopDelayMaxMs: number;
  lateBeatTicks: number;
  /** The machine's 1-minute load average after the level: other work competing for the cores. */
  machineLoad1m: number;
  errors: string[];
}

async function runLevel(n: number, transport: LoadTransport, url: string, serverPid: number, scenario: ReturnType<typeof buildScenario>): Promise<LevelResult> {
  const sessions = [];
  for (let i = 0; i < n; i++) sessions.push(await openLoadSession(transport, url, `load ${i + 1}/${n}`));
  const tracks = sessions.map((_, i) => rotate(scenario, (i * scenario.durationS) / n));
  await serverStats(url, true);
  const cpu0 = processCpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const playing = Promise.all(sessions.map((c, i) => c.play(tracks[i]!.audio).catch((e: Error) => e)));
  // Halfway through, one more person connects: how soon does a loaded server greet them?
  await new Promise((resolve) => setTimeout(resolve, (scenario.durationS / 2) * 1000));
  const firstEvent = await firstEventMs(transport, url).catch((e: Error) => e);
  const results = await playing;
  const wall = (performance.now() - t0) / 1000;
  const cpu = processCpuSeconds(serverPid) - cpu0;
  const client = process.cpuUsage(client0);
  const stats = await serverStats(url, false);
  await Promise.all(sessions.map((c) => c.close().catch(() => undefined)));

  const ok = results.filter((r): r is LoadPlayResult => !(r instanceof Error));
  const errors = results.filter((r): r is Error => r instanceof Error).map((e) => e.message);
  if (firstEvent instanceof Error) errors.push(`first-event probe: ${firstEvent.message}`);
  const responses: number[] = [];
  const stops: number[] = [];
  const engine: number[] = [];
  let unanswered = 0;
  ok.forEach((r, i) => {
    const m = measureSession(r.output, tracks[i]!.cues);
    for (const x of m.responseMs) x === null ? unanswered++ : responses.push(x);
    stops.push(...m.bargeInStopMs);
    engine.push(...r.engineResponseMs);
    errors.push(...r.errors);
  });
  const counted = transport === 'native';
  return {
    sessions: n,
    transport,
    completed: ok.length,
    serverCores: round(cpu / wall),
    serverCoresPerSession: round(cpu / wall / n),
    clientCores: round((client.user + client.system) / 1e6 / wall),
    underruns: counted ? sum(ok.map((r) => r.underruns ?? 0)) : null,
    audibleUnderruns: counted ? sum(ok.map((r) => r.audibleUnderruns ?? 0)) : null,
    sessionsWithAudibleUnderruns: counted ? ok.filter((r) => (r.audibleUnderruns ?? 0) > 0).length : null,
    responseMsP50: percentile(responses, 0.5),
    responseMsP90: percentile(responses, 0.9),
    unanswered,
    engineResponseMsP50: engine.length ? round(percentile(engine, 0.5)!, 0) : null,
    bargeInStopMsP50: percentile(stops, 0.5),
    firstEventMs: firstEvent instanceof Error ? null : Math.round(firstEvent),
    maxInputBacklogS: round(Math.max(0, ...stats.live.map((s) => s.maxInputBacklogS ?? 0))),
    skippedSpeechFrames: sum(stats.live.map((s) => s.skippedFrames ?? 0)),
    mainLoopDelayP99Ms: stats.mainLoopDelayMs.p99,
    engineLoopDelayP99Ms: Math.max(0, ...stats.engineThreads.map((t) => t.loopDelayP99Ms)),
    engineLoopDelayMaxMs: Math.max(0, ...stats.engineThreads.map((t) => t.loopDelayMaxMs)),
    lateBeatTicks: sum(stats.engineThreads.map((t) => t.lateTicks)),
    machineLoad1m: round(loadavg()[0]!),
    errors: [...new Set(errors)].slice(0, 5),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : NaN);

function row(r: LevelResult): string {
  const cell = (v: unknown, w: number) => String(v ?? '—').padStart(w);
  return [
    cell(r.sessions, 4),
    cell(r.serverCores, 7),
    cell(r.serverCoresPerSession, 9),
    cell(r.underruns === null ? '—' : `${r.audibleUnderruns}/${r.underruns}`, 11),
    cell(r.sessionsWithAudibleUnderruns, 9),
    cell(r.responseMsP50, 8),
    cell(r.responseMsP90, 8),
    cell(r.unanswered, 6),
    cell(r.bargeInStopMsP50, 8),
    cell(r.firstEventMs, 7),
    cell(r.maxInputBacklogS, 8),
    cell(r.mainLoopDelayP99Ms, 8),
    cell(r.engineLoopDelayP99Ms, 8),
    cell(r.machineLoad1m, 6),
  ].join(' ');
}

const HEADER = `${'N'.padStart(4)} ${'cores'.padStart(7)} ${'core/ses'.padStart(9)} ${'und aud/all'.padStart(11)} ${'ses w/aud'.padStart(9)} ${'resp p50'.padStart(8)} ${'resp p90'.padStart(8)} ${'noans'.padStart(6)} ${'stop p50'.padStart(8)} ${'1st ev'.padStart(7)} ${'backlog'.padStart(8)} ${'main p99'.padStart(8)} ${'eng p99'.padStart(8)} ${'load'.padStart(6)}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenario = buildScenario();
  const max = Math.max(...args.levels);
  process.stderr.write(`load benchmark (${args.transport}): levels ${args.levels.join(', ')}; scenario ${scenario.durationS.toFixed(1)} s; warming ${max + 1} engines in the server (one for the first-event probe)…\n`);
  const server = await startLoadServer({ warm: max + 1, maxSessions: max + 4, workers: args.workers, cpuProf: args.cpuProf });
  const levels: LevelResult[] = [];
  try {
    process.stdout.write(`${HEADER}\n`);
    for (const n of args.levels) {
      const r = await runLevel(n, args.transport, server.url, server.pid, scenario);
      levels.push(r);
      process.stdout.write(`${row(r)}${r.errors.length ? `   errors: ${r.errors.join('; ')}` : ''}\n`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  } finally {
    await server.stop();
  }
  const firstAudible = levels.find((l) => (l.audibleUnderruns ?? 0) > 0)?.sessions ?? null;
  const firstAny = levels.find((l) => (l.underruns ?? 0) > 0)?.sessions ?? null;
  const result = {
    generated: new Date().toISOString(),
    commit: gitCommit(process.cwd()),
    machine: machineInfo(),
    transport: args.transport,
    serverWorkers: args.workers ?? 'default (one per core)',
    scenario: { durationS: round(scenario.durationS), cues: scenario.cues.map((c) => c.text) },
    columns: {
      serverCores: 'server process CPU over the run / wall time (1 = one core busy)',
      underruns: 'client buffer ran dry while playing; audible = in the middle of the agent voice',
      responseMs: "end of the person's question to the first agent audio their client played",
      bargeInStopMs: 'start of an interruption to the agent audio stopping at the client',
      firstEventMs: 'one more connection opened halfway through the level: socket open to ready (native), session.created (Realtime) or the handshake (Moshi)',
      maxInputBacklogS: 'most user audio waiting for the engine (the engine behind real time)',
    },
    levels,
    firstLevelWithAudibleUnderruns: firstAudible,
    firstLevelWithAnyUnderruns: firstAny,
  };
  writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`\naudible underruns begin at N = ${firstAudible ?? `none up to ${max}`}; any underrun at N = ${firstAny ?? `none up to ${max}`}\nwritten to ${args.out}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:load failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
