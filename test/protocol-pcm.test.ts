import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alawToLinear,
  decodeAlaw,
  decodeMulaw,
  encodeAlaw,
  encodeMulaw,
  linearToAlaw,
  linearToMulaw,
  mulawToLinear,
} from '../src/protocols/codecs/g711.js';
import {
  base64ToFloat32,
  base64ToPcm16,
  decodeBase64,
  float32ToBase64,
  isValidBase64,
  pcm16ToBase64,
} from '../src/protocols/codecs/pcm-base64.js';
import { isFullduplexError } from '../src/errors.js';

function sine(freq: number, n: number, amplitude: number, rate: number): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)));
}

function snrDb(ref: Int16Array, got: Int16Array): number {
  let sig = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    sig += ref[i]! ** 2;
    err += (ref[i]! - got[i]!) ** 2;
  }
  return 10 * Math.log10(sig / err);
}

test('μ-law code points', () => {
  assert.equal(linearToMulaw(0), 0xff);
  assert.equal(linearToMulaw(-1), 0x7f, 'tiny negatives land on negative zero');
  assert.equal(linearToMulaw(32767), 0x80);
  assert.equal(linearToMulaw(-32768), 0x00);
  assert.equal(mulawToLinear(0xff), 0);
  assert.equal(mulawToLinear(0x7f), 0);
  assert.equal(mulawToLinear(0x80), 32124);
  assert.equal(mulawToLinear(0x00), -32124);
  // First step above zero: segment 0, mantissa 1 → (8+132)·1 − 132 = 8 (code 0xFE), and its mirror.
  assert.equal(mulawToLinear(0xfe), 8);
  assert.equal(mulawToLinear(0x7e), -8);
  // Segment boundaries on the 16-bit scale: 0xF0 tops segment 0 (step 8), 0xEF..0xE0 is segment 1 (step 16).
  assert.equal(mulawToLinear(0xf0), 120);
  assert.equal(mulawToLinear(0xef), 132);
  assert.equal(mulawToLinear(0xe0), 372);
  assert.equal(mulawToLinear(0x6f), -132);
});

test('A-law code points', () => {
  assert.equal(linearToAlaw(0), 0xd5);
  assert.equal(linearToAlaw(-1), 0x55);
  assert.equal(linearToAlaw(32767), 0xaa);
  assert.equal(linearToAlaw(-32768), 0x2a);
  assert.equal(alawToLinear(0xd5), 8);
  assert.equal(alawToLinear(0x55), -8);
  assert.equal(alawToLinear(0xaa), 32256);
  assert.equal(alawToLinear(0x2a), -32256);
  // Segments 0 and 1 share the step 16: 0x8F (before inversion) is the top of segment 0, 15·16 + 8.
  assert.equal(alawToLinear(0x8f ^ 0x55), 248);
  assert.equal(alawToLinear(0x90 ^ 0x55), 264, 'first step of segment 1');
});

test('every code decodes and re-encodes to itself (μ-law negative zero aside), monotonically', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(linearToAlaw(alawToLinear(c)), c, `A-law ${c}`);
    assert.equal(linearToMulaw(mulawToLinear(c)), c === 0x7f ? 0xff : c, `μ-law ${c}`);
  }
  // Decoded values, sorted by magnitude code, increase strictly within each sign.
  const positives = (decode: (c: number) => number, codeOf: (i: number) => number) => Array.from({ length: 128 }, (_, i) => decode(codeOf(i)));
  const mu = positives(mulawToLinear, (i) => 0xff - i);
  const a = positives(alawToLinear, (i) => (0x80 | i) ^ 0x55);
  for (const seq of [mu, a]) for (let i = 1; i < seq.length; i++) assert.ok(seq[i]! > seq[i - 1]!, `step ${i}`);
});

test('sine round trip SNR (G.711 gives ~38 dB on a loud tone)', (t) => {
  // 1019 Hz: not a divisor of the sample rate, so the tone visits many levels (1000 Hz would hit only 5).
  const x = sine(1019, 8000, 16000, 8000);
  const mu = decodeMulaw(encodeMulaw(x));
  const al = decodeAlaw(encodeAlaw(x));
  const muSnr = snrDb(x, mu);
  const aSnr = snrDb(x, al);
  t.diagnostic(`μ-law ${muSnr.toFixed(1)} dB, A-law ${aSnr.toFixed(1)} dB`);
  assert.ok(muSnr > 35 && aSnr > 35);
  // Companding keeps SNR nearly flat as the level drops 30 dB.
  const quiet = sine(1019, 8000, 500, 8000);
  assert.ok(snrDb(quiet, decodeMulaw(encodeMulaw(quiet))) > 30);
  assert.ok(snrDb(quiet, decodeAlaw(encodeAlaw(quiet))) > 28);
  assert.throws(() => encodeMulaw([1, 2] as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
});

test('PCM16 base64 round trip, little-endian on the wire', () => {
  const x = Int16Array.from([0, 1, -1, 32767, -32768, 256]);
  const b64 = pcm16ToBase64(x);
  assert.deepEqual([...Buffer.from(b64, 'base64')].slice(0, 8), [0, 0, 1, 0, 0xff, 0xff, 0xff, 0x7f]);
  assert.deepEqual(base64ToPcm16(b64), x);
  assert.deepEqual(base64ToPcm16(''), new Int16Array(0));
  assert.deepEqual(base64ToPcm16('AQA='), Int16Array.of(1));
});

test('bad base64 and odd byte counts are clear BAD_AUDIO errors', () => {
  const bad = (s: string, re: RegExp) => assert.throws(() => base64ToPcm16(s), (e) => isFullduplexError(e, 'BAD_AUDIO') && re.test((e as Error).message));
  bad('AQA', /multiple of 4/);
  bad('AQ*=', /alphabet/);
  bad('AQ=A', /alphabet/);
  bad('AQ-_', /alphabet/); // base64url is not accepted
  bad('AQ== ', /multiple of 4/);
  bad('AQ==', /whole number of 16-bit samples/);
  assert.throws(() => base64ToPcm16(42 as unknown as string), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.equal(isValidBase64('AAAA'), true);
  assert.equal(isValidBase64('A==='), false);
  assert.equal(isValidBase64('é===') , false);
});

test('large payloads validate quickly (no regex stack limits)', () => {
  const bytes = new Uint8Array(9 * 1024 * 1024).fill(7);
  const text = Buffer.from(bytes).toString('base64');
  const t0 = performance.now();
  assert.equal(decodeBase64(text).length, bytes.length);
  assert.ok(performance.now() - t0 < 2000);
});

test('float32 base64 (MiniCPM-o style) round trip and checks', () => {
  const x = Float32Array.from([0, 0.5, -1, 0.25]);
  assert.deepEqual(base64ToFloat32(float32ToBase64(x)), x);
  assert.throws(() => base64ToFloat32('AAAAAAA='), (e) => isFullduplexError(e, 'BAD_AUDIO') && /32-bit/.test((e as Error).message));
  assert.throws(() => base64ToFloat32(float32ToBase64(Float32Array.of(Number.NaN))), (e) => isFullduplexError(e, 'BAD_AUDIO'));
});
