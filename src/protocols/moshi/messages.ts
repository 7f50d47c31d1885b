/**
 * Moshi / PersonaPlex WebSocket messages: every frame is binary, byte 0 the kind, the rest its payload
 * (integers little-endian). See research/protocols.md §1.
 */
import { FullduplexError } from '../../errors.js';

export const MOSHI_KIND = {
  handshake: 0x00,
  audio: 0x01,
  text: 0x02,
  control: 0x03,
  metadata: 0x04,
  error: 0x05,
  ping: 0x06,
  coloredText: 0x07,
} as const;

/** Control payload byte values. */
export const MOSHI_CONTROL = { start: 0, endTurn: 1, pause: 2, restart: 3 } as const;
export type MoshiControlAction = keyof typeof MOSHI_CONTROL;

/** Rust servers' handshake: kind + u32 protocol version + u32 model version. */
export const MOSHI_RUST_HANDSHAKE_BYTES = 9;

export type MoshiMessage =
  /** Versions are present only in the Rust servers' 9-byte form; the Python server sends the kind byte alone. */
  | { kind: 'handshake'; protocolVersion?: number; modelVersion?: number }
  /** A piece of the Ogg Opus byte stream (not necessarily whole pages). */
  | { kind: 'audio'; data: Uint8Array }
  | { kind: 'text'; text: string }
  | { kind: 'control'; action: MoshiControlAction }
  | { kind: 'metadata'; json: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'ping' }
  | { kind: 'coloredText'; color: number; text: string }
  /** A kind this side does not know; the protocol says to discard it. */
  | { kind: 'unknown'; type: number; payload: Uint8Array };

const utf8 = new TextEncoder();
// Non-fatal: a stray invalid byte in a text piece should not cost the whole message.
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

export function encodeMoshiMessage(msg: MoshiMessage): Uint8Array {
  switch (msg.kind) {
    case 'handshake': {
      if (msg.protocolVersion === undefined && msg.modelVersion === undefined) return Uint8Array.of(MOSHI_KIND.handshake);
      const out = new Uint8Array(MOSHI_RUST_HANDSHAKE_BYTES);
      const v = new DataView(out.buffer);
      out[0] = MOSHI_KIND.handshake;
      v.setUint32(1, u32(msg.protocolVersion ?? 0, 'protocolVersion'), true);
      v.setUint32(5, u32(msg.modelVersion ?? 0, 'modelVersion'), true);
      return out;
    }
    case 'audio':
      return withKind(MOSHI_KIND.audio, msg.data);
    case 'text':
      return withKind(MOSHI_KIND.text, utf8.encode(msg.text));
    case 'control': {
      const value = MOSHI_CONTROL[msg.action];
      if (value === undefined) throw new FullduplexError('BAD_ARGUMENT', `encodeMoshiMessage: unknown control action '${String(msg.action)}'`);
      return Uint8Array.of(MOSHI_KIND.control, value);
    }
    case 'metadata':
      return withKind(MOSHI_KIND.metadata, utf8.encode(JSON.stringify(msg.json)));
    case 'error':
      return withKind(MOSHI_KIND.error, utf8.encode(msg.message));
    case 'ping':
      return Uint8Array.of(MOSHI_KIND.ping);
    case 'coloredText': {
      if (!Number.isInteger(msg.color) || msg.color < 0 || msg.color > 0xff) throw new FullduplexError('BAD_ARGUMENT', `encodeMoshiMessage: colour ${msg.color} is not a byte`);
      return withKind(MOSHI_KIND.coloredText, concat(Uint8Array.of(msg.color), utf8.encode(msg.text)));
    }
    case 'unknown':
      return withKind(msg.type, msg.payload);
  }
}

/** The two handshake forms servers send: Python's single byte, Rust's 9 bytes with versions 0. */
export function moshiHandshake(form: 'python' | 'rust' = 'rust'): Uint8Array {
  return encodeMoshiMessage(form === 'python' ? { kind: 'handshake' } : { kind: 'handshake', protocolVersion: 0, modelVersion: 0 });
}

/**
 * Decode one WebSocket message. An empty message and malformed payloads of known kinds throw BAD_ARGUMENT;
 * unknown kinds come back as `{kind:'unknown'}` for the caller to discard. The audio payload is a view
 * into `bytes`, not a copy.
 */
export function decodeMoshiMessage(bytes: Uint8Array): MoshiMessage {
  if (!(bytes instanceof Uint8Array)) throw new FullduplexError('BAD_ARGUMENT', 'decodeMoshiMessage: expected binary data (Moshi frames are never text)');
  if (bytes.length === 0) throw new FullduplexError('BAD_ARGUMENT', 'decodeMoshiMessage: empty message (no kind byte)');
  const type = bytes[0]!;
  const payload = bytes.subarray(1);
  switch (type) {
    case MOSHI_KIND.handshake: {
      if (bytes.length < MOSHI_RUST_HANDSHAKE_BYTES) return { kind: 'handshake' };
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { kind: 'handshake', protocolVersion: v.getUint32(1, true), modelVersion: v.getUint32(5, true) };
    }
    case MOSHI_KIND.audio:
      return { kind: 'audio', data: payload };
    case MOSHI_KIND.text:
      return { kind: 'text', text: utf8Decoder.decode(payload) };
    case MOSHI_KIND.control: {
      if (payload.length < 1) throw new FullduplexError('BAD_ARGUMENT', 'decodeMoshiMessage: control message without its action byte');
      const action = (Object.keys(MOSHI_CONTROL) as MoshiControlAction[]).find((k) => MOSHI_CONTROL[k] === payload[0]);
      // An action from a newer protocol is as unknown as a new kind: let the caller discard it.
      return action ? { kind: 'control', action } : { kind: 'unknown', type, payload };
    }
    case MOSHI_KIND.metadata: {
      const text = utf8Decoder.decode(payload);
      try {
        return { kind: 'metadata', json: JSON.parse(text) as unknown };
      } catch (e) {
        throw new FullduplexError('BAD_ARGUMENT', `decodeMoshiMessage: metadata is not JSON (${(e as Error).message})`, { cause: e });
      }
    }
    case MOSHI_KIND.error:
      return { kind: 'error', message: utf8Decoder.decode(payload) };
    case MOSHI_KIND.ping:
      return { kind: 'ping' };
    case MOSHI_KIND.coloredText: {
      if (payload.length < 1) throw new FullduplexError('BAD_ARGUMENT', 'decodeMoshiMessage: coloured text without its colour byte');
      return { kind: 'coloredText', color: payload[0]!, text: utf8Decoder.decode(payload.subarray(1)) };
    }
    default:
      return { kind: 'unknown', type, payload };
  }
}

function withKind(kind: number, payload: Uint8Array): Uint8Array {
  if (!Number.isInteger(kind) || kind < 0 || kind > 0xff) throw new FullduplexError('BAD_ARGUMENT', `encodeMoshiMessage: kind ${kind} is not a byte`);
  return concat(Uint8Array.of(kind), payload);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function u32(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new FullduplexError('BAD_ARGUMENT', `encodeMoshiMessage: ${name} ${n} is not a uint32`);
  return n;
}
