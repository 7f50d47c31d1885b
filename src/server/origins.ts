/**
 * Browser pages from other origins, admitted knowingly. A page on another origin (Moshi's own web
 * client served from its dev server, PersonaPlex's fork) may open a WebSocket here only if the
 * operator named its origin with `--allow-origin` (or '*'); otherwise its upgrade gets a bare 403.
 * Each refused Origin is logged once, with the exact flag that would admit it, so the operator can
 * tell a misconfiguration from an attack without the log filling up.
 *
 * `--serve-client DIR --at /moshi/` serves such a client's prebuilt folder from this server instead,
 * same-origin, so it needs no flag at all.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { FullduplexError } from '../errors.js';
import { originAllowed } from './access.js';
import type { ServedClient } from './options.js';
import { SECURITY_HEADERS, serveStatic } from './static-files.js';

/** Distinct refused origins remembered for the once-only log line (bounds memory under a flood). */
const MAX_REMEMBERED_ORIGINS = 1000;

export class OriginGate {
  private readonly logged = new Set<string>();
  private readonly any: boolean;

  constructor(
    private readonly allowed: readonly string[],
    private readonly log: (line: string) => void,
  ) {
    this.any = allowed.includes('*');
  }

  /** May this upgrade proceed? Same-origin and Origin-less (non-browser) requests always may. */
  admits(req: IncomingMessage): boolean {
    if (this.any || originAllowed(req, this.allowed)) return true;
    const origin = String(req.headers.origin);
    if (!this.logged.has(origin) && this.logged.size < MAX_REMEMBERED_ORIGINS) {
      this.logged.add(origin);
      this.log(`refused a WebSocket from Origin ${origin} (a page on another site; this message is shown once per origin). To admit it, start with: --allow-origin ${origin}`);
    }
    return false;
  }
}

/** Check and normalise `--serve-client DIR --at PATH` pairs (an error names the bad one). */
export function servedClients(dirs: readonly string[], ats: readonly string[]): ServedClient[] {
  if (dirs.length !== ats.length && !(dirs.length === 1 && ats.length === 0)) {
    throw new FullduplexError('BAD_ARGUMENT', `every --serve-client needs its own --at (got ${dirs.length} folders and ${ats.length} paths)`);
  }
  return dirs.map((dir, i) => {
    const raw = ats[i] ?? '/client/';
    const at = `/${raw.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
    if (at === '/' || /^\/(v1|api|healthz|readyz|metrics)\//.test(at)) {
      throw new FullduplexError('BAD_ARGUMENT', `--at ${raw}: a served client needs a path of its own, not / or one of the server's (/v1/, /api/)`);
    }
    return { dir: resolve(dir), at };
  });
}

/**
 * A foreign client's build needs what its authors chose (WebAssembly decoders, blob workers, inline
 * styles), so it is served without the page's strict Content-Security-Policy; the rest stays.
 */
const CLIENT_HEADERS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SECURITY_HEADERS).filter(([k]) => k !== 'Content-Security-Policy'));

/**
 * Serve a request under one of the clients' paths: its file, or its index.html for any other path
 * (single-page apps route in the browser). False when the path is no served client's.
 */
export async function serveClient(clients: readonly ServedClient[], pathname: string, res: ServerResponse, headOnly: boolean): Promise<boolean> {
  const client = clients.find((c) => pathname.startsWith(c.at) || pathname === c.at.slice(0, -1));
  if (!client) return false;
  if (pathname === client.at.slice(0, -1)) {
    res.writeHead(308, { ...CLIENT_HEADERS, Location: client.at, 'Content-Length': 0 }).end();
    return true;
  }
  const rel = '/' + pathname.slice(client.at.length);
  if (await serveStatic(client.dir, rel, res, headOnly, CLIENT_HEADERS)) return true;
  if (/\.[a-z0-9]+$/i.test(rel)) return false; // a missing asset is a 404, not the app
  return serveStatic(client.dir, '/index.html', res, headOnly, CLIENT_HEADERS);
}
