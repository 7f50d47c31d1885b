/**
 * Ephemeral client keys in OpenAI's convention, so a browser never holds the server's token: a
 * token-holding backend calls `POST /v1/realtime/client_secrets` and hands the short-lived `ek_…` key
 * to the browser, which uses it as its bearer (Realtime subprotocol `openai-insecure-api-key.<key>`,
 * `Authorization: Bearer`, or `?token=`).
 *
 * A key is self-contained and signed: `ek_` + base64url(JSON {exp, iat, jti, session}) + `.` +
 * base64url(HMAC-SHA256). The HMAC key is derived from the server's token, so every instance started
 * with the same token (behind a load balancer) accepts the keys any of them minted, and nothing is
 * kept per key. Without a token, a random per-process secret signs them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { defaultSessionConfig, RealtimeSessionState } from '../protocols/openai-realtime/endpoint-config.js';
import { parseClientEvent, realtimeErrorEvent } from '../protocols/openai-realtime/events.js';
import { toFullduplexError } from '../errors.js';
import { tokenMatches } from './access.js';
import type { ClientSecretOptions } from './options.js';
import { SECURITY_HEADERS } from './static-files.js';

export const CLIENT_SECRETS_PATH = '/v1/realtime/client_secrets';
export const KEY_PREFIX = 'ek_';
/** A request body larger than this is refused (a session configuration is a few hundred bytes), bytes. */
const MAX_BODY_BYTES = 32 * 1024;
/** The session configuration a key may carry, as JSON, bytes (the key travels in a header). */
const MAX_SESSION_BYTES = 4 * 1024;

/** A request the endpoint refuses: the HTTP status and OpenAI's error object. */
export class ClientSecretError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  get body(): { error: { message: string; type: string; code: string; param: string | null } } {
    return { error: { message: this.message, type: 'invalid_request_error', code: this.code, param: this.param } };
  }
}

export interface MintedClientSecret {
  value: string;
  /** Unix seconds. */
  expires_at: number;
  /** The session configuration sessions opened with the key start with (GA-shaped, defaults filled in). */
  session: Record<string, unknown>;
}

export type KeyCheck =
  | { ok: true; session: Record<string, unknown> | undefined; expiresAt: number }
  | { ok: false; code: 'invalid_api_key' | 'expired_api_key'; message: string };

interface KeyPayload {
  /** Expiry and issue time, unix seconds; a random id so no two keys are alike. */
  exp: number;
  iat: number;
  jti: string;
  session?: Record<string, unknown>;
}

export class ClientSecrets {
  private readonly signingKey: Buffer;

  constructor(
    serverToken: string | undefined,
    private readonly o: ClientSecretOptions,
    /** What a session reports as its model and voice when the request names none. */
    private readonly defaults: { model: string; voice: string },
  ) {
    this.signingKey = createHmac('sha256', serverToken ?? randomBytes(32)).update('fullduplex client secrets v1').digest();
  }

  /** Mint a key for an OpenAI-shaped request body ({expires_after?, session?}); throws ClientSecretError. */
  mint(body: unknown): MintedClientSecret {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b !== 'object' || Array.isArray(b)) throw new ClientSecretError(400, 'invalid_type', 'The request body must be a JSON object.');
    const ttl = this.ttlOf(b['expires_after']);
    const session = this.sessionOf(b['session']);
    const iat = Math.floor(this.o.now() / 1000);
    const payload: KeyPayload = { exp: iat + ttl, iat, jti: randomBytes(9).toString('base64url'), ...(b['session'] !== undefined && { session: b['session'] as Record<string, unknown> }) };
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { value: `${KEY_PREFIX}${encoded}.${this.sign(encoded)}`, expires_at: payload.exp, session: { ...session, expires_at: payload.exp } };
  }

  /** Is `value` a key this server (or one sharing its token) minted, and still valid? */
  verify(value: string): KeyCheck {
    const forged = { ok: false, code: 'invalid_api_key', message: 'Incorrect API key provided: the ephemeral key is not one this server issued.' } as const;
    if (!value.startsWith(KEY_PREFIX)) return forged;
    const [encoded, signature, extra] = value.slice(KEY_PREFIX.length).split('.');
    if (!encoded || !signature || extra !== undefined) return forged;
    const expected = Buffer.from(this.sign(encoded));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return forged;
    let p: KeyPayload;
    try {
      p = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as KeyPayload;
    } catch {
      return forged;
    }
    if (typeof p.exp !== 'number' || this.o.now() / 1000 >= p.exp) {
      return { ok: false, code: 'expired_api_key', message: `The ephemeral key expired at ${new Date(p.exp * 1000).toISOString()}; ask your backend for a new one.` };
    }
    return { ok: true, session: p.session, expiresAt: p.exp };
  }

  private sign(encoded: string): string {
    return createHmac('sha256', this.signingKey).update(encoded).digest('base64url');
  }

  private ttlOf(v: unknown): number {
    if (v === undefined) return this.o.defaultTtlSeconds;
    const e = v as Record<string, unknown>;
    if (typeof e !== 'object' || e === null) throw new ClientSecretError(400, 'invalid_type', "'expires_after' must be an object {anchor, seconds}.", 'expires_after');
    if (e['anchor'] !== undefined && e['anchor'] !== 'created_at') throw new ClientSecretError(400, 'invalid_value', "'expires_after.anchor' must be 'created_at'.", 'expires_after.anchor');
    const s = e['seconds'] ?? this.o.defaultTtlSeconds;
    if (typeof s !== 'number' || !Number.isInteger(s) || s < this.o.minTtlSeconds || s > this.o.maxTtlSeconds) {
      throw new ClientSecretError(400, 'invalid_value', `'expires_after.seconds' must be a whole number from ${this.o.minTtlSeconds} to ${this.o.maxTtlSeconds}.`, 'expires_after.seconds');
    }
    return s;
  }

  /** The session a key starts with: validated as a `session.update` would be, merged onto the defaults. */
  private sessionOf(v: unknown): Record<string, unknown> {
    const model = typeof (v as { model?: unknown } | undefined)?.model === 'string' ? (v as { model: string }).model : this.defaults.model;
    const state = new RealtimeSessionState(defaultSessionConfig(`sess_${randomBytes(12).toString('hex')}`, model, this.defaults.voice));
    if (v === undefined) return state.current;
    if (JSON.stringify(v).length > MAX_SESSION_BYTES) throw new ClientSecretError(400, 'invalid_value', `'session' is larger than ${MAX_SESSION_BYTES} bytes.`, 'session');
    const parsed = parseClientEvent(JSON.stringify({ type: 'session.update', session: v }));
    if (!parsed.ok) {
      const err = parsed.error.error;
      throw new ClientSecretError(400, 'invalid_value', err.message, err.param ?? 'session');
    }
    try {
      state.update((parsed.event as { session: Parameters<RealtimeSessionState['update']>[0] }).session);
    } catch (e) {
      throw new ClientSecretError(400, 'invalid_value', toFullduplexError(e).message, 'session');
    }
    return state.current;
  }
}

/** `POST /v1/realtime/client_secrets` with the server's token as bearer: mint one key. */
export async function handleClientSecretsRequest(req: IncomingMessage, res: ServerResponse, secrets: ClientSecrets, serverToken: string | undefined): Promise<void> {
  try {
    if (req.method !== 'POST') throw new ClientSecretError(405, 'method_not_allowed', 'Use POST.');
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    // Only the server's token mints keys; a key never mints another.
    if (serverToken && !tokenMatches(serverToken, bearer)) throw new ClientSecretError(401, 'invalid_api_key', 'Minting a client secret needs the server token as `Authorization: Bearer <token>`.');
    const body = await readJson(req);
    const minted = secrets.mint(body);
    reply(res, 200, minted);
  } catch (e) {
    const err = e instanceof ClientSecretError ? e : new ClientSecretError(400, 'invalid_request', toFullduplexError(e).message);
    reply(res, err.status, err.body);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ClientSecretError(413, 'request_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientSecretError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers the handshake only to say why: never runs a session, so it takes no admission slot. */
const refusals = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024, handleProtocols: (offered) => (offered.has('realtime') ? 'realtime' : false) });

/**
 * A Realtime client with an expired or forged key: like OpenAI, the handshake completes and the
 * client gets the protocol's `error` event (browsers cannot read an HTTP status), then close 1008.
 */
export function refuseRealtimeKey(req: IncomingMessage, socket: Duplex, head: Buffer, check: Extract<KeyCheck, { ok: false }>): void {
  refusals.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => undefined);
    ws.send(JSON.stringify(realtimeErrorEvent({ type: 'invalid_request_error', code: check.code, message: check.message })), () => ws.close(1008, check.code));
  });
}
