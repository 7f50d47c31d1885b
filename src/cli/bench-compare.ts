/**
 * `fullduplex bench compare`: one scenario set through several targets, one after the other, on one
 * scoring path, and a report with them side by side:
 *
 *   npx fullduplex bench compare --targets local,ws://self,openai-realtime://self,moshi://self --set quick --out DIR
 *
 * Each target gets its own full run in DIR/<slug>/ (report.json, report.html; resumable like `bench
 * run`), and DIR/compare.json, compare.html and compare.txt put them together. The host `self` is
 * this process's own live server (bench-self.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { buildComparison, compareText, type CompareInput, type Comparison } from '../../bench/report/compare.js';
import { writeComparison, type CompareFiles } from '../../bench/report/compare-files.js';
import { RESULTS } from '../../bench/runner/config.js';
import { Progress, type ProgressStream } from '../../bench/runner/progress.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { runBenchmark } from '../../bench/runner/run.js';
import type { BenchTarget } from '../../bench/runner/target.js';
import { createTarget, knownTargets } from '../../bench/runner/targets.js';
import { setPlan } from '../../bench/scenarios/generate.js';
import { CATEGORY_IDS } from '../../bench/scenarios/types.js';
import { abortOnInterrupt, computeChoice, engineChoice, SCORING_ASR_OPTIONS, scoringAsrChoice, parseCategories, parseClock, parseNumber, parseSet, parseVoices, stamp } from './bench-options.js';
import { DEFAULT_COMPARE_TARGETS, NamedTarget, resolveSelf, splitTargets, startSelfServer, targetSlug, usesSelf, type SelfServer } from './bench-self.js';

export interface CompareCliOptions {
  /** Specs, each value possibly comma-separated; empty: DEFAULT_COMPARE_TARGETS. */
  targets?: string[];
  set: string;
  clock: string;
  out?: string;
  snr?: string;
  categories?: string;
  perCategory?: string;
  /** tuning (default) or heldout. */
  voices?: string;
  voice?: string;
  eagerness?: string;
  compute?: string;
  scoringAsrUrl?: string;
  scoringAsrModel?: string;
  fresh?: boolean;
}

export interface CompareIo {
  readonly stdout: ProgressStream;
  readonly stderr: ProgressStream;
  readonly signal?: AbortSignal;
}

export interface CompareResult {
  readonly out: string;
  readonly comparison: Comparison;
  readonly files: CompareFiles;
}

interface Planned {
  /** The column's name: the spec as given for a self target, else the target's own name. */
  readonly name: string;
  readonly slug: string;
  readonly target: BenchTarget;
}

export async function benchCompare(o: CompareCliOptions, io: CompareIo = { stdout: process.stdout, stderr: process.stderr }): Promise<CompareResult> {
  const set = parseSet(o.set);
  const clock = parseClock(o.clock);
  const voices = parseVoices(o.voices) ?? 'tuning';
  const engine = { ...engineChoice(o.voice, o.eagerness), ...computeChoice(clock, o.compute) };
  const analysis = scoringAsrChoice(o.scoringAsrUrl, o.scoringAsrModel);
  const snrDb = parseNumber(o.snr, '--snr');
  const categories = parseCategories(o.categories);
  const perCategory = parseNumber(o.perCategory, '--per-category', true);
  const specs = o.targets && o.targets.length > 0 ? splitTargets(o.targets) : [...DEFAULT_COMPARE_TARGETS];
  if (specs.length === 0) throw new FullduplexError('BAD_ARGUMENT', '--targets names no target');
  const selfOnly = specs.filter(usesSelf);
  if (clock === 'virtual' && selfOnly.length > 0) {
    throw new FullduplexError('BAD_ARGUMENT', `--clock virtual is not possible for ${selfOnly.join(', ')} (a live server runs in real time); compare on the realtime clock`);
  }
  const out = resolve(o.out ?? join(projectRoot(), RESULTS.runsDir, `${stamp()}-compare-${set}-${clock}`));
  await mkdir(out, { recursive: true });

  let self: SelfServer | undefined;
  const planned: Planned[] = [];
  try {
    if (specs.some(usesSelf)) {
      self = await startSelfServer({ ...engine, logPath: join(out, 'server.log') });
      io.stderr.write(`bench compare: live server for the self targets on 127.0.0.1:${self.port}\n`);
    }
    const slugs = new Set<string>();
    for (const spec of specs) {
      const onSelf = self !== undefined && usesSelf(spec);
      const inner = await createTarget(onSelf ? resolveSelf(spec, self!.port, engine) : spec, { local: engine });
      // A self target keeps the name it was given; any other goes by its own (protocol targets mask secrets in theirs).
      const target = onSelf ? new NamedTarget(spec, inner, self!.note) : inner;
      planned.push({ name: target.name, slug: targetSlug(target.name, slugs), target });
    }
    const unable = planned.filter((p) => !p.target.clocks.includes(clock));
    if (unable.length > 0) {
      throw new FullduplexError('BAD_ARGUMENT', `--clock ${clock} is not possible for ${unable.map((p) => p.name).join(', ')} (only ${unable[0]!.target.clocks.join(', ')}); compare on the realtime clock`);
    }
    const total = setPlan(set, { ...(categories && { categories }), ...(perCategory && { perCategory }) }).length;
    const inputs: CompareInput[] = [];
    for (const [i, p] of planned.entries()) {
      if (io.signal?.aborted) break;
      const dir = join(out, p.slug);
      io.stderr.write(`\n[${i + 1}/${planned.length}] ${p.name}: ${p.target.describe()}\n      set ${set}, ${voices} voices, ${clock} clock → ${dir}\n`);
      const r = await runBenchmark({
        target: p.target,
        set,
        clock,
        voices,
        out: dir,
        engine,
        analysis,
        progress: new Progress(total, io.stderr),
        ...(io.signal && { signal: io.signal }),
        ...(snrDb !== undefined && { snrDb }),
        ...(categories && { categories }),
        ...(perCategory !== undefined && { perCategory }),
        ...(o.fresh && { fresh: true }),
      });
      inputs.push({ target: p.name, slug: p.slug, report: r.report });
      const ok = r.report.samples.filter((s) => s.ok === true).length;
      io.stderr.write(`      ${p.name}: ${ok}/${r.report.samples.length} as expected → ${r.files.html}\n`);
    }
    const comparison = buildComparison(inputs);
    const files = await writeComparison(out, comparison);
    const stopped = inputs.length < planned.length ? `\n(stopped early: ${planned.length - inputs.length} target(s) not run; re-run with the same --out to finish)` : '';
    io.stdout.write(`\n${compareText(comparison)}${stopped}\n\ncomparison: ${files.html}\n            ${files.json}\n`);
    return { out, comparison, files };
  } finally {
    for (const p of planned) await p.target.close().catch(() => undefined);
    await self?.close();
  }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addCompareCommand(bench: Command): void {
  bench
    .command('compare')
    .description('run one scenario set through several targets and report them side by side (the cost of each transport and codec)')
    .option(
      '--targets <list>',
      `comma-separated or repeated target specs (${knownTargets().join(', ')}); the host "self" is a live server started in this process (default ${DEFAULT_COMPARE_TARGETS.join(',')})`,
      collect,
    )
    .option('--set <name>', 'quick (5 per category) or full (40 per category)', 'quick')
    .option('--clock <clock>', 'realtime (every target, the only fair choice with remote ones) or virtual (only if every target supports it)', 'realtime')
    .option('--out <dir>', `results folder: one sub-folder per target plus compare.json / compare.html (default ${RESULTS.runsDir}/<time>-compare-<set>-<clock>); re-running into it resumes`)
    .option('--snr <dB>', 'add pink noise at this SNR to every sample')
    .option('--categories <list>', `comma-separated subset of ${CATEGORY_IDS.join(', ')}`)
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--voices <set>', 'user voices from the tuning side of the voice split (default) or the held-out side (measure only, never tune on it)', 'tuning')
    .option('--voice <name>', 'agent voice for the local target and the self server (flite: slt, rms, awb, kal16, kal)')
    .option('--eagerness <level>', 'local target and self server: low, medium or high')
    .option('--compute <mode>', 'virtual clock, local target: modelled (default, repeats exactly), measured or none')
    .option(...SCORING_ASR_OPTIONS[0])
    .option(...SCORING_ASR_OPTIONS[1])
    .option('--fresh', "start every target's run over even if --out holds one")
    .action(async (o: CompareCliOptions) => {
      const interrupt = abortOnInterrupt();
      try {
        await benchCompare(o, { stdout: process.stdout, stderr: process.stderr, signal: interrupt.signal });
      } finally {
        interrupt.dispose();
      }
    });
}
