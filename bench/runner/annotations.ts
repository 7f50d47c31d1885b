/**
 * Reading a sample folder's Full-Duplex-Bench annotation files (layouts in docs/bench-data.md).
 * Every problem is a SampleProblem whose message names the file and the field, so one bad folder
 * in a released tree is skipped with a reason a person can act on while the rest of the run goes on.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Segment } from '../metrics/types.js';
import { FILES } from '../scenarios/layout.js';
import { SAMPLE_CHECKS } from './config.js';

export interface Annotations {
  readonly pauses?: readonly Segment[];
  readonly turnEndS?: number;
  readonly interruption?: Segment & { readonly context?: string; readonly text?: string };
  readonly overlap?: Segment & { readonly contextText?: string; readonly text?: string };
}

/** Something wrong with one sample; its message becomes the sample's skip reason. */
export class SampleProblem extends Error {}

export const fail = (reason: string): never => {
  throw new SampleProblem(reason);
};

export async function readJson(dir: string, name: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (e) {
    return fail(`unreadable ${name}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    return fail(`${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * A [start, end] pair of finite seconds, end ≥ start. With `clipS`, both must lie inside the audio
 * (up to the length tolerance that output.wav is allowed, for annotations rounded at the clip end).
 */
export function window(x: unknown, field: string, clipS?: number): Segment {
  if (!Array.isArray(x) || x.length < 2) return fail(`${field}: expected [start, end] in seconds, got ${JSON.stringify(x) ?? 'nothing'}`);
  const [s, e] = x as unknown[];
  if (typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e)) {
    return fail(`${field}: start and end must be numbers, got ${JSON.stringify(x)}`);
  }
  if (e < s) fail(`${field}: end ${e} is before start ${s}`);
  if (clipS !== undefined) {
    const slack = SAMPLE_CHECKS.lengthToleranceS;
    if (s < -slack || e > clipS + slack) fail(`${field}: [${s}, ${e}] lies outside ${FILES.input} (0 – ${clipS.toFixed(3)} s)`);
  }
  return { start: s, end: e };
}

function firstEntry(x: unknown, name: string): Record<string, unknown> {
  if (!Array.isArray(x)) return fail(`${name}: expected a list of entries, got ${typeof x}`);
  const entry: unknown = x[0];
  if (typeof entry !== 'object' || entry === null) return fail(`${name}[0]: expected an object with "timestamp", got ${JSON.stringify(entry) ?? 'nothing'}`);
  return entry as Record<string, unknown>;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/** Reads the annotation files present in `dir`, checking their times against the input's length. */
export async function readAnnotations(dir: string, clipS: number): Promise<Annotations> {
  const has = (f: string) => existsSync(join(dir, f));
  const a: { -readonly [K in keyof Annotations]: Annotations[K] } = {};
  if (has(FILES.pause)) {
    const x = await readJson(dir, FILES.pause);
    if (!Array.isArray(x)) fail(`${FILES.pause}: expected a list of {"text", "timestamp"} entries`);
    a.pauses = (x as unknown[]).map((p, i) => window((p as { timestamp?: unknown } | null)?.timestamp, `${FILES.pause}[${i}].timestamp`, clipS));
  }
  if (has(FILES.turnTaking)) {
    const e = firstEntry(await readJson(dir, FILES.turnTaking), FILES.turnTaking);
    a.turnEndS = window(e['timestamp'], `${FILES.turnTaking}[0].timestamp`, clipS).start;
  }
  if (has(FILES.interrupt)) {
    const e = firstEntry(await readJson(dir, FILES.interrupt), FILES.interrupt);
    a.interruption = { ...window(e['timestamp'], `${FILES.interrupt}[0].timestamp`, clipS), context: str(e['context']), text: str(e['interrupt']) };
  }
  if (has(FILES.metadata)) {
    const m = await readJson(dir, FILES.metadata);
    if (typeof m !== 'object' || m === null || Array.isArray(m)) fail(`${FILES.metadata}: expected an object with "timestamps"`);
    const o = m as Record<string, unknown>;
    a.overlap = { ...window(o['timestamps'], `${FILES.metadata}.timestamps`, clipS), contextText: str(o['context_text']), text: str(o['current_turn_text']) };
  }
  return a;
}

/**
 * The listener distribution upstream's eval_backchannel.py would compare this recording with:
 * `icc_gt_distribution.json` in the sample's parent folder (or the tree's root), keyed by the
 * sample folder's name, a list of non-negative numbers. undefined when there is none for it.
 */
export async function readReferenceDistribution(dir: string, root: string): Promise<number[] | undefined> {
  const key = basename(dir);
  for (const where of [dirname(dir), root]) {
    if (!existsSync(join(where, FILES.iccReference))) continue;
    const all = await readJson(where, FILES.iccReference);
    const dist = (all as Record<string, unknown> | null)?.[key];
    if (dist === undefined) continue;
    const field = `${join(where, FILES.iccReference)} ["${key}"]`;
    if (!Array.isArray(dist) || dist.length < 2 || !dist.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
      return fail(`${field}: expected a list of at least two non-negative numbers`);
    }
    return dist as number[];
  }
  return undefined;
}
