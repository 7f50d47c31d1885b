/**
 * How a session on a virtual clock times its own work. The simulator advances the clock one 32 ms
 * window at a time; what the components compute inside a window has to be charged to session time
 * somehow, or every reply would be ready the instant its turn ends:
 *
 * - 'modelled' (default): each component is charged a fixed modelled cost (COMPUTE_COSTS, taken from
 *   the component benchmark), so the same input always gives the same timeline, on any machine.
 * - 'measured': the wall time the components really spent is charged (honest for this machine and
 *   load, but no two runs agree).
 * - 'none': work is free; time only moves with the input.
 *
 * Work is charged to lanes. The input side (VAD, recogniser) is one lane that carries a backlog from
 * window to window, as a real-time loop that runs late would; each reply (dialogue model + TTS) is a
 * lane of its own that starts when the reply is started, so its timing does not depend on which
 * promise happens to resolve first.
 */
import { performance } from 'node:perf_hooks';
import { VirtualClock, type Clock } from '../audio/clock.js';
import type { DialogueModel, DialogueRequest } from '../dialogue/types.js';
import type { AsrResult, AsrStream, TtsChunk, TtsEngine, TtsSynthesisOptions } from '../speech/types.js';
import { FullduplexError } from '../errors.js';

export type ComputeTime = 'modelled' | 'measured' | 'none';

export const COMPUTE_TIMES: readonly ComputeTime[] = ['modelled', 'measured', 'none'];

/**
 * Modelled cost of each component, ms. Source: bench/results/components.json (2-core AMD EPYC,
 * `npm run bench:components`), except where noted. Medians for one-off latencies, means for
 * per-chunk throughput (what a long stretch of audio really costs).
 */
export interface ComputeCostModel {
  /** Silero VAD, one 32 ms window (components.json vad.msPerWindow.mean 0.34). */
  readonly vadMsPerWindow: number;
  /**
   * pocketsphinx streaming decode per second of audio pushed (= real-time factor × 1000). The engine's
   * `-maxhmmpf 2000 -topn 2` search runs at RTF 0.13 (README component table, bench/lib/asr-variants.ts);
   * components.json's 0.32 is the decoder's default search.
   */
  readonly asrMsPerAudioSecond: number;
  /** pocketsphinx end of utterance → final hypothesis (components.json asr.finalDelayMs.median 46). */
  readonly asrFinishMs: number;
  /**
   * Dialogue model, request → first text delta. The component benchmark has no dialogue model; the
   * embedded model measured 0.7 ms median here (8 prompts × 4 rounds), rounded up.
   */
  readonly dialogueFirstTokenMs: number;
  /** Dialogue model, each further text delta (embedded model: well under 0.01 ms). */
  readonly dialogueMsPerToken: number;
  /** flite, text → first audio chunk, per voice (components.json tts[].firstAudioMs.median). */
  readonly ttsFirstAudioMs: Readonly<Record<string, number>>;
  /** flite first-audio cost for a voice not in `ttsFirstAudioMs`. */
  readonly ttsFirstAudioMsOther: number;
  /** flite, each further chunk, per second of audio (components.json slt rtf 0.018 × 1000). */
  readonly ttsMsPerAudioSecond: number;
}

export const COMPUTE_COSTS: ComputeCostModel = {
  vadMsPerWindow: 0.34,
  asrMsPerAudioSecond: 130,
  asrFinishMs: 46,
  dialogueFirstTokenMs: 1,
  dialogueMsPerToken: 0.01,
  ttsFirstAudioMs: { slt: 11.2, rms: 13.8, awb: 11.8, kal16: 1.3, kal: 4.4 },
  ttsFirstAudioMsOther: 11.2,
  ttsMsPerAudioSecond: 18,
};

/**
 * The wall-clock date a session in modelled time starts at (the dialogue model answers "what time is
 * it" from it, in UTC), so a repeated run says the same words. Session time is added to it.
 */
export const MODELLED_START_DATE = '2025-01-01T12:00:00Z';

/** A costs object with every field checked (a bad override is a clear error, not a NaN timeline). */
export function computeCosts(overrides: Partial<ComputeCostModel> = {}): ComputeCostModel {
  const c = { ...COMPUTE_COSTS, ...overrides, ttsFirstAudioMs: { ...COMPUTE_COSTS.ttsFirstAudioMs, ...overrides.ttsFirstAudioMs } };
  const numbers: [string, number][] = [
    ...(['vadMsPerWindow', 'asrMsPerAudioSecond', 'asrFinishMs', 'dialogueFirstTokenMs', 'dialogueMsPerToken', 'ttsFirstAudioMsOther', 'ttsMsPerAudioSecond'] as const).map(
      (k): [string, number] => [k, c[k]],
    ),
    ...Object.entries(c.ttsFirstAudioMs).map(([v, ms]): [string, number] => [`ttsFirstAudioMs.${v}`, ms]),
  ];
  for (const [name, v] of numbers) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new FullduplexError('BAD_ARGUMENT', `compute cost ${name} must be a finite number of ms ≥ 0 (got ${v})`);
  }
  return c;
}

/** One timeline of work: `stamp()` is when the work charged so far is done. */
export interface ComputeLane {
  stamp(): number;
  /** Work of `ms` (modelled) happened now. */
  charge(ms: number): void;
  /** Nothing in this lane happens before session time `t` (a parked reply resumed at its commit). */
  catchUp(t: number): void;
}

/** Modelled work: starts when the lane is free (or now, if later) and takes its modelled cost. */
class ModelledLane implements ComputeLane {
  constructor(
    private readonly clock: Clock,
    private at: number,
  ) {}
  stamp(): number {
    return Math.max(this.clock.now(), this.at);
  }
  charge(ms: number): void {
    this.at = this.stamp() + ms / 1000;
  }
  catchUp(t: number): void {
    this.at = Math.max(this.at, t);
  }
}

/** Measured work: the window's start plus the wall time spent since (every lane shares it). */
class MeasuredLane implements ComputeLane {
  private originVirtual = 0;
  private originWall = 0;
  constructor(private readonly clock: Clock) {}
  begin(): void {
    this.originVirtual = this.clock.now();
    this.originWall = performance.now();
  }
  stamp(): number {
    return Math.max(this.clock.now(), this.originVirtual + (performance.now() - this.originWall) / 1000);
  }
  charge(): void {}
  catchUp(): void {}
}

/** Free work (also: any real clock, where the wall time is the session time). */
class FreeLane implements ComputeLane {
  constructor(private readonly clock: Clock) {}
  stamp(): number {
    return this.clock.now();
  }
  charge(): void {}
  catchUp(): void {}
}

/** The lanes of one session and the component wrappers that charge them. */
export class ComputeTiming {
  readonly mode: ComputeTime;
  readonly costs: ComputeCostModel;
  /** The input side: VAD, recogniser, decisions. */
  readonly input: ComputeLane;

  constructor(
    private readonly clock: Clock,
    mode: ComputeTime = 'modelled',
    costs: Partial<ComputeCostModel> = {},
  ) {
    if (!COMPUTE_TIMES.includes(mode)) throw new FullduplexError('BAD_ARGUMENT', `computeTime must be ${COMPUTE_TIMES.join(', ')} (got ${String(mode)})`);
    this.mode = clock instanceof VirtualClock ? mode : 'none';
    this.costs = computeCosts(costs);
    this.input = this.mode === 'modelled' ? new ModelledLane(clock, clock.now()) : this.mode === 'measured' ? new MeasuredLane(clock) : new FreeLane(clock);
  }

  /** A decision window begins (measured time counts from here). */
  beginWindow(): void {
    if (this.input instanceof MeasuredLane) this.input.begin();
  }

  /** A lane for a reply started now: its own when modelled, the input's otherwise (measured time is shared). */
  replyLane(): ComputeLane {
    return this.mode === 'modelled' ? new ModelledLane(this.clock, this.input.stamp()) : this.input;
  }

  /** The recogniser stream, charging its decoding to the input lane. */
  meterAsr(stream: AsrStream, sampleRate: number): AsrStream {
    if (this.mode !== 'modelled') return stream;
    const lane = this.input;
    const c = this.costs;
    return {
      push: (samples: Int16Array) => (lane.charge((samples.length / sampleRate) * c.asrMsPerAudioSecond), stream.push(samples)),
      finish: async (): Promise<AsrResult> => {
        const r = await stream.finish();
        lane.charge(c.asrFinishMs);
        return r;
      },
      cancel: () => stream.cancel(),
      close: () => stream.close(),
      // Optional capability: forwarded only where the recogniser has it (TurnRecognizer checks).
      ...(stream.resetAdaptation && { resetAdaptation: () => stream.resetAdaptation!() }),
      get onPartial() {
        return stream.onPartial;
      },
      set onPartial(f) {
        stream.onPartial = f;
      },
    };
  }

  /** The synthesizer, charging a reply's lane per chunk. */
  meterTts(tts: TtsEngine, lane: ComputeLane): TtsEngine {
    if (this.mode !== 'modelled') return tts;
    const c = this.costs;
    return {
      name: tts.name,
      voices: tts.voices,
      defaultVoice: tts.defaultVoice,
      sampleRateOf: (voice) => tts.sampleRateOf(voice),
      close: () => tts.close(),
      async *synthesize(text: string, options?: TtsSynthesisOptions): AsyncGenerator<TtsChunk> {
        const voice = options?.voice ?? tts.defaultVoice;
        let first = true;
        for await (const chunk of tts.synthesize(text, options)) {
          const audioMs = (chunk.samples.length / chunk.sampleRate) * c.ttsMsPerAudioSecond;
          lane.charge(first ? (c.ttsFirstAudioMs[voice] ?? c.ttsFirstAudioMsOther) : audioMs);
          first = false;
          yield chunk;
        }
      },
    };
  }

  /** The dialogue model, charging a reply's lane per text delta. */
  meterDialogue(model: DialogueModel, lane: ComputeLane): DialogueModel {
    if (this.mode !== 'modelled') return model;
    const c = this.costs;
    return {
      name: model.name,
      async *reply(req: DialogueRequest): AsyncGenerator<string> {
        let first = true;
        // A tool call is model output like text: its first token and the argument tokens cost the same.
        const onToolCall = req.onToolCall && ((call: Parameters<NonNullable<DialogueRequest['onToolCall']>>[0]) => {
          lane.charge((first ? c.dialogueFirstTokenMs : 0) + c.dialogueMsPerToken * Math.ceil((call.name.length + call.arguments.length) / 4));
          first = false;
          req.onToolCall!(call);
        });
        for await (const delta of model.reply(onToolCall ? { ...req, onToolCall } : req)) {
          lane.charge(first ? c.dialogueFirstTokenMs : c.dialogueMsPerToken);
          first = false;
          yield delta;
        }
      },
    };
  }
}
