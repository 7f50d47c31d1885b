/**
 * Every clip the scenario scripts can ask for (each script line in each user voice), synthesized once
 * in a fresh child process in a fixed order (see clip-worker.ts for why), and kept in
 * bench/.cache so later runs read the same samples back. With it, a scenario's audio is a pure
 * function of its id: independent of which set, subset or order is generated, and of anything the
 * engine synthesized in the same process.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PcmFrame } from '../../src/audio/frame.js';
import { FullduplexError } from '../../src/errors.js';
import type { ClipIndexEntry, ClipRequest } from './clip-worker.js';
import { GENERATION } from './config.js';
import * as S from './scripts.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bench/scenarios → the repository root. */
const CACHE_DIR = join(here, '..', '..', '..', 'bench', '.cache');
/** Bumped when the synthesis itself changes (voice set, flite build), to invalidate cached banks. */
const BANK_FORMAT = 1;

/** All (voice, text) pairs, sorted: every script line may be spoken by any of the user voices. */
export function canonicalClipList(): ClipRequest[] {
  const texts = new Set<string>([
    ...S.PAUSE_SCRIPTS.flat(),
    ...S.TURN_SCRIPTS,
    ...S.LONG_REQUESTS,
    ...S.BARGE_INS,
    ...S.MONOLOGUE_OPENERS,
    ...S.MONOLOGUE_SENTENCES,
    ...S.USER_BACKCHANNELS,
    ...S.SIDE_TALK,
    ...S.SIDE_REPLIES,
    ...S.BACKGROUND_LINES,
  ]);
  const out: ClipRequest[] = [];
  for (const voice of [...GENERATION.userVoices].sort()) for (const text of [...texts].sort()) out.push({ voice, text });
  return out;
}

export class ClipBank {
  private readonly clips = new Map<string, PcmFrame>();

  constructor(entries: readonly ClipIndexEntry[], pcm: Buffer) {
    let offset = 0;
    for (const e of entries) {
      const bytes = pcm.subarray(offset, offset + e.length * 2);
      const samples = new Int16Array(e.length);
      for (let i = 0; i < e.length; i++) samples[i] = bytes.readInt16LE(i * 2);
      this.clips.set(key(e.voice, e.text), { samples, sampleRate: e.sampleRate });
      offset += e.length * 2;
    }
  }

  /** The clip as flite made it (untrimmed); throws for a line that is not in scripts.ts. */
  get(voice: string, text: string): PcmFrame {
    const c = this.clips.get(key(voice, text));
    if (!c) throw new FullduplexError('BAD_ARGUMENT', `"${text}" in voice ${voice} is not in the clip bank: scenario lines must come from bench/scenarios/scripts.ts`);
    return c;
  }
}

const key = (voice: string, text: string) => `${voice}\u0000${text}`;

let bank: Promise<ClipBank> | undefined;

/** The bank, loaded from the cache or synthesized on first use (a few seconds). */
export function clipBank(): Promise<ClipBank> {
  bank ??= loadOrBuild().catch((e: unknown) => {
    bank = undefined;
    throw e;
  });
  return bank;
}

async function loadOrBuild(): Promise<ClipBank> {
  const list = canonicalClipList();
  const hash = createHash('sha256').update(JSON.stringify({ BANK_FORMAT, list })).digest('hex').slice(0, 16);
  const path = join(CACHE_DIR, `clips-${hash}.bin`);
  if (!existsSync(path)) {
    await mkdir(CACHE_DIR, { recursive: true });
    await runWorker(path, list);
  }
  const file = await readFile(path);
  const headerLength = file.readUInt32LE(0);
  const entries = JSON.parse(file.subarray(4, 4 + headerLength).toString('utf8')) as ClipIndexEntry[];
  return new ClipBank(entries, file.subarray(4 + headerLength));
}

function runWorker(out: string, list: readonly ClipRequest[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'clip-worker.js'), out], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    child.on('error', (e) => reject(new FullduplexError('COMPONENT_FAILED', `clip worker could not start: ${e.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new FullduplexError('COMPONENT_FAILED', `clip worker exited with ${code}: ${err.trim()}`))));
    child.stdin.end(JSON.stringify(list));
  });
}
