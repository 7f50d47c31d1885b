/**
 * The server as a process (`fullduplex talk`): a kill -9 in the middle of a session leaves every
 * finished turn readable on disk (WAV, transcript, event log); SIGINT closes at once and SIGTERM drains
 * (a session that ends within the grace is left alone, one that outlasts it hears goodbye and closes
 * with 4003, a second SIGTERM closes at once), each time with every record finished and exit code 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWav } from '../src/audio/wav.js';
import { CloseCode } from '../src/server/protocol.js';
import { WsConversation } from '../bench/runner/ws-target.js';
import { compose, synth } from './helpers/speech.js';
import { RawClient, tempDir } from './helpers/server.js';
import { startTalk } from './helpers/talk-process.js';
import { defaultDrainOptions } from '../src/server/options.js';

function sessionDir(root: string): string {
  const [dir] = readdirSync(root);
  assert.ok(dir, 'a session folder exists');
  return join(root, dir);
}

test('kill -9 mid-session leaves every finished turn readable on disk', async () => {
  const root = tempDir('crash');
  const { child, url, exited } = await startTalk(root);
  const { audio, spans } = compose([0.5, synth('What time is it?'), 12]);
  const c = await WsConversation.open(16000, { url, client: 'crash test' });
  const playing = c.play(audio);
  // Wait for the turn to finish (the reply completed), then a little, then kill the server mid-session.
  for (let i = 0; i < 300 && !c.events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(c.events.some((e) => e.type === 'agent_speech_stop'), 'the reply finished before the kill');
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGKILL');
  assert.equal((await exited).signal, 'SIGKILL');
  await playing;

  const dir = sessionDir(root);
  // Transcript: the user's question and the agent's whole answer.
  const transcript = readFileSync(join(dir, 'transcript.txt'), 'utf8');
  assert.match(transcript, /user: +what time is it/);
  const answer = c.events.filter((e) => e.type === 'agent_text').map((e) => ('text' in e ? e.text : '')).join(' ');
  assert.ok(transcript.includes(`agent: ${answer}`), `${transcript}\n--- expected agent: ${answer}`);
  // Event log: every line is a whole JSON event, the turn is in it.
  const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; reason?: string });
  assert.ok(events.some((e) => e.type === 'transcript_final'));
  assert.ok(events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'));
  // Recording: a valid two-channel WAV holding the question (left) and the answer (right).
  const wav = parseWav(readFileSync(join(dir, 'conversation.wav')));
  assert.equal(wav.channels.length, 2);
  assert.equal(wav.sampleRate, 16000);
  const [user, agent] = wav.channels as [Int16Array, Int16Array];
  const stop = c.events.find((e) => e.type === 'agent_speech_stop')!.t;
  // The user channel is written as the client's audio arrives, which may trail the agent's stop by a
  // few input chunks on a loaded machine: the turn is on disk when the WAV reaches it within 0.25 s.
  assert.ok(user.length / 16000 >= stop - 0.25, `the WAV holds ${(user.length / 16000).toFixed(2)} s, the turn ended at ${stop.toFixed(2)} s`);
  const peak = (x: Int16Array, a: number, b: number) => x.subarray(Math.floor(a * 16000), Math.floor(b * 16000)).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak(user, spans[0]!.start, spans[0]!.end) > 3000, 'the question is in the left channel');
  assert.ok(peak(agent, spans[0]!.end, stop) > 3000, 'the answer is in the right channel');
});

test('SIGINT ends live sessions with 1001, finalises their records and exits 0', async () => {
  const root = tempDir('sigint');
  const { child, url, exited } = await startTalk(root);
  const c = await WsConversation.open(16000, { url, client: 'sigterm test' });
  const playing = c.play(compose([3]).audio);
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGINT');
  const r = await playing;
  await c.close();
  assert.equal((await exited).code, 0);
  assert.equal(r.stats.closeCode, CloseCode.GOING_AWAY);
  assert.ok(r.messages.some((m) => m.type === 'end' && m.code === CloseCode.GOING_AWAY));
  const meta = JSON.parse(readFileSync(join(sessionDir(root), 'session.json'), 'utf8')) as { ended?: string };
  assert.ok(meta.ended, 'session.json was finalised');
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function meta(root: string): { ended?: string; endReason?: string } {
  return JSON.parse(readFileSync(join(sessionDir(root), 'session.json'), 'utf8')) as { ended?: string; endReason?: string };
}

test('SIGTERM drains: a session that ends within the grace is not cut, new ones are refused, exit 0', async () => {
  const root = tempDir('drain-ok');
  const { child, url, exited } = await startTalk(root, ['--drain-grace-s', '30']);
  const c = await WsConversation.open(16000, { url, client: 'drain test' });
  const playing = c.play(compose([0.5, synth('What time is it?'), 6]).audio);
  await waitFor(() => c.events.some((e) => e.type === 'agent_speech_start'), 'the answer');
  child.kill('SIGTERM');
  const port = new URL(url).port;
  let ready: Response | undefined;
  for (let i = 0; i < 100 && (ready = await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(ready!.status, 503);
  assert.equal(((await ready!.json()) as { reason: string }).reason, 'draining');
  await assert.rejects(RawClient.connect(`ws://127.0.0.1:${port}/v1/session`), /HTTP 503/);
  const r = await playing;
  assert.ok(c.events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'), 'the answer played to its end');
  await c.close(); // the client ends its own session: the drain then completes
  assert.equal((await exited).code, 0);
  assert.equal(r.stats.closeCode, undefined, 'the server did not close the session');
  assert.match(readFileSync(join(sessionDir(root), 'transcript.txt'), 'utf8'), /user: +what time is it/);
  assert.match(meta(root).endReason ?? '', /client ended/);
});

test('SIGTERM drains: a session outlasting the grace hears goodbye and closes with 4003; records finished; exit 0', async () => {
  const root = tempDir('drain-goodbye');
  const { child, url, exited } = await startTalk(root, ['--drain-grace-s', '1']);
  const c = await WsConversation.open(16000, { url, client: 'drain goodbye test' });
  const playing = c.play(compose([0.5, synth('What time is it?'), 15]).audio);
  await waitFor(() => c.events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'), 'the answer');
  child.kill('SIGTERM');
  const r = await playing;
  assert.equal((await exited).code, 0);
  assert.equal(r.stats.closeCode, CloseCode.DRAINED);
  const transcript = readFileSync(join(sessionDir(root), 'transcript.txt'), 'utf8');
  assert.match(transcript, /user: +what time is it/);
  assert.ok(transcript.includes(`agent: ${defaultDrainOptions.farewell}`), transcript);
  assert.ok(meta(root).ended, 'session.json was finalised');
});

test('a second SIGTERM stops the drain at once (1001), still finishing the records; exit 0', async () => {
  const root = tempDir('drain-twice');
  const { child, url, exited } = await startTalk(root, ['--drain-grace-s', '120']);
  const c = await WsConversation.open(16000, { url, client: 'drain twice test' });
  const playing = c.play(compose([0.5, synth('What time is it?'), 15]).audio);
  await waitFor(() => c.events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'), 'the answer');
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGTERM');
  const r = await playing;
  assert.equal((await exited).code, 0);
  assert.equal(r.stats.closeCode, CloseCode.GOING_AWAY);
  assert.match(readFileSync(join(sessionDir(root), 'transcript.txt'), 'utf8'), /user: +what time is it/);
  assert.ok(meta(root).ended, 'session.json was finalised');
});
