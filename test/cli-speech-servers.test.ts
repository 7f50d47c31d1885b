/**
 * The speech-server options on the command line: `simulate --stt-url/--tts-url/--tts-voice` runs a
 * conversation through loopback servers (test/helpers/speech-servers.ts); `doctor`'s server checks
 * report a working server's latency and a failing one's error with a fix; misuse is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWav } from '../src/audio/wav.js';
import { main } from '../src/cli/main.js';
import { checkSpeechServers } from '../src/cli/doctor.js';
import { speechServersFrom } from '../src/cli/speech-options.js';
import { isFullduplexError } from '../src/errors.js';
import type { EngineEvent } from '../src/engine/events.js';
import { compose, synth } from './helpers/speech.js';
import { startSttServer, startTtsServer, type SttServer, type TtsServer } from './helpers/speech-servers.js';

let stt: SttServer;
let tts: TtsServer;
let dir: string;
before(async () => {
  [stt, tts] = await Promise.all([startSttServer(), startTtsServer()]);
  dir = await mkdtemp(join(tmpdir(), 'fd-cli-speech-'));
});
after(async () => {
  await Promise.all([stt.close(), tts.close(), rm(dir, { recursive: true, force: true })]);
});

test('simulate --stt-url --stt-model --tts-url --tts-voice: the turn is transcribed and spoken by the servers', async () => {
  const { audio } = compose([0.5, synth('What time is it?'), 2.5]);
  const wav = join(dir, 'in.wav');
  await writeWav(wav, [audio.samples], audio.sampleRate);
  const events = join(dir, 'events.jsonl');
  const rc = await main(['node', 'fullduplex', 'simulate', '--in', wav, '--out', join(dir, 'out.wav'), '--events', events, '--quiet',
    '--stt-url', `${stt.url}/v1`, '--stt-model', 'whisper-large-v3', '--stt-timeout-ms', '30000', '--tts-timeout-ms', '30000', '--tts-url', tts.url, '--tts-voice', 'af_heart']);
  assert.equal(rc, 0);
  const timeline = (await readFile(events, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as EngineEvent);
  const final = timeline.find((e) => e.type === 'transcript_final') as Extract<EngineEvent, { type: 'transcript_final' }>;
  assert.match(final.text, /time/, 'the server (pocketsphinx on the posted WAV) heard the question');
  assert.match(final.textSource ?? '', /whisper-large-v3 via/);
  assert.equal(stt.requests.at(-1)!.fields.model, 'whisper-large-v3');
  assert.ok(tts.requests.some((r) => r.body.voice === 'af_heart'), 'the agent spoke with the server\'s voice');
  assert.ok(timeline.some((e) => e.type === 'agent_speech_start' && e.kind === 'reply'));
  assert.deepEqual(timeline.filter((e) => e.type === 'error'), []);
});

test('doctor checks a named server: latency when it answers, the error and a fix when it does not', async () => {
  stt.fail = 'none';
  tts.fail = 'none';
  // The loopback server recognises with pocketsphinx: generous timeouts for a busy machine.
  const ok = await checkSpeechServers({ stt: { url: stt.url, timeoutMs: 30_000 }, tts: { url: tts.url, voice: 'af_heart', timeoutMs: 30_000 } }, synth('Hello there.'));
  assert.equal(ok.length, 2);
  assert.ok(ok.every((r) => r.ok), JSON.stringify(ok));
  assert.match(ok[0]!.detail, /heard "hello there" in \d+ ms/);
  assert.match(ok[1]!.detail, /first audio in \d+ ms/);
  stt.fail = '500';
  tts.fail = 'garbage';
  try {
    const bad = await checkSpeechServers({ stt: { url: stt.url }, tts: { url: tts.url } });
    assert.ok(bad.every((r) => !r.ok && r.fix), JSON.stringify(bad));
    assert.match(bad[0]!.detail, /HTTP 500/);
    assert.match(bad[1]!.detail, /not PCM audio/);
  } finally {
    stt.fail = 'none';
    tts.fail = 'none';
  }
});

test('a model or voice without its server URL is refused', () => {
  assert.throws(() => speechServersFrom({ sttModel: 'x' }), (e) => isFullduplexError(e, 'BAD_ARGUMENT') && /--stt-url/.test((e as Error).message));
  assert.throws(() => speechServersFrom({ ttsVoice: 'af_heart' }), (e) => isFullduplexError(e, 'BAD_ARGUMENT') && /--tts-url/.test((e as Error).message));
  assert.throws(() => speechServersFrom({ sttUrl: 'http://127.0.0.1:1', sttTimeoutMs: 'soon' }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.deepEqual(speechServersFrom({}), {});
});
