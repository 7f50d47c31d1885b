/**
 * Does speaker-relative prosody at a pause carry end-of-turn signal the model's features miss?
 * A study, not part of the engine (its negative result is in the README's end-of-turn section):
 *
 *  1. Probe one-turn samples in listen-only sessions (bench/turn-end/probe.ts, the engine's own 18
 *     features per 32 ms window of every silence), resumably, into JSONL files under --cache:
 *     training samples (set full, tuning voices, indices from 1000, as `npm run train:turn`) and the
 *     quick set (indices 0…) for tuning and held-out voices, as `bench eot`.
 *  2. Join every window with the speaker-relative reading (speaker-prosody.ts) of the same audio.
 *  3. AUCs (hold vs turn end, 0.3 s into each pause) of the engine's features and the new ones, on
 *     the training samples only.
 *  4. Fit the end-of-turn logistic model with the trainer's recipe (train.ts: eot windows ≤ 1.5 s,
 *     balanced classes, operating point for eagerness medium within 5 % false cut-offs on the
 *     training spans), with and without the new features, and report eot-bench operating points on
 *     the quick set's tuning and held-out voices (raw p, as `bench eot` reports them).
 *
 * Usage: `npm run study:turn-prosody -- --train-per-category 24 --eval-per-category 16` (probing
 * 72 + 96 samples takes about an hour on a quiet machine; the cache makes reruns take minutes).
 */
import { Command } from 'commander';
import { PitchTracker } from '../../src/engine/evidence/pitch.js';
import { SpeakerProsody, type SpeakerProsodyReading } from './speaker-prosody.js';
import { loadStudyData, partAudio, studyParts, studyReport, type JoinedSample, type Part, type StoredSample, type Variant } from './feature-study.js';
import { writeFileSync } from 'node:fs';

const WINDOW = 512;
const PROSODY: readonly (keyof SpeakerProsodyReading)[] = ['pitchLevel', 'pitchAboveFloor', 'pitchFall', 'energyLevel', 'energyDrop', 'lastRun'];

/** The speaker-relative reading at every window of the sample's audio (the engine's PitchTracker stream). */
async function joinProsody(p: Part, samples: readonly StoredSample[]): Promise<JoinedSample[]> {
  const out: JoinedSample[] = [];
  for await (const { sample: s, input } of partAudio(p, samples)) {
    const windows = Math.ceil((Math.max(...s.spans.map((x) => x.end)) + 0.1) * (16000 / WINDOW));
    const pitch = new PitchTracker();
    const prosody = new SpeakerProsody();
    const reads: (number[] | null)[] = [];
    for (let k = 0; k < windows; k++) {
      const win = new Int16Array(WINDOW);
      if (k * WINDOW < input.length) win.set(input.subarray(k * WINDOW, Math.min(input.length, (k + 1) * WINDOW)));
      prosody.push(pitch.push(win));
      const r = prosody.read();
      reads.push(r && PROSODY.map((f) => r[f]));
    }
    // The probe's window k ends at (k + 1) × 32 ms; feature times count from the span's start.
    out.push({ category: s.category, spans: s.spans.map((x) => ({ ...x, extra: x.featureTimes.map((t) => reads[Math.round((x.start + t) / 0.032) - 1] ?? null) })) });
  }
  return out;
}

async function main(): Promise<void> {
  const o = new Command('prosody-study')
    .option('--train-per-category <n>', 'training samples per category (set full, tuning voices, from index 1000)', '24')
    .option('--eval-per-category <n>', 'quick-set samples per category and voice set', '16')
    .option('--cache <dir>', 'probed samples (JSONL, resumable)', '/tmp/fullduplex-prosody-study')
    .option('--out <file>', 'report', 'bench/results/turn-end/prosody-study.txt')
    .parse()
    .opts<{ trainPerCategory: string; evalPerCategory: string; cache: string; out: string }>();
  const log = (s: string) => process.stderr.write(`[prosody-study] ${s}\n`);
  const parts = studyParts(Number(o.trainPerCategory), Number(o.evalPerCategory));
  const data = await loadStudyData('prosody', parts, o.cache, joinProsody, log);
  const variants: Variant[] = [
    { name: "engine's 18 features (retrained here)", extra: [] },
    { name: '+ speaker pitch fall, energy level and drop', extra: [2, 3, 4] },
    { name: '+ all six speaker-relative readings', extra: [0, 1, 2, 3, 4, 5] },
  ];
  const title = `Speaker-relative prosody at a pause (bench/turn-end/prosody-study.ts): ${data.train!.length} training samples (set full, tuning voices, indices ${parts.train.first}–${parts.train.first + parts.train.n - 1}), quick set ${parts.tuning.n} per category for each voice set`;
  const lines = studyReport(title, data, PROSODY.map((f) => `speaker ${f}`), variants);
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`prosody-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
