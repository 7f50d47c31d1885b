/** `fullduplex bench eot`: the engine's end-of-turn decisions on tuning and held-out voices (bench/turn-end/evaluate.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { evaluateEndOfTurn, formatEotEvaluation, parseRecordedVoices, recordedSourceOf, type EotVoices } from '../../bench/turn-end/evaluate.js';
import { projectRoot } from '../../bench/runner/run-info.js';
import { engineChoice, parseNumber, parseSet, parseVoices } from './bench-options.js';

interface EotCliOptions {
  set: string;
  voices: string;
  perCategory?: string;
  eagerness?: string;
  rules?: boolean;
  recordedLimit?: string;
  samples?: boolean;
  pauseScale?: string;
  speakerPauses: boolean;
  sessionTurns?: string;
  out?: string;
}

function parseVoiceList(x: string): EotVoices[] {
  const out = x
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((v) => {
      const r = v.startsWith('recorded') ? parseRecordedVoices(v) : parseVoices(v)!;
      if (!r) throw new FullduplexError('BAD_ARGUMENT', `--voices: unknown recorded speaker in '${v}' (recorded, recorded:june, recorded:carlo)`);
      return r;
    });
  if (out.length === 0) throw new FullduplexError('BAD_ARGUMENT', '--voices is empty');
  return out;
}

async function eotCommand(o: EotCliOptions): Promise<void> {
  const set = parseSet(o.set);
  const voices = parseVoiceList(o.voices);
  const perCategory = parseNumber(o.perCategory, '--per-category', true);
  const recordedLimit = parseNumber(o.recordedLimit, '--recorded-limit', true);
  const pauseScale = parseNumber(o.pauseScale, '--pause-scale', false);
  const sessionTurns = parseNumber(o.sessionTurns, '--session-turns', true);
  if (pauseScale !== undefined && !(pauseScale > 0 && pauseScale <= 3)) throw new FullduplexError('BAD_ARGUMENT', `--pause-scale must be in (0, 3], got ${o.pauseScale}`);
  const { eagerness } = engineChoice(undefined, o.eagerness);
  const t0 = Date.now();
  const ev = await evaluateEndOfTurn({
    set,
    voices,
    ...(perCategory !== undefined && { perCategory }),
    ...(eagerness && { eagerness }),
    ...(o.rules && { withRules: true }),
    ...(recordedLimit !== undefined && { recordedLimit }),
    ...(o.samples && { keepSamples: true }),
    ...(pauseScale !== undefined && { pauseScale }),
    ...(!o.speakerPauses && { speakerPauses: false }),
    ...(sessionTurns !== undefined && { sessionTurns }),
    onProgress: (line) => process.stderr.write(`\r[bench eot] ${line}        `),
  });
  process.stderr.write('\n');
  const text = formatEotEvaluation(ev);
  const out = resolve(o.out ?? join(projectRoot(), 'bench/results/turn-end'));
  mkdirSync(out, { recursive: true });
  const onlyRecorded = voices.every((v) => recordedSourceOf(v));
  const speakers = voices.map((v) => (v === 'recorded' ? '' : v.slice('recorded:'.length))).filter(Boolean);
  const name = onlyRecorded ? `eot-recorded${speakers.length ? `-${speakers.join('-')}` : ''}${sessionTurns !== undefined && sessionTurns > 1 ? `-conversations${sessionTurns}` : ''}${recordedLimit !== undefined ? `-${recordedLimit}` : ''}` : `eot-${set}${perCategory !== undefined ? `-${perCategory}` : ''}${pauseScale !== undefined && pauseScale !== 1 ? `-pauses${pauseScale}` : ''}`;
  const file = `${name}${o.speakerPauses ? '' : '-no-speaker-pauses'}`;
  const results = ev.results.map(({ probed, ...r }) => r);
  writeFileSync(join(out, `${file}.json`), JSON.stringify({ ...ev, results, seconds: Math.round((Date.now() - t0) / 1000) }, null, 2) + '\n');
  if (o.samples) writeFileSync(join(out, `${file}.samples.json`), JSON.stringify(ev.results.map((r) => ({ voices: r.voices, samples: r.probed })), null, 0) + '\n');
  writeFileSync(join(out, `${file}.txt`), text + '\n');
  process.stdout.write(`${text}\nwritten: ${join(out, `${file}.json`)}\n`);
}

export function addEotCommand(bench: Command): void {
  bench
    .command('eot')
    .description('end-of-turn operating points (eot-bench style) of the engine on tuning and held-out voices')
    .option('--set <name>', 'quick or full', 'quick')
    .option('--voices <list>', 'tuning, heldout, recorded (real speech: Debian\'s Asterisk prompts; recorded:june, recorded:carlo for the other speakers), comma-separated', 'tuning,heldout')
    .option('--recorded-limit <n>', 'with recorded: the first n prompts only')
    .option('--per-category <n>', 'samples per category instead of the set size')
    .option('--eagerness <level>', 'low, medium or high', 'medium')
    .option('--rules', 'also probe the hand-set rules the learned model replaced')
    .option('--pause-scale <x>', "generated users pause inside turns × x (below 1: more fluent speakers; default 1)")
    .option('--session-turns <n>', 'recorded voices: the prompts in conversations of n turns, each one session (the engine learns the speaker as it goes); default 1')
    .option('--no-speaker-pauses', "the engine without the wait fitted to the user's own pauses (the speaker-pause study's baseline)")
    .option('--samples', 'also write the probed samples (p(turn over) over every silence) to <name>.samples.json')
    .option('--out <dir>', 'where eot-<set>.json and .txt go (default bench/results/turn-end)')
    .action(eotCommand);
}
