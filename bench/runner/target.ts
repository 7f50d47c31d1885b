/**
 * A benchmark target: any system that can be played a user recording and answer with audio. The
 * in-process engine, the engine over its own WebSocket protocol, and foreign systems over OpenAI
 * Realtime, Moshi or Gemini Live protocols all implement this, so one scoring path measures them all.
 */
import type { PcmFrame } from '../../src/audio/frame.js';
import type { EngineEvent } from '../../src/engine/events.js';

export type BenchClock = 'virtual' | 'realtime';

export interface TargetRunOptions {
  /** 'virtual' is only possible for in-process targets; remote targets always run in real time. */
  readonly clock: BenchClock;
  /** Aborting stops the run early (the recording so far is returned). */
  readonly signal?: AbortSignal;
}

export interface TargetRunResult {
  /**
   * The target's audio, time-synchronous with the input and exactly as long as it (Full-Duplex-Bench
   * convention): sample i of `output` was heard at the same moment as sample i of the input.
   */
  readonly output: PcmFrame;
  /** The engine's own timeline where the target exposes one (predictor decisions for the report lanes). */
  readonly events?: readonly EngineEvent[];
  /** Anything the target wants recorded with the sample (model name, transport, codec). */
  readonly info?: Record<string, unknown>;
}

export interface BenchTarget {
  /** Short id used in reports, e.g. "local", "ws://127.0.0.1:8787", "moshi://host:8998". */
  readonly name: string;
  /** Which clocks this target supports. */
  readonly clocks: readonly BenchClock[];
  /** One-line description for reports (family, transport, codec). */
  describe(): string;
  /** Play `input` (mono PCM16) into the target and record its answer. */
  run(input: PcmFrame, options: TargetRunOptions): Promise<TargetRunResult>;
  /** In-process targets: how component compute is charged on the virtual clock (recorded in run.json). */
  virtualTime?(): Record<string, unknown>;
  close(): Promise<void>;
}
