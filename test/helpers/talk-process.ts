/** `fullduplex talk` as a child process on a free loopback port, for tests of signals, crashes and balancers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const BIN = join(process.cwd(), 'bin', 'fullduplex.js');

export interface TalkProcess {
  child: ChildProcess;
  /** The page's URL (http://127.0.0.1:PORT/). */
  url: string;
  port: number;
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Everything it wrote to stderr so far (its log). */
  log(): string;
}

/** Start `fullduplex talk` on a free port; resolves once it listens. */
export async function startTalk(sessionsDir: string, extra: string[] = []): Promise<TalkProcess> {
  const child = spawn(process.execPath, [BIN, 'talk', '--port', '0', '--warm', '1', '--sessions-dir', sessionsDir, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening: (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(({ code }) => reject(new Error(`talk exited with ${code}: ${err}`)));
  });
  return { child, url, port: Number(new URL(url).port), exited, log: () => err };
}

export interface RecordedSession {
  dir: string;
  meta: { client?: string; ended?: string; endReason?: string };
  transcript: string;
}

/** The sessions recorded under `root` (each folder's session.json and transcript). */
export function recordedSessions(root: string): RecordedSession[] {
  return readdirSync(root).map((d) => {
    const dir = join(root, d);
    return {
      dir,
      meta: JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as RecordedSession['meta'],
      transcript: readFileSync(join(dir, 'transcript.txt'), 'utf8'),
    };
  });
}
