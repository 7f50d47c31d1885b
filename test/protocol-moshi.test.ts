import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMoshiMessage, encodeMoshiMessage, moshiHandshake, type MoshiMessage } from '../src/protocols/moshi/messages.js';
import { OggOpusStreamDecoder, OggOpusStreamEncoder } from '../src/protocols/codecs/opus.js';
import { isFullduplexError } from '../src/errors.js';

test('every kind round-trips through its wire form', () => {
  const cases: [MoshiMessage, number[] | null][] = [
    [{ kind: 'handshake' }, [0x00]],
    [{ kind: 'handshake', protocolVersion: 0, modelVersion: 0 }, [0, 0, 0, 0, 0, 0, 0, 0, 0]],
    [{ kind: 'handshake', protocolVersion: 1, modelVersion: 0x01020304 }, [0, 1, 0, 0, 0, 4, 3, 2, 1]],
    [{ kind: 'audio', data: Uint8Array.of(0x4f, 0x67, 0x67, 0x53) }, [0x01, 0x4f, 0x67, 0x67, 0x53]],
    [{ kind: 'text', text: ' Hello' }, [0x02, 0x20, 0x48, 0x65, 0x6c, 0x6c, 0x6f]],
    [{ kind: 'text', text: 'ça 日本 🙂' }, null],
    [{ kind: 'control', action: 'start' }, [0x03, 0]],
    [{ kind: 'control', action: 'endTurn' }, [0x03, 1]],
    [{ kind: 'control', action: 'pause' }, [0x03, 2]],
    [{ kind: 'control', action: 'restart' }, [0x03, 3]],
    [{ kind: 'metadata', json: { text_temperature: 0.7, model: 'moshiko' } }, null],
    [{ kind: 'error', message: 'model busy' }, null],
    [{ kind: 'ping' }, [0x06]],
    [{ kind: 'coloredText', color: 5, text: 'hi' }, [0x07, 5, 0x68, 0x69]],
  ];
  for (const [msg, wire] of cases) {
    const bytes = encodeMoshiMessage(msg);
    if (wire) assert.deepEqual([...bytes], wire, msg.kind);
    assert.deepEqual(decodeMoshiMessage(bytes), msg);
  }
});

test('handshake forms: Python 1 byte, Rust 9 bytes, anything ≥ 1 accepted', () => {
  assert.deepEqual([...moshiHandshake('python')], [0]);
  assert.equal(moshiHandshake('rust').length, 9);
  assert.deepEqual(decodeMoshiMessage(moshiHandshake()), { kind: 'handshake', protocolVersion: 0, modelVersion: 0 });
  assert.deepEqual(decodeMoshiMessage(Uint8Array.of(0, 1, 2, 3)), { kind: 'handshake' });
  assert.deepEqual(decodeMoshiMessage(new Uint8Array(12)), { kind: 'handshake', protocolVersion: 0, modelVersion: 0 });
});

test('unknown kinds and control actions come back as unknown (to discard); empty or malformed is an error', () => {
  assert.deepEqual(decodeMoshiMessage(Uint8Array.of(0x42, 1, 2)), { kind: 'unknown', type: 0x42, payload: Uint8Array.of(1, 2) });
  assert.deepEqual(decodeMoshiMessage(Uint8Array.of(0x03, 9)), { kind: 'unknown', type: 3, payload: Uint8Array.of(9) });
  const isBad = (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT');
  assert.throws(() => decodeMoshiMessage(new Uint8Array(0)), isBad);
  assert.throws(() => decodeMoshiMessage(Uint8Array.of(0x03)), isBad);
  assert.throws(() => decodeMoshiMessage(Uint8Array.of(0x07)), isBad);
  assert.throws(() => decodeMoshiMessage(Uint8Array.of(0x04, 0x7b)), isBad); // "{" is not JSON
  assert.throws(() => decodeMoshiMessage('hello' as unknown as Uint8Array), isBad);
  assert.throws(() => encodeMoshiMessage({ kind: 'control', action: 'stop' as 'start' }), isBad);
  assert.throws(() => encodeMoshiMessage({ kind: 'coloredText', color: 300, text: '' }), isBad);
  // An invalid UTF-8 byte in a text piece becomes U+FFFD instead of costing the message.
  assert.equal((decodeMoshiMessage(Uint8Array.of(0x02, 0xff)) as { text: string }).text, '\ufffd');
});

test('the audio payload is a view, and an Ogg Opus stream crosses message boundaries intact', () => {
  const enc = new OggOpusStreamEncoder({ serial: 1 });
  const pcm = Int16Array.from({ length: 24000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / 24000)));
  const pages = [...enc.push(pcm), ...enc.flush()];
  // Re-cut the page bytes into messages that split pages mid-way, as a server may.
  const stream = Buffer.concat(pages);
  const messages: Uint8Array[] = [];
  for (let o = 0; o < stream.length; o += 333) messages.push(encodeMoshiMessage({ kind: 'audio', data: stream.subarray(o, o + 333) }));
  const dec = new OggOpusStreamDecoder();
  let samples = 0;
  for (const m of messages) {
    const msg = decodeMoshiMessage(m);
    assert.equal(msg.kind, 'audio');
    if (msg.kind !== 'audio') continue;
    assert.equal(msg.data.buffer, m.buffer, 'no copy');
    const res = dec.push(msg.data);
    assert.equal(res.errors.length, 0);
    samples += res.pcm.length;
  }
  assert.equal(samples, pcm.length);
});
