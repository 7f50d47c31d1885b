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
 * Each folder also holds our scenario.json (the speech spans and every silence by the generated
 * scenarios' rule), so the runner counts cut-ins on it as on generated samples.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeWav } from '../../src/audio/wav.js';
import { concatInt16 } from '../../src/audio/frame.js';
import { GENERATION, SCENARIO_VERSION } from '../scenarios/config.js';
import { rng, SCENARIO_RATE, seedOf, silence } from '../scenarios/audio.js';
import { FILES, writeJson } from '../scenarios/layout.js';
import { silencesOf } from '../scenarios/silences.js';
import type { CategoryId, RecordedSpeaker, ScenarioTruth, UserSpan } from '../scenarios/types.js';
import { EOT_POINTS } from '../metrics/eot-operating-points.js';
import { loadRecordedTurns, RECORDED_SPEAKERS, RECORDED_SPEECH, type RecordedSource, type RecordedSpeakerKey, type RecordedTurn } from './recorded-turns.js';

export interface RecordedSetSummary {
  readonly dir: string;
  readonly pauseHandling: number;
  readonly smoothTurnTaking: number;
  readonly userInterruption: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The person every sample of a tree is spoken by, as scenario.json names a speaker. */
export function recordedSpeaker(source: RecordedSource): RecordedSpeaker {
  return { engine: 'recording', voice: source.voice, base: source.base, language: source.language, source: `Debian ${source.debianPackage}, ${source.license}` };
}

/** scenario.json of a recorded sample: who speaks when, and every silence in and after her turns. */
function truthOf(speaker: RecordedSpeaker, id: string, category: CategoryId, input: Int16Array, levelDbfs: number, user: UserSpan[], extra: Partial<ScenarioTruth>): ScenarioTruth {
  const durationS = input.length / SCENARIO_RATE;
  const spans = user.map((u) => ({ ...u, start: r3(u.start), end: r3(u.end) }));
  return {
    id,
    category,
    set: 'recorded',
    generatorVersion: SCENARIO_VERSION,
    durationS: r3(durationS),
    sampleRate: SCENARIO_RATE,
    voices: 'recorded',
    voice: `${speaker.voice} (recorded)`,
    speaker,
    rate: 1,
    userLevelDbfs: Math.round(levelDbfs * 10) / 10,
    snrDb: null,
    user: spans,
    others: [],
    silences: silencesOf(input, levelDbfs, spans, durationS),
    ...extra,
  };
}

const spoken = (t: RecordedTurn, role: UserSpan['role'], offsetS = 0): UserSpan => ({ role, text: t.text ?? t.id, start: t.start + offsetS, end: t.end + offsetS });

const withTail = (t: RecordedTurn, tailS: number): Int16Array => concatInt16([t.input, silence(tailS)]);

async function writeSample(source: RecordedSource, dir: string, input: Int16Array, annotations: Record<string, unknown>, truth: ScenarioTruth, from: readonly RecordedTurn[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeWav(join(dir, FILES.input), [input], SCENARIO_RATE);
  for (const [name, body] of Object.entries(annotations)) await writeJson(join(dir, name), body);
  await writeJson(join(dir, FILES.scenario), truth);
  // Where the sample came from and what is said, for people reading the tree (the runner ignores it).
  const lines = from.map((t) => `${source.debianPackage}: ${t.id}.wav (${source.voice}, ${source.license}): ${t.text ?? ''}`);
  await writeFile(join(dir, 'source.txt'), `${lines.join('\n')}\n`);
}

const uniform = (rand: () => number, [lo, hi]: readonly [number, number]) => lo + (hi - lo) * rand();

/** Writes the tree under `dir`, spoken by `speaker` (Allison Smith by default); `limit` bounds the prompts read (all by default). */
export async function writeRecordedSet(dir: string, o: { limit?: number; speaker?: RecordedSpeakerKey } = {}): Promise<RecordedSetSummary> {
  const source = RECORDED_SPEAKERS[o.speaker ?? 'allison'];
  const speaker = recordedSpeaker(source);
  const turns = await loadRecordedTurns({ source, ...(o.limit !== undefined && { limit: o.limit }) });
  let pauses = 0;
  let turnTaking = 0;
  for (const t of turns) {
    const eot = t.spans.find((s) => s.kind === 'eot')!;
    const holds = t.spans.filter((s) => s.kind === 'hold' && s.end - s.start >= EOT_POINTS.minHoldS - 1e-9);
    if (holds.length > 0) {
      const name = String(pauses++).padStart(3, '0');
      const pause = holds.map((h) => ({ text: '[PAUSE]', timestamp: [r3(h.start), r3(h.end)] }));
      const input = withTail(t, GENERATION.shortTailS);
      const truth = truthOf(speaker, `pause_handling/${name}`, 'pause_handling', input, t.levelDbfs, [spoken(t, 'turn')], { pauses: holds.map((h) => ({ start: r3(h.start), end: r3(h.end) })) });
      await writeSample(source, join(dir, 'pause_handling', name), input, { [FILES.pause]: pause }, truth, [t]);
    }
    const name = String(turnTaking++).padStart(3, '0');
    const input = withTail(t, GENERATION.answerTailS);
    const turn = [{ text: '[TURN-TAKING]', timestamp: [r3(eot.start), r3(input.length / SCENARIO_RATE)] }];
    const truth = truthOf(speaker, `smooth_turn_taking/${name}`, 'smooth_turn_taking', input, t.levelDbfs, [spoken(t, 'turn')], { turnEndS: r3(eot.start) });
    await writeSample(source, join(dir, 'smooth_turn_taking', name), input, { [FILES.turnTaking]: turn }, truth, [t]);
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
    const span = [r3(at), r3(at + speech.length / SCENARIO_RATE)] as const;
    const context = request.text ?? request.id, text = barge.text ?? barge.id;
    // The second prompt's speech, placed at `at` (its own lead-in silence cut off).
    const bargeSpan = spoken(barge, 'barge_in', at - RECORDED_SPEECH.leadS);
    const truth = truthOf(speaker, `user_interruption/${name}`, 'user_interruption', input, request.levelDbfs, [spoken(request, 'request'), bargeSpan], {
      interruption: { context, text, start: span[0], end: span[1] },
    });
    await writeSample(source, join(dir, 'user_interruption', name), input, {
      [FILES.interrupt]: [{ context, interrupt: text, timestamp: span }],
      [FILES.metadata]: { context_text: context, current_turn_text: text, timestamps: span, category: 'user_interruption' },
    }, truth, [request, barge]);
  }
  return { dir, pauseHandling: pauses, smoothTurnTaking: turnTaking, userInterruption: interruptions };
}
