/** The `fullduplex` command line. Each command lives in its own module; this file only wires them. */
import { Command, CommanderError } from 'commander';
import { formatDoctor, runDoctor } from './doctor.js';
import { isFullduplexError } from '../errors.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('fullduplex')
    .description('A full-duplex spoken-dialogue engine that listens while it speaks, and a benchmark for any such system.')
    .version('0.1.0')
    .exitOverride();

  program
    .command('doctor')
    .description('check every local speech component (VAD, ASR, TTS, resampler) and say how to fix what is missing')
    .option('--json', 'print the results as JSON')
    .action(async (opts: { json?: boolean }) => {
      const results = await runDoctor();
      process.stdout.write((opts.json ? JSON.stringify(results, null, 2) : formatDoctor(results)) + '\n');
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });

  program
    .command('talk')
    .description('start the local live demo (browser page + server)')
    .action(() => {
      process.stdout.write('The live demo arrives in a later issue. For now: `npx fullduplex doctor`.\n');
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isFullduplexError(e)) {
      process.stderr.write(`fullduplex: ${e.code}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
