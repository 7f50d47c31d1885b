/**
 * Target specs for remote systems:
 *
 *   openai-realtime://host:port/v1/realtime?model=…   (openai-realtime+wss://… for TLS)
 *   moshi://host:port[/api/chat]?text_prompt=…&voice_prompt=…   (moshi+wss://…)
 *   gemini-live://host:port/ws/…BidiGenerateContent?model=…   (gemini-live+wss://…)
 *
 * Query parameters this side reads (and does not forward) are listed per protocol; every other one is
 * passed to the server. API keys never go in the spec: they come from environment variables
 * (OPENAI_API_KEY, GEMINI_API_KEY / GOOGLE_API_KEY, or the one `api_key_env=` names).
 */
import { FullduplexError } from '../../../src/errors.js';

export type ProtocolScheme = 'openai-realtime' | 'moshi' | 'gemini-live';
export const PROTOCOL_SCHEMES: readonly ProtocolScheme[] = ['openai-realtime', 'moshi', 'gemini-live'];

export interface ParsedTarget {
  readonly scheme: ProtocolScheme;
  readonly tls: boolean;
  /** The WebSocket URL to open (ws:// or wss://), with the forwarded query parameters. */
  readonly url: URL;
  /** Parameters this side consumed. */
  readonly params: Readonly<Record<string, string>>;
  /** The spec with any secret-looking parameter removed, for reports. */
  readonly display: string;
}

const DEFAULT_PATHS: Record<ProtocolScheme, string> = {
  'openai-realtime': '/v1/realtime',
  moshi: '/api/chat',
  'gemini-live': '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent',
};

/** Parameters consumed by the client, per scheme (the rest go to the server). */
const CLIENT_PARAMS: Record<ProtocolScheme, readonly string[]> = {
  'openai-realtime': ['voice', 'instructions', 'turn_detection', 'eagerness', 'beta', 'api_key_env'],
  moshi: ['api_key_env'],
  'gemini-live': ['model', 'voice', 'instructions', 'api_key_env'],
};

const SECRET = /key|token|secret/i;

/** Parse a target spec, or undefined when its scheme is not a protocol target. Throws BAD_ARGUMENT when malformed. */
export function parseProtocolTarget(spec: string): ParsedTarget | undefined {
  const m = /^([a-z-]+)(\+wss?)?:\/\//i.exec(spec);
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase() as ProtocolScheme;
  if (!PROTOCOL_SCHEMES.includes(scheme)) return undefined;
  const tls = (m[2] ?? '').toLowerCase() === '+wss';
  let parsed: URL;
  try {
    parsed = new URL(`${tls ? 'wss' : 'ws'}://${spec.slice(m[0].length)}`);
  } catch {
    throw new FullduplexError('BAD_ARGUMENT', `target '${spec}' is not a valid URL`);
  }
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = DEFAULT_PATHS[scheme];
  const params: Record<string, string> = {};
  for (const name of CLIENT_PARAMS[scheme]) {
    const v = parsed.searchParams.get(name);
    if (v !== null) params[name] = v;
    parsed.searchParams.delete(name);
  }
  const shown = new URL(parsed);
  for (const k of [...shown.searchParams.keys()]) if (SECRET.test(k)) shown.searchParams.set(k, '…');
  return { scheme, tls, url: parsed, params, display: `${scheme}${tls ? '+wss' : ''}://${shown.host}${shown.pathname}${shown.search}` };
}

/** The API key for a target: the variable `api_key_env` names, else the protocol's usual ones. */
export function apiKeyFor(t: ParsedTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = t.params['api_key_env'] ? [t.params['api_key_env']] : t.scheme === 'openai-realtime' ? ['OPENAI_API_KEY'] : t.scheme === 'gemini-live' ? ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] : [];
  for (const n of names) if (env[n]) return env[n];
  return undefined;
}
