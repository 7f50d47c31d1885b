/**
 * Target specs for `bench compare`: lists of them, folder names, and the host `self` — this process's
 * own live server (native protocol on /v1/session, OpenAI Realtime on /v1/realtime, Moshi on
 * /api/chat), started on 127.0.0.1 with an ephemeral port for the comparison and stopped after it.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { FullduplexError } from '../errors.js';
import type { Eagerness } from '../engine/options.js';
import { startServer, type FullduplexServer } from '../server/server.js';
import { VOICES } from '../server/options.js';
import type { BenchClock, BenchTarget, TargetRunOptions, TargetRunResult } from '../../bench/runner/target.js';
import type { PcmFrame } from '../audio/frame.js';
import { defaultWebRoot } from './talk.js';

/** The in-process engine, then the same engine through each of its transports. */
export const DEFAULT_COMPARE_TARGETS = ['local', 'ws://self', 'openai-realtime://self', 'moshi://self'] as const;

const SPEC_START = /^\s*(local\b|[a-z][a-z0-9+.-]*:)/i;

/**
 * Targets from repeated and comma-separated values. A comma starts a new spec only where a spec can
 * start ("local" or "scheme:"), so a comma inside a query parameter stays where it is.
 */
export function splitTargets(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    value.split(',').forEach((part, i) => {
      if (i > 0 && !SPEC_START.test(part)) out[out.length - 1] += `,${part}`;
      else out.push(part);
    });
  }
  return out.map((s) => s.trim()).filter(Boolean);
}

/** A folder name for a target's run: "openai-realtime://self" → "openai-realtime-self"; unique among `taken`. */
export function targetSlug(spec: string, taken: Set<string>): string {
  const base = spec.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '') || 'target';
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  taken.add(slug);
  return slug;
}

const SELF = /^([a-z][a-z0-9+.-]*):\/\/self(?=[/?#]|$)/i;

export function usesSelf(spec: string): boolean {
  return SELF.test(spec);
}

/**
 * The spec with `self` replaced by the live server's address. An OpenAI Realtime spec gets the
 * comparison's eagerness (the endpoint maps semantic_vad's eagerness onto the predictor's) unless it
 * names one; the other transports take it from the server's default.
 */
export function resolveSelf(spec: string, port: number, o: { eagerness?: Eagerness } = {}): string {
  const m = SELF.exec(spec);
  if (!m) return spec;
  if (/\+wss$/i.test(m[1]!) || m[1]!.toLowerCase() === 'wss') throw new FullduplexError('BAD_ARGUMENT', `'${spec}': the self server speaks plain WebSocket on loopback; drop the TLS`);
  const resolved = `${m[1]}://127.0.0.1:${port}${spec.slice(m[0].length)}`;
  if (!/^openai-realtime$/i.test(m[1]!) || !o.eagerness) return resolved;
  const url = new URL(resolved.replace(/^[^:]+:/, 'http:'));
  if (url.searchParams.has('eagerness')) return resolved;
  return `${resolved}${url.search ? '&' : resolved.endsWith('?') ? '' : '?'}eagerness=${o.eagerness}`;
}

/** A target under the name the user gave it ("ws://self"), so its run folder resumes whatever port the server gets. */
export class NamedTarget implements BenchTarget {
  readonly clocks: readonly BenchClock[];

  constructor(
    readonly name: string,
    private readonly inner: BenchTarget,
    private readonly note: string,
  ) {
    this.clocks = inner.clocks;
  }

  describe(): string {
    return `${this.inner.describe()} (${this.note})`;
  }

  run(input: PcmFrame, options: TargetRunOptions): Promise<TargetRunResult> {
    return this.inner.run(input, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

export interface SelfServer {
  readonly server: FullduplexServer;
  readonly port: number;
  /** What NamedTarget adds to the description. */
  readonly note: string;
  close(): Promise<void>;
}

/**
 * The live server with every endpoint, on loopback and an ephemeral port. Sessions run on the main
 * thread (workers 0), as the in-process target's do, so the columns differ by transport and codec, not by threading. Nothing is recorded
 * under sessions/; the server's log lines go to `logPath`.
 */
export async function startSelfServer(o: { voice?: string; eagerness?: Eagerness; logPath: string }): Promise<SelfServer> {
  if (o.voice && !(VOICES as readonly string[]).includes(o.voice)) throw new FullduplexError('BAD_ARGUMENT', `--voice must be one of ${VOICES.join(', ')}`);
  const log: WriteStream = createWriteStream(o.logPath, { flags: 'a' });
  try {
    const server = await startServer({
      webRoot: defaultWebRoot(),
      host: '127.0.0.1',
      port: 0,
      workers: 0,
      warmSessions: 1,
      engine: { ...(o.voice && { voice: o.voice }), ...(o.eagerness && { eagerness: o.eagerness }) },
      recording: { sessionsDir: '' },
      log: (line) => void log.write(line + '\n'),
    });
    return {
      server,
      port: server.port,
      note: `this process's live server on 127.0.0.1:${server.port}, sessions on its main thread`,
      close: async () => {
        await server.close();
        await new Promise<void>((resolve) => log.end(resolve));
      },
    };
  } catch (e) {
    log.end();
    throw e;
  }
}
