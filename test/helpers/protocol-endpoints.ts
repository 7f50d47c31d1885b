/** Helpers for the protocol endpoint and client tests: a loopback protocol server on the local engine, paced streaming, listening to agent audio. */
import { defaultSpeechBackends } from '../../src/speech/registry.js';
import { performance } from 'node:perf_hooks';
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import type { ConversationSession } from '../../src/engine/session.js';
import type { LlmOptions } from '../../src/engine/local.js';
import { startProtocolServer, type ProtocolEndpointsDeps, type ProtocolServer } from '../../src/protocols/endpoints.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { SileroVad } from '../../src/speech/vad/silero.js';
import { detectSpeechSegments, type Segment } from '../../src/speech/vad/segmenter.js';
import { compose, synth } from './speech.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { EngineEvent } from '../../src/engine/events.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessHost, type SessionHost } from '../../src/server/session-host.js';
import { defaultPlaybackOptions, defaultRecordingOptions, defaultServerLimits, defaultServerOptions } from '../../src/server/options.js';

let shared: { asr: PocketsphinxAsr; tts: FliteTts; vad?: SileroVad } | undefined;

function components() {
  shared ??= { asr: new PocketsphinxAsr(), tts: new FliteTts() };
  return shared;
}

export async function closeProtocolShared(): Promise<void> {
  await shared?.vad?.close();
  await shared?.asr.close();
  await shared?.tts.close();
  shared = undefined;
}

/**
 * A loopback server with both endpoints on an in-process live runtime whose recordings go to
 * `sessionsDir` (a fresh temporary folder); `sessions` collects every engine session it opened.
 */
export async function protocolServer(
  extra: Partial<ProtocolEndpointsDeps> = {},
  engine: { dialogue?: LlmOptions } = {},
  /** Stand something between the endpoints and the runtime (fault injection). */
  wrap: (host: SessionHost) => SessionHost = (h) => h,
): Promise<ProtocolServer & { sessions: ConversationSession[]; sessionsDir: string }> {
  const c = components();
  const sessions: ConversationSession[] = [];
  const sessionsDir = mkdtempSync(join(tmpdir(), 'fullduplex-protocol-sessions-'));
  // `engine.dialogue`: an OpenAI-compatible model for every session (the tools tests' loopback server).
  const host = new InProcessHost(
    { engine: { ...defaultServerOptions.engine, ...(engine.dialogue && { dialogue: engine.dialogue }) }, limits: defaultServerLimits, playback: defaultPlaybackOptions, recording: { ...defaultRecordingOptions, sessionsDir }, warmSessions: 1, speech: defaultSpeechBackends },
    c.asr,
    c.tts,
    () => undefined,
    (engine) => sessions.push(engine),
  );
  await host.start();
  const server = await startProtocolServer({
    host: wrap(host),
    ...extra,
  });
  const close = server.close;
  return Object.assign(server, {
    sessions,
    sessionsDir,
    close: async () => {
      await close();
      await host.close();
      rmSync(sessionsDir, { recursive: true, force: true });
    },
  });
}

/** A user track at `rate`: clips and pauses (seconds), as the engine tests build them; `spans` are the clips' audible bounds, s. */
export async function track(parts: readonly (string | number)[], rate: number): Promise<PcmFrame & { spans: { start: number; end: number }[] }> {
  const { audio, spans } = compose(parts.map((p) => (typeof p === 'string' ? synth(p) : p)));
  return { ...(await resample(audio, rate)), spans };
}

/** Call `send(k)` for k = 0…n−1 on a drift-free real-time schedule of `frameMs`. */
export async function paced(n: number, frameMs: number, send: (k: number) => void): Promise<void> {
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    const wait = t0 + k * frameMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    send(k);
  }
}

/** Speech segments of agent audio found by an independent VAD. */
export async function speechIn(f: PcmFrame): Promise<Segment[]> {
  const c = components();
  c.vad ??= await SileroVad.create();
  const pcm16 = f.sampleRate === 16000 ? f : await resample(f, 16000);
  return detectSpeechSegments(c.vad, pcm16);
}

export function seconds(segs: readonly Segment[]): number {
  return segs.reduce((s, x) => s + (x.end - x.start), 0);
}

/** What the recogniser hears in agent audio (the agent speaks flite, so words come through). */
export async function hear(f: PcmFrame): Promise<string> {
  const pcm16 = f.sampleRate === 16000 ? f : await resample(f, 16000);
  return (await components().asr.transcribe(pcm16)).text;
}

/** Words of at least 3 letters both texts share. */
export function sharedWords(a: string, b: string): string[] {
  const words = (s: string) => new Set(s.toLowerCase().match(/[a-z']{3,}/g) ?? []);
  const wb = words(b);
  return [...words(a)].filter((w) => wb.has(w));
}

export { rng } from './speech.js';

export function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function waitFor(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const check = () => {
      if (test()) return resolve();
      if (performance.now() - t0 > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

/** The engine events of the newest session recorded in `sessionsDir`, once its record is complete. */
export async function lastRecordedEvents(sessionsDir: string): Promise<EngineEvent[]> {
  let events: EngineEvent[] = [];
  await waitFor(() => {
    const newest = readdirSync(sessionsDir).sort().at(-1);
    const file = newest === undefined ? '' : join(sessionsDir, newest, 'events.jsonl');
    if (!file || !existsSync(file)) return false;
    events = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as EngineEvent);
    return events.some((e) => e.type === 'session_end');
  }, 10_000, 'the session was recorded');
  return events;
}

/** The instructions a recorded session was given (its `add_context` control event), if any. */
export function recordedInstructions(events: readonly EngineEvent[]): string | undefined {
  for (const e of events) if (e.type === 'control' && e.action === 'add_context' && e.detail.startsWith('instructions: ')) return e.detail.slice('instructions: '.length);
  return undefined;
}
