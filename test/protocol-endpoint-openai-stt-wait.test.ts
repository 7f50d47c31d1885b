/**
 * The OpenAI Realtime endpoint while a committed turn waits for a slow speech-to-text server: the
 * user's item is committed when the engine takes the turn, so speech during the wait (heard at once,
 * engine-stt-commit-wait.test.ts) starts a new item instead of joining the committed one. A real
 * Realtime socket on loopback, audio paced in real time, a loopback STT server (exact
 * /v1/audio/transcriptions wire format) that answers 2.5 s late.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ConversationSession } from '../src/engine/session.js';
import { startProtocolServer, type ProtocolServer } from '../src/protocols/endpoints.js';
import { pcm16ToBase64 } from '../src/protocols/codecs/pcm-base64.js';
import { InProcessHost } from '../src/server/session-host.js';
import { defaultPlaybackOptions, defaultRecordingOptions, defaultServerLimits, defaultServerOptions } from '../src/server/options.js';
import { ServerTranscribedAsr } from '../src/speech/asr/openai-stt.js';
import { PocketsphinxAsr } from '../src/speech/asr/pocketsphinx.js';
import { defaultSpeechBackends } from '../src/speech/registry.js';
import { resolveSttServer } from '../src/speech/servers/options.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { startSttServer, type SttServer } from './helpers/speech-servers.js';
import { track, waitFor } from './helpers/protocol-endpoints.js';

const RATE = 24000;
const FRAME = 480; // 20 ms at 24 kHz
type Ev = { type: string; item_id?: string; [k: string]: unknown };

let stt: SttServer;
let server: ProtocolServer;
let host: InProcessHost;
let asr: ServerTranscribedAsr;
let tts: FliteTts;
let dir: string;
const sessions: ConversationSession[] = [];
before(async () => {
  stt = await startSttServer();
  stt.delayMs = 2500;
  stt.script = (n) => (n === 0 ? 'What is the capital city of Spain?' : '');
  asr = new ServerTranscribedAsr(new PocketsphinxAsr(), resolveSttServer({ url: stt.url, model: 'whisper-slow', timeoutMs: 20_000 }));
  tts = new FliteTts();
  dir = mkdtempSync(join(tmpdir(), 'fullduplex-stt-wait-'));
  host = new InProcessHost(
    { engine: defaultServerOptions.engine, limits: defaultServerLimits, playback: defaultPlaybackOptions, recording: { ...defaultRecordingOptions, sessionsDir: dir }, warmSessions: 1, speech: defaultSpeechBackends },
    asr,
    tts,
    () => undefined,
    (engine) => sessions.push(engine),
  );
  await host.start();
  server = await startProtocolServer({ host });
});
after(async () => {
  await server.close();
  await host.close();
  await Promise.all([asr.close(), tts.close(), stt.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('Realtime: speech while the turn\'s text is on its way starts a new item; the committed one keeps its transcript', async () => {
  const ws = new WebSocket(`${server.url}/v1/realtime`, { perMessageDeflate: false });
  const events: Ev[] = [];
  ws.on('message', (d) => events.push(JSON.parse(d.toString()) as Ev));
  ws.on('error', () => undefined);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  await waitFor(() => events.some((e) => e.type === 'session.created'), 10_000, 'session.created');
  ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { transcription: { model: 'whisper-1' } } } } }));
  await waitFor(() => events.some((e) => e.type === 'session.updated'), 10_000, 'session.updated');
  const engine = sessions.at(-1)!;

  // The first question, then silence; once the engine takes the turn, the user goes on 0.3 s later.
  let audio = (await track([0.5, 'What is the capital of France?', 7], RATE)).samples;
  const then = (await track([0.3, 'Tell me about the weather in Paris tomorrow.', 4], RATE)).samples;
  let switched = false;
  const t0 = performance.now();
  for (let k = 0; (k + 1) * FRAME <= audio.length; k++) {
    const wait = t0 + k * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!switched && engine.events.some((e) => e.type === 'decision' && e.action === 'take_turn')) {
      switched = true;
      const next = new Int16Array(k * FRAME + then.length);
      next.set(audio.subarray(0, k * FRAME));
      next.set(then, k * FRAME);
      audio = next;
    }
    ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(audio.subarray(k * FRAME, (k + 1) * FRAME)) }));
  }
  await waitFor(() => events.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'), 15_000, 'the first turn\'s transcript');
  ws.close();
  const why = events.filter((e) => e.type !== 'response.output_audio.delta').map((e) => `${e.type} ${e.item_id ?? ''}`).join('\n');
  assert.ok(switched, why);
  const committed = events.filter((e) => e.type === 'input_audio_buffer.committed').map((e) => e.item_id);
  const started = events.filter((e) => e.type === 'input_audio_buffer.speech_started').map((e) => e.item_id);
  const first = committed[0];
  assert.ok(first, why);
  assert.equal(started[0], first, why);
  // The speech during the wait is a new item, not more of the committed one.
  assert.ok(started.length >= 2 && started[1] !== first, why);
  const transcript = events.find((e) => e.type === 'conversation.item.input_audio_transcription.completed');
  assert.equal(transcript?.item_id, first, why);
  assert.equal(transcript?.['transcript'], 'What is the capital city of Spain?', why);
  // The commit came when the turn was taken, before the late transcript.
  assert.ok(events.indexOf(events.find((e) => e.type === 'input_audio_buffer.committed')!) < events.indexOf(transcript!), why);
});
