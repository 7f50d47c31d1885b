/**
 * Child process of clip-bank.ts: synthesizes a list of (voice, text) pairs with flite, in the order
 * given, in a fresh process, and writes them to one file. Run as
 * `node clip-worker.js <out-file>` with the JSON list on stdin.
 *
 * Why a fresh process: flite's CLUSTERGEN voices (slt, rms, awb) draw their noise excitation from a
 * process-wide random generator, so a clip's samples depend on every synthesis before it in the
 * process (the engine's included). A fresh process and a fixed order make them reproducible.
 */
import { rename, writeFile } from 'node:fs/promises';
import { FliteTts } from '../../src/speech/tts/flite.js';

export interface ClipRequest {
  readonly voice: string;
  readonly text: string;
}

export interface ClipIndexEntry extends ClipRequest {
  readonly sampleRate: number;
  readonly length: number;
}

/** File layout: uint32 LE header length, JSON header (ClipIndexEntry[]), then every clip's PCM16 LE in order. */
export function encodeBank(entries: readonly ClipIndexEntry[], clips: readonly Int16Array[]): Buffer {
  const header = Buffer.from(JSON.stringify(entries), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length, 0);
  const pcm = clips.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength));
  return Buffer.concat([len, header, ...pcm]);
}

async function main(out: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ClipRequest[];
  const tts = new FliteTts();
  const entries: ClipIndexEntry[] = [];
  const clips: Int16Array[] = [];
  for (const r of list) {
    const c = tts.synthesizeAll(r.text, r.voice);
    entries.push({ voice: r.voice, text: r.text, sampleRate: c.sampleRate, length: c.samples.length });
    clips.push(c.samples);
  }
  // Written beside the target and renamed, so a reader never sees half a file.
  await writeFile(`${out}.tmp`, encodeBank(entries, clips));
  await rename(`${out}.tmp`, out);
}

if (process.argv[1] && /clip-worker\.js$/.test(process.argv[1])) {
  main(process.argv[2] ?? '').catch((e: unknown) => {
    process.stderr.write(`clip-worker: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
