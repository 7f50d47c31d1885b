/** `fullduplex bench eot`: the engine's end-of-turn decisions on tuning and held-out voices (bench/turn-end/evaluate.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { evaluateEndOfTurn, formatEotEvaluation, type EotVoices } from '../../bench/turn-end/evaluate.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { engineChoice, parseNumber, parseSet, parseVoices } from './bench-options.js';

interface EotCliOptions {
  set: string;
  voices: string;
  perCategory?: string;
  eagerness?: string;
  rules?: boolean;
  recordedLimit?: string;
  out?: string;
}

function parseVoiceList(x: string): EotVoices[] {
  const out = x.split(',').map((s) => s.trim()).filter(Boolean).map((v) => (v === 'recorded' ? v : parseVoices(v)!));
  if (out.length === 0) throw new FullduplexError('BAD_ARGUMENT', '--voices is empty');
  return out;
}

async function eotCommand(o: EotCliOptions): Promise<void> {
  const set = parseSet(o.set);
  const voices = parseVoiceList(o.voices);
  const perCategory = parseNumber(o.perCategory, '--per-category', true);
  const recordedLimit = parseNumber(o.recordedLimit, '--recorded-limit', true);
  const { eagerness } = engineChoice(undefined, o.eagerness);
  const t0 = Date.now();
  const ev = await evaluateEndOfTurn({
    set,
    voices,
    ...(perCategory !== undefined && { perCategory }),
    ...(eagerness && { eagerness }),
    ...(o.rules && { withRules: true }),
    ...(recordedLimit !== undefined && { recordedLimit }),
    onProgress: (line) => process.stderr.write(`\r[bench eot] ${line}        `),
  });
  process.stderr.write('\n');
  const text = formatEotEvaluation(ev);
  const out = resolve(o.out ?? join(projectRoot(), 'bench/results/turn-end'));
  mkdirSync(out, { recursive: true });
  const onlyRecorded = voices.every((v) => v === 'recorded');
  const name = onlyRecorded ? `eot-recorded${recordedLimit !== undefined ? `-${recordedLimit}` : ''}` : `eot-${set}${perCategory !== undefined ? `-${perCategory}` : ''}`;
  writeFileSync(join(out, `${name}.json`), JSON.stringify({ ...ev, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  writeFileSync(join(out, `${name}.txt`), text + '\n');
  process.stdout.write(`${text}\nwritten: ${join(out, `${name}.json`)}\n`);
}

export function addEotCommand(bench: Command): void {
  bench
    .command('eot')
    .description('end-of-turn operating points (eot-bench style) of the engine on tuning and held-out voices')
    .option('--set <name>', 'quick or full', 'quick')
    .option('--voices <list>', 'tuning, heldout, recorded (real speech: Debian\'s Asterisk prompts), comma-separated', 'tuning,heldout')
    .option('--recorded-limit <n>', 'with recorded: the first n prompts only')
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--eagerness <level>', 'low, medium or high', 'medium')
    .option('--rules', 'also probe the hand-set rules the learned model replaced')
    .option('--out <dir>', 'where eot-<set>.json and .txt go (default bench/results/turn-end)')
    .action(eotCommand);
}
