/**
 * The session configuration an ephemeral key carries (`POST /v1/realtime/client_secrets`, OpenAI's
 * shape: instructions, voice, turn_detection) as the engine's session options, so that a key means the
 * same on every transport: the Realtime endpoint applies it as a `session.update`, the native protocol
 * and Moshi through this. The client's own explicit settings win over the key's (as a Realtime
 * `session.update` after connecting does): callers spread these under what the client asked for.
 */
import type { Eagerness } from '../engine/options.js';
import { toFullduplexError } from '../errors.js';
import { defaultSessionConfig, eagernessOf, RealtimeSessionState } from '../protocols/openai-realtime/endpoint-config.js';
import type { RealtimeSessionConfig, BetaSessionConfig } from '../protocols/openai-realtime/types.js';

/** What a key's session sets of a native `start` message. */
export interface KeyedStartOptions {
  instructions?: string;
  voice?: string;
  eagerness?: Eagerness;
}

/**
 * The engine options in a key's `session` (validated when the key was minted; read again here in
 * either dialect). A voice the synthesizer lacks, OpenAI's (`alloy`…) say, is left out with a log line,
 * not refused: the key was minted for OpenAI-shaped clients. Semantic VAD's eagerness maps onto the
 * engine's (`auto` leaves the server's default); server_vad has no native equivalent and is ignored.
 */
export function keyedStartOptions(session: Record<string, unknown> | undefined, voices: readonly string[], log: (line: string) => void): KeyedStartOptions {
  if (!session) return {};
  // An empty voice: whatever the key names (or not) is read back against this placeholder.
  const state = new RealtimeSessionState(defaultSessionConfig('keyed', 'keyed', ''));
  try {
    state.update(session as RealtimeSessionConfig | BetaSessionConfig);
  } catch (e) {
    log(`the key's session configuration was not applied: ${toFullduplexError(e).message}`);
    return {};
  }
  const out: KeyedStartOptions = {};
  if (state.instructions.trim()) out.instructions = state.instructions;
  const voice = state.current.audio?.output?.voice;
  if (typeof voice === 'string' && voice !== '') {
    if (voices.includes(voice)) out.voice = voice;
    else log(`the key's voice '${voice}' is not one of this server's (${voices.join(', ')}); the default voice speaks`);
  }
  const td = state.current.audio?.input?.turn_detection;
  if (td && td.type === 'semantic_vad' && td.eagerness && td.eagerness !== 'auto') out.eagerness = eagernessOf(td.eagerness);
  return out;
}
