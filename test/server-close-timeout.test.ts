/**
 * A wedged session cannot hold up the server's shutdown. The real server over loopback, its sessions
 * on the test's thread, with a synthesizer that wedges on demand: once wedged, a synthesis never
 * yields and ignores its abort signal, so the reply using it never ends and its session's close never
 * resolves (an engine stuck in a component). A native and a Realtime session are wedged that way, a
 * third (native) session is healthy: `server.close()` resolves within `sessionCloseTimeoutSeconds`
 * plus a margin, the log names both wedged sessions, /metrics counts them, and the healthy session's
 * recording is finished.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../src/speech/types.js';
import { startServer } from '../src/server/server.js';
import { defaultWebRoot } from '../src/cli/talk.js';
import { closeSharedComponents, RawClient, sharedComponents, tempDir, wsUrl } from './helpers/server.js';

after(() => closeSharedComponents());

/** The shared flite voice, until `wedged`: then every synthesis hangs for good. */
class WedgingTts implements TtsEngine {
  wedged = false;
  hung = 0;
  private readonly pending: (() => void)[] = [];
  constructor(private readonly inner: TtsEngine) {}
  get name() {
    return this.inner.name;
  }
  get voices() {
    return this.inner.voices;
  }
  get defaultVoice() {
    return this.inner.defaultVoice;
  }
  sampleRateOf(voice: string): number {
    return this.inner.sampleRateOf(voice);
  }
  synthesize(text: string, options?: TtsSynthesisOptions): AsyncIterable<TtsChunk> {
    if (!this.wedged) return this.inner.synthesize(text, options);
    this.hung++;
    return { [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<TtsChunk>>((resolve) => this.pending.push(() => resolve({ done: true, value: undefined }))) }) };
  }
  /** Un-wedge what hangs (the test's end: the late closes finish, and no reply timer keeps the process up). */
  release(): void {
    this.wedged = false;
    for (const f of this.pending.splice(0)) f();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('one wedged session per transport: server.close() still resolves within the bound, names them, counts them, and finishes the others', { timeout: 120_000 }, async () => {
  const BOUND_S = 1.5;
  const sessionsDir = tempDir('close-timeout');
  const logs: string[] = [];
  const tts = new WedgingTts(sharedComponents().tts);
  const server = await startServer(
    { webRoot: defaultWebRoot(), host: '127.0.0.1', port: 0, workers: 0, warmSessions: 0, log: (l) => logs.push(l), recording: { sessionsDir }, limits: { sessionCloseTimeoutSeconds: BOUND_S } },
    { asr: sharedComponents().asr, tts },
  );
  let closed = false;
  try {
    const healthy = await RawClient.connect(wsUrl(server));
    const healthyReady = await healthy.start();
    const stuck = await RawClient.connect(wsUrl(server));
    const stuckReady = await stuck.start();
    const rt = new WebSocket(wsUrl(server, '/v1/realtime'), { perMessageDeflate: false });
    const rtEvents: { type: string; session?: { id: string } }[] = [];
    rt.on('message', (d) => rtEvents.push(JSON.parse(String(d))));
    await until(() => rtEvents.some((e) => e.type === 'session.created'), 'session.created');
    await new Promise((r) => setTimeout(r, 300)); // the Realtime session is live on the runtime

    // From now on every synthesis hangs: the two replies asked for below never end.
    tts.wedged = true;
    stuck.send({ type: 'text', text: 'Tell me a story about the sea.' });
    rt.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Tell me about trains.' }] } }));
    rt.send(JSON.stringify({ type: 'response.create' }));
    await until(() => tts.hung >= 2, 'both replies stuck in synthesis');

    const t0 = Date.now();
    await server.close();
    closed = true;
    const took = (Date.now() - t0) / 1000;
    assert.ok(took < BOUND_S + 5, `server.close() took ${took.toFixed(2)} s (bound ${BOUND_S} s)`);
    assert.ok(took >= BOUND_S - 0.1, `it did wait for the wedged sessions (${took.toFixed(2)} s)`);

    const named = logs.filter((l) => /session \S+ did not close within 1.5 s/.test(l));
    assert.equal(named.length, 2, logs.join('\n'));
    assert.ok(named.some((l) => l.includes(`session ${stuckReady.sessionId} `)), `the native session is named: ${named.join('\n')}`);
    assert.ok(named.some((l) => /session realtime-\w+ /.test(l)), `the Realtime session is named: ${named.join('\n')}`);
    assert.ok(!named.some((l) => l.includes(`session ${healthyReady.sessionId} `)), 'the healthy session closed in time');
    const errors = await server.metrics.registry.getSingleMetricAsString('fullduplex_errors_total');
    assert.match(errors, /fullduplex_errors_total\{kind="server\/SESSION_CLOSE_TIMEOUT"\} 2/, errors);

    // The healthy session's recording is finished (session.json says when and why it ended).
    const recs = readdirSync(sessionsDir).map((d) => JSON.parse(readFileSync(join(sessionsDir, d, 'session.json'), 'utf8')) as { id: string; ended?: string; endReason?: string });
    const rec = recs.find((r) => r.id === healthyReady.sessionId);
    assert.ok(rec?.ended, `the healthy session's recording is finished: ${JSON.stringify(recs)}`);
    assert.match(rec!.endReason ?? '', /shutting down/);
    assert.equal(recs.find((r) => r.id === stuckReady.sessionId)?.ended, undefined, 'the wedged one never finished (it is still stuck)');
    await Promise.all([healthy.closed, stuck.closed, new Promise((r) => (rt.readyState === WebSocket.CLOSED ? r(undefined) : rt.once('close', r)))]);
  } finally {
    tts.release();
    if (!closed) await server.close();
  }
});

test('a worker thread is terminated for a session that did not close only when no other session is on it', { timeout: 120_000 }, async () => {
  const { WorkerHost } = await import('../src/server/worker-host.js');
  const { defaultPlaybackOptions, defaultServerLimits, defaultServerOptions } = await import('../src/server/options.js');
  const logs: string[] = [];
  const host = new WorkerHost(
    { engine: defaultServerOptions.engine, speech: defaultServerOptions.speech, limits: { ...defaultServerLimits, sessionCloseTimeoutSeconds: 1 }, playback: defaultPlaybackOptions, recording: { sessionsDir: tempDir('close-timeout-workers'), flushMs: 100, maxChannelSkewSeconds: 1 }, warmSessions: 0 },
    1,
    (l) => logs.push(l),
  );
  await host.start();
  try {
    const fatal: string[] = [];
    const sink = (id: string) => ({ audio: () => undefined, message: () => undefined, error: () => undefined, fatal: (m: string) => fatal.push(`${id}: ${m}`) });
    const open = (id: string) => host.open({ id, start: { type: 'start', protocol: 1, inputSampleRate: 16000 } }, sink(id));
    const a = await open('a');
    const b = await open('b');
    // With b on the same thread, giving up on a's close terminates nothing: b goes on.
    host.abandonClose('a');
    assert.match(logs.at(-1) ?? '', /session a is left on its engine worker, which runs 1 other session/);
    assert.ok((await b.handle.stats()) !== undefined, 'b is alive');
    assert.deepEqual(fatal, []);
    void a.handle.close('test');
    await b.handle.close('test');
    // Alone on its thread, a session given up on takes the thread with it, and a fresh one takes over.
    const c = await open('c');
    host.abandonClose('c');
    await until(() => logs.some((l) => /starting a fresh one/.test(l)), 'a fresh worker');
    assert.ok(logs.some((l) => /terminating the engine worker of session c/.test(l)), logs.join('\n'));
    const d = await open('d');
    assert.ok((await d.handle.stats()) !== undefined, 'a new session runs on the fresh worker');
    await d.handle.close('test');
    void c;
  } finally {
    await host.close();
  }
});
