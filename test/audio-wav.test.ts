import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFullduplexError } from '../src/errors.js';
import { encodeWav, parseWav, readWav, readWavMono, WavFileWriter, writeWav } from '../src/audio/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'fullduplex-wav-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function ramp(n: number, start = 0, step = 37): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = ((start + i * step) % 65536) - 32768;
  return out;
}

/** Build a WAV by hand: fmt/data bodies plus arbitrary chunks, in the given order. */
function riff(chunks: Array<[string, Uint8Array]>): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number): void => void parts.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  for (const c of 'WAVE') parts.push(c.charCodeAt(0));
  for (const [id, body] of chunks) {
    for (const c of id) parts.push(c.charCodeAt(0));
    u32(body.length);
    parts.push(...body);
    if (body.length & 1) parts.push(0);
  }
  const out = new Uint8Array(8 + parts.length);
  out.set([82, 73, 70, 70], 0);
  new DataView(out.buffer).setUint32(4, parts.length, true);
  out.set(parts, 8);
  return out;
}

function fmtBody(channels: number, rate: number, bits = 16, format = 1): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  return b;
}

function pcmBytes(samples: number[]): Uint8Array {
  const b = new Uint8Array(samples.length * 2);
  samples.forEach((s, i) => new DataView(b.buffer).setInt16(i * 2, s, true));
  return b;
}

function assertBadFile(fn: () => unknown, what: string): void {
  assert.throws(fn, (e: unknown) => isFullduplexError(e, 'BAD_FILE'), what);
}

test('mono round trip through bytes and files', async () => {
  const mono = ramp(16000);
  const bytes = encodeWav([mono], 16000);
  assert.equal(bytes.length, 44 + 32000);
  const back = parseWav(bytes);
  assert.equal(back.sampleRate, 16000);
  assert.equal(back.channels.length, 1);
  assert.deepEqual(back.channels[0], mono);

  const path = join(dir, 'mono.wav');
  await writeWav(path, [mono], 16000);
  assert.deepEqual((await readWav(path)).channels[0], mono);
  const f = await readWavMono(path);
  assert.equal(f.sampleRate, 16000);
  assert.deepEqual(f.samples, mono);
});

test('stereo round trip keeps channels apart, readWavMono averages', async () => {
  const left = Int16Array.from([1000, -2000, 32767, -32768, 3]);
  const right = Int16Array.from([3000, 2000, 32767, -32768, 4]);
  const path = join(dir, 'stereo.wav');
  await writeWav(path, [left, right], 48000);
  const back = await readWav(path);
  assert.equal(back.sampleRate, 48000);
  assert.deepEqual(back.channels, [left, right]);
  const raw = readFileSync(path);
  assert.equal(raw.readUInt16LE(22), 2);
  assert.equal(raw.readInt16LE(44), 1000); // interleaved L, R, L, R
  assert.equal(raw.readInt16LE(46), 3000);
  const mono = await readWavMono(path);
  assert.deepEqual(Array.from(mono.samples), [2000, 0, 32767, -32768, 4]);
});

test('skips unknown chunks, honours odd-size pad bytes, accepts fmt after data', () => {
  const data = pcmBytes([1, -2, 3]);
  const list = new Uint8Array([73, 78, 70, 79, 120]); // 5 bytes: odd, so a pad byte follows
  const wav = parseWav(riff([['LIST', list], ['fmt ', fmtBody(1, 22050)], ['junk', new Uint8Array(3)], ['data', data]]));
  assert.equal(wav.sampleRate, 22050);
  assert.deepEqual(Array.from(wav.channels[0]!), [1, -2, 3]);
  const late = parseWav(riff([['data', data], ['fmt ', fmtBody(1, 8000)]]));
  assert.equal(late.sampleRate, 8000);
  assert.deepEqual(Array.from(late.channels[0]!), [1, -2, 3]);
});

test('data size 0 or 0xFFFFFFFF means "to end of file" (streaming writers)', () => {
  for (const size of [0, 0xffffffff]) {
    const bytes = encodeWav([Int16Array.from([5, 6, 7, 8])], 16000);
    const v = new DataView(bytes.buffer);
    v.setUint32(4, size, true);
    v.setUint32(40, size, true);
    assert.deepEqual(Array.from(parseWav(bytes).channels[0]!), [5, 6, 7, 8]);
  }
});

test('WAVE_FORMAT_EXTENSIBLE with PCM subformat is read; other subformats are refused', () => {
  const ext = (guidFirst: number): Uint8Array => {
    const b = new Uint8Array(40);
    b.set(fmtBody(2, 16000));
    const v = new DataView(b.buffer);
    v.setUint16(0, 0xfffe, true);
    v.setUint16(16, 22, true); // cbSize
    v.setUint16(18, 16, true); // valid bits
    v.setUint32(20, 3, true); // channel mask FL|FR
    v.setUint16(24, guidFirst, true);
    b.set([0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 26);
    return b;
  };
  const wav = parseWav(riff([['fmt ', ext(1)], ['data', pcmBytes([1, 2, 3, 4])]]));
  assert.deepEqual(wav.channels.map((c) => Array.from(c)), [[1, 3], [2, 4]]);
  assertBadFile(() => parseWav(riff([['fmt ', ext(3)], ['data', pcmBytes([1, 2])]])), 'float subformat');
});

test('malformed input gives BAD_FILE, never a crash', () => {
  const good = encodeWav([ramp(100)], 16000);
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['not RIFF', new TextEncoder().encode('hello world, this is not a wav file at all')],
    ['RIFF but not WAVE', Uint8Array.from([...good.subarray(0, 8), 65, 86, 73, 32, ...good.subarray(12)])],
    ['float format', riff([['fmt ', fmtBody(1, 16000, 32, 3)], ['data', new Uint8Array(8)]])],
    ['8-bit', riff([['fmt ', fmtBody(1, 16000, 8)], ['data', new Uint8Array(8)]])],
    ['24-bit', riff([['fmt ', fmtBody(1, 16000, 24)], ['data', new Uint8Array(6)]])],
    ['zero channels', riff([['fmt ', fmtBody(0, 16000)], ['data', new Uint8Array(8)]])],
    ['short fmt', riff([['fmt ', new Uint8Array(10)], ['data', new Uint8Array(8)]])],
    ['no fmt', riff([['data', new Uint8Array(8)]])],
    ['no data', riff([['fmt ', fmtBody(1, 16000)]])],
    ['truncated header', good.subarray(0, 30)],
    ['truncated data', good.subarray(0, 100)],
  ];
  for (const [name, bytes] of cases) assertBadFile(() => parseWav(bytes), name);
  // Every prefix of a valid file either parses or fails cleanly.
  for (let n = 0; n < 60; n++) {
    try {
      parseWav(good.subarray(0, n));
    } catch (e) {
      assert.ok(isFullduplexError(e, 'BAD_FILE'), `prefix ${n}: ${String(e)}`);
    }
  }
  // Random garbage after a RIFF/WAVE header.
  let seed = 1;
  for (let k = 0; k < 300; k++) {
    const b = new Uint8Array(12 + (k % 90));
    b.set(good.subarray(0, 12));
    for (let i = 12; i < b.length; i++) b[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    try {
      parseWav(b);
    } catch (e) {
      assert.ok(isFullduplexError(e, 'BAD_FILE'), `garbage ${k}: ${String(e)}`);
    }
  }
});

test('file errors are BAD_FILE; bad encode arguments are rejected', async () => {
  await assert.rejects(readWav(join(dir, 'missing.wav')), (e: unknown) => isFullduplexError(e, 'BAD_FILE'));
  const notWav = join(dir, 'not.wav');
  writeFileSync(notWav, 'nope');
  await assert.rejects(readWavMono(notWav), (e: unknown) => isFullduplexError(e, 'BAD_FILE'));
  assert.throws(() => encodeWav([], 16000), (e: unknown) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => encodeWav([ramp(3), ramp(4)], 16000), (e: unknown) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => encodeWav([ramp(3)], 0), (e: unknown) => isFullduplexError(e, 'BAD_SAMPLE_RATE'));
});

test('WavFileWriter: file is a readable, exact WAV after every append and after close', async () => {
  const path = join(dir, 'rec.wav');
  const w = new WavFileWriter(path, 16000, 2);
  let wav = await readWav(path); // before any audio: sizes 0 read as "to end", i.e. empty
  assert.deepEqual(wav.channels.map((c) => c.length), [0, 0]);
  const left: Int16Array[] = [];
  const right: Int16Array[] = [];
  for (let k = 0; k < 5; k++) {
    const l = ramp(320, k * 1000);
    const r = ramp(320, k * 777, 11);
    left.push(l);
    right.push(r);
    w.appendFrames([l, r]);
    if (k === 2) w.flush();
    wav = await readWav(path);
    assert.equal(wav.channels[0]!.length, 320 * (k + 1));
    assert.deepEqual(wav.channels[1]!.subarray(320 * k), r);
    const raw = readFileSync(path);
    assert.equal(raw.readUInt32LE(40), 320 * (k + 1) * 4, 'data size is exact, not "to end"');
    assert.equal(raw.readUInt32LE(4), raw.length - 8);
  }
  assert.equal(w.framesWritten, 1600);
  assert.equal(w.durationSeconds, 0.1);
  w.close();
  w.close(); // idempotent
  assert.throws(() => w.appendFrames([ramp(1), ramp(1)]), (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT'));
  wav = await readWav(path);
  assert.equal(wav.channels[0]!.length, 1600);
  assert.deepEqual(wav.channels[0]!.subarray(640, 960), left[2]);
});

test('a crash between writing audio and updating the header still leaves a readable file', async () => {
  const path = join(dir, 'crash.wav');
  const w = new WavFileWriter(path, 16000);
  w.appendFrames([ramp(100)]);
  w.close();
  // Simulate a kill between the data write and the size update: 3 extra bytes, header not updated.
  writeFileSync(path, Uint8Array.from([1, 2, 3]), { flag: 'a' });
  assert.deepEqual((await readWav(path)).channels[0], ramp(100));
  // With "to end of file" sizes, the trailing partial sample is dropped, not an error.
  const bytes = new Uint8Array(readFileSync(path));
  new DataView(bytes.buffer).setUint32(40, 0, true);
  assert.deepEqual(parseWav(bytes).channels[0], Int16Array.from([...ramp(100), 0x0201]));
});

test('WavFileWriter rejects mismatched channel counts and unwritable paths', () => {
  const w = new WavFileWriter(join(dir, 'mono-rec.wav'), 24000);
  assert.throws(() => w.appendFrames([ramp(2), ramp(2)]), (e: unknown) => isFullduplexError(e, 'BAD_AUDIO'));
  w.close();
  assert.throws(() => new WavFileWriter(join(dir, 'no', 'such', 'dir.wav'), 16000), (e: unknown) => isFullduplexError(e, 'BAD_FILE'));
});
