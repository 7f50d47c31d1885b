/**
 * Diagnostic, not part of `bench:components`: where does pocketsphinx's time go? Runs the sentences
 * (flite slt) through decoder variants — chunk size (how often the addon calls ps_get_hyp), -bestpath,
 * -fwdflat, pruning — interleaved sentence by sentence so that load from other processes falls on all
 * variants alike, and prints wall-clock and CPU-time RTF, per-chunk cost, finish() delay and WER.
 *
 *   node dist/bench/lib/asr-variants.js [sentences=24] ['name filter|another'] [voices=slt,rms,…]
 */
import type { PocketsphinxOptions } from '../../src/speech/asr/pocketsphinx.js';
import { wordErrorRate } from '../../src/speech/asr/wer.js';
import type { AsrStream } from '../../src/speech/types.js';
import { runUtterance, startDecoder, sum, type UtteranceRun } from './bench-asr.js';
import { seconds, synthesizeCorpus, type Utterance } from './corpus.js';
import { median, quantile } from './stats.js';

interface Variant {
  name: string;
  chunk: number;
  options?: Partial<PocketsphinxOptions>;
}

const extra = (...args: string[]): Partial<PocketsphinxOptions> => ({ extraArgs: args });

const VARIANTS: Variant[] = [
  { name: 'default, 20 ms chunks', chunk: 320 },
  { name: 'default, 100 ms chunks', chunk: 1600 },
  { name: 'default, whole utterance in one push', chunk: 1 << 30 },
  { name: '-bestpath no', chunk: 320, options: { bestpath: false } },
  { name: '-fwdflat yes', chunk: 320, options: { fwdflat: true } },
  { name: '-remove_silence yes', chunk: 320, options: extra('-remove_silence', 'yes') },
  { name: '-topn 2', chunk: 320, options: extra('-topn', '2') },
  { name: '-pl_window 10', chunk: 320, options: extra('-pl_window', '10') },
  { name: '-maxhmmpf 3000 -maxwpf 5', chunk: 320, options: extra('-maxhmmpf', '3000', '-maxwpf', '5') },
  { name: '-maxhmmpf 2000', chunk: 320, options: extra('-maxhmmpf', '2000') },
  { name: '-maxhmmpf 1500 -maxwpf 5', chunk: 320, options: extra('-maxhmmpf', '1500', '-maxwpf', '5') },
  { name: '-maxhmmpf 1000 -maxwpf 5', chunk: 320, options: extra('-maxhmmpf', '1000', '-maxwpf', '5') },
  { name: '-maxhmmpf 2000 -topn 2', chunk: 320, options: extra('-maxhmmpf', '2000', '-topn', '2') },
  // On top of the engine's defaults (-maxhmmpf 2000 -topn 2):
  { name: 'engine + -ds 2', chunk: 320, options: extra('-ds', '2') },
  { name: 'engine + -ds 3', chunk: 320, options: extra('-ds', '3') },
  { name: 'engine + -beam 1e-40 -wbeam 1e-30', chunk: 320, options: extra('-beam', '1e-40', '-wbeam', '1e-30') },
  { name: 'engine + -maxhmmpf 1000', chunk: 320, options: extra('-maxhmmpf', '1000') },
  { name: 'engine + -pl_window 5', chunk: 320, options: extra('-pl_window', '5') },
];

interface Slot {
  variant: Variant;
  stream: AsrStream;
  startupMs: number;
  runs: { u: Utterance; r: UtteranceRun }[];
}

function summarizeSlot(s: Slot) {
  const audio = sum(s.runs.map((x) => seconds(x.u.audio)));
  const chunks = s.runs.flatMap((x) => x.r.chunkMs);
  const finals = s.runs.map((x) => x.r.finishMs);
  const wall = sum(chunks) + sum(finals);
  const cpu = sum(s.runs.map((x) => x.r.cpuMs));
  const pairs = s.runs.map((x) => ({ reference: x.u.text, hypothesis: x.r.hypothesis }));
  return {
    variant: s.variant.name,
    rtfWall: (wall / 1000 / audio).toFixed(3),
    rtfCpu: (cpu / 1000 / audio).toFixed(3),
    chunkMedMs: median(chunks).toFixed(2),
    chunkP99Ms: quantile(chunks, 0.99).toFixed(1),
    finishMedMs: median(finals).toFixed(1),
    finishP90Ms: quantile(finals, 0.9).toFixed(1),
    wer: `${(wordErrorRate(pairs) * 100).toFixed(1)} %`,
    startupMs: s.startupMs.toFixed(0),
  };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 24);
  const only = process.argv[3];
  const voices = (process.argv[4] ?? 'slt').split(',');
  const corpus = synthesizeCorpus(voices);
  const utterances = voices.flatMap((v) => corpus.get(v)!.slice(0, n));
  const chosen = VARIANTS.filter((v) => !only || only.split('|').some((o) => v.name.includes(o)));
  const slots: Slot[] = [];
  for (const variant of chosen) {
    const { stream, startupMs } = startDecoder(variant.options);
    await runUtterance(stream, utterances[0]!.audio.samples, variant.chunk); // warm-up
    slots.push({ variant, stream, startupMs, runs: [] });
  }
  for (const [i, u] of utterances.entries()) {
    // Rotate the starting variant so none is always first after a sentence change.
    for (let k = 0; k < slots.length; k++) {
      const s = slots[(i + k) % slots.length]!;
      s.runs.push({ u, r: await runUtterance(s.stream, u.audio.samples, s.variant.chunk) });
    }
    process.stderr.write(`[asr-variants] sentence ${i + 1}/${utterances.length}\n`);
  }
  for (const s of slots) s.stream.close();
  console.table(slots.map(summarizeSlot));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exitCode = 1;
});
