/**
 * Backchannel clips are synthesized once per process and voice, not once per session: real local
 * sessions (each with its own openai-tts engine, as the server and `talk` make them) against a
 * loopback server speaking the exact /v1/audio/speech wire format that counts its requests. A
 * different voice is a different clip set; a failing server's fallback audio (flite) is not kept.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { BackchannelClips, CLIP_SETS_KEPT, clipSetsKept } from '../src/engine/backchannel-clips.js';
import { defaultPredictorOptions } from '../src/engine/options.js';
import { ENGINE_SAMPLE_RATE } from '../src/engine/session.js';
import { resolveTtsServer } from '../src/speech/servers/options.js';
import { ServerTts } from '../src/speech/tts/openai-tts.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { startTtsServer, type TtsServer } from './helpers/speech-servers.js';

const PHRASES = defaultPredictorOptions.backchannel.phrases;
let tts: TtsServer;
before(async () => {
  tts = await startTtsServer();
});
after(async () => {
  await tts.close();
});

/** Requests for backchannel phrases with `voice` since the server's count was last cleared. */
const clipRequests = (voice: string) => tts.requests.filter((r) => r.body.voice === voice && PHRASES.includes(r.body.input)).length;

/** A session's start and end, as a live connection makes one (its own TTS engine). */
async function sessionWith(voice: string, timeoutMs = 10_000) {
  const s = await createLocalSession(new VirtualClock(), { ttsServer: { url: `${tts.url}/v1`, model: 'kokoro', voice, timeoutMs } });
  await s.close();
  return s;
}

test('two sessions with the same voice cost one clip set\'s requests; another voice costs its own', async () => {
  tts.fail = 'none';
  tts.requests.length = 0;
  await sessionWith('af_heart');
  assert.equal(clipRequests('af_heart'), PHRASES.length, 'the first session synthesizes every phrase');
  await sessionWith('af_heart');
  assert.equal(clipRequests('af_heart'), PHRASES.length, 'the second session reuses them');
  await sessionWith('af_bella');
  assert.equal(clipRequests('af_bella'), PHRASES.length, 'a different voice is a different clip set');
  await sessionWith('af_heart');
  assert.equal(clipRequests('af_heart'), PHRASES.length, 'the first voice is still kept');
});

test('a failing server\'s fallback clips are not kept: the next session asks the server again', async () => {
  tts.requests.length = 0;
  tts.fail = '500';
  const degraded = await sessionWith('am_adam');
  // flite spoke the clips (the first request failed; the engine rests the server after that).
  assert.ok(clipRequests('am_adam') >= 1, 'the server was asked');
  const errors = degraded.events.filter((e) => e.type === 'error');
  assert.ok(errors.length >= 1, 'the session says why its backchannels are in another voice');
  assert.ok(errors.every((e) => e.type === 'error' && e.component === 'tts' && /^backchannel clips: .*flite/.test(e.message)), JSON.stringify(errors));
  const afterFirst = clipRequests('am_adam');
  await sessionWith('am_adam');
  assert.ok(clipRequests('am_adam') > afterFirst, 'the fallback set was not kept: the server was asked again');
  tts.fail = 'none';
  const before = clipRequests('am_adam');
  await sessionWith('am_adam');
  assert.equal(clipRequests('am_adam') - before, PHRASES.length, 'the server is back: the whole set from it');
  const kept = await sessionWith('am_adam');
  assert.equal(clipRequests('am_adam') - before, PHRASES.length, 'and now it is kept');
  assert.equal(kept.events.filter((e) => e.type === 'error').length, 0, 'a session given a good set reports nothing');
});

test(`at most ${CLIP_SETS_KEPT} clip sets are kept, the least recently used dropped first`, async () => {
  tts.fail = 'none';
  tts.requests.length = 0;
  const engine = (voice: string) => new ServerTts(resolveTtsServer({ url: `${tts.url}/v1`, model: 'kokoro', voice, timeoutMs: 10_000 }), new FliteTts());
  const voices = Array.from({ length: CLIP_SETS_KEPT + 1 }, (_, i) => `lru_${i}`);
  const phrases = ['mm hm'];
  for (const v of voices) await BackchannelClips.create(engine(v), undefined, ENGINE_SAMPLE_RATE, phrases);
  assert.ok(clipSetsKept() <= CLIP_SETS_KEPT, `${clipSetsKept()} sets kept`);
  const asked = (v: string) => tts.requests.filter((r) => r.body.voice === v).length;
  // The newest is kept, the oldest was dropped.
  await BackchannelClips.create(engine(voices.at(-1)!), undefined, ENGINE_SAMPLE_RATE, phrases);
  assert.equal(asked(voices.at(-1)!), 1);
  await BackchannelClips.create(engine(voices[0]!), undefined, ENGINE_SAMPLE_RATE, phrases);
  assert.equal(asked(voices[0]!), 2);
});
