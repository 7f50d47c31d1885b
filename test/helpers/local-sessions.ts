/**
 * Engine sessions on the calling thread, for the Gemini Live fake (a test helper that runs its own
 * beat): the shape the protocol endpoints had before they moved onto the server's live runtime.
 */
import type { Clock } from '../../src/audio/clock.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { createLocalSession, type LocalEngineOptions } from '../../src/engine/local.js';
import type { PredictorOverrides } from '../../src/engine/options.js';
import type { ConversationSession } from '../../src/engine/session.js';
import { Metronome, type Beat } from '../../src/server/metronome.js';
import type { AsrEngine, TtsEngine } from '../../src/speech/types.js';

/** What the fake asks for when a client connects. */
export interface LocalSessionRequest {
  readonly protocol: 'gemini-live';
  /** The session must run on this clock: the fake pulls agent audio on it in real time. */
  readonly clock: Clock;
  /** Every engine event, synchronously. */
  readonly onEvent: (e: EngineEvent) => void;
  readonly predictor?: PredictorOverrides;
  readonly voice?: string;
}

export type LocalSessionFactory = (req: LocalSessionRequest) => Promise<ConversationSession>;

/** Sessions from the fully local engine, sharing one recogniser and one synthesizer. */
export function localSessionFactory(o: Omit<LocalEngineOptions, 'onEvent' | 'shared'> & { asr: AsrEngine; tts: TtsEngine }): LocalSessionFactory {
  const { asr, tts, ...engine } = o;
  return (req) => {
    const asked = req.voice?.replace(/\.[a-z0-9]+$/i, '');
    const voice = asked && tts.voices.includes(asked) ? asked : engine.voice;
    return createLocalSession(req.clock, {
      ...engine,
      voice,
      predictor: { ...engine.predictor, ...req.predictor },
      onEvent: req.onEvent,
      computeTime: 'measured',
      shared: { asr, tts },
    });
  };
}

/** A member told how many frames came due since its last tick (a late tick: several at once). */
export class FrameCounter implements Beat {
  private last = 0;

  constructor(
    private readonly metronome: Metronome,
    private readonly onFrames: (count: number) => void,
  ) {}

  start(): void {
    this.last = this.metronome.currentFrame();
    this.metronome.add(this);
  }

  stop(): void {
    this.metronome.delete(this);
  }

  tick(frame: number): void {
    const count = frame - this.last;
    if (count <= 0) return;
    this.last = frame;
    this.onFrames(count);
  }
}

const shared = new Map<number, Metronome>();

/** A connection's output beat: told how many frames are due, on one metronome per frame length. */
export function frameBeat(frameMs: number, onFrames: (count: number) => void): FrameCounter {
  let m = shared.get(frameMs);
  if (!m) shared.set(frameMs, (m = new Metronome(frameMs)));
  return new FrameCounter(m, onFrames);
}
