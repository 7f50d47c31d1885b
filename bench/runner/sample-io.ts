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
import type { Word } from '../metrics/types.js';
import { FILES, writeJson } from '../scenarios/layout.js';
import { CATEGORY_IDS, isCategoryId, type CategoryId, type ScenarioTruth } from '../scenarios/types.js';
import { fail, readAnnotations, readJson, readReferenceDistribution, SampleProblem, window, type Annotations } from './annotations.js';
import { SAMPLE_CHECKS } from './config.js';
import type { SampleScore } from './score-sample.js';

export type { Annotations } from './annotations.js';

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
  /** Words from output_full.json, else output.json, when the folder has one. */
  readonly providedWords?: readonly Word[];
  /** Backchannel: the listener distribution from an icc_gt_distribution.json of the tree. */
  readonly referenceDistribution?: readonly number[];
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
  const found = fromEvidence({ interrupt: !!a.interruption, pause: !!a.pauses, turn: a.turnEndS !== undefined, overlap: !!a.overlap }, pathOf(dir, root));
  return found ?? fail('cannot tell the category (no pause.json, turn_taking.json, interrupt.json or metadata.json, and no task in the folder path; pass --task)');
}

const pathOf = (dir: string, root: string): string => relative(root, dir).split(sep).join('/').toLowerCase() || basename(dir).toLowerCase();

/**
 * The task from which annotation files a folder has, then upstream's folder names (v1:
 * candor_pause_handling, icc_backchannel...; v1.5: user_backchannel, talking_to_other...).
 */
function fromEvidence(has: { interrupt: boolean; pause: boolean; turn: boolean; overlap: boolean }, path: string): CategoryId | null {
  if (has.interrupt) return 'user_interruption';
  if (has.pause) return 'pause_handling';
  if (has.turn) return 'smooth_turn_taking';
  if (has.overlap) {
    if (/backchannel/.test(path)) return 'user_backchannel';
    if (/talking_to_other|side_?talk/.test(path)) return 'talking_to_others'; // upstream's v1.5 folder is talking_to_other
    if (/background/.test(path)) return 'background_speech';
    if (/interrupt/.test(path)) return 'user_interruption';
    return null;
  }
  if (/backchannel/.test(path)) return 'backchannel';
  if (/pause/.test(path)) return 'pause_handling';
  if (/turn_taking/.test(path)) return 'smooth_turn_taking';
  return null;
}

/**
 * The category of a sample that could not be loaded, so its skip is counted in the right place:
 * scenario.json / metadata.json if they parse, else a category name in the path, else the
 * annotation files present and upstream's folder names. Never throws.
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
  const has = (f: string) => existsSync(join(dir, f));
  const named = CATEGORY_IDS.find((c) => parts.includes(c));
  return named ?? fromEvidence({ interrupt: has(FILES.interrupt), pause: has(FILES.pause), turn: has(FILES.turnTaking), overlap: has(FILES.metadata) }, pathOf(dir, root));
}

function parseWords(x: unknown, name: string): Word[] {
  const chunks = (x as { chunks?: unknown } | null)?.chunks;
  if (!Array.isArray(chunks)) return fail(`${name}: no "chunks" list`);
  return chunks.map((c: { text?: unknown; timestamp?: unknown }, i) => ({ text: String(c?.text ?? ''), ...window(c?.timestamp, `${name}.chunks[${i}].timestamp`) }));
}

async function readProvidedWords(dir: string): Promise<Word[] | undefined> {
  for (const name of [FILES.outputWordsFull, FILES.outputWords]) {
    if (existsSync(join(dir, name))) return parseWords(await readJson(dir, name), name);
  }
  return undefined;
}

/** output.json in upstream's shape (text + word chunks), plus the name of the ASR that heard it. */
function wordsJson(words: readonly Word[], asr: string): unknown {
  return { text: words.map((w) => w.text).join(' '), chunks: words.map((w) => ({ text: w.text, timestamp: [w.start, w.end] })), asr };
}

/**
 * Writes what the scorer heard as upstream's ASR step would: for a user-interruption sample,
 * output.json holds only the words starting at or after the interruption's end (get_transcript/asr.py
 * transcribes the audio from there on) and output_full.json every word; otherwise output.json holds
 * every word. Upstream's scorers read output.json as written.
 */
export async function writeOutputWords(dir: string, s: SampleScore, asr: string): Promise<void> {
  const cut = s.category === 'user_interruption' ? s.annotations.interruption?.end : undefined;
  if (cut === undefined) {
    await writeJson(join(dir, FILES.outputWords), wordsJson(s.outputWords, asr));
    return;
  }
  await writeJson(join(dir, FILES.outputWords), wordsJson(s.outputWords.filter((w) => w.start >= cut), asr));
  await writeJson(join(dir, FILES.outputWordsFull), wordsJson(s.outputWords, asr));
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

/**
 * What a run needs before playing a folder to a target: its input and its category, with the
 * annotations checked against the input, so a malformed sample is skipped before the target runs.
 */
export async function prepareSample(dir: string, root: string, category?: CategoryId): Promise<{ id: string; input: PcmFrame; category: CategoryId } | Skipped> {
  const id = relative(root, dir).split(sep).join('/') || basename(dir);
  try {
    const input = await readAudio(dir, FILES.input);
    if (input.samples.length === 0) fail(`${FILES.input} is empty`);
    const annotations = await readAnnotations(dir, input.samples.length / input.sampleRate);
    return { id, input, category: await categoryOf(dir, root, annotations, category) };
  } catch (e) {
    if (e instanceof SampleProblem) return { id, skipped: e.message };
    return { id, skipped: `unexpected error: ${(e as Error).message}` };
  }
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
    const durationS = input.samples.length / input.sampleRate;
    const annotations = await readAnnotations(dir, durationS);
    const category = await categoryOf(dir, root, annotations, o.category);
    const truth = existsSync(join(dir, FILES.scenario)) ? ((await readJson(dir, FILES.scenario)) as ScenarioTruth) : undefined;
    const providedWords = await readProvidedWords(dir);
    const referenceDistribution = category === 'backchannel' ? await readReferenceDistribution(dir, root) : undefined;
    const events = o.events ?? (await readEvents(dir));
    return {
      id,
      dir,
      category,
      input,
      output,
      durationS,
      annotations,
      ...(truth && { truth }),
      ...(events && { events }),
      ...(providedWords && { providedWords }),
      ...(referenceDistribution && { referenceDistribution }),
    };
  } catch (e) {
    if (e instanceof SampleProblem) return { id, skipped: e.message };
    return { id, skipped: `unexpected error: ${(e as Error).message}` };
  }
}
