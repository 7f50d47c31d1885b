/** `fullduplex simulate`: run the engine offline on a WAV, write the two-channel conversation and the timeline. */
import { writeFile } from 'node:fs/promises';
import { readWavMono, writeWav } from '../audio/wav.js';
import { simulate } from '../engine/simulate.js';
import type { Eagerness } from '../engine/options.js';
import { summarizeTurns } from '../engine/summary.js';
import { COMPUTE_TIMES, type ComputeTime } from '../engine/compute-time.js';
import { FullduplexError } from '../errors.js';
import { speechServersFrom, type SpeechServerCliOptions } from './speech-options.js';

export interface SimulateCliOptions extends SpeechServerCliOptions {
  in: string;
  out: string;
  events?: string;
  voice?: string;
  eagerness?: Eagerness;
  llmUrl?: string;
  llmModel?: string;
  tail?: string;
  compute?: string;
  quiet?: boolean;
}

export async function runSimulate(o: SimulateCliOptions): Promise<void> {
  const compute = o.compute ?? 'modelled';
  if (!(COMPUTE_TIMES as readonly string[]).includes(compute)) throw new FullduplexError('BAD_ARGUMENT', `--compute must be ${COMPUTE_TIMES.join(', ')}, got '${compute}'`);
  const servers = speechServersFrom(o);
  const input = await readWavMono(o.in);
  const result = await simulate(input, {
    // --voice is flite's; a TTS server speaks with --tts-voice.
    ...(servers.tts ? { ttsServer: servers.tts } : { voice: o.voice }),
    ...(servers.stt && { sttServer: servers.stt }),
    eagerness: o.eagerness,
    dialogue: o.llmUrl || o.llmModel ? { baseUrl: o.llmUrl, model: o.llmModel } : 'embedded',
    maxTailS: o.tail ? Number(o.tail) : undefined,
    computeTime: compute as ComputeTime,
  });
  await writeWav(o.out, [result.user, result.agent], result.sampleRate);
  if (o.events) await writeFile(o.events, result.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  if (!o.quiet) process.stdout.write(summarizeTurns(result.events) + '\n');
}
