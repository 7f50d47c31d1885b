/**
 * The live server with OpenAI-compatible speech servers as plug-ins, its sessions on a worker thread
 * (the registry's plain-data backend names cross into it): a spoken turn over the native protocol is
 * answered from the STT server's text and spoken with the TTS server's audio, and a dead TTS server
 * mid-conversation degrades to flite with an error event, never silence.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WsConversation } from '../bench/runner/ws-target.js';
import { startServer, type FullduplexServer } from '../src/server/server.js';
import { withSpeechServers } from '../src/speech/registry.js';
import { defaultWebRoot } from '../src/cli/talk.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from './helpers/chat-completions-server.js';
import { startSttServer, startTtsServer, type SttServer, type TtsServer } from './helpers/speech-servers.js';
import { compose, synth } from './helpers/speech.js';
import { tempDir } from './helpers/server.js';

const SCRIPTED = 'What is the capital of France?';
const ANSWER = 'Paris is the capital of France.';

let stt: SttServer;
let tts: TtsServer;
let llm: ChatCompletionsServer;
let server: FullduplexServer;
before(async () => {
  [stt, tts, llm] = await Promise.all([startSttServer(), startTtsServer(), startChatCompletionsServer((last) => (/capital/i.test(last) ? ANSWER : `You said: ${last}.`), 1)]);
  // The STT server's text for the turn's first segment; nothing for a later one (the VAD may split a turn).
  stt.script = (n) => (n === 0 ? SCRIPTED : '');
  server = await startServer({
    webRoot: defaultWebRoot(),
    host: '127.0.0.1',
    port: 0,
    workers: 1,
    warmSessions: 1,
    log: () => undefined,
    recording: { sessionsDir: tempDir('speech-servers') },
    // Generous timeouts: on a shared machine the loopback servers (flite, pocketsphinx inside) can be slow.
    speech: withSpeechServers({}, { stt: { url: stt.url, model: 'whisper-small', timeoutMs: 15_000 }, tts: { url: `${tts.url}/v1`, model: 'kokoro', voice: 'af_heart', timeoutMs: 15_000 } }),
    engine: { voice: 'af_heart', dialogue: { baseUrl: llm.baseUrl, model: 'loopback' } },
  });
});
after(async () => {
  await server.close();
  await Promise.all([stt.close(), tts.close(), llm.close()]);
});

test('a native session on a worker thread answers the STT server\'s text with the TTS server\'s voice', async () => {
  const c = await WsConversation.open(16000, { url: server.url, client: 'speech servers' });
  const r = await c.play(compose([0.5, synth('Hello, can you hear me?'), 7]).audio);
  await c.close();
  const types = r.events.map((e) => e.type).join(' ');
  const final = r.events.find((e) => e.type === 'transcript_final');
  assert.ok(final && final.type === 'transcript_final', types);
  assert.equal(final.text, SCRIPTED, 'the committed text is the STT server\'s');
  assert.match(final.textSource ?? '', /whisper-small via http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions/);
  assert.ok(stt.requests.length >= 1, 'the worker thread posted the turn\'s audio');
  // The dialogue answered the server's text, and the answer was synthesized by the TTS server.
  assert.ok(llm.requests.some((q) => JSON.stringify(q).includes('capital of France')), 'the dialogue model got the STT server\'s text');
  assert.ok(r.events.some((e) => e.type === 'agent_text' && e.text.includes('Paris')), types);
  assert.ok(tts.requests.some((q) => q.body.input.includes('Paris')), 'the answer was synthesized by the TTS server');
  assert.ok(r.events.some((e) => e.type === 'agent_speech_stop' && e.kind === 'reply' && e.reason === 'completed'), types);
  assert.ok(r.output.samples.some((x) => Math.abs(x) > 1000), 'the client played the agent\'s audio');
  assert.deepEqual(r.events.filter((e) => e.type === 'error'), []);
});

test('a TTS server that fails mid-conversation: flite speaks the answer and the session reports the error', async () => {
  tts.fail = '500';
  stt.script = () => SCRIPTED;
  try {
    const c = await WsConversation.open(16000, { url: server.url, client: 'speech servers failing' });
    const r = await c.play(compose([0.5, synth('Hello, can you hear me?'), 7]).audio);
    await c.close();
    const types = r.events.map((e) => e.type).join(' ');
    assert.ok(r.events.some((e) => e.type === 'error' && e.component === 'tts'), types);
    assert.ok(r.events.some((e) => e.type === 'agent_speech_stop' && e.kind === 'reply' && e.reason === 'completed'), types);
    assert.ok(r.output.samples.some((x) => Math.abs(x) > 1000), 'flite\'s voice reached the client');
  } finally {
    tts.fail = 'none';
  }
});
