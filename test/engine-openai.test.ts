/**
 * The engine with an OpenAI-compatible dialogue model, in real time: a loopback HTTP server speaks the
 * exact Chat Completions SSE wire format (no LLM can run here), slowly, like a real model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { RealClock } from '../src/audio/clock.js';
import { createLocalSession } from '../src/engine/local.js';
import type { ConversationSession } from '../src/engine/session.js';
import { compose, synth } from './helpers/speech.js';

interface Seen {
  body: { model: string; stream: boolean; messages: { role: string; content: string }[] };
  closedEarly: boolean;
  wordsSent: number;
}

const REPLY = 'Sure. Here is a long answer that keeps going for quite a while, one word after another, so that you have plenty of time to interrupt me before I am done talking about it.';

async function startModelServer(wordDelayMs: number) {
  const seen: Seen[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const rec: Seen = { body: JSON.parse(raw), closedEarly: false, wordsSent: 0 };
    seen.push(rec);
    const last = rec.body.messages[rec.body.messages.length - 1]!.content;
    const words = (/time/.test(last) ? 'It is time for a short answer.' : REPLY).split(' ');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let done = false;
    res.on('close', () => (rec.closedEarly = !done));
    for (const w of words) {
      if (res.destroyed) return;
      res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: rec.body.model, choices: [{ index: 0, delta: { content: w + ' ' }, finish_reason: null }] })}\n\n`);
      rec.wordsSent++;
      await sleep(wordDelayMs);
    }
    done = true;
    res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, close: () => new Promise((r) => server.close(r)) };
}

/** Plays audio into a session at wall-clock pace, one 32 ms window at a time, as a sound card would. */
async function playRealtime(session: ConversationSession, samples: Int16Array): Promise<void> {
  const t0 = performance.now();
  for (let k = 0, i = 0; i < samples.length; k++, i += 512) {
    const due = t0 + k * 32;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    session.pullAudio(512);
    void session.pushAudio(samples.subarray(i, i + 512), 16000);
  }
  await session.settle();
}

test('OpenAI-compatible model: answers, and is cancelled on barge-in (real time)', async () => {
  const model = await startModelServer(150);
  const session = await createLocalSession(new RealClock(), { dialogue: { baseUrl: model.url, model: 'test-model', apiKey: 'sk-test' } });
  try {
    const { audio } = compose([0.5, synth('Please tell me a long story.'), 2.5, synth('Wait, what time is it?'), 3]);
    await playRealtime(session, audio.samples);
    assert.ok(model.seen.length >= 2, `requests: ${model.seen.length}`);
    const first = model.seen[0]!;
    assert.equal(first.body.model, 'test-model');
    assert.equal(first.body.stream, true);
    assert.match(first.body.messages.at(-1)!.content, /story/);
    const spoken = session.events.filter((e) => e.type === 'agent_text').map((e) => (e as { text: string }).text).join(' ');
    assert.match(spoken, /long answer/, 'the streamed reply was spoken');
    assert.ok(first.closedEarly, `the first request was not cancelled (sent ${first.wordsSent} words)`);
    const second = model.seen.at(-1)!;
    assert.match(second.body.messages.at(-1)!.content, /time/);
    const interrupted = second.body.messages.find((m) => m.role === 'assistant');
    assert.ok(interrupted && interrupted.content.length < REPLY.length, 'history holds only what was heard');
    assert.ok(session.events.some((e) => e.type === 'agent_speech_truncated'));
  } finally {
    await session.close();
    await model.close();
  }
});
