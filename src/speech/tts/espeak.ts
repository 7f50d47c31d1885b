/**
 * espeak-ng as a second TTS engine. It is GPL-3.0, so it runs as a subprocess (never linked); its
 * `--stdout` WAV stream is parsed as it arrives, and cancelling kills the process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { FullduplexError } from '../../errors.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../types.js';
import { ChunkQueue } from './chunk-queue.js';
import { validateTtsText } from './text-limits.js';

export interface EspeakOptions {
  /** Executable name or path. */
  binary: string;
  /** Default voice (espeak-ng -v). */
  voice: string;
  /** Speaking rate in words per minute (espeak-ng -s; its default is 175). */
  wordsPerMinute: number;
}

export const defaultEspeakOptions: EspeakOptions = { binary: 'espeak-ng', voice: 'en-us', wordsPerMinute: 175 };

/** espeak-ng's fixed output rate. */
const ESPEAK_SAMPLE_RATE = 22050;

export class EspeakTts implements TtsEngine {
  readonly name = 'espeak-ng';
  readonly voices = ['en-us', 'en', 'en-gb', 'en-gb-scotland', 'en-gb-x-rp'];
  readonly defaultVoice: string;
  readonly options: EspeakOptions;

  constructor(options: Partial<EspeakOptions> = {}) {
    this.options = { ...defaultEspeakOptions, ...options };
    this.defaultVoice = this.options.voice;
  }

  /** True when the executable runs. */
  static available(binary = defaultEspeakOptions.binary): boolean {
    const r = spawnSync(binary, ['--version'], { stdio: 'ignore' });
    return r.status === 0;
  }

  sampleRateOf(): number {
    return ESPEAK_SAMPLE_RATE;
  }

  audioIdentity(voice: string): string {
    return `espeak-ng:${this.options.binary}:${voice}:${this.options.wordsPerMinute}wpm@${ESPEAK_SAMPLE_RATE}`;
  }

  synthesize(text: string, options: TtsSynthesisOptions = {}): AsyncIterable<TtsChunk> {
    const clean = validateTtsText(text, 'espeak-ng');
    const voice = options.voice ?? this.defaultVoice;
    if (!/^[a-z0-9+_-]+$/i.test(voice)) throw new FullduplexError('BAD_ARGUMENT', `espeak-ng: bad voice name '${voice}'`);
    // espeak-ng falls back to its default voice, silently and with exit code 0, on a name it does not
    // know: check the base voice (before any '+variant') here instead.
    const base = voice.split('+')[0]!;
    if (!this.voices.includes(base)) {
      throw new FullduplexError('MODEL_MISSING', `espeak-ng voice '${base}' is not available (voices: ${this.voices.join(', ')}, each with an optional +variant)`);
    }
    const child = spawn(this.options.binary, ['--stdout', '-v', voice, '-s', String(this.options.wordsPerMinute)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const queue = new ChunkQueue(() => child.kill('SIGKILL'), options.signal);
    let header = Buffer.alloc(0);
    let headerDone = false;
    let sampleRate = ESPEAK_SAMPLE_RATE;
    let carry: number | undefined; // an odd trailing byte waiting for its partner
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    child.on('error', (e) => queue.end(new FullduplexError('MODEL_MISSING', `espeak-ng could not start: ${e.message}`)));
    child.stdout.on('data', (data: Buffer) => {
      let bytes = data;
      if (!headerDone) {
        header = Buffer.concat([header, data]);
        const dataAt = header.indexOf('data');
        if (dataAt < 0 || header.length < dataAt + 8) return;
        if (header.length >= 28) sampleRate = header.readUInt32LE(24);
        headerDone = true;
        bytes = header.subarray(dataAt + 8);
      }
      if (carry !== undefined) bytes = Buffer.concat([Buffer.from([carry]), bytes]);
      carry = bytes.length % 2 ? bytes[bytes.length - 1] : undefined;
      const n = Math.floor(bytes.length / 2);
      if (n === 0) return;
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = bytes.readInt16LE(i * 2);
      queue.push({ samples, sampleRate });
    });
    child.on('close', (code, signal) => {
      if (code === 0 || signal === 'SIGKILL') queue.end();
      else queue.end(new FullduplexError('COMPONENT_FAILED', `espeak-ng exited with ${code ?? signal}: ${stderr.trim()}`));
    });
    child.stdin.on('error', () => {}); // a killed child closes stdin under us; 'close' reports the outcome
    child.stdin.end(clean);
    return queue;
  }

  async close(): Promise<void> {}
}
