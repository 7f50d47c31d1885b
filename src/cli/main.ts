/** The `fullduplex` command line. Each command lives in its own module; this file only wires them. */
import { Command, CommanderError } from 'commander';
import { formatDoctor, runDoctor } from './doctor.js';
import { FullduplexError, isFullduplexError } from '../errors.js';
import { runSimulate, type SimulateCliOptions } from './simulate.js';
import { addTalkCommand } from './talk.js';
import { registerBench } from './bench.js';
import { addSpeechServerOptions, speechServersFrom, type SpeechServerCliOptions } from './speech-options.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('fullduplex')
    .description('A full-duplex spoken-dialogue engine that listens while it speaks, and a benchmark for any such system.')
    .version('0.1.0')
    .exitOverride();

  const doctor = program
    .command('doctor')
    .description('check every local speech component (VAD, ASR, TTS, resampler), and any speech server named, and say how to fix what is missing')
    .option('--json', 'print the results as JSON');
  addSpeechServerOptions(doctor)
    .action(async (opts: { json?: boolean } & SpeechServerCliOptions) => {
      const results = await runDoctor(speechServersFrom(opts));
      process.stdout.write((opts.json ? JSON.stringify(results, null, 2) : formatDoctor(results)) + '\n');
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });

  const simulate = program
    .command('simulate')
    .description('run a conversation offline on a recording of the user (virtual time, faster than real time)')
    .requiredOption('--in <wav>', "the user's audio (any sample rate, mono or stereo)")
    .requiredOption('--out <wav>', 'two-channel conversation: user left, agent right, 16 kHz')
    .option('--events <jsonl>', 'write the event timeline as JSON lines')
    .option('--voice <name>', 'flite voice: slt, rms, awb, kal16, kal', 'slt')
    .option('--eagerness <level>', 'how soon the agent takes the turn: low, medium, high', 'medium')
    .option('--llm-url <url>', 'OpenAI-compatible base URL (e.g. http://127.0.0.1:11434/v1); default: the embedded model')
    .option('--llm-model <name>', 'model name for the OpenAI-compatible server')
    .option('--compute <mode>', 'compute time charged to the virtual clock: modelled (fixed per-component costs, repeats exactly), measured (wall time) or none', 'modelled')
    .option('--tail <seconds>', 'keep running after the input ends until the agent is quiet, at most this long', '30')
    .option('--quiet', 'do not print the turn summary');
  addSpeechServerOptions(simulate)
    .action(async (opts: SimulateCliOptions) => {
      if (!['low', 'medium', 'high'].includes(opts.eagerness ?? 'medium')) throw new FullduplexError('BAD_ARGUMENT', `--eagerness must be low, medium or high`);
      await runSimulate(opts);
    });

  addTalkCommand(program);
  registerBench(program);

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
