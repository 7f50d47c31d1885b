/**
 * The server under load: `fullduplex talk` as its own process (recording on, as shipped), and its
 * /v1/stats. Shared by `bench:load` and `bench:soak`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LoadServerOptions {
  /** Engines loaded at start-up (`--warm`). */
  warm: number;
  /** `--max-sessions`. */
  maxSessions: number;
  /** Engine worker threads (undefined: the server's default, one per core). */
  workers?: number | undefined;
  /** Write V8 CPU profiles of the server (every thread) into this folder. */
  cpuProf?: string | undefined;
}

export interface LoadServer {
  readonly pid: number;
  readonly url: string;
  /** Where the server records each session (one folder per session). */
  readonly sessionsDir: string;
  stop(): Promise<void>;
}

export async function startLoadServer(o: LoadServerOptions): Promise<LoadServer> {
  const sessionsDir = mkdtempSync(join(tmpdir(), 'fullduplex-load-'));
  const bin = join(process.cwd(), 'bin', 'fullduplex.js');
  const args = [
    ...(o.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProf] : []),
    bin, 'talk', '--port', '0', '--warm', String(o.warm), '--max-sessions', String(o.maxSessions), '--sessions-dir', sessionsDir,
    ...(o.workers === undefined ? [] : ['--workers', String(o.workers)]),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`the server exited: ${err}`)));
  });
  return { pid: child.pid!, url, sessionsDir, stop: async () => (child.kill('SIGINT'), await exited) }; // SIGINT: close at once (SIGTERM would drain)
}

export interface ServerStats {
  sessions: number;
  rssBytes: number;
  mainLoopDelayMs: { p99: number; max: number };
  engineThreads: { sessions: number; loopDelayP99Ms: number; loopDelayMaxMs: number; lateTicks: number }[];
  live: Record<string, number>[];
}

export async function serverStats(url: string, reset: boolean): Promise<ServerStats> {
  const res = await fetch(new URL(`/v1/stats${reset ? '?reset=1' : ''}`, url));
  return (await res.json()) as ServerStats;
}
