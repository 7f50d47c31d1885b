/**
 * The 'openai-tts' plug-in on its own, against the loopback TTS server (test/helpers/speech-servers.ts):
 * the streamed 24 kHz PCM, cut into odd-length chunks, decodes and resamples to the same speech flite
 * made; a stream that breaks mid-clause ends the clause and is reported; after a failure the local voice
 * speaks until the retry time; without a fallback, failures are thrown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError, type FullduplexError } from '../src/errors.js';
import { resolveTtsServer } from '../src/speech/servers/options.js';
import { FliteTts } from '../src/speech/tts/flite.js';
import { ServerTts } from '../src/speech/tts/openai-tts.js';
import type { TtsChunk, TtsSynthesisOptions } from '../src/speech/types.js';
import { startTtsServer, type TtsServer } from './helpers/speech-servers.js';

const TEXT = 'The quick brown fox jumps over the lazy dog.';
let server: TtsServer;
before(async () => {
  server = await startTtsServer('awb');
});
after(() => server.close());

async function collect(tts: ServerTts, text: string, o: TtsSynthesisOptions = {}): Promise<TtsChunk[]> {
  const out: TtsChunk[] = [];
  for await (const c of tts.synthesize(text, o)) out.push(c);
  return out;
}

const joined = (cs: TtsChunk[]) => {
  const out = new Int16Array(cs.reduce((n, c) => n + c.samples.length, 0));
  let o = 0;
  for (const c of cs) (out.set(c.samples, o), (o += c.samples.length));
  return out;
};

test('streamed 24 kHz PCM in odd-length chunks comes out as the same speech at 16 kHz', async () => {
  server.fail = 'none';
  server.breakAfterChunks = null;
  const tts = new ServerTts(resolveTtsServer({ url: server.url, voice: 'af_heart', timeoutMs: 30_000 }));
  const chunks = await collect(tts, TEXT);
  assert.ok(chunks.length > 3, `${chunks.length} chunks: streamed, not one block`);
  assert.ok(chunks.every((c) => c.sampleRate === 16000));
  const got = joined(chunks);
  const want = new FliteTts().synthesizeAll(TEXT, 'awb').samples; // what the server synthesized, before 16 → 24 kHz
  assert.ok(Math.abs(got.length - want.length) <= 2, `${got.length} samples vs ${want.length}`);
  // 16 → 24 → 16 kHz keeps the waveform: a byte-order or odd-byte slip would destroy the correlation.
  let dot = 0, a = 0, b = 0;
  for (let i = 0; i < Math.min(got.length, want.length); i++) (dot += got[i]! * want[i]!), (a += got[i]! ** 2), (b += want[i]! ** 2);
  const correlation = dot / Math.sqrt(a * b);
  assert.ok(correlation > 0.95, `correlation ${correlation.toFixed(3)}`);
});

test('a stream broken mid-clause ends the clause with a report; then flite speaks until the retry time', async () => {
  server.fail = 'none';
  server.breakAfterChunks = 2;
  const degraded: FullduplexError[] = [];
  const onDegraded = (e: FullduplexError) => degraded.push(e);
  const tts = new ServerTts(resolveTtsServer({ url: server.url, voice: 'af_heart', timeoutMs: 30_000, retryAfterMs: 60_000 }), new FliteTts());
  try {
    const partial = await collect(tts, TEXT, { onDegraded });
    const n = joined(partial).length;
    assert.ok(n > 0 && n < 16000, `${n} samples before the break`);
    assert.equal(degraded.length, 1);
    assert.match(degraded[0]!.message, /the rest of the clause is lost/);
    // Inside retryAfterMs the server is not asked: flite speaks, and says so.
    const asked = server.requests.length;
    const next = await collect(tts, 'Hello there.', { onDegraded });
    assert.equal(server.requests.length, asked, 'the server was not asked');
    assert.ok(joined(next).length > 0.3 * 16000);
    assert.equal(degraded.length, 2);
    assert.match(degraded[1]!.message, /flite-2\.2 speaks until the server is retried/);
  } finally {
    server.breakAfterChunks = null;
  }
});

test('without a fallback voice, the server\'s failures are thrown as FullduplexErrors', async () => {
  const tts = new ServerTts(resolveTtsServer({ url: server.url, voice: 'af_heart', timeoutMs: 300 }));
  try {
    for (const [fail, code] of [['500', 'COMPONENT_FAILED'], ['garbage', 'COMPONENT_FAILED'], ['hang', 'TIMEOUT']] as const) {
      server.fail = fail;
      await assert.rejects(collect(tts, 'Hello.'), (e) => isFullduplexError(e, code), fail);
    }
  } finally {
    server.fail = 'none';
  }
});
