/** `fullduplex bench bargein`: barge-in versus backchannel (or someone else) over the agent, tuning and held-out voices, model and rules (bench/barge-in/evaluate.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { evaluateBargeIn, formatBargeInEvaluation, type BargeInPolicyName } from '../../bench/barge-in/evaluate.js';
import { BARGE_IN_CATEGORIES } from '../../bench/barge-in/probe.js';
import type { CategoryId } from '../../bench/scenarios/types.js';
import type { PredictorOverrides } from '../engine/options.js';
import { DuplexPredictor } from '../engine/predictor.js';
import type { VoiceSetName } from '../../bench/scenarios/config.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { engineChoice, parseNumber, parseSet, parseVoices } from './bench-options.js';

interface BargeInCliOptions {
  set: string;
  voices: string;
  policies: string;
  perCategory?: string;
  categories?: string;
  options?: string;
  eagerness?: string;
  out?: string;
}

function parseList<T>(x: string, what: string, parse: (s: string) => T): T[] {
  const out = x.split(',').map((s) => s.trim()).filter(Boolean).map(parse);
  if (out.length === 0) throw new FullduplexError('BAD_ARGUMENT', `${what} is empty`);
  return out;
}

function parseCategory(x: string): CategoryId {
  if (!(BARGE_IN_CATEGORIES as readonly string[]).includes(x)) throw new FullduplexError('BAD_ARGUMENT', `--categories: '${x}' is not one of ${BARGE_IN_CATEGORIES.join(', ')}`);
  return x as CategoryId;
}

function parseOptions(x: string): PredictorOverrides {
  let v: unknown;
  try {
    v = JSON.parse(x);
  } catch (e) {
    throw new FullduplexError('BAD_ARGUMENT', `--options is not JSON: ${(e as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new FullduplexError('BAD_ARGUMENT', '--options must be a JSON object of predictor options');
  new DuplexPredictor(v as PredictorOverrides); // refuses bad values by name before any run
  return v as PredictorOverrides;
}

function parsePolicy(x: string): BargeInPolicyName {
  if (x !== 'model' && x !== 'rules') throw new FullduplexError('BAD_ARGUMENT', `--policies: '${x}' is neither model nor rules`);
  return x;
}

async function bargeInCommand(o: BargeInCliOptions): Promise<void> {
  const set = parseSet(o.set);
  const voices = parseList<VoiceSetName>(o.voices, '--voices', (v) => parseVoices(v)!);
  const policies = parseList(o.policies, '--policies', parsePolicy);
  const perCategory = parseNumber(o.perCategory, '--per-category', true);
  const categories = o.categories === undefined ? undefined : parseList(o.categories, '--categories', parseCategory);
  const { eagerness } = engineChoice(undefined, o.eagerness);
  const predictor = o.options === undefined ? undefined : parseOptions(o.options);
  const t0 = Date.now();
  const ev = await evaluateBargeIn({
    set,
    voices,
    policies,
    ...(perCategory !== undefined && { perCategory }),
    ...(categories && { categories }),
    ...(predictor && { predictor }),
    ...(eagerness && { eagerness }),
    onProgress: (line) => process.stderr.write(`\r[bench bargein] ${line}        `),
  });
  process.stderr.write('\n');
  const text = formatBargeInEvaluation(ev);
  const out = resolve(o.out ?? join(projectRoot(), 'bench/results/barge-in'));
  mkdirSync(out, { recursive: true });
  const name = `bargein-${set}${perCategory !== undefined ? `-${perCategory}` : ''}${categories ? `-${categories.join('-')}` : ''}`;
  writeFileSync(join(out, `${name}.json`), JSON.stringify({ ...ev, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  writeFileSync(join(out, `${name}.txt`), text + '\n');
  process.stdout.write(`${text}\nwritten: ${join(out, `${name}.json`)}\n`);
}

export function addBargeInCommand(bench: Command): void {
  bench
    .command('bargein')
    .description('barge-in versus backchannel or someone else over the agent: the learned model and the hand-set rules on tuning and held-out voices')
    .option('--set <name>', 'quick or full', 'quick')
    .option('--voices <list>', 'tuning, heldout, or both (comma-separated)', 'tuning,heldout')
    .option('--policies <list>', 'model, rules, or both (comma-separated)', 'model,rules')
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--categories <list>', `a subset of ${BARGE_IN_CATEGORIES.join(', ')} (comma-separated)`)
    .option('--eagerness <level>', 'low, medium or high', 'medium')
    .option('--options <json>', 'predictor options over the defaults, as JSON (e.g. \'{"attention":{"quietOnsetDropDb":10}}\' to compare a tunable)')
    .option('--out <dir>', 'where bargein-<set>.json and .txt go (default bench/results/barge-in)')
    .action(bargeInCommand);
}
