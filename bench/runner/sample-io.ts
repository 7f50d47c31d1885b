/**
 * Reading one sample folder in Full-Duplex-Bench layout (see bench/scenarios/layout.ts). Anything
 * wrong with a sample (a missing or unreadable file, an output that is not time-synchronous with the
 * input) becomes a Skipped with a reason a person can act on; nothing here throws for bad data.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { SUPPORTED_SAMPLE_RATES, type PcmFrame } from '../../src/audio/frame.js';
import { downmix, readWav } from '../../src/audio/wav.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { Skipped } from '../metrics/aggregate.js';
import type { Segment, Word } from '../metrics/types.js';
import { FILES } from '../scenarios/layout.js';
import { CATEGORY_IDS, isCategoryId, type CategoryId, type ScenarioTruth } from '../scenarios/types.js';
import { SAMPLE_CHECKS } from './config.js';

export interface Annotations {
  readonly pauses?: readonly Segment[];
  readonly turnEndS?: number;
  readonly interruption?: Segment & { readonly context?: string; readonly text?: string };
  readonly overlap?: Segment & { readonly contextText?: string; readonly text?: string };
}

export interface SampleData {
  readonly id: string;
  readonly dir: string;
  readonly category: CategoryId;
  readonly input: PcmFrame;
  readonly output: PcmFrame;
  readonly durationS: number;
  readonly annotations: Annotations;
  readonly truth?: ScenarioTruth;
  /** The target's own timeline (events.jsonl), on the input's time axis. */
  readonly events?: readonly EngineEvent[];
  /** Words from output.json, when the folder has one. */
  readonly providedWords?: readonly Word[];
}

class SampleProblem extends Error {}

const fail = (reason: string): never => {
  throw new SampleProblem(reason);
};

async function readJson(dir: string, name: string): Promise<unknown> {
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

async function readAudio(dir: string, name: string): Promise<PcmFrame> {
  if (!existsSync(join(dir, name))) fail(`missing ${name}`);
  try {
    const wav = await readWav(join(dir, name));
    return { samples: downmix(wav.channels), sampleRate: wav.sampleRate };
  } catch (e) {
    return fail(`unreadable ${name}: ${(e as Error).message}`);
  }
}

function window(x: unknown, what: string): Segment {
  const ts = Array.isArray(x) ? x : fail(`${what}: timestamp is not [start, end]`);
  const [s, e] = ts as unknown[];
  if (typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e) || e < s) {
    fail(`${what}: bad timestamp ${JSON.stringify(x)}`);
  }
  return { start: s as number, end: e as number };
}

function firstEntry(x: unknown, name: string): Record<string, unknown> {
  const entry = Array.isArray(x) ? x[0] : undefined;
  if (typeof entry !== 'object' || entry === null) fail(`${name} has no entries`);
  return entry as Record<string, unknown>;
}

async function readAnnotations(dir: string): Promise<Annotations> {
  const has = (f: string) => existsSync(join(dir, f));
  const a: { -readonly [K in keyof Annotations]: Annotations[K] } = {};
  if (has(FILES.pause)) {
    const x = await readJson(dir, FILES.pause);
    if (!Array.isArray(x)) fail(`${FILES.pause} is not a list`);
    a.pauses = (x as unknown[]).map((p, i) => window((p as { timestamp?: unknown })?.timestamp, `${FILES.pause}[${i}]`));
  }
  if (has(FILES.turnTaking)) {
    const e = firstEntry(await readJson(dir, FILES.turnTaking), FILES.turnTaking);
    a.turnEndS = window(e['timestamp'], FILES.turnTaking).start;
  }
  if (has(FILES.interrupt)) {
    const e = firstEntry(await readJson(dir, FILES.interrupt), FILES.interrupt);
    a.interruption = { ...window(e['timestamp'], FILES.interrupt), context: str(e['context']), text: str(e['interrupt']) };
  }
  if (has(FILES.metadata)) {
    const m = (await readJson(dir, FILES.metadata)) as Record<string, unknown> | null;
    if (typeof m !== 'object' || m === null) fail(`${FILES.metadata} is not an object`);
    a.overlap = { ...window(m!['timestamps'], FILES.metadata), contextText: str(m!['context_text']), text: str(m!['current_turn_text']) };
  }
  return a;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

/**
 * Which category a folder belongs to: --category, then our scenario.json / metadata.json field, then
 * the annotation file present, then words in the folder path (upstream keeps categories in folder
 * names, e.g. ".../talking_to_others/12/").
 */
async function categoryOf(dir: string, root: string, a: Annotations, forced: CategoryId | undefined): Promise<CategoryId> {
  if (forced) return forced;
  for (const f of [FILES.scenario, FILES.metadata]) {
    if (!existsSync(join(dir, f))) continue;
    const c = ((await readJson(dir, f)) as { category?: unknown } | null)?.category;
    if (typeof c === 'string' && isCategoryId(c)) return c;
  }
  const path = relative(root, dir).split(sep).join('/').toLowerCase() || basename(dir).toLowerCase();
  if (a.interruption) return 'user_interruption';
  if (a.pauses) return 'pause_handling';
  if (a.turnEndS !== undefined) return 'smooth_turn_taking';
  if (a.overlap) {
    if (/backchannel/.test(path)) return 'user_backchannel';
    if (/talking_to_others|side_?talk|others/.test(path)) return 'talking_to_others';
    if (/background/.test(path)) return 'background_speech';
    if (/interrupt/.test(path)) return 'user_interruption';
  } else if (/backchannel/.test(path)) {
    return 'backchannel';
  }
  return fail('cannot tell the category (no annotation file and nothing in the path; pass --category)');
}

/**
 * The category of a sample that could not be loaded, so its skip is counted in the right place:
 * scenario.json / metadata.json if they parse, else a category name in the path. Never throws.
 */
export async function categoryHint(dir: string, root: string): Promise<CategoryId | null> {
  for (const f of [FILES.scenario, FILES.metadata]) {
    try {
      const c = (JSON.parse(await readFile(join(dir, f), 'utf8')) as { category?: unknown } | null)?.category;
      if (typeof c === 'string' && isCategoryId(c)) return c;
    } catch {
      // Missing or broken: try the next source.
    }
  }
  const parts = relative(root, dir).split(sep);
  return CATEGORY_IDS.find((c) => parts.includes(c)) ?? null;
}

function parseWords(x: unknown): Word[] {
  const chunks = (x as { chunks?: unknown } | null)?.chunks;
  if (!Array.isArray(chunks)) return fail(`${FILES.outputWords} has no "chunks" list`);
  return chunks.map((c: { text?: unknown; timestamp?: unknown }, i) => ({ text: String(c?.text ?? ''), ...window(c?.timestamp, `${FILES.outputWords} chunk ${i}`) }));
}

async function readEvents(dir: string): Promise<EngineEvent[] | undefined> {
  if (!existsSync(join(dir, FILES.events))) return undefined;
  try {
    const text = await readFile(join(dir, FILES.events), 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EngineEvent);
  } catch {
    return undefined; // the timeline only draws lanes and names the planned text; scoring does not need it
  }
}

/**
 * Checks that output is time-synchronous with input: the same duration within the tolerance. The
 * rates may differ (upstream resamples the output to 16 kHz before scoring; Moshi, for one, writes
 * 24 kHz), but each must be one the resampler supports.
 */
export function checkSynchronous(input: PcmFrame, output: PcmFrame): string | null {
  for (const [name, f] of [['input', input], ['output', output]] as const) {
    if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(f.sampleRate)) {
      return `${name}.wav sample rate ${f.sampleRate} Hz is not supported (${SUPPORTED_SAMPLE_RATES.join(', ')})`;
    }
  }
  if (input.samples.length === 0) return 'input.wav is empty';
  const di = input.samples.length / input.sampleRate;
  const dout = output.samples.length / output.sampleRate;
  if (Math.abs(di - dout) > SAMPLE_CHECKS.lengthToleranceS) {
    const rates = input.sampleRate === output.sampleRate ? '' : ` (input ${input.sampleRate} Hz, output ${output.sampleRate} Hz)`;
    return `lengths differ: input ${di.toFixed(3)} s, output ${dout.toFixed(3)} s${rates}; the output must be as long as the input`;
  }
  return null;
}

export interface LoadOptions {
  readonly category?: CategoryId;
  /** Use this output instead of reading output.wav (the runner passes the target's recording). */
  readonly output?: PcmFrame;
  readonly events?: readonly EngineEvent[];
}

export async function loadSample(dir: string, root: string, o: LoadOptions = {}): Promise<SampleData | Skipped> {
  const id = relative(root, dir).split(sep).join('/') || basename(dir);
  try {
    const input = await readAudio(dir, FILES.input);
    const output = o.output ?? (await readAudio(dir, FILES.output));
    const problem = checkSynchronous(input, output);
    if (problem) fail(problem);
    const annotations = await readAnnotations(dir);
    const category = await categoryOf(dir, root, annotations, o.category);
    const truth = existsSync(join(dir, FILES.scenario)) ? ((await readJson(dir, FILES.scenario)) as ScenarioTruth) : undefined;
    const providedWords = existsSync(join(dir, FILES.outputWords)) ? parseWords(await readJson(dir, FILES.outputWords)) : undefined;
    const events = o.events ?? (await readEvents(dir));
    return {
      id,
      dir,
      category,
      input,
      output,
      durationS: input.samples.length / input.sampleRate,
      annotations,
      ...(truth && { truth }),
      ...(events && { events }),
      ...(providedWords && { providedWords }),
    };
  } catch (e) {
    if (e instanceof SampleProblem) return { id, skipped: e.message };
    return { id, skipped: `unexpected error: ${(e as Error).message}` };
  }
}
