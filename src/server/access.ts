/**
 * Who may connect. The server binds loopback by default; binding anything else requires an access
 * token. Browsers always send an Origin header, and a page from another site must not be able to open
 * a session (and the microphone's audio) on this one, so browser origins are checked too.
 */
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export function generateToken(): string {
  return randomBytes(16).toString('hex');
}

/** Browsers cannot set headers on a WebSocket, so OpenAI's convention carries the key as a subprotocol. */
export const KEY_SUBPROTOCOL_PREFIX = 'openai-insecure-api-key.';

/**
 * The token (or ephemeral key) a request carries: `Authorization: Bearer …`, the WebSocket
 * subprotocol `openai-insecure-api-key.…`, or `?token=…`.
 */
export function requestToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  const key = offered.find((p) => p.startsWith(KEY_SUBPROTOCOL_PREFIX));
  if (key) return key.slice(KEY_SUBPROTOCOL_PREFIX.length);
  return url.searchParams.get('token') ?? undefined;
}

export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A request without Origin is not from a browser page (a CLI, the bench) and passes; a browser's
 * Origin must be this server's own (by the Host it used) or one of `allowed`.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true;
  return allowed.includes(origin);
}

/**
 * DNS rebinding guard: a server bound to loopback answers only requests addressed to a loopback name,
 * so a foreign site whose name resolves to 127.0.0.1 cannot pass as "same origin".
 */
export function hostAllowed(req: IncomingMessage, boundHost: string): boolean {
  if (!isLoopbackHost(boundHost)) return true;
  const host = req.headers.host;
  if (!host) return true; // HTTP/1.0 clients without Host are not browsers
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return isLoopbackHost(name);
}
