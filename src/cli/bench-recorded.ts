/** `fullduplex bench recorded-set`: recorded human speech as a Full-Duplex-Bench tree (bench/real-speech/recorded-set.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeRecordedSet } from '../../bench/real-speech/recorded-set.js';
import { isRecordedSpeakerKey, RECORDED_SPEAKERS } from '../../bench/real-speech/recorded-turns.js';
import { FullduplexError } from '../errors.js';
import { parseNumber } from './bench-options.js';

const SPEAKERS = Object.keys(RECORDED_SPEAKERS).join(', ');

async function recordedSetCommand(o: { out: string; limit?: string; speaker: string }): Promise<void> {
  const limit = parseNumber(o.limit, '--limit', true);
  if (!isRecordedSpeakerKey(o.speaker)) throw new FullduplexError('BAD_ARGUMENT', `--speaker ${o.speaker}: not a recorded speaker (${SPEAKERS})`);
  const s = await writeRecordedSet(resolve(o.out), { speaker: o.speaker, ...(limit !== undefined && { limit }) });
  process.stdout.write(
    `${s.pauseHandling} pause-handling, ${s.smoothTurnTaking} turn-taking and ${s.userInterruption} interruption samples in ${s.dir}\n` +
      `play them: fullduplex bench run --set ${s.dir} --target local --clock virtual\n`,
  );
}

export function addRecordedSetCommand(bench: Command): void {
  bench
    .command('recorded-set')
    .description("write recorded human speech (Debian's Asterisk prompts) as pause-handling, turn-taking and interruption samples in Full-Duplex-Bench layout")
    .requiredOption('--out <dir>', 'where the tree goes')
    .option(
      '--speaker <name>',
      `who speaks: ${Object.entries(RECORDED_SPEAKERS)
        .map(([k, v]) => `${k} (${v.voice}, ${v.language})`)
        .join(', ')}; only allison speaks English, the others measure the decisions when the words are noise`,
      'allison',
    )
    .option('--limit <n>', 'read the first n prompts only')
    .action(recordedSetCommand);
}
