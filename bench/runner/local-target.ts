/**
 * The in-process engine as a benchmark target. Virtual time runs the offline simulator (each
 * component's compute is charged to the clock — a modelled cost by default, so a run repeats exactly;
 * or the measured wall time — so latencies stay honest while running faster than real time); real time drives a session on the wall clock with the pacing loop in
 * realtime.ts. Either way the recording is the agent's channel cut to the input's length.
 */
import { RealClock, VirtualClock } from '../../src/audio/clock.js';
import type { PcmFrame } from '../../src/audio/frame.js';
import { resample } from '../../src/audio/resampler.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { createLocalSession, type LocalEngineOptions } from '../../src/engine/local.js';
import { ENGINE_SAMPLE_RATE, type ConversationSession } from '../../src/engine/session.js';
import { simulate } from '../../src/engine/simulate.js';
import { createAsr, createTts, resolveSpeechBackends } from '../../src/speech/registry.js';
import type { AsrEngine, TtsEngine } from '../../src/speech/types.js';
import { FullduplexError } from '../../src/errors.js';
import { computeCosts, type ComputeCostModel } from '../../src/engine/compute-time.js';
import { LOCAL_TARGET } from './config.js';
import { playRealtime } from './realtime.js';
import type { BenchClock, BenchTarget, TargetRunOptions, TargetRunResult } from './target.js';

export type LocalTargetOptions = Pick<LocalEngineOptions, 'voice' | 'eagerness' | 'predictor' | 'dialogue' | 'computeTime' | 'computeCosts' | 'speech'>;

export class LocalTarget implements BenchTarget {
  readonly name = 'local';
  readonly clocks: readonly BenchClock[] = ['virtual', 'realtime'];
  // Loaded once and shared by every session, as the live server does.
  private readonly asr: AsrEngine;
  private readonly tts: TtsEngine;

  constructor(private readonly options: LocalTargetOptions = {}) {
    const speech = resolveSpeechBackends(options.speech);
    this.asr = createAsr(speech.asr, speech.servers);
    this.tts = createTts(speech.tts, speech.servers);
  }

  describe(): string {
    const dialogue = typeof this.options.dialogue === 'object' ? 'OpenAI-compatible model' : 'embedded dialogue model';
    return `in-process engine, Family 3 (cascade + chunk-level duplex state predictor): Silero VAD, ${this.asr.name}, ${dialogue}, ${this.tts.name} voice ${this.options.voice ?? this.tts.defaultVoice}, eagerness ${this.options.eagerness ?? 'medium'}`;
  }

  /** How compute is charged on the virtual clock, for run.json (the cost model only when it is used). */
  virtualTime(): { computeTime: string; costs?: ComputeCostModel } {
    const mode = this.options.computeTime ?? 'modelled';
    return { computeTime: mode, ...(mode === 'modelled' && { costs: computeCosts(this.options.computeCosts) }) };
  }

  async run(input: PcmFrame, o: TargetRunOptions): Promise<TargetRunResult> {
    if (!this.clocks.includes(o.clock)) throw new FullduplexError('BAD_ARGUMENT', `local target: unknown clock ${o.clock}`);
    const pcm = input.sampleRate === ENGINE_SAMPLE_RATE ? input : await resample(input, ENGINE_SAMPLE_RATE);
    const engine: LocalEngineOptions = { ...this.options, shared: { asr: this.asr, tts: this.tts } };
    if (o.clock === 'virtual') {
      const clock = new VirtualClock();
      const session = await createLocalSession(clock, engine);
      try {
        // maxTailS 0: stop when the input ends; the recording is as long as the input (FDB convention).
        const r = await simulate(pcm, { ...engine, maxTailS: 0, session, clock });
        const closed = await closeWithin(session);
        return {
          output: { samples: r.agent.slice(0, pcm.samples.length), sampleRate: ENGINE_SAMPLE_RATE },
          events: [...session.events],
          info: { clock: 'virtual', computeTime: session.timing.mode, ...(!closed && { closeTimedOut: true }) },
        };
      } finally {
        void closeWithin(session);
      }
    }
    const clock = new RealClock();
    const session = await createLocalSession(clock, engine);
    try {
      const p = await playRealtime(session, clock, pcm.samples, o.signal);
      const closed = await closeWithin(session); // before reading events: closing adds the last ones
      return {
        output: { samples: p.output, sampleRate: ENGINE_SAMPLE_RATE },
        events: shiftEvents(session.events, -p.startedAt),
        info: { clock: 'realtime', lateWindows: p.lateWindows, maxLateMs: p.maxLateMs, ...(!closed && { closeTimedOut: true }) },
      };
    } finally {
      void closeWithin(session); // a no-op after a normal close; releases the session when playback threw
    }
  }

  async close(): Promise<void> {
    await this.asr.close();
    await this.tts.close();
  }
}

/**
 * session.close() waits for every reply task; one the session lost track of never settles (see the
 * benchmark report: an orphaned speculative reply), which would hang the whole run. The recording is
 * complete before close, so after LOCAL_TARGET.closeTimeoutMs we go on and note it in the sample info.
 */
async function closeWithin(session: ConversationSession): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), LOCAL_TARGET.closeTimeoutMs)));
  try {
    return await Promise.race([session.close().then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Events moved onto the input's timeline (t = 0 at input sample 0). */
export function shiftEvents(events: readonly EngineEvent[], by: number): EngineEvent[] {
  return events.map((e) => {
    const moved = { ...e, t: round4(e.t + by) } as EngineEvent;
    if (moved.type === 'user_speech_start') return { ...moved, onset: round4(moved.onset + by) };
    return moved;
  });
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
