/**
 * The recorded prompts (recorded-turns.ts) as a Full-Duplex-Bench tree, so any target can be played
 * them with `bench run --set DIR` and scored like upstream's data:
 *
 *   pause_handling/NNN      a prompt with at least one pause of EOT_POINTS.minHoldS inside it
 *                           (pause.json lists them), ending GENERATION.shortTailS after its last word:
 *                           the agent should not take the turn inside it.
 *   smooth_turn_taking/NNN  every prompt, then GENERATION.answerTailS of silence (turn_taking.json):
 *                           the agent should answer after it, and its latency counts from the last word.
 *   user_interruption/NNN   two prompts in turn (the 1st and 2nd, the 3rd and 4th, …): the first is the
 *                           request, the second comes GENERATION.overlapAfterRequestS after it, while
 *                           the agent answers (interrupt.json, metadata.json): the agent should stop
 *                           and answer the second.
 *
 * The speaker's pauses are her own; nothing is stretched. Folder numbers follow the prompts' path order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { GENERATION } from '../scenarios/config.js';
import { rng, SCENARIO_RATE, seedOf, silence } from '../scenarios/audio.js';
import { FILES, writeJson } from '../scenarios/layout.js';
import { EOT_POINTS } from '../metrics/eot-operating-points.js';
import { loadRecordedTurns, RECORDED_SPEECH, type RecordedTurn } from './recorded-turns.js';

export interface RecordedSetSummary {
  readonly dir: string;
  readonly pauseHandling: number;
  readonly smoothTurnTaking: number;
  readonly userInterruption: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

const withTail = (t: RecordedTurn, tailS: number): Int16Array => concatInt16([t.input, silence(tailS)]);

async function writeSample(dir: string, input: Int16Array, annotations: Record<string, unknown>, from: readonly RecordedTurn[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeWav(join(dir, FILES.input), [input], SCENARIO_RATE);
  for (const [name, body] of Object.entries(annotations)) await writeJson(join(dir, name), body);
  // Where the sample came from and what is said, for people reading the tree (the runner ignores it).
  const lines = from.map((t) => `${RECORDED_SPEECH.debianPackage}: ${t.id}.wav (Allison Smith, CC-BY-SA-3.0): ${t.text ?? ''}`);
  await writeFile(join(dir, 'source.txt'), `${lines.join('\n')}\n`);
}

const uniform = (rand: () => number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rand();

/** Writes the tree under `dir`; `limit` bounds the prompts read (all by default). */
export async function writeRecordedSet(dir: string, o: { limit?: number } = {}): Promise<RecordedSetSummary> {
  const turns = await loadRecordedTurns({ ...(o.limit !== undefined && { limit: o.limit }) });
  let pauses = 0;
  let turnTaking = 0;
  for (const t of turns) {
    const eot = t.spans.find((s) => s.kind === 'eot')!;
    const holds = t.spans.filter((s) => s.kind === 'hold' && s.end - s.start >= EOT_POINTS.minHoldS - 1e-9);
    if (holds.length > 0) {
      const name = String(pauses++).padStart(3, '0');
      const pause = holds.map((h) => ({ text: '[PAUSE]', timestamp: [r3(h.start), r3(h.end)] }));
      await writeSample(join(dir, 'pause_handling', name), withTail(t, GENERATION.shortTailS), { [FILES.pause]: pause }, [t]);
    }
    const name = String(turnTaking++).padStart(3, '0');
    const input = withTail(t, GENERATION.answerTailS);
    const turn = [{ text: '[TURN-TAKING]', timestamp: [r3(eot.start), r3(input.length / SCENARIO_RATE)] }];
    await writeSample(join(dir, 'smooth_turn_taking', name), input, { [FILES.turnTaking]: turn }, [t]);
  }
  let interruptions = 0;
  for (let k = 0; k + 1 < turns.length; k += 2) {
    const [request, barge] = [turns[k]!, turns[k + 1]!];
    const name = String(interruptions++).padStart(3, '0');
    const at = request.input.length / SCENARIO_RATE + uniform(rng(seedOf(`recorded/${request.id}/${barge.id}`)), GENERATION.overlapAfterRequestS);
    // The second prompt without its own lead-in silence, at `at`.
    const speech = barge.input.subarray(Math.round(RECORDED_SPEECH.leadS * SCENARIO_RATE));
    const input = new Int16Array(Math.round(at * SCENARIO_RATE) + speech.length + Math.round(GENERATION.answerTailS * SCENARIO_RATE));
    input.set(request.input, 0);
    input.set(speech, Math.round(at * SCENARIO_RATE));
    const span = [r3(at), r3(at + speech.length / SCENARIO_RATE)];
    await writeSample(join(dir, 'user_interruption', name), input, {
      [FILES.interrupt]: [{ context: request.text ?? request.id, interrupt: barge.text ?? barge.id, timestamp: span }],
      [FILES.metadata]: { context_text: request.text ?? request.id, current_turn_text: barge.text ?? barge.id, timestamps: span, category: 'user_interruption' },
    }, [request, barge]);
  }
  return { dir, pauseHandling: pauses, smoothTurnTaking: turnTaking, userInterruption: interruptions };
}
