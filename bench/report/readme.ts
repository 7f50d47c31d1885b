/**
 * Refreshes the README's benchmark section (between the bench:start and bench:end markers) with the
 * table of a run. Only that section changes; a README without the markers is left alone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { FullduplexError } from '../../src/errors.js';
import { goalLines, markdownTable } from './summary-table.js';
import type { BenchReport } from './report.js';
import { RESULTS } from '../runner/config.js';

export const README_MARKERS = { start: '<!-- bench:start -->', end: '<!-- bench:end -->' } as const;

export function readmeSection(r: BenchReport, reportPath: string): string {
  const c = r.run.config;
  const m = r.run.machine;
  const samples = r.samples.length;
  const day = r.run.startedAt.slice(0, 10);
  return [
    '### Conversation benchmark',
    '',
    '```sh',
    'npm run bench        # full set (7 categories × 40), real time, local engine; refreshes this section',
    'npx fullduplex bench run --target local --set quick --clock virtual --out /tmp/bench-quick   # CI-sized, faster than real time',
    'npx fullduplex bench score <dir>   # score any folders in Full-Duplex-Bench layout (input.wav, output.wav, annotations)',
    '```',
    '',
    'Scenarios are synthesized deterministically (a pool of flite, Festival and espeak-ng speakers split into tuning and held-out voices, varied per sample; side talk and background voices 12–18 dB',
    'below the user, some samples in pink noise) in Full-Duplex-Bench layout; the target is recorded time-synchronous with the',
    'input; scoring follows Full-Duplex-Bench v1/v1.5 (takeover rule, TOR, latencies, backchannel JSD against a modelled',
    'listener reference, rule-based v1.5 labels; see `bench/report/method.ts`). Each run keeps its config, commit, machine, ASR',
    'and clock in `run.json` next to `report.json` and a self-contained `report.html`. Turn-taking latency always comes with',
    'the cut-in rate: agent onsets inside a user turn (pauses included) per 100 user turns, agent backchannels excluded.',
    '',
    `Latest run: ${c?.set ?? ''} set, ${samples} samples${c?.voices ? `, **${c.voices === 'heldout' ? 'held-out' : c.voices} voices**` : ''}, target \`${c?.target ?? ''}\`, **${r.run.clock} clock**, ASR \`${r.run.analysis.asr}\`,`,
    `${m.cpuModel} × ${m.cores}, commit \`${r.run.gitCommit?.slice(0, 10) ?? 'unknown'}\`${r.run.gitDirty ? ' + local changes' : ''}, ${day}. The published systems were`,
    `scored with another ASR on other recordings, so compare with care. Report: \`${reportPath}\`${reportPath.startsWith(RESULTS.runsDir) ? ' (not committed)' : ''}.`,
    '',
    markdownTable(r.rows),
    '',
    'Goals:',
    '',
    '```',
    goalLines(r.goals),
    '```',
  ].join('\n');
}

/** Replaces the text between the markers; returns false when the README has none. */
export function replaceSection(readme: string, body: string): string | null {
  const a = readme.indexOf(README_MARKERS.start);
  const b = readme.indexOf(README_MARKERS.end);
  if (a < 0 || b < a) return null;
  return `${readme.slice(0, a + README_MARKERS.start.length)}\n${body}\n${readme.slice(b)}`;
}

export async function refreshReadme(path: string, r: BenchReport, reportPath: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  const next = replaceSection(text, readmeSection(r, reportPath));
  if (next === null) throw new FullduplexError('BAD_FILE', `${path} has no ${README_MARKERS.start} … ${README_MARKERS.end} section`);
  await writeFile(path, next);
}
