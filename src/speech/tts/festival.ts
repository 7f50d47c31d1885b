/**
 * Festival as a TTS engine (Debian `festival` + `festvox-*` voices). Festival is a separate program,
 * so it runs as a subprocess; loading a voice takes about a second, so one `festival --pipe` process
 * per voice stays open and synthesizes utterance after utterance: each request saves a WAV to a
 * temporary file and prints a marker that this side waits for. Festival's diphone and HTS voices are
 * deterministic (checked: the same text gives the same samples, whatever was synthesized before).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FullduplexError } from '../../errors.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../types.js';
import { validateTtsText } from './text-limits.js';

/** English voices Debian packages for Festival, and their output rates (festvox-kallpc16k, -kdlpc16k, -us-slt-hts). */
export const FESTIVAL_VOICES = { kal_diphone: 16000, ked_diphone: 16000, cmu_us_slt_arctic_hts: 32000 } as const;
export type FestivalVoice = keyof typeof FESTIVAL_VOICES;

export interface FestivalOptions {
  /** Executable name or path. */
  binary: string;
  /** Default voice. */
  voice: FestivalVoice;
  /** Longest wait for one utterance, ms (a voice load plus a long sentence on a busy machine). */
  timeoutMs: number;
}

export const defaultFestivalOptions: FestivalOptions = { binary: 'festival', voice: 'kal_diphone', timeoutMs: 60_000 };

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  exited: boolean;
  /** Requests run one at a time per process; each waits for the previous one. */
  queue: Promise<unknown>;
}

export class FestivalTts implements TtsEngine {
  readonly name = 'festival';
  readonly voices = Object.keys(FESTIVAL_VOICES) as FestivalVoice[];
  readonly defaultVoice: FestivalVoice;
  readonly options: FestivalOptions;
  private readonly workers = new Map<FestivalVoice, Worker>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'fdx-festival-'));
  private counter = 0;

  constructor(options: Partial<FestivalOptions> = {}) {
    this.options = { ...defaultFestivalOptions, ...options };
    this.defaultVoice = this.checkVoice(this.options.voice);
  }

  /** True when the executable runs. */
  static available(binary = defaultFestivalOptions.binary): boolean {
    return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0;
  }

  sampleRateOf(voice: string): number {
    return FESTIVAL_VOICES[this.checkVoice(voice)];
  }

  audioIdentity(voice: string): string {
    return `festival:${this.options.binary}:${voice}@${this.sampleRateOf(voice)}`;
  }

  /** One chunk with the whole utterance (Festival synthesizes utterance by utterance). */
  synthesize(text: string, options: TtsSynthesisOptions = {}): AsyncIterable<TtsChunk> {
    const whole = this.synthesizeAll(text, options.voice ?? this.defaultVoice);
    const signal = options.signal;
    return {
      async *[Symbol.asyncIterator]() {
        const chunk = await whole;
        if (!signal?.aborted) yield chunk;
      },
    };
  }

  /** The whole utterance. */
  synthesizeAll(text: string, voice: string = this.defaultVoice): Promise<TtsChunk> {
    const clean = validateTtsText(text, 'festival');
    const w = this.worker(this.checkVoice(voice));
    const job = w.queue.then(() => this.request(w, clean));
    w.queue = job.catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    for (const w of this.workers.values()) if (!w.exited) w.child.kill('SIGKILL');
    this.workers.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private worker(voice: FestivalVoice): Worker {
    const known = this.workers.get(voice);
    if (known && !known.exited) return known;
    const child = spawn(this.options.binary, ['--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const w: Worker = { child, stdout: '', stderr: '', exited: false, queue: Promise.resolve() };
    child.stdout.on('data', (d: Buffer) => (w.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (w.stderr = (w.stderr + d.toString()).slice(-500)));
    child.on('error', () => (w.exited = true));
    child.on('exit', () => (w.exited = true));
    child.stdin.on('error', () => {}); // a dead process closes stdin; the request reports it
    child.stdin.write(`(voice_${voice})\n`);
    idle(w);
    this.workers.set(voice, w);
    return w;
  }

  private request(w: Worker, text: string): Promise<TtsChunk> {
    const n = ++this.counter;
    const path = join(this.dir, `${n}.wav`);
    const marker = `FDX-DONE-${n}`;
    busy(w);
    return new Promise<TtsChunk>((resolve, reject) => {
      const fail = (why: string) => {
        cleanup();
        reject(new FullduplexError(w.exited ? 'MODEL_MISSING' : 'COMPONENT_FAILED', `festival: ${why} ${w.stderr.trim()}`.trim()));
      };
      const onData = () => {
        if (!w.stdout.includes(marker)) return;
        cleanup();
        w.stdout = '';
        try {
          const chunk = parseWav(readFileSync(path));
          rmSync(path, { force: true });
          resolve(chunk);
        } catch (e) {
          reject(new FullduplexError('COMPONENT_FAILED', `festival: unreadable output (${(e as Error).message})`));
        }
      };
      const onExit = () => fail('the process ended (is festival installed, with the voice package?)');
      const timer = setTimeout(() => fail(`no answer in ${this.options.timeoutMs} ms`), this.options.timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        w.child.stdout.off('data', onData);
        w.child.off('exit', onExit);
        w.child.off('error', onExit);
        idle(w);
      };
      w.child.stdout.on('data', onData);
      w.child.once('exit', onExit);
      w.child.once('error', onExit);
      if (w.exited) return onExit();
      // Festival buffers stdout: the marker reaches this side only after an explicit flush.
      w.child.stdin.write(`(utt.save.wave (utt.synth (Utterance Text ${schemeString(text)})) ${schemeString(path)} 'riff)\n(format t "${marker}\\n")\n(fflush nil)\n`);
    });
  }

  private checkVoice(voice: string): FestivalVoice {
    if (!(voice in FESTIVAL_VOICES)) {
      throw new FullduplexError('MODEL_MISSING', `festival voice '${voice}' is not known (voices: ${this.voices.join(', ')})`);
    }
    return voice as FestivalVoice;
  }
}

/** An idle process does not keep Node alive; a busy one does (its answer is awaited). */
function idle(w: Worker): void {
  w.child.unref();
  for (const s of [w.child.stdin, w.child.stdout, w.child.stderr] as unknown as { unref?: () => void }[]) s.unref?.();
}

function busy(w: Worker): void {
  w.child.ref();
  for (const s of [w.child.stdin, w.child.stdout, w.child.stderr] as unknown as { ref?: () => void }[]) s.ref?.();
}

function schemeString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** 16-bit mono PCM from a RIFF WAV (Festival writes a plain 44-byte header). */
export function parseWav(buf: Buffer): TtsChunk {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a RIFF WAV');
  let at = 12;
  let sampleRate = 0;
  let channels = 1;
  while (at + 8 <= buf.length) {
    const id = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(at + 10);
      sampleRate = buf.readUInt32LE(at + 12);
    } else if (id === 'data') {
      if (channels !== 1 || sampleRate <= 0) throw new Error(`expected mono audio, got ${channels} channels at ${sampleRate} Hz`);
      const end = size > 0 && at + 8 + size <= buf.length ? at + 8 + size : buf.length;
      const n = Math.floor((end - at - 8) / 2);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(at + 8 + i * 2);
      return { samples, sampleRate };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}
