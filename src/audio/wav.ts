import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { FullduplexError } from '../errors.js';
import { frame, type PcmFrame } from './frame.js';

/** Decoded WAV audio: one Int16Array per channel, all the same length. */
export interface WavData {
  readonly sampleRate: number;
  readonly channels: Int16Array[];
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of KSDATAFORMAT_SUBTYPE_PCM; bytes 0..1 hold the format tag (1). */
const PCM_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const HEADER_BYTES = 44;
/** RIFF sizes are 32-bit; streaming writers put 0 or 0xFFFFFFFF in sizes they cannot know yet. */
const MAX_RIFF_SIZE = 0xffffffff;
const MAX_CHANNELS = 64;

function bad(message: string): FullduplexError {
  return new FullduplexError('BAD_FILE', `WAV: ${message}`);
}

function fourcc(view: DataView, at: number): string {
  return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
}

interface Fmt {
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

function parseFmt(view: DataView, at: number, size: number): Fmt {
  if (size < 16) throw bad(`fmt chunk is ${size} bytes, need at least 16`);
  let format = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (format === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw bad(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, need 40`);
    const sub = at + 24; // the subformat GUID follows cbSize, validBits and channelMask
    const tailMatches = PCM_GUID_TAIL.every((b, i) => view.getUint8(sub + 2 + i) === b);
    format = tailMatches ? view.getUint16(sub, true) : -1;
  }
  if (format !== WAVE_FORMAT_PCM) throw bad(`only integer PCM is supported (format tag ${format})`);
  if (bits !== 16) throw bad(`only 16-bit samples are supported (got ${bits} bits)`);
  if (channels < 1 || channels > MAX_CHANNELS) throw bad(`unsupported channel count ${channels}`);
  if (sampleRate < 1) throw bad('sample rate is 0');
  if (blockAlign !== channels * 2) throw bad(`block align ${blockAlign} does not match ${channels} channels of 16 bits`);
  return { channels, sampleRate, blockAlign };
}

/**
 * Decode a 16-bit PCM WAV (mono or multichannel). Walks chunks so LIST/fact/etc. are skipped, honours the
 * pad byte after odd-sized chunks, and reads a data size of 0 or 0xFFFFFFFF as "to end of file" because
 * streaming writers (espeak-ng to a pipe, our own WavFileWriter before its first flush) leave it so.
 */
export function parseWav(bytes: Uint8Array): WavData {
  if (!(bytes instanceof Uint8Array)) throw bad('input is not a byte array');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12) throw bad(`file is ${bytes.byteLength} bytes, too short for a RIFF header`);
  if (fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE') throw bad('not a RIFF/WAVE file');

  let fmt: Fmt | undefined;
  let dataStart = -1;
  let dataEnd = -1;
  let at = 12;
  // Stop at the data chunk once fmt is known: bytes after it may be half-written audio from a crashed writer.
  while (at + 8 <= bytes.byteLength && !(fmt && dataStart >= 0)) {
    const id = fourcc(view, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      const toEnd = size === 0 || size === MAX_RIFF_SIZE;
      if (!toEnd && body + size > bytes.byteLength) {
        throw bad(`truncated: data chunk says ${size} bytes but only ${bytes.byteLength - body} remain`);
      }
      dataStart = body;
      dataEnd = toEnd ? bytes.byteLength : body + size;
      if (toEnd) break; // nothing can follow a to-end-of-file chunk
    } else {
      if (body + size > bytes.byteLength) throw bad(`truncated: '${id}' chunk runs past the end of the file`);
      if (id === 'fmt ') fmt = parseFmt(view, body, size);
    }
    at = body + size + (size & 1);
  }
  if (!fmt) throw bad('no fmt chunk before the end of the file');
  if (dataStart < 0) throw bad('no data chunk');

  // A partial trailing frame (e.g. a writer killed mid-write) is dropped rather than rejected.
  const frames = Math.floor((dataEnd - dataStart) / fmt.blockAlign);
  const channels: Int16Array[] = [];
  for (let c = 0; c < fmt.channels; c++) channels.push(new Int16Array(frames));
  for (let i = 0, p = dataStart; i < frames; i++) {
    for (let c = 0; c < fmt.channels; c++, p += 2) channels[c]![i] = view.getInt16(p, true);
  }
  return { sampleRate: fmt.sampleRate, channels };
}

export async function readWav(path: string): Promise<WavData> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new FullduplexError('BAD_FILE', `WAV: cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseWav(bytes);
  } catch (e) {
    if (e instanceof FullduplexError) e.message = `${e.message} (${path})`;
    throw e;
  }
}

/** Average all channels into one (the project works in mono). */
export function downmix(channels: readonly Int16Array[]): Int16Array {
  if (channels.length === 1) return channels[0]!;
  const n = channels[0]?.length ?? 0;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const ch of channels) acc += ch[i]!;
    out[i] = Math.round(acc / channels.length);
  }
  return out;
}

/** Read a WAV as mono (stereo and wider are averaged); the rate must be one the project supports. */
export async function readWavMono(path: string): Promise<PcmFrame> {
  const wav = await readWav(path);
  return frame(downmix(wav.channels), wav.sampleRate);
}

function checkChannels(channels: readonly Int16Array[], where: string): number {
  if (!Array.isArray(channels) || channels.length < 1 || channels.length > MAX_CHANNELS) {
    throw new FullduplexError('BAD_AUDIO', `${where}: need 1..${MAX_CHANNELS} channels`);
  }
  const n = channels[0]!.length;
  for (const ch of channels) {
    if (!(ch instanceof Int16Array)) throw new FullduplexError('BAD_AUDIO', `${where}: channels must be Int16Array`);
    if (ch.length !== n) throw new FullduplexError('BAD_AUDIO', `${where}: channels differ in length`);
  }
  return n;
}

function checkRate(sampleRate: number, where: string): void {
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > MAX_RIFF_SIZE) {
    throw new FullduplexError('BAD_SAMPLE_RATE', `${where}: invalid sample rate ${sampleRate}`);
  }
}

function header(channelCount: number, sampleRate: number, dataBytes: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, WAVE_FORMAT_PCM, true);
  v.setUint16(22, channelCount, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * channelCount * 2, true);
  v.setUint16(32, channelCount * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  return out;
}

/** Interleave channels into little-endian PCM16 bytes. */
function interleave(channels: readonly Int16Array[], frames: number): Uint8Array {
  const out = new Uint8Array(frames * channels.length * 2);
  const v = new DataView(out.buffer);
  for (let i = 0, p = 0; i < frames; i++) {
    for (const ch of channels) {
      v.setInt16(p, ch[i]!, true);
      p += 2;
    }
  }
  return out;
}

function checkDataSize(dataBytes: number, where: string): void {
  if (36 + dataBytes > MAX_RIFF_SIZE) throw new FullduplexError('BAD_ARGUMENT', `${where}: audio exceeds the 4 GiB WAV limit`);
}

/** Encode channels (one Int16Array each, equal lengths) as a canonical 44-byte-header PCM16 WAV. */
export function encodeWav(channels: readonly Int16Array[], sampleRate: number): Uint8Array {
  const frames = checkChannels(channels, 'encodeWav');
  checkRate(sampleRate, 'encodeWav');
  const data = interleave(channels, frames);
  checkDataSize(data.byteLength, 'encodeWav');
  const out = new Uint8Array(HEADER_BYTES + data.byteLength);
  out.set(header(channels.length, sampleRate, data.byteLength), 0);
  out.set(data, HEADER_BYTES);
  return out;
}

export async function writeWav(path: string, channels: readonly Int16Array[], sampleRate: number): Promise<void> {
  const bytes = encodeWav(channels, sampleRate);
  try {
    await writeFile(path, bytes);
  } catch (e) {
    throw new FullduplexError('BAD_FILE', `WAV: cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Incremental WAV recorder. Audio is written to the file as soon as it is appended (so it is in the OS
 * page cache and survives a kill -9 of this process), and the RIFF/data sizes are rewritten after every
 * append, so the file on disk is always a complete, exactly-sized WAV. `flush()` additionally forces the
 * data to the disk (fdatasync) for power-loss durability. Uses synchronous I/O on purpose: appends are
 * small and ordering data-before-header is what makes the file crash-safe.
 */
export class WavFileWriter {
  readonly path: string;
  readonly sampleRate: number;
  readonly channelCount: number;
  private fd: number | null;
  private dataBytes = 0;

  constructor(path: string, sampleRate: number, channelCount = 1) {
    checkRate(sampleRate, 'WavFileWriter');
    if (!Number.isInteger(channelCount) || channelCount < 1 || channelCount > MAX_CHANNELS) {
      throw new FullduplexError('BAD_ARGUMENT', `WavFileWriter: invalid channel count ${channelCount}`);
    }
    this.path = path;
    this.sampleRate = sampleRate;
    this.channelCount = channelCount;
    try {
      this.fd = openSync(path, 'w');
      writeSync(this.fd, header(channelCount, sampleRate, 0), 0, HEADER_BYTES, 0);
    } catch (e) {
      throw new FullduplexError('BAD_FILE', `WAV: cannot open ${path} for writing: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Frames (samples per channel) written so far. */
  get framesWritten(): number {
    return this.dataBytes / (2 * this.channelCount);
  }

  get durationSeconds(): number {
    return this.framesWritten / this.sampleRate;
  }

  get closed(): boolean {
    return this.fd === null;
  }

  /** Append one block: one Int16Array per channel, equal lengths. */
  appendFrames(channels: readonly Int16Array[]): void {
    const fd = this.openFd('appendFrames');
    const frames = checkChannels(channels, 'WavFileWriter.appendFrames');
    if (channels.length !== this.channelCount) {
      throw new FullduplexError('BAD_AUDIO', `WavFileWriter: got ${channels.length} channels, file has ${this.channelCount}`);
    }
    if (frames === 0) return;
    const data = interleave(channels, frames);
    checkDataSize(this.dataBytes + data.byteLength, 'WavFileWriter');
    this.io(() => {
      writeSync(fd, data, 0, data.byteLength, HEADER_BYTES + this.dataBytes);
      this.dataBytes += data.byteLength;
      this.writeSizes(fd);
    });
  }

  /** Force written audio to stable storage. */
  flush(): void {
    const fd = this.openFd('flush');
    this.io(() => {
      this.writeSizes(fd);
      fdatasyncSync(fd);
    });
  }

  /** Finalise and close; safe to call more than once. */
  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    this.io(() => {
      this.writeSizes(fd);
      closeSync(fd);
    });
  }

  private writeSizes(fd: number): void {
    const b = new Uint8Array(4);
    const v = new DataView(b.buffer);
    v.setUint32(0, 36 + this.dataBytes, true);
    writeSync(fd, b, 0, 4, 4);
    v.setUint32(0, this.dataBytes, true);
    writeSync(fd, b, 0, 4, 40);
  }

  private openFd(where: string): number {
    if (this.fd === null) throw new FullduplexError('BAD_ARGUMENT', `WavFileWriter.${where}: writer is closed`);
    return this.fd;
  }

  private io(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      throw new FullduplexError('BAD_FILE', `WAV: write to ${this.path} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}
