/**
 * The load benchmark's simulated people, over any of the server's transports: the native protocol
 * (bench/runner/ws-target.ts, a real-time client with a jitter buffer), OpenAI Realtime and Moshi (the
 * bench's protocol targets, which use the protocol clients in src/protocols/<protocol>/client.ts and
 * record what a client's player would have played). Each yields the audio the person heard, aligned
 * with what they said, so bench/load/measure.ts reads response and barge-in times the same way for all.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { PcmFrame } from '../../src/audio/frame.js';
import { responseLatencies } from '../../src/engine/summary.js';
import { SESSION_PATH } from '../../src/server/protocol.js';
import { MOSHI_PATH } from '../../src/protocols/moshi/endpoint.js';
import { REALTIME_PATH } from '../../src/protocols/openai-realtime/endpoint.js';
import { WsConversation } from '../runner/ws-target.js';
import { createProtocolTarget } from '../runner/protocol-targets.js';
import type { BenchTarget } from '../runner/target.js';

export const LOAD_TRANSPORTS = ['native', 'realtime', 'moshi'] as const;
export type LoadTransport = (typeof LOAD_TRANSPORTS)[number];

export interface LoadPlayResult {
  /** What the person heard, aligned with the track. */
  readonly output: PcmFrame;
  /** Client buffer underruns (native only: the protocol clients have no jitter buffer to count them). */
  readonly underruns: number | null;
  readonly audibleUnderruns: number | null;
  /** The engine's own response latencies from its event stream (native only), ms. */
  readonly engineResponseMs: number[];
  readonly errors: string[];
}

export interface LoadSession {
  play(track: PcmFrame): Promise<LoadPlayResult>;
  close(): Promise<void>;
}

/** One simulated person on `transport`. Native sessions connect and start here; the others connect when they play. */
export async function openLoadSession(transport: LoadTransport, serverUrl: string, label: string): Promise<LoadSession> {
  if (transport === 'native') {
    const c = await WsConversation.open(16000, { url: serverUrl, client: label });
    return {
      play: async (track) => {
        const r = await c.play(track);
        return {
          output: r.output,
          underruns: r.stats.underruns,
          audibleUnderruns: r.stats.audibleUnderruns,
          engineResponseMs: responseLatencies(r.events).map((l) => l.responseS * 1000),
          errors: r.stats.errors,
        };
      },
      close: () => c.close(),
    };
  }
  const target: BenchTarget = createProtocolTarget(protocolSpec(transport, serverUrl))!;
  return {
    play: async (track) => {
      const r = await target.run(track, { clock: 'realtime' });
      const serverErrors = (r.info?.['serverErrors'] as unknown[] | undefined) ?? [];
      const closeCode = r.info?.['closeCode'] as number | undefined;
      return {
        output: r.output,
        underruns: null,
        audibleUnderruns: null,
        engineResponseMs: [],
        errors: [...serverErrors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))), ...(closeCode !== undefined && closeCode !== 1000 && closeCode !== 1005 ? [`closed ${closeCode}`] : [])],
      };
    },
    close: () => target.close(),
  };
}

function protocolSpec(transport: Exclude<LoadTransport, 'native'>, serverUrl: string): string {
  const host = new URL(serverUrl).host;
  return transport === 'realtime' ? `openai-realtime://${host}${REALTIME_PATH}` : `moshi://${host}${MOSHI_PATH}`;
}

/**
 * Connection to first event, ms: from opening the socket to the first thing a client can act on —
 * `ready` after `start` (native), `session.created` (Realtime), the handshake message (Moshi).
 */
export async function firstEventMs(transport: LoadTransport, serverUrl: string, timeoutMs = 30_000): Promise<number> {
  const path = transport === 'native' ? SESSION_PATH : transport === 'realtime' ? REALTIME_PATH : MOSHI_PATH;
  const url = new URL(path, serverUrl.replace(/^http/, 'ws'));
  const t0 = performance.now();
  const ws = new WebSocket(url, { perMessageDeflate: false });
  try {
    return await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no first event within ${timeoutMs} ms`)), timeoutMs);
      const done = (f: () => void) => (clearTimeout(timer), f());
      ws.once('error', (e) => done(() => reject(e)));
      ws.once('unexpected-response', (_q, res) => done(() => reject(new Error(`HTTP ${res.statusCode}`))));
      ws.once('open', () => {
        if (transport === 'native') ws.send(JSON.stringify({ type: 'start', protocol: 1, inputSampleRate: 16000, client: 'load first-event probe' }));
      });
      ws.on('message', (data, isBinary) => {
        if (transport === 'native' && (isBinary || (JSON.parse(data.toString()) as { type: string }).type !== 'ready')) return;
        done(() => resolve(performance.now() - t0));
      });
    });
  } finally {
    ws.terminate();
  }
}
