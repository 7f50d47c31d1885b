/**
 * Component benchmark: what each local speech part costs on this machine (VAD, ASR, TTS, resampler),
 * checked against the targets. Writes bench/results/components.json and prints markdown tables.
 *
 *   npm run bench:components
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/native.js';
import { benchAsr } from './lib/bench-asr.js';
import { benchResampler } from './lib/bench-resampler.js';
import { benchSpeechServers } from './lib/bench-speech-servers.js';
import { benchTts } from './lib/bench-tts.js';
import { benchVad } from './lib/bench-vad.js';
import { synthesizeCorpus } from './lib/corpus.js';
import { gitCommit, machineInfo } from './lib/machine.js';
import { evaluateTargets, renderReport, renderSpeechServers, type BenchResults } from './lib/report.js';
import { now } from './lib/stats.js';

function progress(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  progress(`${name}…`);
  const t0 = now();
  const r = await fn();
  progress(`${name} done in ${((now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

/**
 * `--only speech-servers`: just the plug-in rows, written to components-speech-servers.json (so a
 * busy machine's figures never replace a quiet run's other rows in components.json).
 */
async function speechServersOnly(root: string): Promise<void> {
  const corpus = await step('synthesizing the sentence set (flite slt)', () => synthesizeCorpus(['slt']));
  const speechServers = await step('speech server plug-ins (loopback)', () => benchSpeechServers(corpus.get('slt')!.map((u) => u.audio)));
  const machine = machineInfo();
  const report = { date: new Date().toISOString(), machine, gitCommit: gitCommit(root), results: { speechServers } };
  writeFileSync(join(root, 'bench', 'results', 'components-speech-servers.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(renderSpeechServers(speechServers) + '\n');
  progress(`wrote ${join('bench', 'results', 'components-speech-servers.json')}`);
}

async function main(): Promise<void> {
  const root = projectRoot();
  const only = process.argv.indexOf('--only');
  if (only >= 0) {
    if (process.argv[only + 1] !== 'speech-servers') throw new Error(`--only takes 'speech-servers' (got '${process.argv[only + 1]}')`);
    return speechServersOnly(root);
  }
  const t0 = now();
  const corpus = await step('synthesizing the sentence set (flite slt, rms, awb, kal16)', () => synthesizeCorpus());
  const vad = await step('VAD', () => benchVad(corpus));
  const asr = await step('ASR', () => benchAsr(corpus));
  const tts = await step('TTS', () => benchTts());
  const resampler = await step('resampler', () => benchResampler(corpus.get('slt')!.map((u) => u.audio)));
  const speechServers = await step('speech server plug-ins (loopback)', () => benchSpeechServers(corpus.get('slt')!.map((u) => u.audio)));
  const results: BenchResults = { vad, asr, tts, resampler, speechServers };
  const targets = evaluateTargets(results);
  const machine = machineInfo();
  const report = {
    date: new Date().toISOString(),
    machine,
    gitCommit: gitCommit(root),
    durationSeconds: Number(((now() - t0) / 1000).toFixed(1)),
    results,
    targets,
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'components.json'), JSON.stringify(report, null, 2) + '\n');
  const header =
    `## Component costs — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${report.date.slice(0, 10)}` +
    ` (medians; run took ${report.durationSeconds} s)`;
  process.stdout.write(renderReport(results, targets, header) + '\n');
  progress(`wrote ${join('bench', 'results', 'components.json')}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
