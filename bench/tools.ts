/**
 * Tools benchmark (issue 13): a spoken request that needs a tool whose answer takes 1 s, on the
 * virtual clock with modelled compute (repeatable). Measures the time to the agent's first audio (a
 * filler, or the answer) over the quick set's smooth turn-taking samples, on tuning and held-out
 * voices: from the engine's commit (its end of the user's turn), from the true end of the user's
 * speech (the end-of-turn wait included), and what the tool adds over the same sample answered
 * without one (cut-ins beside them); and, over the whole quick set with every request needing a
 * tool, how many tool runs there were for turns that were never committed (must be 0), beside how many
 * speculative replies called a tool and were discarded. Writes bench/results/tools.json.
 *
 *   npm run bench:tools
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { defaultToolOptions } from '../src/engine/options.js';
import { simulate } from '../src/engine/simulate.js';
import type { EngineEvent } from '../src/engine/events.js';
import { projectRoot } from '../src/native.js';
import { createAsr, createTts } from '../src/speech/registry.js';
import { generateScenario, setPlan } from './scenarios/generate.js';
import type { VoiceSetName } from './scenarios/config.js';
import { gitCommit, machineInfo } from './lib/machine.js';
import { ToolCallingModel } from './tools/tool-model.js';

const TOOL_LATENCY_S = 1;
const TARGET_FIRST_AUDIO_S = 0.3;

interface ToolRun {
  readonly t: number;
  readonly userText: string;
  /** How many timeline events there were when the handler ran (what had happened before it). */
  readonly eventsBefore: number;
}

function progress(msg: string): void {
  process.stderr.write(`[bench:tools] ${msg}\n`);
}

/** One sample through the engine with the tool-calling model and a 1 s tool. */
async function runSample(input: Int16Array, shared: { asr: ReturnType<typeof createAsr>; tts: ReturnType<typeof createTts> }, withTools = true) {
  const clock = new VirtualClock();
  const runs: ToolRun[] = [];
  const model = new ToolCallingModel();
  const session = await createLocalSession(clock, {
    shared,
    dialogue: model,
    tools: withTools ? [
      {
        name: 'lookup',
        description: 'Looks the answer up (takes 1 s)',
        parameters: { type: 'object', properties: { query: { type: 'string' } } },
        handler: async (args: unknown) => {
          runs.push({ t: clock.now(), userText: (args as { query: string }).query, eventsBefore: session.events.length });
          await clock.sleep(TOOL_LATENCY_S);
          return { answer: 'sunny and warm' };
        },
      },
    ] : undefined,
  });
  await simulate({ samples: input, sampleRate: 16000 }, { session, clock, maxTailS: 6 });
  const events = [...session.events];
  const toolRuns = session.toolRuns;
  await session.close();
  return { events, runs, model, toolRuns };
}

/**
 * Tool runs whose turn the engine had not committed when the handler ran: no agent_reply_start for
 * that user text on the timeline before the run (checked from the timeline, not the engine's counter).
 */
function uncommittedRuns(events: readonly EngineEvent[], runs: readonly ToolRun[]): number {
  return runs.filter((r) => !events.slice(0, r.eventsBefore).some((e) => e.type === 'agent_reply_start' && e.userText === r.userText)).length;
}

function quantile(xs: readonly number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const ms = (s: number | null) => (s === null ? null : Math.round(s * 1000));

async function main(): Promise<void> {
  const started = Date.now();
  const shared = { asr: createAsr('pocketsphinx'), tts: createTts('flite') };
  // Part 1: first audio after the turn ends, smooth turn-taking samples on both voice sets.
  const latency: Record<string, unknown>[] = [];
  for (const voices of ['tuning', 'heldout'] as VoiceSetName[]) {
    for (const { category, index } of setPlan('quick', { categories: ['smooth_turn_taking'], voices })) {
      const sc = await generateScenario('quick', category, index, { voices });
      const r = await runSample(sc.input, shared);
      // The same sample answered without a tool: what the tool adds is the difference.
      const base = await runSample(sc.input, shared, false);
      const baseAudio = base.events.find((e) => e.type === 'agent_speech_start' && e.kind === 'reply')?.t ?? null;
      const turnEnd = sc.truth.turnEndS!;
      const firstReply = r.events.find((e) => e.type === 'agent_reply_start');
      const commit = firstReply?.t ?? null;
      const firstAudio = r.events.find((e) => e.type === 'agent_speech_start' && e.kind === 'reply')?.t ?? null;
      const filler = r.events.find((e) => e.type === 'tool_filler');
      const call = r.events.find((e) => e.type === 'tool_call');
      const result = r.events.find((e) => e.type === 'tool_result');
      const speculative = r.events.some((e) => e.type === 'speculation_used');
      latency.push({
        id: `${voices}/${sc.truth.id}`,
        voices,
        voice: sc.truth.voice,
        turnEndS: turnEnd,
        commitAfterTurnEndMs: commit === null ? null : ms(commit - turnEnd),
        firstAudioAfterTurnEndMs: firstAudio === null ? null : ms(firstAudio - turnEnd),
        firstAudioAfterCommitMs: firstAudio === null || commit === null ? null : ms(firstAudio - commit),
        withoutToolFirstAudioAfterTurnEndMs: baseAudio === null ? null : ms(baseAudio - turnEnd),
        addedByToolMs: baseAudio === null || firstAudio === null ? null : ms(firstAudio - baseAudio),
        cutIn: firstAudio !== null && firstAudio < turnEnd,
        toolCallAfterCommitMs: call && commit !== null ? ms(call.t - commit) : null,
        toolResultAfterCallMs: call && result ? ms(result.t - call.t) : null,
        filler: filler?.text ?? null,
        speculative,
        uncommittedToolRuns: uncommittedRuns(r.events, r.runs),
      });
      progress(`latency ${voices} ${sc.truth.id}: first audio ${JSON.stringify(latency.at(-1)!.firstAudioAfterTurnEndMs)} ms after the turn end`);
    }
  }
  // Part 2: the whole quick set, every request needing a tool: tool runs for uncommitted turns.
  const safety: Record<string, unknown>[] = [];
  for (const { category, index } of setPlan('quick')) {
    const sc = await generateScenario('quick', category, index);
    const r = await runSample(sc.input, shared);
    const count = (type: EngineEvent['type']) => r.events.filter((e) => e.type === type).length;
    safety.push({
      id: sc.truth.id,
      speculations: count('speculation_start'),
      speculationsUsed: count('speculation_used'),
      speculationsDiscarded: count('speculation_discarded'),
      modelCalls: r.model.requests.filter((q) => q.called).length,
      committedReplies: count('agent_reply_start'),
      toolRuns: r.runs.length,
      uncommittedToolRuns: uncommittedRuns(r.events, r.runs),
      engineCountedUncommitted: r.toolRuns.uncommitted,
    });
    progress(`safety ${sc.truth.id}: ${JSON.stringify(safety.at(-1))}`);
  }
  await shared.asr.close();
  await shared.tts.close();

  const rows = latency as { firstAudioAfterTurnEndMs: number | null; firstAudioAfterCommitMs: number | null; addedByToolMs: number | null; cutIn: boolean; voices: string; speculative: boolean }[];
  const summarize = (set: typeof rows) => {
    const fromEnd = set.flatMap((r) => (r.firstAudioAfterTurnEndMs === null ? [] : [r.firstAudioAfterTurnEndMs / 1000]));
    const fromCommit = set.flatMap((r) => (r.firstAudioAfterCommitMs === null ? [] : [r.firstAudioAfterCommitMs / 1000]));
    const added = set.flatMap((r) => (r.addedByToolMs === null ? [] : [r.addedByToolMs / 1000]));
    return {
      samples: set.length,
      answered: fromEnd.length,
      cutIns: set.filter((r) => r.cutIn).length,
      speculative: set.filter((r) => r.speculative).length,
      firstAudioAfterTurnEndMs: { median: ms(quantile(fromEnd, 0.5)), p90: ms(quantile(fromEnd, 0.9)), max: ms(quantile(fromEnd, 1)) },
      firstAudioAfterCommitMs: { median: ms(quantile(fromCommit, 0.5)), p90: ms(quantile(fromCommit, 0.9)), max: ms(quantile(fromCommit, 1)) },
      addedByToolMs: { median: ms(quantile(added, 0.5)), p90: ms(quantile(added, 0.9)), max: ms(quantile(added, 1)) },
    };
  };
  const sum = (k: string) => safety.reduce((a, r) => a + (r[k] as number), 0);
  const report = {
    benchmark: 'tools',
    command: 'npm run bench:tools',
    date: new Date().toISOString(),
    commit: gitCommit(projectRoot()),
    machine: machineInfo(),
    wallSeconds: Math.round((Date.now() - started) / 1000),
    setup: {
      clock: 'virtual, modelled compute (src/engine/compute-time.ts defaults)',
      dialogue: 'scripted tool-calling model (bench/tools/tool-model.ts): every request calls `lookup`, then answers',
      toolLatencyS: TOOL_LATENCY_S,
      toolOptions: defaultToolOptions,
      targetFirstAudioS: TARGET_FIRST_AUDIO_S,
    },
    latency: { tuning: summarize(rows.filter((r) => r.voices === 'tuning')), heldout: summarize(rows.filter((r) => r.voices === 'heldout')), samples: latency },
    uncommittedToolRuns: {
      samples: safety.length,
      speculations: sum('speculations'),
      speculationsDiscarded: sum('speculationsDiscarded'),
      modelToolCalls: sum('modelCalls'),
      toolRuns: sum('toolRuns'),
      uncommittedToolRuns: sum('uncommittedToolRuns'),
      engineCountedUncommitted: sum('engineCountedUncommitted'),
      perSample: safety,
    },
  };
  const dir = join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tools.json'), JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(JSON.stringify({ latency: { tuning: report.latency.tuning, heldout: report.latency.heldout }, uncommitted: { ...report.uncommittedToolRuns, perSample: undefined } }, null, 2) + '\n');
  progress(`wrote bench/results/tools.json in ${report.wallSeconds} s`);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
