/**
 * deploy/haproxy.cfg, as documented, in front of two `fullduplex talk` processes, all on loopback:
 * spoken sessions through the balancer spread over both; a drained instance (SIGTERM) is taken out of
 * rotation by its /readyz while its running session still gets answers, new sessions go to the other;
 * a killed instance (SIGKILL) leaves its clients with a prompt close and its finished turns on disk;
 * a full instance (--max-sessions reached, /readyz 503) is skipped until it has room again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseWav } from '../src/audio/wav.js';
import { WsConversation, type WsRunResult } from '../bench/runner/ws-target.js';
import { compose, synth } from './helpers/speech.js';
import { tempDir } from './helpers/server.js';
import { recordedSessions, startTalk, type TalkProcess } from './helpers/talk-process.js';

const CONFIG = join(process.cwd(), 'deploy', 'haproxy.cfg');
const haveHaproxy = spawnSync('haproxy', ['-v']).status === 0;

/** A port free right now on 127.0.0.1 (HAProxy binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(check).catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** HAProxy's view of each instance (UP, DOWN, …), from its status page's CSV (`column`: another of its columns). */
async function serverStates(statsPort: number, column = 'status'): Promise<Record<string, string>> {
  const csv = await (await fetch(`http://127.0.0.1:${statsPort}/;csv`)).text();
  const [header, ...rows] = csv.split('\n');
  const cols = header!.replace(/^# /, '').split(',');
  const name = cols.indexOf('svname');
  const status = cols.indexOf(column);
  const out: Record<string, string> = {};
  for (const r of rows.map((l) => l.split(','))) if (r[0] === 'instances' && r[name] && r[name] !== 'BACKEND') out[r[name]!] = r[status]!;
  return out;
}

/** Start HAProxy with deploy/haproxy.cfg in front of `a` and `b` (ports), health checks every 200 ms. */
async function startHaproxy(a: number, b: number, extraEnv: Record<string, string> = {}) {
  const [front, stats] = [await freePort(), await freePort()];
  const child = spawn('haproxy', ['-db', '-f', CONFIG], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FULLDUPLEX_BIND: `127.0.0.1:${front}`, FULLDUPLEX_A: `127.0.0.1:${a}`, FULLDUPLEX_B: `127.0.0.1:${b}`, FULLDUPLEX_STATS: `127.0.0.1:${stats}`, FULLDUPLEX_CHECK_MS: '200', ...extraEnv },
  });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return { child, front, stats, log: () => log };
}

const answered = (c: WsConversation, n = 1) => c.events.filter((e) => e.type === 'agent_speech_stop' && e.kind === 'reply' && e.reason === 'completed').length >= n;

test('HAProxy spreads sessions, skips a draining instance while its sessions finish, and a killed instance loses no finished turn', { skip: !haveHaproxy && 'haproxy is not installed (scripts/setup.mjs installs it)' }, async () => {
  const dirs = { a: tempDir('lb-a'), b: tempDir('lb-b') };
  const flags = ['--workers', '1', '--drain-grace-s', '30'];
  const talks: Record<'a' | 'b', TalkProcess> = Object.fromEntries(await Promise.all((['a', 'b'] as const).map(async (k) => [k, await startTalk(dirs[k], flags)] as const))) as Record<'a' | 'b', TalkProcess>;
  const [front, stats] = [await freePort(), await freePort()];
  const haproxy = spawn('haproxy', ['-db', '-f', CONFIG], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      FULLDUPLEX_BIND: `127.0.0.1:${front}`,
      FULLDUPLEX_A: `127.0.0.1:${talks.a.port}`,
      FULLDUPLEX_B: `127.0.0.1:${talks.b.port}`,
      FULLDUPLEX_STATS: `127.0.0.1:${stats}`,
      FULLDUPLEX_CHECK_MS: '200', // the test's health checks: 5 per second
    },
  });
  let haproxyLog = '';
  haproxy.stderr!.on('data', (d: Buffer) => (haproxyLog += d.toString()));
  const url = `http://127.0.0.1:${front}`;
  try {
    await until(async () => JSON.stringify(await serverStates(stats)) === JSON.stringify({ a: 'UP', b: 'UP' }), `both instances UP (${haproxyLog})`);

    // Two sessions through the balancer: one on each instance (leastconn).
    const question = synth('What time is it?');
    // The first ends by itself after two questions; the others run until the kill cuts them.
    const twoQuestions = compose([0.5, question, 5, question, 6]).audio;
    const untilKilled = compose([0.5, question, 5, question, 25]).audio;
    const first = await WsConversation.open(16000, { url, client: 'lb first' });
    const second = await WsConversation.open(16000, { url, client: 'lb second' });
    const playing = [first.play(twoQuestions), second.play(untilKilled)];
    const where = (client: string) => (['a', 'b'] as const).find((k) => recordedSessions(dirs[k]).some((s) => s.meta.client === client));
    const drained = where('lb first')!;
    const kept = drained === 'a' ? 'b' : 'a';
    assert.equal(where('lb second'), kept, 'the second session went to the other instance');
    await until(() => answered(first) && answered(second), 'both first answers');

    // Drain one: HAProxy sees its /readyz turn 503 and sends the next sessions to the other.
    talks[drained].child.kill('SIGTERM');
    await until(async () => (await serverStates(stats))[drained] === 'DOWN', `the drained instance marked DOWN`);
    const short = compose([0.5, question, 25]).audio;
    const third = await WsConversation.open(16000, { url, client: 'lb third' });
    const fourth = await WsConversation.open(16000, { url, client: 'lb fourth' });
    const late = [third.play(short), fourth.play(short)];
    assert.equal(where('lb third'), kept);
    assert.equal(where('lb fourth'), kept);
    // The running session on the drained instance goes on: its second question is answered.
    const firstRun = await playing[0]!;
    assert.ok(answered(first, 2), `the drained instance answered its running session's second question: ${first.events.map((e) => e.type).join(' ')}`);
    assert.equal(firstRun.stats.closeCode, undefined, 'the drained instance did not cut its session');
    await first.close();
    assert.equal((await talks[drained].exited).code, 0, 'the drained instance exited 0 once its session ended');

    // Kill the other mid-session: every client's connection closes promptly.
    await until(() => answered(third), 'the third session answered');
    talks[kept].child.kill('SIGKILL');
    const cut = (await Promise.race([
      Promise.all([playing[1]!, ...late]),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a client was left hanging after SIGKILL')), 10_000)),
    ])) as WsRunResult[];
    // No close frame can come from a killed process: the balancer drops the connection (1006).
    cut.forEach((r, i) => assert.equal(r.stats.closeCode, 1006, `${['second', 'third', 'fourth'][i]} session`));
    assert.equal((await talks[kept].exited).signal, 'SIGKILL');
    // Its finished turns are on disk: transcript lines, whole events, a readable two-channel WAV.
    for (const client of ['lb second', 'lb third']) {
      const s = recordedSessions(dirs[kept]).find((x) => x.meta.client === client)!;
      assert.match(s.transcript, /user: +what time is it/, `${client}: ${s.transcript}`);
      assert.match(s.transcript, /agent: /, `${client}: ${s.transcript}`);
      const events = readFileSync(join(s.dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; reason?: string });
      assert.ok(events.some((e) => e.type === 'agent_speech_stop' && e.reason === 'completed'));
      const wav = parseWav(readFileSync(join(s.dir, 'conversation.wav')));
      assert.equal(wav.channels.length, 2);
      assert.ok(wav.channels[0]!.length / 16000 > 2, 'the recording holds the question and its answer');
    }
  } finally {
    for (const t of Object.values(talks)) if (t.child.exitCode === null && t.child.signalCode === null) t.child.kill('SIGKILL');
    haproxy.kill('SIGTERM');
  }
});

test('HAProxy skips a full instance (its /readyz 503) and sends new sessions to the other; it returns once it has room', { skip: !haveHaproxy && 'haproxy is not installed (scripts/setup.mjs installs it)' }, async () => {
  const dirs = { a: tempDir('lb-full-a'), b: tempDir('lb-full-b') };
  // `a` takes one session at a time; `b` the default.
  const [a, b] = await Promise.all([startTalk(dirs.a, ['--workers', '1', '--max-sessions', '1']), startTalk(dirs.b, ['--workers', '1'])]);
  const lb = await startHaproxy(a.port, b.port);
  const url = `http://127.0.0.1:${lb.front}`;
  const open: WsConversation[] = [];
  const where = (client: string) => (['a', 'b'] as const).find((k) => recordedSessions(dirs[k]).some((s) => s.meta.client === client));
  try {
    await until(async () => JSON.stringify(await serverStates(lb.stats)) === JSON.stringify({ a: 'UP', b: 'UP' }), `both instances UP (${lb.log()})`);
    // Fill `a` with a session of its own (straight to it, not through the balancer).
    open.push(await WsConversation.open(16000, { url: a.url, client: 'lb filler' }));
    assert.equal((await fetch(`http://127.0.0.1:${a.port}/readyz`)).status, 503, 'a full instance is not ready');
    // HAProxy's next checks see the 503 and take it out of rotation (not a race: we wait for its verdict).
    await until(async () => (await serverStates(lb.stats)).a === 'DOWN', 'the full instance marked DOWN');
    assert.equal((await serverStates(lb.stats, 'check_code')).a, '503', 'taken out for its /readyz answer');
    // Three sessions held open at once through the balancer: leastconn would put at least one on an
    // instance in rotation with fewer of its connections, so all three on `b` means `a` was skipped.
    for (const n of [1, 2, 3]) open.push(await WsConversation.open(16000, { url, client: `lb skip ${n}` }));
    for (const n of [1, 2, 3]) assert.equal(where(`lb skip ${n}`), 'b', `session ${n} went to the instance with room`);
    // Room again: `a` answers 200, comes back UP, and (fewest connections) takes the next session.
    await open.shift()!.close();
    await until(async () => (await serverStates(lb.stats)).a === 'UP', 'the instance with room again back UP');
    open.push(await WsConversation.open(16000, { url, client: 'lb back' }));
    assert.equal(where('lb back'), 'a');
  } finally {
    await Promise.allSettled(open.map((c) => c.close()));
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    lb.child.kill('SIGTERM');
  }
});

test('HAProxy ends TLS in front of the instances: /readyz over https and a spoken turn over wss, the certificate trusted as a private CA', { skip: !haveHaproxy && 'haproxy is not installed (scripts/setup.mjs installs it)' }, async () => {
  const dir = tempDir('lb-tls');
  // The balancer's certificate, made as the README shows (Debian's openssl), for 127.0.0.1.
  const [crt, key, pem] = ['lb.crt', 'lb.key', 'lb.pem'].map((f) => join(dir, f)) as [string, string, string];
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=fullduplex test balancer', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', crt], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  writeFileSync(pem, readFileSync(crt, 'utf8') + readFileSync(key, 'utf8'));
  const talk = await startTalk(join(dir, 'sessions'), ['--workers', '1']);
  const [front, stats] = [await freePort(), await freePort()];
  const haproxy = spawn('haproxy', ['-db', '-f', CONFIG], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      FULLDUPLEX_TLS_PEM: pem,
      FULLDUPLEX_BIND: `127.0.0.1:${front}`,
      FULLDUPLEX_A: `127.0.0.1:${talk.port}`,
      FULLDUPLEX_B: `127.0.0.1:${talk.port}`,
      FULLDUPLEX_STATS: `127.0.0.1:${stats}`,
      FULLDUPLEX_CHECK_MS: '200',
    },
  });
  let haproxyLog = '';
  haproxy.stderr!.on('data', (d: Buffer) => (haproxyLog += d.toString()));
  try {
    await until(async () => JSON.stringify(await serverStates(stats)) === JSON.stringify({ a: 'UP', b: 'UP' }), `the instance UP (${haproxyLog})`);
    const ca = readFileSync(crt);
    const ready = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpsGet(`https://127.0.0.1:${front}/readyz`, { ca }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
    });
    assert.equal(ready.status, 200, ready.body);
    assert.equal((JSON.parse(ready.body) as { ready: boolean }).ready, true);
    // Plain http to the TLS port is not served as a page.
    await assert.rejects(fetch(`http://127.0.0.1:${front}/readyz`).then((r) => (r.ok ? Promise.resolve() : Promise.reject(new Error(String(r.status))))));

    const c = await WsConversation.open(16000, { url: `https://127.0.0.1:${front}`, client: 'lb tls', ca });
    const run = await c.play(compose([0.5, synth('What time is it?'), 6]).audio);
    await c.close();
    assert.ok(run.events.some((e) => e.type === 'transcript_final' && /time/.test(e.text)), run.events.map((e) => e.type).join(' '));
    assert.ok(answered(c), 'the question was answered over wss through the balancer');
    assert.ok(recordedSessions(join(dir, 'sessions')).some((s) => s.meta.client === 'lb tls'), 'the instance behind recorded the session');
  } finally {
    talk.child.kill('SIGKILL');
    haproxy.kill('SIGTERM');
  }
});
