/**
 * run.json: everything needed to reproduce or judge a run: config, git commit, machine, ASR, VAD and
 * clock. Also decides whether an existing folder holds the same run (so it can be resumed).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitCommit, machineInfo, type MachineInfo } from '../lib/machine.js';
import { SCENARIO_VERSION, type VoiceSetName } from '../scenarios/config.js';
import type { BackgroundMode } from '../scenarios/generate.js';
import type { Speaker } from '../scenarios/voices.js';
import type { CategoryId, RecordedSpeaker } from '../scenarios/types.js';
import type { AnalyzerInfo } from './analysis.js';
import type { BenchClock } from './target.js';

export interface RunConfig {
  readonly target: string;
  readonly set: string;
  readonly clock: BenchClock;
  readonly snrDb: number | null;
  readonly categories: readonly CategoryId[] | null;
  readonly perCategory: number | null;
  readonly generatorVersion: number;
  /** Which side of the voice split the samples' voices come from (absent for a folder of real data). */
  readonly voices?: VoiceSetName;
  /** Someone else's voice beside the user's in some categories (GenerateOptions.background; present only when on). */
  readonly background?: BackgroundMode;
  /** Engine options passed to the target (voice, eagerness). */
  readonly engine: Record<string, unknown>;
  /** The transcription endpoint that heard the outputs, when not pocketsphinx (words differ, so a resume must not mix them). */
  readonly scoringAsr?: string;
}

export interface RunInfo {
  readonly kind: 'fullduplex-bench-run' | 'fullduplex-bench-score';
  readonly config: RunConfig | null;
  readonly targetDescription: string;
  readonly gitCommit: string | null;
  readonly gitDirty: boolean | null;
  readonly machine: MachineInfo;
  readonly analysis: AnalyzerInfo;
  /** The run's clock; for a scored folder, what its run.json says or 'as recorded'. */
  readonly clock: string;
  /** Virtual clock only: how the target charged compute time (mode and, when modelled, the cost model). */
  readonly virtualTime?: Record<string, unknown>;
  readonly startedAt: string;
  finishedAt: string | null;
  /** False when the run stopped early (Ctrl-C); its reports cover the samples done. */
  complete?: boolean;
  /** Each time the run was resumed in the same folder, and the commit it ran at then. */
  /** The main user's speaker in each sample run, by sample id (the rest is in each scenario.json). */
  speakers?: Record<string, Speaker | RecordedSpeaker>;
  readonly resumed?: readonly { readonly at: string; readonly gitCommit: string | null }[];
}

export function projectRoot(): string {
  // dist/bench/runner/run-info.js → the repository root.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

export function makeRunConfig(c: Omit<RunConfig, 'generatorVersion'>): RunConfig {
  return { ...c, generatorVersion: SCENARIO_VERSION };
}

export function makeRunInfo(kind: RunInfo['kind'], config: RunConfig | null, targetDescription: string, analysis: AnalyzerInfo): RunInfo {
  const root = projectRoot();
  return {
    kind,
    config,
    targetDescription,
    gitCommit: gitCommit(root),
    gitDirty: gitDirty(root),
    machine: machineInfo(),
    analysis,
    clock: config?.clock ?? 'as recorded',
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
}

/** Two configs describe the same run when every field agrees (then finished samples are reused). */
export function sameRun(a: RunConfig, b: RunConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function gitDirty(cwd: string): boolean | null {
  try {
    // Results written by earlier runs (committed reports being refreshed) are not changes to the code.
    return execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':(exclude)bench/results'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    return null;
  }
}
