/**
 * The engine with OpenAI-compatible speech servers as plug-ins (loopback servers speaking the exact
 * wire formats: test/helpers/speech-servers.ts), on a virtual clock. The STT server answers with a
 * scripted text that differs from what pocketsphinx hears, so the test can tell whose text the dialogue
 * answered; the TTS server streams real speech (flite's awb voice at 24 kHz). A failing, hanging or
 * garbage-speaking server degrades to pocketsphinx's text and flite's voice, with error events.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agentSpeech, closeVad, eventsOf, run, timeline } from './helpers/conversation.js';
import { startChatCompletionsServer, type ChatCompletionsServer } from './helpers/chat-completions-server.js';
import { startSttServer, startTtsServer, type ServerFailure, type SttServer, type TtsServer } from './helpers/speech-servers.js';
import { synth } from './helpers/speech.js';
import { drive } from './helpers/drive.js';
import { setTimeout as sleep } from 'node:timers/promises';

const SCRIPTED = 'What is the capital of France?';
const ANSWER = 'Paris is the capital of France.';

let stt: SttServer;
let tts: TtsServer;
let llm: ChatCompletionsServer;
before(async () => {
  [stt, tts, llm] = await Promise.all([startSttServer(), startTtsServer(), startChatCompletionsServer((last) => (/capital/i.test(last) ? ANSWER : `You said: ${last}.`), 1)]);
});
after(async () => {
  await Promise.all([stt.close(), tts.close(), llm.close()]);
  await closeVad();
});

function reset(fail: ServerFailure, script: SttServer['script']): void {
  for (const s of [stt, tts]) (s.fail = fail), (s.requests.length = 0);
  stt.script = script;
  llm.requests.length = 0;
}

/** Generous timeouts where the servers answer (a shared machine can be slow), short ones where they hang. */
const options = (timeoutMs = 10_000) => ({
  dialogue: { baseUrl: llm.baseUrl, model: 'test-llm' },
  sttServer: { url: stt.url, model: 'parakeet-tdt-0.6b-v2', timeoutMs },
  ttsServer: { url: `${tts.url}/v1`, model: 'kokoro', voice: 'af_heart', timeoutMs },
});

test('a spoken exchange: the dialogue answers the STT server\'s text, the agent speaks with the TTS server\'s audio', async () => {
  // The known text for the turn's first segment, nothing for any later one (the VAD may split a turn at its comma).
  reset('none', (n) => (n === 0 ? SCRIPTED : ''));
  const { result, agent } = await run([0.5, synth('Hello, can you hear me?'), 3], options());
  const why = timeline(result);
  // The server got the turn's audio as multipart: a 16 kHz WAV and the form fields.
  assert.ok(stt.requests.length >= 1, why);
  const r = stt.requests[0]!;
  assert.deepEqual(r.fields, { model: 'parakeet-tdt-0.6b-v2', language: 'en', response_format: 'json' });
  assert.equal(r.file.audio.sampleRate, 16000);
  assert.ok(r.file.audio.samples.length / 16000 > 0.8, 'the segment\'s audio');
  // The turn's committed text is the server's; the timeline keeps pocketsphinx's beside it.
  const [final] = eventsOf(result, 'transcript_final');
  assert.ok(final, why);
  assert.equal(final.text, SCRIPTED);
  assert.ok(final.streamingText && final.streamingText !== SCRIPTED, `pocketsphinx heard '${final.streamingText}'`);
  assert.match(final.textSource ?? '', /parakeet-tdt-0\.6b-v2 via http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions/);
  assert.ok(final.words.length > 0, 'word timing from pocketsphinx');
  assert.equal(llm.requests.at(-1)!.messages.at(-1)!.content, SCRIPTED, 'the dialogue answered the server\'s text');
  // The agent spoke the answer with the server's voice, and nothing degraded.
  const spoken = tts.requests.filter((q) => ANSWER.includes(q.body.input.replace(/[.]$/, '')));
  assert.ok(spoken.length >= 1, `TTS requests: ${tts.requests.map((q) => q.body.input).join(' | ')}`);
  assert.deepEqual({ ...spoken[0]!.body, input: undefined }, { model: 'kokoro', voice: 'af_heart', input: undefined, response_format: 'pcm' });
  assert.deepEqual(eventsOf(result, 'error'), []);
  const stop = eventsOf(result, 'agent_speech_stop').find((e) => e.kind === 'reply');
  assert.equal(stop?.reason, 'completed', why);
  const seconds = agent.reduce((n, s) => n + s.end - s.start, 0);
  assert.ok(seconds > 1, `agent speech ${seconds} s`);
});

for (const fail of ['500', 'hang', 'garbage'] as const) {
  test(`servers that ${fail === 'hang' ? 'never answer' : fail === '500' ? 'answer HTTP 500' : 'answer garbage'}: pocketsphinx's text and flite's voice, with error events, no turn lost`, async () => {
    reset(fail, () => SCRIPTED);
    const { result, agent } = await run([0.5, synth('What time is it?'), 3], options(fail === 'hang' ? 400 : undefined));
    const why = timeline(result) + '\n' + JSON.stringify(eventsOf(result, 'error'), null, 1);
    assert.ok(stt.requests.length >= 1 && tts.requests.length >= 1, 'both servers were asked');
    const [final] = eventsOf(result, 'transcript_final');
    assert.ok(final && final.text !== '', why);
    assert.equal(final.text, final.streamingText, 'the streaming recogniser\'s text stands in');
    assert.match(final.textSource ?? '', /pocketsphinx/);
    assert.equal(llm.requests.at(-1)!.messages.at(-1)!.content, final.text, 'the turn was answered');
    const errors = eventsOf(result, 'error');
    const code = fail === 'hang' ? 'TIMEOUT' : 'COMPONENT_FAILED';
    assert.ok(errors.some((e) => e.component === 'stt' && e.code === code), why);
    assert.ok(errors.some((e) => e.component === 'tts' && e.code === code && /flite/.test(e.message)), why);
    const stop = eventsOf(result, 'agent_speech_stop').find((e) => e.kind === 'reply');
    assert.equal(stop?.reason, 'completed', why);
    const seconds = (await agentSpeech(result)).reduce((n, s) => n + s.end - s.start, 0);
    assert.ok(seconds > 0.5 && agent.length > 0, `the agent still spoke (${seconds} s)`);
  });
}

test('a speculative reply is readied again on the STT server\'s text before the commit, and used', async () => {
  reset('none', (n) => (n === 0 ? SCRIPTED : ''));
  const spoke = (text: string) => (e: { type: string; text?: string }) => e.type === 'speculation_start' && e.text === text;
  const lastSpeculation = (events: readonly { type: string; text?: string }[]) => [...events].reverse().find((e) => e.type === 'speculation_start')?.text;
  const { result } = await drive(
    [0.5, synth('Hello, can you hear me?'), 3],
    async (session) => {
      // Whenever a speculation is on other words, let the server's answer (real time, loopback) arrive
      // before the next window: it must then be readied again on the server's words.
      const last = lastSpeculation(session.events);
      if (last === undefined || last === SCRIPTED) return;
      for (let i = 0; i < 500 && lastSpeculation(session.events) !== SCRIPTED; i++) await sleep(10);
    },
    options(),
  );
  const why = timeline(result);
  assert.ok(result.events.some(spoke(SCRIPTED)), why);
  const used = eventsOf(result, 'speculation_used');
  assert.deepEqual(used.map((e) => e.text), [SCRIPTED], why);
  assert.equal(eventsOf(result, 'turn_latency')[0]?.stages.speculative, true, why);
  assert.deepEqual(eventsOf(result, 'error'), []);
});
