import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWav } from '../src/audio/wav.js';
import { Analyzer } from '../bench/runner/analysis.js';
import { TranscriptionEndpointAsr, transcriptionUrl } from '../bench/runner/transcription-endpoint.js';
import { scoringAsrChoice } from '../src/cli/bench-options.js';
import { compose, synth } from './helpers/speech.js';

interface Received {
  readonly path: string;
  readonly auth: string | undefined;
  readonly fields: Record<string, string>;
  readonly file: { name: string; type: string; sampleRate: number; seconds: number };
}

/**
 * A transcription server speaking OpenAI's wire format: multipart POST, verbose_json answer with
 * word timestamps relative to the posted audio. `answer` decides the reply per request.
 */
async function fakeServer(answer: (r: Received) => { status?: number; body: string }) {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      // The multipart body is parsed by Node's own (undici) parser, as a real server's framework would.
      const form = await new Request('http://x', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) }).formData();
      const fields: Record<string, string> = {};
      let file: Received['file'] | undefined;
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') fields[k] = v;
        else {
          const wav = parseWav(new Uint8Array(await v.arrayBuffer()));
          file = { name: v.name, type: v.type, sampleRate: wav.sampleRate, seconds: wav.channels[0]!.length / wav.sampleRate };
        }
      }
      const r: Received = { path: req.url ?? '', auth: req.headers.authorization, fields, file: file! };
      received.push(r);
      const a = answer(r);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const verbose = (words: { word: string; start: number; end: number }[]) => JSON.stringify({ task: 'transcribe', language: 'english', duration: 1, text: words.map((w) => w.word).join(''), words });

test('the analyzer hears outputs through a transcription endpoint: exact multipart fields, words placed in the recording', async () => {
  const server = await fakeServer(() => ({ body: verbose([{ word: ' Hello,', start: 0.2, end: 0.5 }, { word: ' there.', start: 0.55, end: 0.9 }, { word: ' ...', start: 0.9, end: 1 }]) }));
  const analyzer = await Analyzer.create({ asrEndpoint: { url: `${server.url}/v1`, model: 'parakeet-tdt-0.6b-v2', apiKey: 'k1' } });
  try {
    const { audio, spans } = compose([1.0, synth('Hello there, how are you?'), 1.0]);
    const segments = await analyzer.segments(audio);
    const words = await analyzer.words(audio, segments);
    assert.equal(server.received.length, 1, 'one speech region, one request');
    const r = server.received[0]!;
    assert.equal(r.path, '/v1/audio/transcriptions');
    assert.equal(r.auth, 'Bearer k1');
    assert.deepEqual(r.fields, { model: 'parakeet-tdt-0.6b-v2', language: 'en', response_format: 'verbose_json', 'timestamp_granularities[]': 'word' });
    assert.equal(r.file.name, 'audio.wav');
    assert.equal(r.file.type, 'audio/wav');
    assert.equal(r.file.sampleRate, 16000);
    // The request carried the speech region (plus its padding), not the whole recording.
    const speech = spans[0]!;
    assert.ok(r.file.seconds > speech.end - speech.start - 0.1 && r.file.seconds < speech.end - speech.start + 0.6, `posted ${r.file.seconds} s`);
    // Words come back trimmed, punctuation-only ones dropped, shifted to the region's place in the recording.
    assert.deepEqual(words.map((w) => w.text), ['Hello,', 'there.']);
    const offset = words[0]!.start - 0.2;
    assert.ok(Math.abs(offset - (speech.start - 0.15)) < 0.1, `region starts at ${offset}, speech at ${speech.start}`);
    assert.ok(Math.abs(words[1]!.end - (offset + 0.9)) < 0.002);
    assert.match(analyzer.info.asr, /parakeet-tdt-0\.6b-v2 via http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions/);
    assert.ok(!JSON.stringify(analyzer.info).includes('k1'), 'the key is not recorded');
  } finally {
    await analyzer.close();
    await server.close();
  }
});

test('endpoint failures are clear errors naming the endpoint', async () => {
  const cases: [string, { status?: number; body: string }, RegExp][] = [
    ['HTTP status', { status: 500, body: '{"error":"model not loaded"}' }, /scoring ASR http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions: HTTP 500.*model not loaded/],
    ['not JSON', { body: 'hello world' }, /\/v1\/audio\/transcriptions: the answer is not JSON/],
    ['no words', { body: JSON.stringify({ text: 'hello' }) }, /\/v1\/audio\/transcriptions: the answer has no word timestamps \('words' missing\).*timestamp_granularities\[\]=word/],
    ['bad word', { body: verbose([{ word: 'hi', start: 0.1, end: 0.2 }, { word: 'x', start: Number.NaN, end: 1 } as never]) }, /words\[1\]\.start is not a time/],
    ['backwards word', { body: verbose([{ word: 'hi', start: 0.5, end: 0.2 }]) }, /words\[0\] ends \(0\.2\) before it starts/],
  ];
  let reply: { status?: number; body: string } = { body: '' };
  const server = await fakeServer(() => reply);
  const asr = new TranscriptionEndpointAsr({ url: server.url });
  const audio = { samples: new Int16Array(1600), sampleRate: 16000 };
  try {
    for (const [name, r, re] of cases) {
      reply = r;
      await assert.rejects(asr.transcribe(audio), re, name);
    }
  } finally {
    await server.close();
  }
  // Nobody listening there any more.
  await assert.rejects(asr.transcribe(audio), /scoring ASR http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions: request failed/);
});

test('endpoint URLs and options: base URL, /v1 or the endpoint itself; env vars; bad input refused', () => {
  assert.equal(transcriptionUrl('http://h:8000'), 'http://h:8000/v1/audio/transcriptions');
  assert.equal(transcriptionUrl('http://h:8000/v1/'), 'http://h:8000/v1/audio/transcriptions');
  assert.equal(transcriptionUrl('https://h/api/v1/audio/transcriptions'), 'https://h/api/v1/audio/transcriptions');
  assert.throws(() => transcriptionUrl('h:8000'), /must be http or https/);
  assert.throws(() => transcriptionUrl('not a url'), /is not a URL/);
  assert.deepEqual(scoringAsrChoice(undefined, undefined, {}), {});
  assert.deepEqual(scoringAsrChoice(undefined, undefined, { FULLDUPLEX_SCORING_ASR_URL: 'http://h', FULLDUPLEX_SCORING_ASR_MODEL: 'm', FULLDUPLEX_SCORING_ASR_KEY: 'k' }), { asrEndpoint: { url: 'http://h', model: 'm', apiKey: 'k' } });
  assert.deepEqual(scoringAsrChoice('http://a', 'n', { FULLDUPLEX_SCORING_ASR_URL: 'http://h', FULLDUPLEX_SCORING_ASR_MODEL: 'm' }), { asrEndpoint: { url: 'http://a', model: 'n' } });
  assert.throws(() => scoringAsrChoice(undefined, 'm', {}), /--scoring-asr-model needs --scoring-asr-url/);
});
