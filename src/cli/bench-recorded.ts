/** `fullduplex bench recorded-set`: recorded human speech as a Full-Duplex-Bench tree (bench/real-speech/recorded-set.ts). */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { writeRecordedSet } from '../../bench/real-speech/recorded-set.js';
import { RECORDED_SPEECH } from '../../bench/real-speech/recorded-turns.js';
import { parseNumber } from './bench-options.js';

async function recordedSetCommand(o: { out: string; limit?: string }): Promise<void> {
  const limit = parseNumber(o.limit, '--limit', true);
  const s = await writeRecordedSet(resolve(o.out), { ...(limit !== undefined && { limit }) });
  process.stdout.write(
    `${s.pauseHandling} pause-handling, ${s.smoothTurnTaking} turn-taking and ${s.userInterruption} interruption samples in ${s.dir}\n` +
      `play them: fullduplex bench run --set ${s.dir} --target local --clock virtual\n`,
  );
}

export function addRecordedSetCommand(bench: Command): void {
  bench
    .command('recorded-set')
    .description(`write recorded human speech (Debian's ${RECORDED_SPEECH.debianPackage}) as pause-handling, turn-taking and interruption samples in Full-Duplex-Bench layout`)
    .requiredOption('--out <dir>', 'where the tree goes')
    .option('--limit <n>', 'read the first n prompts only')
    .action(recordedSetCommand);
}
