/**
 * The Full-Duplex-Bench sample layout: one folder per sample with input.wav and the task's
 * annotation file(s), plus our scenario.json (the full ground truth). Writers here, readers in
 * bench/runner/sample-io.ts.
 *
 *   pause.json        [{"text":"[PAUSE]","timestamp":[s,e]}, ...]           pause handling
 *   turn_taking.json  [{"text":"[TURN-TAKING]","timestamp":[userEnd,clipEnd]}] smooth turn-taking
 *   interrupt.json    [{"context","interrupt","timestamp":[s,e]}]             user interruption (v1)
 *   metadata.json     {"context_text","current_turn_text","timestamps":[s,e]} v1.5 overlap categories
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav.js';
import type { Scenario, ScenarioTruth } from './types.js';

export const FILES = {
  input: 'input.wav',
  output: 'output.wav',
  /** Words of output.wav; for user interruption only those after the interruption ends (upstream's asr.py). */
  outputWords: 'output.json',
  /** Every word of output.wav, where output.json holds only part of them. */
  outputWordsFull: 'output_full.json',
  /** Upstream's backchannel listener reference, keyed by sample folder name (in the category folder). */
  iccReference: 'icc_gt_distribution.json',
  pause: 'pause.json',
  turnTaking: 'turn_taking.json',
  interrupt: 'interrupt.json',
  metadata: 'metadata.json',
  scenario: 'scenario.json',
  events: 'events.jsonl',
  score: 'score.json',
} as const;

/** The annotation files of a sample, by file name. */
export function annotationsOf(t: ScenarioTruth): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (t.pauses) out[FILES.pause] = t.pauses.map((p) => ({ text: '[PAUSE]', timestamp: [p.start, p.end] }));
  if (t.turnEndS !== undefined) out[FILES.turnTaking] = [{ text: '[TURN-TAKING]', timestamp: [t.turnEndS, t.durationS] }];
  if (t.interruption) {
    const i = t.interruption;
    out[FILES.interrupt] = [{ context: i.context, interrupt: i.text, timestamp: [i.start, i.end] }];
  }
  if (t.overlap) {
    const o = t.overlap;
    // `category` is ours (upstream keeps categories in folder names); readers fall back to the path.
    out[FILES.metadata] = { context_text: o.contextText, current_turn_text: o.text, timestamps: [o.start, o.end], category: t.category };
  }
  return out;
}

/** Writes input.wav, the annotation files and scenario.json into `dir`. */
export async function writeScenario(dir: string, s: Scenario): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeWav(join(dir, FILES.input), [s.input], s.truth.sampleRate);
  for (const [name, body] of Object.entries(annotationsOf(s.truth))) await writeJson(join(dir, name), body);
  await writeJson(join(dir, FILES.scenario), s.truth);
}

export async function writeJson(path: string, body: unknown): Promise<void> {
  await writeFile(path, JSON.stringify(body, null, 2) + '\n');
}
