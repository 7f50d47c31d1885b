/**
 * Foreign full-duplex systems as benchmark targets, reached over their own wire protocols:
 *
 *   --target openai-realtime://host:port/v1/realtime?model=…   any OpenAI Realtime-compatible server
 *   --target moshi://host:port?text_prompt=…&voice_prompt=…     Moshi, PersonaPlex
 *   --target gemini-live://host:port/ws/…?model=…               Gemini Live (BidiGenerateContent)
 *
 * Add `+wss` to the scheme for TLS (openai-realtime+wss://api.openai.com/v1/realtime?model=gpt-realtime).
 * Each streams the scenario in real time and records what a client's player would have played,
 * aligned with the input (see protocol/timeline.ts). The runner reaches them through
 * `registerProtocolTargets()` (or asks `createProtocolTarget(spec)` directly).
 */
import type { BenchTarget } from './target.js';
import { registerTarget } from './targets.js';
import { GeminiLiveTarget } from './protocol/gemini-target.js';
import { MoshiTarget } from './protocol/moshi-target.js';
import { OpenAIRealtimeTarget } from './protocol/openai-target.js';
import { parseProtocolTarget, PROTOCOL_SCHEMES } from './protocol/urls.js';

/** A target for a protocol spec, or undefined when the spec is not one. Throws BAD_ARGUMENT when malformed. */
export function createProtocolTarget(spec: string): BenchTarget | undefined {
  const t = parseProtocolTarget(spec);
  if (!t) return undefined;
  switch (t.scheme) {
    case 'openai-realtime':
      return new OpenAIRealtimeTarget(t);
    case 'moshi':
      return new MoshiTarget(t);
    case 'gemini-live':
      return new GeminiLiveTarget(t);
  }
}

/** Register every protocol scheme (plain and +wss) with the runner's target registry. */
export function registerProtocolTargets(): void {
  for (const scheme of PROTOCOL_SCHEMES) {
    for (const s of [scheme, `${scheme}+wss`]) registerTarget(s, async (spec) => createProtocolTarget(spec)!);
  }
}
