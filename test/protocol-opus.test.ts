import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OPUS_FRAME_SAMPLES_24K,
  OggOpusStreamDecoder,
  OggOpusStreamEncoder,
  OpusDecoder,
  OpusEncoder24k,
} from '../src/protocols/codecs/opus.js';
import { OggPageReader, OggPageWriter, opusHead, opusTags } from '../src/protocols/codecs/ogg.js';
import { isFullduplexError } from '../src/errors.js';
import { concatInt16, rmsDbfs } from '../src/audio/frame.js';
import { resample } from '../src/audio/resampler.js';
import { rng, synth } from './helpers/speech.js';

const RATE = 24000;


function sine(freq: number, seconds: number, amplitude: number, rate = RATE): Int16Array {
  const n = Math.round(seconds * rate);
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)));
}

/** Frequency from interpolated upward zero crossings. */
function frequency(x: Int16Array, rate: number): number {
  const ups: number[] = [];
  for (let i = 1; i < x.length; i++) if (x[i - 1]! < 0 && x[i]! >= 0) ups.push(i - 1 + -x[i - 1]! / (x[i]! - x[i - 1]!));
  return ((ups.length - 1) * rate) / (ups.at(-1)! - ups[0]!);
}

/** Lag in [0, maxLag] at which `y` best matches `x` (y[n + lag] ≈ x[n]). */
function bestLag(x: Int16Array, y: Int16Array, maxLag: number, from: number, length: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    for (let i = from; i < from + length; i++) s += x[i]! * (y[i + lag] ?? 0);
    if (s > bestScore) [best, bestScore] = [lag, s];
  }
  return best;
}

/** A rising tone: unlike a sine, its correlation has one peak, so it measures delay unambiguously. */
function chirp(seconds: number, from: number, to: number, amplitude: number): Int16Array {
  const n = Math.round(seconds * RATE);
  const k = (to - from) / seconds;
  return Int16Array.from({ length: n }, (_, i) => {
    const t = i / RATE;
    return Math.round(amplitude * Math.sin(2 * Math.PI * (from * t + (k / 2) * t * t)));
  });
}

/** Normalised correlation of two equal-length signals (1 = same waveform up to gain). */
function correlation(a: Int16Array, b: Int16Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Opus is perceptual, not waveform-exact: a voip-mode sine at ~27 kb/s keeps ~10 dB SNR (correlation ~0.95). */
const MIN_WAVEFORM_CORRELATION = 0.9;

function decodeAll(enc: OpusEncoder24k, dec: OpusDecoder, pcm: Int16Array): Int16Array {
  return concatInt16(encodeFrames(enc, pcm).map((p) => dec.decode(p)));
}

function encodeFrames(enc: OpusEncoder24k, pcm: Int16Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o + OPUS_FRAME_SAMPLES_24K <= pcm.length; o += OPUS_FRAME_SAMPLES_24K) out.push(enc.encode(pcm.subarray(o, o + OPUS_FRAME_SAMPLES_24K)));
  return out;
}

test('the codec delay equals the encoder lookahead (measured with a chirp)', (t) => {
  const enc = new OpusEncoder24k();
  const input = chirp(1, 200, 2000, 8000);
  const out = decodeAll(enc, new OpusDecoder(), input);
  const lag = bestLag(input, out, 600, 2400, 9600);
  t.diagnostic(`encoder lookahead ${enc.lookahead} samples (${((enc.lookahead / RATE) * 1000).toFixed(1)} ms), measured delay ${lag}`);
  assert.ok(Math.abs(lag - enc.lookahead) <= 3, `delay ${lag} ≈ lookahead ${enc.lookahead}`);
});

test('a 440 Hz sine survives encode/decode at 24 kHz: frequency and level', (t) => {
  const input = sine(440, 1, 0.25 * 32767);
  const enc = new OpusEncoder24k();
  const dec = new OpusDecoder();
  const packets = encodeFrames(enc, input);
  assert.equal(packets.length, 50);
  const frames = packets.map((p) => dec.decode(p));
  assert.ok(frames.every((f) => f.length === OPUS_FRAME_SAMPLES_24K), 'one 20 ms frame out per packet');
  const out = concatInt16(frames);
  const aligned = out.subarray(enc.lookahead, enc.lookahead + 19200);
  const middle = (x: Int16Array) => x.subarray(2400, 16800);
  const ref = middle(input);
  const got = middle(aligned);
  assert.ok(Math.abs(frequency(got, RATE) - 440) < 1, `frequency ${frequency(got, RATE)}`);
  assert.ok(Math.abs(rmsDbfs(got) - rmsDbfs(ref)) < 1, `level ${rmsDbfs(got)} vs ${rmsDbfs(ref)} dBFS`);
  const c = correlation(ref, got);
  t.diagnostic(`mean packet ${Math.round(packets.reduce((n, p) => n + p.length, 0) / packets.length)} bytes, waveform correlation ${c.toFixed(3)}`);
  assert.ok(c > MIN_WAVEFORM_CORRELATION, `correlation ${c}`);
});

test('the decoder runs at other Opus rates', () => {
  const packets = encodeFrames(new OpusEncoder24k(), sine(440, 0.2, 8000));
  for (const [rate, n] of [[8000, 160], [16000, 320], [48000, 960]] as const) {
    const dec = new OpusDecoder({ sampleRate: rate });
    const out = concatInt16(packets.map((p) => dec.decode(p)));
    assert.equal(out.length, n * packets.length);
    assert.ok(Math.abs(frequency(out.subarray(n * 3), rate) - 440) < 2);
  }
  assert.throws(() => new OpusDecoder({ sampleRate: 44100 as 48000 }), (e) => isFullduplexError(e, 'BAD_SAMPLE_RATE'));
});

test('wrong frame sizes and damaged packets are typed errors; the decoder survives', () => {
  const enc = new OpusEncoder24k();
  assert.throws(() => enc.encode(new Int16Array(479)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => enc.encode(new Float32Array(480) as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  const dec = new OpusDecoder();
  assert.throws(() => dec.decode(new Uint8Array(0)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => dec.decode(Uint8Array.of(0xff, 0xff, 0xff)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => dec.decode(new Uint8Array(5000).fill(0xff)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  // Larger than the WASM build's 8 KiB packet buffer: still a typed error, not a RangeError.
  assert.throws(() => dec.decode(new Uint8Array(10000).fill(0x11)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  const good = enc.encode(sine(440, 0.02, 8000));
  assert.equal(dec.decode(good).length, 480);
});

test('stream encoder → decoder round trip through random splits is sample-exact in length and aligned', (t) => {
  const r = rng(21);
  // A chirp to check alignment, then a sine to check pitch; 1.237 s is not a whole number of frames.
  const input = concatInt16([chirp(0.6, 200, 2000, 0.3 * 32767), sine(440, 0.637, 0.3 * 32767)]);
  const enc = new OggOpusStreamEncoder({ serial: 99 });
  const pages: Uint8Array[] = [];
  for (let o = 0; o < input.length; ) {
    const n = Math.floor(r() * 2000);
    pages.push(...enc.push(input.subarray(o, o + n)));
    o += n;
  }
  pages.push(...enc.flush());
  assert.throws(() => enc.push(new Int16Array(10)), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));

  // Page structure as a Moshi server expects from the web client.
  const reader = new OggPageReader();
  const info = pages.flatMap((p) => reader.push(p).pages);
  assert.equal(info.length, pages.length, 'every element is exactly one page');
  assert.equal(info[0]!.bos, true);
  assert.deepEqual([info[0]!.granulePosition, info[1]!.granulePosition], [0, 0]);
  const audio = info.slice(2);
  assert.ok(audio.every((p) => p.packetCount >= 1 && p.packetCount <= 2), 'at most 2 frames per page');
  assert.ok(audio.slice(0, -1).every((p, i) => p.granulePosition === audio.slice(0, i + 1).reduce((n, q) => n + q.packetCount, 0) * 960), 'granule = 48 kHz samples through the page');
  assert.equal(audio.at(-1)!.eos, true);
  assert.equal(audio.at(-1)!.granulePosition, enc.preSkip + input.length * 2, 'final granule trims the padding');

  const stream = Buffer.concat(pages);
  const dec = new OggOpusStreamDecoder();
  const outParts: Int16Array[] = [];
  let ended = false;
  for (let o = 0; o < stream.length; ) {
    const n = 1 + Math.floor(r() * 700);
    const res = dec.push(stream.subarray(o, o + n));
    assert.equal(res.errors.length, 0);
    outParts.push(res.pcm);
    ended ||= res.ended;
    o += n;
  }
  const out = concatInt16(outParts);
  assert.ok(ended);
  assert.equal(dec.head?.preSkip, enc.preSkip);
  assert.equal(out.length, input.length, 'pre-skip and end trimming give back exactly the input length');
  const lag = bestLag(input, out, 100, 1200, 9600);
  assert.ok(lag <= 2, `pre-skip removed the codec delay (residual ${lag} samples)`);
  const sinePart = (x: Int16Array) => x.subarray(14400 + 2400, 14400 + 12000);
  const c = correlation(sinePart(input), sinePart(out));
  t.diagnostic(`stream: residual delay ${lag}, sine correlation ${c.toFixed(3)}, ${pages.length} pages, ${stream.length} bytes for ${(input.length / RATE).toFixed(3)} s`);
  assert.ok(c > MIN_WAVEFORM_CORRELATION);
  assert.ok(Math.abs(frequency(sinePart(out), RATE) - 440) < 1);
});

test('the stream decoder honours a foreign pre-skip (Moshi servers announce 3840)', () => {
  const w = new OggPageWriter({ serial: 5 });
  const enc = new OpusEncoder24k();
  const input = sine(440, 0.4, 8000);
  const packets = encodeFrames(enc, input);
  const bytes = [...w.writeHeaders(opusHead({ channels: 1, preSkip: 3840, inputSampleRate: 48000 }), opusTags('moshi'))];
  packets.forEach((p, i) => bytes.push(w.writePackets([p], (i + 1) * 960)));
  const res = new OggOpusStreamDecoder().push(Buffer.concat(bytes));
  assert.equal(res.errors.length, 0);
  assert.equal(res.pcm.length, packets.length * 480 - 1920, '3840 at 48 kHz is 1920 samples at 24 kHz');
});

test('damaged pages and packets inside the stream are reported and decoding continues', () => {
  const enc = new OggOpusStreamEncoder({ serial: 7, framesPerPage: 1 });
  const pages = [...enc.push(sine(440, 0.5, 8000)), ...enc.flush()];
  const damaged = pages.map((p) => Uint8Array.from(p));
  damaged[6]![damaged[6]!.length - 3] ^= 0x55; // CRC failure in an audio page
  // A page that passes the CRC but holds an undecodable Opus packet.
  const w = new OggPageWriter({ serial: 7 });
  const junk = w.writePackets([Uint8Array.of(0xff, 0xff, 0xff)], 0);
  const stream = Buffer.concat([...damaged.slice(0, 10), junk, ...damaged.slice(10)]);
  const dec = new OggOpusStreamDecoder();
  const res = dec.push(stream);
  assert.ok(res.errors.length >= 2, res.errors.map((e) => e.message).join('; '));
  assert.ok(res.errors.every((e) => isFullduplexError(e, 'BAD_AUDIO')));
  const full = new OggOpusStreamDecoder().push(Buffer.concat(pages)).pcm.length;
  assert.ok(res.pcm.length >= full - 480 && res.pcm.length < full, `lost one frame: ${res.pcm.length} of ${full}`);
  assert.ok(rmsDbfs(res.pcm.subarray(-4800)) > -20, 'audio after the damage still decodes');
});

test('an empty stream flushes to valid headers and an EOS page', () => {
  const enc = new OggOpusStreamEncoder({ serial: 8 });
  const pages = enc.flush();
  assert.equal(pages.length, 3);
  const res = new OggOpusStreamDecoder().push(Buffer.concat(pages));
  assert.equal(res.pcm.length, 0);
  assert.ok(res.ended);
  assert.equal(res.errors.length, 0);
  assert.deepEqual(new OggOpusStreamEncoder().start().length, 2);
});

test('cost per 20 ms frame (reported)', (t) => {
  const enc = new OpusEncoder24k();
  const dec = new OpusDecoder();
  const frame = sine(440, 0.02, 8000);
  const n = 500;
  let t0 = performance.now();
  const packets: Uint8Array[] = [];
  for (let i = 0; i < n; i++) packets.push(enc.encode(frame));
  const encUs = ((performance.now() - t0) * 1000) / n;
  t0 = performance.now();
  for (const p of packets) dec.decode(p);
  const decUs = ((performance.now() - t0) * 1000) / n;
  t.diagnostic(`encode ${encUs.toFixed(0)} µs/frame, decode ${decUs.toFixed(0)} µs/frame (${process.env['OPUS_FORCE_WASM'] ? 'WASM' : 'native addon'})`);
  // A 20 ms frame must cost far less than 20 ms even on a slow machine.
  assert.ok(encUs < 5000 && decUs < 5000);
});

test('reuseSilence: settled digital silence is sent as the same packet without encoding; speech around it is unchanged', async (t) => {
  const speech = (await resample(synth('Here is the answer you asked for.'), RATE)).samples;
  const gapFrames = 50;
  const input = concatInt16([speech, new Int16Array(gapFrames * OPUS_FRAME_SAMPLES_24K), speech]);
  const encodeAll = (reuseSilence: boolean) => {
    const enc = new OggOpusStreamEncoder({ serial: 7, framesPerPage: 1, reuseSilence });
    // Count the frames libopus really encodes.
    const inner = (enc as unknown as { encoder: OpusEncoder24k }).encoder;
    let encoded = 0;
    const encode = inner.encode.bind(inner);
    inner.encode = (f) => (encoded++, encode(f));
    const pages: Uint8Array[] = [];
    for (let o = 0; o < input.length; o += 320) pages.push(...enc.push(input.subarray(o, o + 320)));
    pages.push(...enc.flush());
    const packets = new OggPageReader().push(Buffer.concat(pages)).packets.slice(2).map((p) => Buffer.from(p.data).toString('hex'));
    const dec = new OggOpusStreamDecoder();
    return { encoded, packets, pcm: dec.push(Buffer.concat(pages)).pcm };
  };
  const full = encodeAll(false);
  const reused = encodeAll(true);
  assert.equal(reused.packets.length, full.packets.length);
  const skipped = full.encoded - reused.encoded;
  assert.ok(skipped >= gapFrames - 10, `most of the gap's ${gapFrames} frames were not encoded (skipped ${skipped})`);
  const firstReuse = reused.packets.findIndex((p, i) => p !== full.packets[i]);
  const speechFrames = Math.floor(speech.length / OPUS_FRAME_SAMPLES_24K);
  assert.ok(firstReuse > speechFrames, `the first speech and the start of the gap are encoded as before (first difference at frame ${firstReuse})`);
  assert.equal(reused.pcm.length, input.length);
  const gap = reused.pcm.subarray(speech.length + 2400, speech.length + gapFrames * OPUS_FRAME_SAMPLES_24K);
  assert.ok(gap.every((s) => Math.abs(s) <= 2), 'the reused packet decodes to silence');
  // The second speech: libopus resumes from its settled state, so the waveforms differ by codec noise only.
  const second = (x: Int16Array) => x.subarray(input.length - speech.length, input.length);
  const c = correlation(second(full.pcm), second(reused.pcm));
  const levels = [rmsDbfs(second(full.pcm)), rmsDbfs(second(reused.pcm))];
  t.diagnostic(`frames encoded ${full.encoded} → ${reused.encoded}; after the gap: correlation with the full encode ${c.toFixed(3)}, level ${levels.map((l) => l.toFixed(1)).join(' / ')} dBFS`);
  assert.ok(c > 0.9, `speech after the gap decodes like the full encode (correlation ${c.toFixed(3)})`);
  assert.ok(Math.abs(levels[0]! - levels[1]!) < 0.5);
});
