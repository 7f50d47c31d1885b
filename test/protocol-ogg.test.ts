import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OGG_FLAG_CONTINUED,
  OGG_FLAG_EOS,
  OggPageReader,
  OggPageWriter,
  isOpusHead,
  isOpusTags,
  oggCrc,
  opusHead,
  opusTags,
  parseOpusHead,
  parseOpusTags,
  type OggPacket,
} from '../src/protocols/codecs/ogg.js';
import { isFullduplexError } from '../src/errors.js';
import { rng } from './helpers/speech.js';


function randomBytes(n: number, r: () => number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  // Plant a fake capture pattern inside the payload: the reader must not sync on it.
  if (n >= 8) out.set([0x4f, 0x67, 0x67, 0x53], Math.floor(n / 2) - 2);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Feed `bytes` in random-sized pieces; collect everything. */
function feed(reader: OggPageReader, bytes: Uint8Array, r: () => number, maxChunk: number) {
  const packets: OggPacket[] = [];
  const errors: Error[] = [];
  const pages = [];
  for (let o = 0; o < bytes.length; ) {
    const n = 1 + Math.floor(r() * maxChunk);
    const res = reader.push(bytes.subarray(o, o + n));
    packets.push(...res.packets);
    errors.push(...res.errors);
    pages.push(...res.pages);
    o += n;
  }
  return { packets, errors, pages };
}

/** Straightforward bitwise CRC: poly 0x04c11db7, MSB first, init 0, no final XOR — independent of the table version. */
function bitwiseOggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    crc >>>= 0;
  }
  return crc >>> 0;
}

test('a page built by hand matches the writer byte for byte, CRC included', () => {
  const packet = Uint8Array.from([1, 2, 3, 4, 5]);
  // Header by hand: OggS, v0, no flags, granule 960, serial 0x01020304, sequence 0, CRC 0, 1 segment of 5.
  const hand = Uint8Array.from([
    0x4f, 0x67, 0x67, 0x53, 0, 0x00, 0xc0, 0x03, 0, 0, 0, 0, 0, 0, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5, ...packet,
  ]);
  const crc = bitwiseOggCrc(hand);
  new DataView(hand.buffer).setUint32(22, crc, true);
  assert.equal(oggCrc(hand.slice().fill(0, 22, 26)), crc, 'table CRC equals bitwise CRC');

  const page = new OggPageWriter({ serial: 0x01020304 }).writePackets([packet], 960);
  assert.deepEqual(page, hand);

  const { packets, errors } = new OggPageReader().push(hand);
  assert.equal(errors.length, 0);
  assert.deepEqual(packets.map((p) => [...p.data]), [[1, 2, 3, 4, 5]]);
  assert.equal(packets[0]!.pageGranule, 960);
  assert.equal(packets[0]!.bos, false);
});

test('CRC agrees with the bitwise form on random data', () => {
  const r = rng(7);
  for (const n of [0, 1, 3, 100, 4097]) {
    const b = randomBytes(n, r);
    assert.equal(oggCrc(b), bitwiseOggCrc(b), `length ${n}`);
  }
});

test('packets of awkward sizes survive writing and reading in random splits', () => {
  const r = rng(42);
  const sizes = [0, 1, 254, 255, 256, 300, 510, 65025, 70000, 0, 3];
  for (let i = 0; i < 60; i++) sizes.push(Math.floor(r() * (r() < 0.1 ? 5000 : 400)));
  const packets = sizes.map((n) => randomBytes(n, r));

  const w = new OggPageWriter({ serial: 1234 });
  const [headPage, tagsPages] = w.writeHeaders(opusHead({ channels: 1, preSkip: 312, inputSampleRate: 24000 }), opusTags('test'));
  const parts = [headPage, tagsPages];
  const expectedGranules: number[] = [];
  let granule = 0;
  for (let i = 0; i < packets.length; ) {
    const n = Math.min(1 + Math.floor(r() * 3), packets.length - i);
    const group = packets.slice(i, i + n);
    const granules = group.map(() => (granule += 960));
    const last = i + n === packets.length;
    parts.push(w.writePackets(group, granules, { eos: last }));
    expectedGranules.push(...granules);
    i += n;
  }
  const stream = concat(parts);

  for (const maxChunk of [1, 7, 300, 5000, 100000]) {
    const got = feed(new OggPageReader(), stream, r, maxChunk);
    assert.equal(got.errors.length, 0, `no errors (chunks ≤ ${maxChunk}): ${got.errors.map((e) => e.message).join('; ')}`);
    assert.equal(got.packets.length, packets.length + 2);
    assert.ok(isOpusHead(got.packets[0]!.data) && got.packets[0]!.bos);
    assert.ok(isOpusTags(got.packets[1]!.data));
    got.packets.slice(2).forEach((p, i) => {
      assert.deepEqual(p.data, packets[i], `packet ${i} (${packets[i]!.length} bytes)`);
      assert.equal(p.pageGranule, p.lastOnPage ? expectedGranules[i] : p.pageGranule);
    });
    // Every page's granule belongs to its last packet.
    for (const p of got.packets.slice(2).filter((q) => q.lastOnPage)) assert.equal(p.pageGranule, expectedGranules[got.packets.indexOf(p) - 2]);
    assert.ok(got.packets.at(-1)!.eos, 'last packet sits on the EOS page');
    assert.ok(got.pages.some((pg) => pg.continued), 'some packet spanned pages');
    assert.ok(got.pages.filter((pg) => pg.packetCount === 0).every((pg) => pg.granulePosition === -1), 'pages completing no packet carry granule -1');
  }
});

test('a packet longer than one page spans pages with the continued flag', () => {
  const w = new OggPageWriter({ serial: 9 });
  const big = randomBytes(70000, rng(1));
  const bytes = w.writePackets([big], 48000);
  const { packets, pages } = new OggPageReader().push(bytes);
  assert.equal(pages.length, 2);
  assert.equal(pages[0]!.continued, false);
  assert.equal(pages[0]!.granulePosition, -1);
  assert.equal(pages[1]!.continued, true);
  assert.equal(pages[1]!.granulePosition, 48000);
  assert.deepEqual(packets[0]!.data, big);
  assert.equal(bytes[5]! & OGG_FLAG_CONTINUED, 0);
});

test('many small packets over several pages need one granule per packet', () => {
  const small = Array.from({ length: 300 }, (_, i) => Uint8Array.of(i & 0xff));
  const w = new OggPageWriter({ serial: 5 });
  assert.throws(() => w.writePackets(small, 1000), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  assert.equal(w.pagesWritten, 0, 'a refused call uses no sequence numbers');
  const bytes = w.writePackets(small, small.map((_, i) => (i + 1) * 10));
  const { packets, pages } = new OggPageReader().push(bytes);
  assert.equal(packets.length, 300);
  assert.deepEqual(pages.map((p) => p.granulePosition), [2550, 3000]);
});

test('an empty EOS page ends a stream; writing after EOS is refused', () => {
  const w = new OggPageWriter({ serial: 5 });
  const page = w.writePackets([], 4800, { eos: true });
  assert.equal(page.length, 27);
  assert.equal(page[5], OGG_FLAG_EOS);
  const { pages } = new OggPageReader().push(page);
  assert.equal(pages[0]!.eos, true);
  assert.equal(pages[0]!.granulePosition, 4800);
  assert.throws(() => w.writePackets([Uint8Array.of(1)], 1), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});

function pagesOf(count: number, packetBytes: number, seed: number): { pages: Uint8Array[]; packets: Uint8Array[] } {
  const r = rng(seed);
  const w = new OggPageWriter({ serial: 77 });
  const packets: Uint8Array[] = [];
  const pages: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const p = randomBytes(packetBytes, r);
    packets.push(p);
    pages.push(w.writePackets([p], (i + 1) * 960));
  }
  return { pages, packets };
}

test('a corrupted page is reported, skipped, and reading resumes at the next page', () => {
  const { pages, packets } = pagesOf(10, 120, 3);
  const damaged = pages.map((p) => p.slice());
  damaged[4]![40] ^= 0x10; // flip a body bit: CRC fails
  const reader = new OggPageReader();
  const got = feed(reader, concat(damaged), rng(4), 50);
  assert.ok(got.errors.length >= 1);
  assert.ok(got.errors.every((e) => isFullduplexError(e, 'BAD_AUDIO')));
  assert.match(got.errors[0]!.message, /CRC/);
  assert.deepEqual(
    got.packets.map((p) => p.data),
    packets.filter((_, i) => i !== 4),
  );
  assert.equal(got.errors.length, 1, 'one loss, one report (the sequence gap is not reported again)');
  assert.ok(reader.bytesDiscarded > 0);
});

test('garbage between pages and a damaged header are skipped', () => {
  const { pages, packets } = pagesOf(6, 300, 5);
  const withGarbage = [pages[0]!, Uint8Array.from([0x4f, 0x67, 0x67, 0x53, 9, 9, 9]), randomBytes(500, rng(6)), ...pages.slice(1)];
  const bad = pages[2]!.slice();
  bad[4] = 1; // version 1 does not exist
  const got = feed(new OggPageReader(), concat([...withGarbage.slice(0, 4), bad, ...withGarbage.slice(5)]), rng(8), 64);
  assert.ok(got.errors.length >= 2);
  assert.deepEqual(
    got.packets.map((p) => p.data),
    packets.filter((_, i) => i !== 2),
  );
});

test('damage inside a packet that spans pages drops only that packet', () => {
  const w = new OggPageWriter({ serial: 3 });
  const r = rng(11);
  const a = randomBytes(100, r);
  const big = randomBytes(70000, r);
  const c = randomBytes(100, r);
  const pageA = w.writePackets([a], 960);
  const spanning = w.writePackets([big], 1920).slice();
  const pageC = w.writePackets([c], 2880);
  spanning[1000] ^= 0xff; // first page of the big packet
  const got = feed(new OggPageReader(), concat([pageA, spanning, pageC]), r, 4096);
  assert.ok(got.errors.length >= 1);
  assert.deepEqual(got.packets.map((p) => p.data), [a, c]);
});

test('joining mid-stream drops the unfinishable continuation silently and reads on', () => {
  const w = new OggPageWriter({ serial: 3 });
  const big = randomBytes(70000, rng(12));
  const next = randomBytes(50, rng(13));
  const spanning = w.writePackets([big], 960);
  const firstPageLength = 27 + 255 + 255 * 255;
  const tail = spanning.subarray(firstPageLength);
  const got = new OggPageReader().push(concat([tail, w.writePackets([next], 1920)]));
  assert.deepEqual(got.packets.map((p) => p.data), [next]);
  assert.equal(got.errors.length, 0);
});

test('an oversized reassembled packet is dropped with an error', () => {
  const w = new OggPageWriter({ serial: 3 });
  const huge = w.writePackets([randomBytes(200000, rng(14))], 960);
  const small = randomBytes(10, rng(15));
  const got = new OggPageReader({ maxPacketBytes: 100000 }).push(concat([huge, w.writePackets([small], 1920)]));
  assert.deepEqual(got.packets.map((p) => p.data), [small]);
  assert.equal(got.errors.length, 1);
});

test('OpusHead follows RFC 7845 field by field and parses back', () => {
  const h = opusHead({ channels: 1, preSkip: 3840, inputSampleRate: 48000 });
  assert.equal(h.length, 19);
  assert.equal(new TextDecoder().decode(h.subarray(0, 8)), 'OpusHead');
  assert.equal(h[8], 1, 'version 1');
  assert.equal(h[9], 1, 'channel count');
  assert.deepEqual([...h.subarray(10, 12)], [0x00, 0x0f], 'pre-skip 3840 LE');
  assert.deepEqual([...h.subarray(12, 16)], [0x80, 0xbb, 0x00, 0x00], '48000 LE');
  assert.deepEqual([...h.subarray(16, 19)], [0, 0, 0], 'gain 0, mapping family 0');
  assert.deepEqual(parseOpusHead(h), { version: 1, channels: 1, preSkip: 3840, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 });
  assert.throws(() => parseOpusHead(h.subarray(0, 18)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  const v2 = h.slice();
  v2[8] = 0x10;
  assert.throws(() => parseOpusHead(v2), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => opusHead({ channels: 3, preSkip: 0, inputSampleRate: 48000 }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  const t = opusTags('fullduplex ✓', ['ENCODER=test']);
  assert.deepEqual(parseOpusTags(t), { vendor: 'fullduplex ✓', comments: ['ENCODER=test'] });
  assert.throws(() => parseOpusTags(t.subarray(0, t.length - 2)), (e) => isFullduplexError(e, 'BAD_AUDIO'));
});

test('headers are the first two pages: BOS OpusHead alone, then OpusTags, granule 0', () => {
  const w = new OggPageWriter({ serial: 1 });
  const [head, tags] = w.writeHeaders(opusHead({ channels: 1, preSkip: 312, inputSampleRate: 24000 }), opusTags('x'));
  const res = new OggPageReader().push(concat([head, tags]));
  assert.deepEqual(res.pages.map((p) => [p.sequence, p.bos, p.granulePosition, p.packetCount]), [
    [0, true, 0, 1],
    [1, false, 0, 1],
  ]);
  assert.throws(() => w.writeHeaders(opusHead({ channels: 1, preSkip: 0, inputSampleRate: 24000 }), opusTags('x')), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
});
