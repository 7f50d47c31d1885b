/**
 * bench:first-event — how long a client waits from opening the connection to the server's first
 * event, per transport, with a warm engine pool: Realtime `session.created` (and `session.updated`,
 * which waits for the engine session: client events are handled once it is live), Moshi's handshake
 * byte (sent once the engine session is live), the native protocol's `ready` after `start`.
 *
 *   node dist/bench/first-event.js [--connections 20] [--workers 2] [--out bench/results/first-event.json]
 *
 * Connections are opened one after another (each closed before the next, the transports in turn), so
 * every one finds a warm engine; the server is the live server (`fullduplex talk`) in its own process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startLoadServer } from './load/server.js';

interface Args {
  connections: number;
  workers: number | undefined;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { connections: 20, workers: undefined, out: join(process.cwd(), 'bench', 'results', 'first-event.json') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--connections') a.connections = Number(argv[++i]);
    else if (argv[i] === '--workers') a.workers = Number(argv[++i]);
    else if (argv[i] === '--out') a.out = argv[++i]!;
    else throw new Error(`unknown argument ${argv[i]} (use --connections 20 --workers 2 --out file.json)`);
  }
  if (!Number.isInteger(a.connections) || a.connections < 1) throw new Error('--connections must be a positive integer');
  return a;
}

/** Open `url`, call `onOpen`, resolve with ms from the WebSocket's creation to each milestone `marks` names. */
function timeConnection(url: string, onOpen: (ws: WebSocket) => void, marks: Record<string, (data: Buffer, isBinary: boolean) => boolean>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const ws = new WebSocket(url);
    const got: Record<string, number> = {};
    const timer = setTimeout(() => (ws.terminate(), reject(new Error(`timed out; got ${JSON.stringify(got)}`))), 10_000);
    ws.on('open', () => onOpen(ws));
    ws.on('error', (e) => (clearTimeout(timer), reject(e)));
    ws.on('message', (data: Buffer, isBinary) => {
      for (const [name, test] of Object.entries(marks)) if (got[name] === undefined && test(data, isBinary)) got[name] = performance.now() - t0;
      if (Object.keys(got).length === Object.keys(marks).length) {
        clearTimeout(timer);
        ws.once('close', () => resolve(got));
        ws.close();
      }
    });
  });
}

const jsonType = (type: string) => (data: Buffer, isBinary: boolean) => !isBinary && (JSON.parse(data.toString()) as { type: string }).type === type;

const TRANSPORTS = {
  realtime: (base: string) =>
    timeConnection(`${base}/v1/realtime?model=fullduplex`, (ws) => ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } })), {
      firstEvent: jsonType('session.created'),
      engineLive: jsonType('session.updated'),
    }),
  moshi: (base: string) => timeConnection(`${base}/api/chat`, () => undefined, { firstEvent: (d, bin) => bin && d[0] === 0x00 }),
  native: (base: string) =>
    timeConnection(`${base}/v1/session`, (ws) => ws.send(JSON.stringify({ type: 'start', protocol: 1, inputSampleRate: 16000 })), { firstEvent: jsonType('ready') }),
} as const;

function summary(xs: number[]): { p50: number; p90: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 10) / 10;
  return { p50: at(0.5), p90: at(0.9), max: Math.round(s.at(-1)! * 10) / 10 };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const server = await startLoadServer({ warm: 2, maxSessions: 4, workers: args.workers, cpuProf: undefined });
  const base = server.url.replace(/^http/, 'ws').replace(/\/$/, '');
  const results: Record<string, Record<string, { p50: number; p90: number; max: number }>> = {};
  try {
    // Round-robin over the transports, so that the machine's load falls on each alike.
    for (const run of Object.values(TRANSPORTS)) await run(base); // the first connection warms its code paths
    const samples: Record<string, Record<string, number[]>> = {};
    for (let i = 0; i < args.connections; i++) {
      for (const [name, run] of Object.entries(TRANSPORTS)) {
        for (const [mark, ms] of Object.entries(await run(base))) ((samples[name] ??= {})[mark] ??= []).push(ms);
        await new Promise((r) => setTimeout(r, 100)); // the engine goes back to the pool
      }
    }
    for (const [name, marks] of Object.entries(samples)) {
      results[name] = Object.fromEntries(Object.entries(marks).map(([m, xs]) => [m, summary(xs)]));
      console.log(`${name.padEnd(9)} ${Object.entries(results[name]!).map(([m, s]) => `${m} p50 ${s.p50} ms, p90 ${s.p90} ms, max ${s.max} ms`).join('; ')}`);
    }
  } finally {
    await server.stop();
  }
  const result = { date: new Date().toISOString(), connections: args.connections, serverWorkers: args.workers ?? 'default (one per core)', goalMs: 50, results };
  writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  console.log(`written: ${args.out}`);
}

main().catch((e: Error) => {
  console.error(`bench:first-event failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
