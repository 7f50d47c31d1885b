/**
 * The speech registry (backends by name, as plain data) and component ownership: a session closes what
 * it was handed to own, and never what its caller shares with it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { ConversationSession } from '../src/engine/session.js';
import { isFullduplexError } from '../src/errors.js';
import { ASR_BACKENDS, createAsr, createTts, createVad, defaultSpeechBackends, resolveSpeechBackends, TTS_BACKENDS, VAD_BACKENDS, withSpeechServers } from '../src/speech/registry.js';
import { SileroVad } from '../src/speech/vad/silero.js';
import { resolveServerOptions } from '../src/server/options.js';
import { FakeAsr, FakeDialogue, FakeTts, FakeVad } from './helpers/fakes/index.js';

test('the registry names every backend, and a choice survives a trip through JSON (a worker boundary)', () => {
  assert.deepEqual(VAD_BACKENDS, ['silero']);
  assert.deepEqual(ASR_BACKENDS, ['pocketsphinx', 'openai-stt']);
  assert.deepEqual(TTS_BACKENDS, ['flite', 'espeak-ng', 'festival', 'openai-tts']);
  const choice = resolveSpeechBackends({ tts: 'espeak-ng' });
  assert.deepEqual(choice, { ...defaultSpeechBackends, tts: 'espeak-ng' });
  assert.deepEqual(structuredClone(choice), choice);
  assert.deepEqual(resolveSpeechBackends(JSON.parse(JSON.stringify(choice))), choice);
  // The server plug-ins carry their servers' settings as plain data too.
  const servers = resolveSpeechBackends(withSpeechServers({}, { stt: { url: 'http://127.0.0.1:8000', model: 'parakeet' }, tts: { url: 'http://127.0.0.1:8880/v1', voice: 'af_heart' } }));
  assert.equal(servers.asr, 'openai-stt');
  assert.equal(servers.tts, 'openai-tts');
  assert.deepEqual(resolveSpeechBackends(JSON.parse(JSON.stringify(servers))), servers);
});

test('a server plug-in without its server, or with a bad URL, is refused before anything starts', () => {
  const bad = (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT');
  assert.throws(() => resolveSpeechBackends({ asr: 'openai-stt' }), (e) => bad(e) && /--stt-url/.test((e as Error).message));
  assert.throws(() => resolveSpeechBackends({ tts: 'openai-tts' }), (e) => bad(e) && /--tts-url/.test((e as Error).message));
  assert.throws(() => resolveSpeechBackends({ tts: 'openai-tts', servers: { tts: { url: 'ftp://x' } } }), bad);
  assert.throws(() => resolveServerOptions({ speech: { asr: 'openai-stt', servers: { stt: { url: 'http://127.0.0.1:1', timeoutMs: -1 } } } }, '/tmp'), bad);
});

test('an unknown backend name is a BAD_ARGUMENT that lists the known ones', async () => {
  const listsKnown = (known: readonly string[]) => (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT') && known.every((k) => (e as Error).message.includes(k));
  assert.throws(() => createTts('nope'), listsKnown(TTS_BACKENDS));
  assert.throws(() => createAsr('whisper'), listsKnown(ASR_BACKENDS));
  await assert.rejects(createVad('webrtc'), listsKnown(VAD_BACKENDS));
  assert.throws(() => resolveSpeechBackends({ tts: 'toString' }), listsKnown(TTS_BACKENDS)); // not an inherited key
  assert.throws(() => resolveSpeechBackends({ asr: 42 as unknown as string }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  // The server checks the names before it starts anything (its workers get them as plain data).
  assert.throws(() => resolveServerOptions({ speech: { tts: 'nope' } }, '/tmp'), listsKnown(TTS_BACKENDS));
  assert.deepEqual(resolveServerOptions({ speech: { tts: 'festival' } }, '/tmp').speech, { vad: 'silero', asr: 'pocketsphinx', tts: 'festival' });
});

test('each name creates its backend', async () => {
  assert.equal(createTts('flite').name, 'flite-2.2');
  assert.equal(createTts('espeak-ng').name, 'espeak-ng');
  const vad = await createVad('silero');
  assert.ok(vad instanceof SileroVad);
  await vad.close();
});

test('a session closes the components it was handed to own, once, and not the others', async () => {
  const vad = new FakeVad();
  const dialogue = new FakeDialogue({ replies: ['Hi.'] });
  const asr = new FakeAsr();
  const tts = new FakeTts();
  const s = await ConversationSession.create({ clock: new VirtualClock(), vad, asr, tts, dialogue, owned: [vad, dialogue] });
  await s.close();
  await s.close();
  assert.equal(vad.closeCount, 1);
  assert.equal(dialogue.closeCount, 1);
  assert.equal(asr.closeCount, 0, 'the ASR engine was not the session’s to close');
  assert.equal(tts.closeCount, 0);
  assert.ok(asr.streams.every((st) => st['closed' as keyof typeof st]), 'its own recogniser stream is closed');
});

test('createLocalSession closes the VAD it made, and leaves what the caller passed', async () => {
  let vadCloses = 0;
  const close = SileroVad.prototype.close;
  SileroVad.prototype.close = function (this: SileroVad) {
    vadCloses++;
    return close.call(this);
  };
  try {
    const asr = new FakeAsr();
    const tts = new FakeTts();
    const dialogue = new FakeDialogue({ replies: ['Hi.'] });
    const s = await createLocalSession(new VirtualClock(), { shared: { asr, tts }, dialogue });
    await s.close();
    assert.equal(vadCloses, 1, 'the Silero VAD it created is closed with the session');
    assert.equal(dialogue.closeCount + asr.closeCount + tts.closeCount, 0, 'what the caller passed stays open');
    // Unknown backend names fail before anything is created.
    await assert.rejects(createLocalSession(new VirtualClock(), { shared: { asr, tts }, speech: { vad: 'nope' as never } }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  } finally {
    SileroVad.prototype.close = close;
  }
});
