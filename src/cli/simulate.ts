/** `fullduplex simulate`: run the engine offline on a WAV, write the two-channel conversation and the timeline. */
import { writeFile } from 'node:fs/promises';
import { readWavMono, writeWav } from '../audio/wav.js';
import { simulate } from '../engine/simulate.js';
import type { Eagerness } from '../engine/options.js';
import { summarizeTurns } from '../engine/summary.js';

export interface SimulateCliOptions {
  in: string;
  out: string;
  events?: string;
  voice?: string;
  eagerness?: Eagerness;
  llmUrl?: string;
  llmModel?: string;
  tail?: string;
  quiet?: boolean;
}

export async function runSimulate(o: SimulateCliOptions): Promise<void> {
  const input = await readWavMono(o.in);
  const result = await simulate(input, {
    voice: o.voice,
    eagerness: o.eagerness,
    dialogue: o.llmUrl || o.llmModel ? { baseUrl: o.llmUrl, model: o.llmModel } : 'embedded',
    maxTailS: o.tail ? Number(o.tail) : undefined,
  });
  await writeWav(o.out, [result.user, result.agent], result.sampleRate);
  if (o.events) await writeFile(o.events, result.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  if (!o.quiet) process.stdout.write(summarizeTurns(result.events) + '\n');
}
