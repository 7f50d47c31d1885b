/**
 * A committed turn waiting for a slow speech-to-text server does not stop the session listening.
 * Real components (Silero, pocketsphinx, flite) on a real clock, the user's audio pushed in real time
 * as a live transport pushes it (without waiting for each push), a loopback STT server speaking the
 * exact /v1/audio/transcriptions wire format that answers 2.5 s late, and a loopback Chat Completions
 * server. Observables that hold under CPU load: the predictor's pause count keeps advancing while the
 * text is on its way (windows are processed), and speech during the wait is on the timeline before the
 * late transcript, with the delay of an ordinary onset, not the server's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import { ENGINE_SAMPLE_RATE, WINDOW_SAMPLES, type ConversationSession } from '../src/engine/session.js';
import type { EngineEvent } from '../src/engine/events.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from './helpers/chat-completions-server.js';
import { startSttServer, type SttServer } from './helpers/speech-servers.js';
import { compose, synth } from './helpers/speech.js';

/** What the user says, and what the server hears (other words, so the test can tell whose text was answered). */
const SAID = 'What is the capital of France?';
const FIRST = 'What is the capital city of Spain?';
const SECOND = 'Tell me about the weather in Paris tomorrow.';
const DELAY_MS = 2500;

let stt: SttServer;
let llm: ChatCompletionsServer;
before(async () => {
  [stt, llm] = await Promise.all([startSttServer(), startChatCompletionsServer((last) => `You asked: ${last}`, 1)]);
  stt.delayMs = DELAY_MS;
});
after(async () => {
  await Promise.all([stt.close(), llm.close()]);
});

/** The user's audio, fed in real time; `then` replaces what is left to feed (speech reacting to the agent). */
class LiveUser {
  private audio: Int16Array;
  private at = 0;
  /** Session time at which each sample offset of the current audio is pushed (set as it goes). */
  pushedAt = new Map<number, number>();
  private origin = 0;

  constructor(parts: readonly (ReturnType<typeof synth> | number)[]) {
    this.audio = compose(parts).audio.samples;
  }

  /** From now on, feed `parts` instead of what is left; returns the offset where they begin. */
  then(parts: readonly (ReturnType<typeof synth> | number)[]): { offset: number; spans: { start: number }[] } {
    const next = compose(parts);
    const rest = new Int16Array(this.at + next.audio.samples.length);
    rest.set(this.audio.subarray(0, this.at));
    rest.set(next.audio.samples, this.at);
    const offset = this.at;
    this.audio = rest;
    return { offset, spans: next.spans };
  }

  /** Push every window at its real time (not waiting for the session): a blocked session would fall behind. */
  async run(session: ConversationSession, clock: RealClock): Promise<void> {
    this.origin = clock.now();
    const pushes: Promise<void>[] = [];
    for (; this.at + WINDOW_SAMPLES <= this.audio.length; this.at += WINDOW_SAMPLES) {
      const due = this.origin + (this.at + WINDOW_SAMPLES) / ENGINE_SAMPLE_RATE;
      const wait = due - clock.now();
      if (wait > 0) await sleep(wait * 1000);
      this.pushedAt.set(this.at, clock.now());
      pushes.push(session.pushAudio(this.audio.slice(this.at, this.at + WINDOW_SAMPLES)));
    }
    await Promise.all(pushes);
  }

  /** Session time at which sample `offset` was pushed (the window holding it). */
  timeOf(offset: number): number {
    const w = Math.floor(offset / WINDOW_SAMPLES) * WINDOW_SAMPLES;
    return this.pushedAt.get(w) ?? NaN;
  }
}

async function session(onEvent: (e: EngineEvent, s: ConversationSession) => void) {
  const clock = new RealClock();
  let s: ConversationSession | undefined;
  s = await createLocalSession(clock, {
    dialogue: { baseUrl: llm.baseUrl, model: 'test-llm' },
    sttServer: { url: stt.url, model: 'whisper-slow', timeoutMs: 20_000 },
    onEvent: (e) => s && onEvent(e, s),
  });
  return { clock, session: s };
}

/** The first text for the first turn's first request, then (after `nextTurn`) the second's; '' for later segments. */
function scriptTurns(): { nextTurn(): void } {
  let turn = 0;
  const answered = new Set<number>();
  stt.requests.length = 0;
  stt.script = () => {
    if (answered.has(turn)) return '';
    answered.add(turn);
    return turn === 0 ? FIRST : SECOND;
  };
  return { nextTurn: () => void turn++ };
}

const line = (e: EngineEvent) => `${e.t.toFixed(2)} ${e.type} ${'action' in e ? e.action : ''} ${'text' in e ? e.text : ''}`;

test('windows keep flowing while the turn\'s text is on its way, and the reply answers the server\'s text', async () => {
  scriptTurns();
  llm.requests.length = 0;
  let pauseAtCommit: number | undefined;
  let pauseAtText: number | undefined;
  let committedAt: number | undefined;
  const { clock, session: s } = await session((e, s) => {
    if (e.type === 'decision' && e.action === 'take_turn' && committedAt === undefined) (committedAt = e.t), (pauseAtCommit = s.predictor.pauseMs);
    if (e.type === 'transcript_final' && pauseAtText === undefined) pauseAtText = s.predictor.pauseMs;
  });
  const user = new LiveUser([0.5, synth(SAID), 5.5]);
  await user.run(s, clock);
  await s.settle();
  const why = s.events.filter((e) => e.type !== 'transcript_partial').map(line).join('\n');
  await s.close();
  assert.ok(committedAt !== undefined && pauseAtCommit !== undefined && pauseAtText !== undefined, why);
  // The server answered DELAY_MS after the segment's end; the windows of most of that wait were
  // processed before the text arrived (a blocked input chain would show no progress at all).
  const flowedMs = pauseAtText - pauseAtCommit;
  assert.ok(flowedMs >= 800, `${flowedMs} ms of windows processed while the text was on its way\n${why}`);
  const final = s.events.find((e) => e.type === 'transcript_final');
  assert.equal(final?.type === 'transcript_final' && final.text, FIRST, why);
  const reply = s.events.find((e) => e.type === 'agent_reply_start');
  assert.equal(reply?.type === 'agent_reply_start' && reply.userText, FIRST, why);
  assert.equal(llm.requests.at(-1)?.messages.at(-1)?.content, FIRST, `the dialogue answered the server's text: ${JSON.stringify(llm.requests.map((r) => r.messages))}\n${why}`);
  assert.deepEqual(s.history[0], { role: 'user', content: FIRST });
  assert.deepEqual(s.events.filter((e) => e.type === 'error'), []);
});

test('speech during the wait is heard at once; the waiting turn still joins the history', async () => {
  const turns = scriptTurns();
  llm.requests.length = 0;
  const user = new LiveUser([0.5, synth(SAID), 8]);
  let barge: { offset: number; spans: { start: number }[] } | undefined;
  const { clock, session: s } = await session((e) => {
    if (e.type === 'decision' && e.action === 'take_turn' && !barge) {
      // The user goes on 0.3 s after the commit, while the server is still working on the first turn.
      turns.nextTurn();
      barge = user.then([0.3, synth(SECOND), 6]);
    }
  });
  await user.run(s, clock);
  await s.settle();
  const why = s.events.filter((e) => e.type !== 'transcript_partial').map(line).join('\n');
  await s.close();
  assert.ok(barge, why);
  const firstText = s.events.findIndex((e) => e.type === 'transcript_final');
  const starts = s.events.map((e, i) => ({ e, i })).filter(({ e }) => e.type === 'user_speech_start');
  const onset = user.timeOf(barge.offset + Math.round(barge.spans[0]!.start * ENGINE_SAMPLE_RATE));
  const heard = starts.find(({ e }) => e.t >= onset - 0.05);
  assert.ok(heard, `no user_speech_start for the speech during the wait\n${why}`);
  // Heard before the late transcript arrived, with an onset's usual delay (a blocked chain would
  // hear it only once the server answered, DELAY_MS after the first turn's end).
  assert.ok(firstText < 0 || heard.i < firstText, `heard after the first turn's text arrived\n${why}`);
  assert.ok(heard.e.t - onset < 1.2, `heard ${(heard.e.t - onset).toFixed(2)} s after its onset\n${why}`);
  // Finished turns are never lost: the first turn's text joined the history, in order.
  const users = s.history.filter((m) => m.role === 'user').map((m) => m.content);
  assert.equal(users[0], FIRST, why);
  for (const e of s.events) if (e.type === 'transcript_final' && e.text) assert.ok(users.includes(e.text), `'${e.text}' is in the history\n${why}`);
});

test('respond() during the wait answers after the turn\'s text has joined the history', async () => {
  scriptTurns();
  llm.requests.length = 0;
  let responded: Promise<void> | undefined;
  let textSeen = false;
  let resolvedAfterText = false;
  const { clock, session: s } = await session((e, s) => {
    if (e.type === 'decision' && e.action === 'take_turn' && !responded) responded = s.respond('And Germany?').then(() => void (resolvedAfterText = textSeen));
    if (e.type === 'transcript_final') textSeen = true;
  });
  const user = new LiveUser([0.5, synth(SAID), 5]);
  await user.run(s, clock);
  await responded;
  await s.settle();
  const why = s.events.filter((e) => e.type !== 'transcript_partial').map(line).join('\n');
  await s.close();
  assert.ok(resolvedAfterText, `respond() resolved before the turn's text arrived\n${why}`);
  assert.deepEqual(s.history.filter((m) => m.role === 'user').map((m) => m.content), [FIRST, 'And Germany?'], why);
  const replies = s.events.filter((e) => e.type === 'agent_reply_start');
  assert.deepEqual(replies.map((e) => e.type === 'agent_reply_start' && e.userText), ['And Germany?'], why);
  assert.deepEqual(llm.requests.at(-1)?.messages.filter((m) => m.role === 'user').map((m) => m.content), [FIRST, 'And Germany?']);
});

test('close() during the wait keeps the turn: its text joins the history, unanswered', async () => {
  scriptTurns();
  llm.requests.length = 0;
  let closing: Promise<void> | undefined;
  const { clock, session: s } = await session((e, s) => {
    if (e.type === 'decision' && e.action === 'take_turn' && !closing) closing = s.close();
  });
  const user = new LiveUser([0.5, synth(SAID), 3]);
  await user.run(s, clock).catch(() => undefined); // pushes after the close are refused with error events
  await closing;
  const why = s.events.filter((e) => e.type !== 'transcript_partial').map(line).join('\n');
  assert.ok(closing, why);
  const final = s.events.find((e) => e.type === 'transcript_final');
  assert.equal(final?.type === 'transcript_final' && final.text, FIRST, why);
  assert.deepEqual(s.history.filter((m) => m.role === 'user').map((m) => m.content), [FIRST], why);
  assert.equal(s.events.filter((e) => e.type === 'agent_reply_start').length, 0, why);
  assert.ok(s.events.some((e) => e.type === 'session_end'), why);
});
