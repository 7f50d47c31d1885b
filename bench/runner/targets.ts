/**
 * Target registry: `--target <spec>` → a BenchTarget. The in-process engine is built in; the
 * WebSocket and foreign-protocol targets of later issues register a factory for their scheme
 * (e.g. "ws", "moshi", "openai-realtime") and are then reachable as `--target ws://host:port`.
 */
import { FullduplexError } from '../../src/errors.js';
import { LocalTarget, type LocalTargetOptions } from './local-target.js';
import type { BenchTarget } from './target.js';

export interface TargetFactoryOptions {
  /** Options for the in-process engine (voice, eagerness, dialogue model). */
  readonly local?: LocalTargetOptions;
}

export type TargetFactory = (spec: string, options: TargetFactoryOptions) => Promise<BenchTarget>;

const factories = new Map<string, TargetFactory>([
  ['local', async (_spec, o) => new LocalTarget(o.local)],
  // The engine over its own WebSocket protocol; loaded only when asked for (it pulls in ws and the protocol).
  [
    'ws',
    async (spec, o) => {
      const { WebSocketTarget } = await import('./ws-target.js');
      return new WebSocketTarget({ url: spec, ...(o.local?.voice && { voice: o.local.voice }), ...(o.local?.eagerness && { eagerness: o.local.eagerness }) });
    },
  ],
]);

/** Make `spec` ("local", or "<scheme>://…" / "<scheme>:…") resolve through `factory`. */
export function registerTarget(scheme: string, factory: TargetFactory): void {
  factories.set(scheme.toLowerCase(), factory);
}

export function knownTargets(): string[] {
  return [...factories.keys()];
}

export async function createTarget(spec: string, options: TargetFactoryOptions = {}): Promise<BenchTarget> {
  const scheme = (/^([a-z][a-z0-9+.-]*):/i.exec(spec)?.[1] ?? spec).toLowerCase();
  const factory = factories.get(scheme);
  if (!factory) {
    throw new FullduplexError('BAD_ARGUMENT', `unknown target '${spec}' (known: ${knownTargets().join(', ')})`);
  }
  return factory(spec, options);
}
