/**
 * A ConversationSession on scripted fakes and a virtual clock, driven window by window as a sound card
 * would (pull one window of agent audio, advance 32 ms, push one window of user audio, settle). The
 * user's audio is a steady voiced tone inside the scripted speech spans and silence outside, so the
 * level- and pitch-based evidence sees one consistent speaker.
 */
import { VirtualClock } from '../../src/audio/clock.js';
import type { EngineEvent, EngineEventType } from '../../src/engine/events.js';
import { ConversationSession, ENGINE_SAMPLE_RATE, WINDOW_SAMPLES, type SessionOptions } from '../../src/engine/session.js';
import { FakeAsr, FakeDialogue, FakeTts, FakeVad, type FakeDialogueOptions, type ScriptedUtterance, type SpeechSpan } from './fakes/index.js';

export interface FakeSessionOptions extends Partial<Omit<SessionOptions, 'clock' | 'vad' | 'asr' | 'tts' | 'dialogue'>> {
  readonly speech?: readonly SpeechSpan[];
  readonly asr?: readonly (string | ScriptedUtterance)[];
  readonly replies?: FakeDialogueOptions['replies'];
  readonly vad?: FakeVad;
  readonly tts?: FakeTts;
  readonly dialogue?: FakeDialogue;
}

export interface FakeSession {
  readonly session: ConversationSession;
  readonly clock: VirtualClock;
  readonly vad: FakeVad;
  readonly asr: FakeAsr;
  readonly tts: FakeTts;
  readonly dialogue: FakeDialogue;
  /** Agent audio pulled so far. */
  readonly agent: Int16Array[];
  /** Run `ms` of conversation (rounded up to whole windows). */
  run(ms: number): Promise<void>;
  /** Run until the clock reads `ms`. */
  runTo(ms: number): Promise<void>;
  /** Stream time of the next window pushed, ms. */
  readonly nowMs: number;
  events<T extends EngineEventType>(type: T): Extract<EngineEvent, { type: T }>[];
  /** Event types in order, without the per-window noise (decisions, partials, latency stages). */
  story(): string[];
}

/** Rules-based end of turn: its waits are documented numbers (options.ts), so tests can reason in ms. */
const RULES = { endOfTurn: { policy: 'rules' as const } };

export async function fakeSession(o: FakeSessionOptions = {}): Promise<FakeSession> {
  const clock = new VirtualClock();
  const vad = o.vad ?? new FakeVad({ speech: o.speech ?? [] });
  const asr = new FakeAsr(o.asr ?? []);
  const tts = o.tts ?? new FakeTts();
  const dialogue = o.dialogue ?? new FakeDialogue({ replies: o.replies ?? ['Sure.'] });
  const { speech: _s, asr: _a, replies: _r, vad: _v, tts: _t, dialogue: _d, ...rest } = o;
  const session = await ConversationSession.create({
    computeTime: 'none',
    ...rest,
    predictor: { ...RULES, ...o.predictor, endOfTurn: { ...RULES.endOfTurn, ...o.predictor?.endOfTurn } },
    clock,
    vad,
    asr,
    tts,
    dialogue,
  });
  const agent: Int16Array[] = [];
  let windows = 0;
  const windowMs = (WINDOW_SAMPLES / ENGINE_SAMPLE_RATE) * 1000;
  const spans = o.speech ?? vad.speech;
  const step = async (): Promise<void> => {
    const at = windows * windowMs + windowMs / 2;
    const speaking = spans.some((s) => at >= s.startMs && at < s.endMs);
    agent.push(session.pullAudio(WINDOW_SAMPLES));
    await clock.advance(WINDOW_SAMPLES / ENGINE_SAMPLE_RATE);
    await session.pushAudio(speaking ? voice(windows) : new Int16Array(WINDOW_SAMPLES));
    await session.settle();
    windows++;
  };
  const f: FakeSession = {
    session,
    clock,
    vad,
    asr,
    tts,
    dialogue,
    agent,
    get nowMs() {
      return windows * windowMs;
    },
    async run(ms) {
      const end = f.nowMs + ms;
      while (f.nowMs < end) await step();
    },
    async runTo(ms) {
      while (f.nowMs < ms) await step();
    },
    events: (type) => session.events.filter((e) => e.type === type) as never,
    story: () => session.events.filter((e) => !QUIET.has(e.type)).map((e) => e.type),
  };
  return f;
}

const QUIET = new Set<string>(['decision', 'transcript_partial', 'turn_latency', 'session_start']);

/** One window of a steady 150 Hz voiced tone at about −20 dBFS (continuous phase across windows). */
function voice(k: number): Int16Array {
  const out = new Int16Array(WINDOW_SAMPLES);
  for (let i = 0; i < WINDOW_SAMPLES; i++) {
    const n = k * WINDOW_SAMPLES + i;
    out[i] = Math.round(3300 * Math.sin((2 * Math.PI * 150 * n) / ENGINE_SAMPLE_RATE) + 1000 * Math.sin((2 * Math.PI * 450 * n) / ENGINE_SAMPLE_RATE));
  }
  return out;
}
