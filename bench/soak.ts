/**
 * `npm run bench:soak`: does the live server hold up for long? S simulated people (the load
 * benchmark's conversation and clients, bench/load/*) talk to one server process for D minutes, each
 * starting a new session as soon as the last one ends. Measured: the server's resident memory over
 * time (it must stay flat), every error any client saw or the server reported, and — for every turn
 * a client was told had finished — that its line is in the session's recorded transcript on disk.
 *
 *   node dist/bench/soak.js [--sessions 20] [--minutes 10] [--sample-s 5] [--out bench/results/soak.json]
 *   node dist/bench/soak.js --smoke        one minute (a check of the harness, not a result)
 *
 * Writes <out> (JSON) and the same name with .html (an RSS-over-time plot).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { EngineEvent } from '../src/engine/events.js';
import { gitCommit, machineInfo } from './lib/machine.js';
import { processCpuSeconds } from './load/measure.js';
import { buildScenario, rotate } from './load/scenario.js';
import { serverStats, startLoadServer } from './load/server.js';
import { soakHtml } from './load/soak-html.js';
import { WsConversation } from './runner/ws-target.js';

interface Args {
  sessions: number;
  minutes: number;
  sampleS: number;
  out: string;
  smoke: boolean;
}

/** Memory is judged after this share of the run (start-up and the first sessions fill caches and pools). */
const WARMUP_SHARE = 0.2;
/** A person refused at capacity (their previous session still closing) dials again after this long, ms. */
const REDIAL_WAIT_MS = 500;
/** The RSS-growth goal of issue 12: at most this much from the end of warm-up to the end, %. */
const RSS_GROWTH_GOAL_PCT = 5;

function parseArgs(argv: string[]): Args {
  const a: Args = { sessions: 20, minutes: 10, sampleS: 5, out: '', smoke: false };
  for (let i = 0; i < argv.length; i++) {
    const v = () => Number(argv[++i]);
    if (argv[i] === '--sessions') a.sessions = v();
    else if (argv[i] === '--minutes') a.minutes = v();
    else if (argv[i] === '--sample-s') a.sampleS = v();
    else if (argv[i] === '--out') a.out = argv[++i]!;
    else if (argv[i] === '--smoke') a.smoke = true;
    else throw new Error(`unknown argument ${argv[i]} (use --sessions 20 --minutes 10 --sample-s 5 --out file.json, or --smoke)`);
  }
  if (a.smoke) a.minutes = Math.min(a.minutes, 1);
  if (!(a.sessions > 0 && a.minutes > 0 && a.sampleS > 0)) throw new Error('--sessions, --minutes and --sample-s must be positive');
  a.out ||= join(process.cwd(), 'bench', 'results', a.smoke ? 'soak-smoke.json' : 'soak.json');
  return a;
}

/** A finished turn as the client saw it: the transcript line the recorder writes for it starts with this stamp. */
interface SeenTurn {
  readonly stamp: string;
  readonly what: string;
}

function finishedTurns(events: readonly EngineEvent[]): SeenTurn[] {
  const turns: SeenTurn[] = [];
  for (const e of events) {
    const done =
      (e.type === 'transcript_final' && e.text.trim() !== '') ||
      e.type === 'backchannel' ||
      e.type === 'agent_speech_truncated' ||
      (e.type === 'agent_speech_stop' && e.kind === 'reply' && e.reason === 'completed');
    if (done) turns.push({ stamp: `[${e.t.toFixed(2).padStart(7)} s]`, what: e.type });
  }
  return turns;
}

interface SessionRecord {
  id: string;
  turns: SeenTurn[];
}

/** Every turn a client saw finish, looked up in the server's recorded transcripts. */
function checkRecordings(sessionsDir: string, sessions: readonly SessionRecord[]): { turns: number; recorded: number; missing: string[] } {
  const folders = readdirSync(sessionsDir);
  let turns = 0;
  let recorded = 0;
  const missing: string[] = [];
  for (const s of sessions) {
    turns += s.turns.length;
    const folder = folders.find((f) => f.endsWith(`-${s.id}`));
    const transcript = folder ? join(sessionsDir, folder, 'transcript.txt') : undefined;
    const wav = folder ? join(sessionsDir, folder, 'conversation.wav') : undefined;
    if (!transcript || !existsSync(transcript) || !wav || !existsSync(wav) || statSync(wav).size <= 44) {
      missing.push(`${s.id}: no recording (${s.turns.length} turns)`);
      continue;
    }
    const lines = readFileSync(transcript, 'utf8').split('\n');
    for (const t of s.turns) {
      if (lines.some((l) => l.startsWith(t.stamp))) recorded++;
      else missing.push(`${s.id}: ${t.what} at ${t.stamp.trim()}`);
    }
  }
  return { turns, recorded, missing };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scenario = buildScenario();
  const durationS = args.minutes * 60;
  process.stderr.write(`soak${args.smoke ? ' (smoke)' : ''}: ${args.sessions} sessions for ${args.minutes} min; scenario ${scenario.durationS.toFixed(1)} s per session…\n`);
  const server = await startLoadServer({ warm: args.sessions, maxSessions: args.sessions });
  const samples: { t: number; rssMB: number; sessions: number }[] = [];
  const sessions: SessionRecord[] = [];
  const errors: string[] = [];
  let conversations = 0;
  /** Re-dials refused (503 at the upgrade, or SERVER_FULL at start) while a previous session was still being wound down. */
  let refusals = 0;
  const cpu0 = processCpuSeconds(server.pid);
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const sampler = setInterval(() => {
    void serverStats(server.url, false)
      .then((st) => samples.push({ t: Math.round(elapsed()), rssMB: rssBytes(server.pid) / 2 ** 20, sessions: st.sessions }))
      .catch((e: Error) => errors.push(`stats: ${e.message}`));
  }, args.sampleS * 1000);

  const person = async (i: number): Promise<void> => {
    // Each person starts at a different point of the conversation, and moves on each time round.
    for (let round = 0; elapsed() + scenario.durationS <= durationS; round++) {
      const track = rotate(scenario, ((i / args.sessions + round * 0.37) % 1) * scenario.durationS);
      try {
        const c = await WsConversation.open(16000, { url: server.url, client: `soak ${i + 1}/${args.sessions}` });
        const r = await c.play(track.audio);
        await c.close();
        conversations++;
        sessions.push({ id: c.ready.sessionId, turns: finishedTurns(r.events) });
        errors.push(...r.stats.errors.map((e) => `session ${c.ready.sessionId}: ${e}`));
        for (const e of r.events) if (e.type === 'error') errors.push(`session ${c.ready.sessionId}: ${e.component} ${e.code}: ${e.message}`);
        if (r.stats.closeCode !== undefined && r.stats.closeCode !== 1000) errors.push(`session ${c.ready.sessionId}: closed ${r.stats.closeCode}`);
      } catch (e) {
        const message = (e as Error).message;
        if (/HTTP 503|SERVER_FULL/.test(message)) {
          // The server holds exactly S slots and frees one once the last session's record is
          // finished: a person who re-dials at once may find none yet, refused at the upgrade (503)
          // or, when another re-dial took the slot between upgrade and start, at start (SERVER_FULL,
          // close 1013). Either is the admission control working: wait and dial again.
          refusals++;
          round--;
          await new Promise((r) => setTimeout(r, REDIAL_WAIT_MS));
        } else errors.push(`person ${i + 1}: ${message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: args.sessions }, (_, i) => person(i)));
  } finally {
    clearInterval(sampler);
  }
  const wall = elapsed();
  const cpu = processCpuSeconds(server.pid) - cpu0;
  await new Promise((r) => setTimeout(r, 1000)); // the last sessions' records are finished on close
  const check = checkRecordings(server.sessionsDir, sessions);
  await server.stop();

  const judged = samples.filter((s) => s.t >= wall * WARMUP_SHARE);
  const startRss = judged[0]?.rssMB ?? NaN;
  const endRss = judged.slice(-3).reduce((a, s) => a + s.rssMB, 0) / Math.min(3, judged.length);
  const growthPct = ((endRss - startRss) / startRss) * 100;
  const result = {
    generated: new Date().toISOString(),
    smoke: args.smoke,
    commit: gitCommit(process.cwd()),
    machine: machineInfo(),
    machineLoad1m: Number(loadavg()[0]!.toFixed(2)),
    sessions: args.sessions,
    minutes: args.minutes,
    wallS: Math.round(wall),
    conversations,
    refusals,
    serverCoresPerSession: Number((cpu / wall / args.sessions).toFixed(3)),
    rss: {
      startMB: round1(startRss),
      endMB: round1(endRss),
      peakMB: round1(Math.max(...samples.map((s) => s.rssMB))),
      growthPct: round1(growthPct),
      judgedFromS: Math.round(wall * WARMUP_SHARE),
      goalPct: RSS_GROWTH_GOAL_PCT,
    },
    errors: { count: errors.length, first: [...new Set(errors)].slice(0, 20) },
    turns: { finished: check.turns, recorded: check.recorded, missing: check.missing.slice(0, 20) },
    verdict: {
      memoryFlat: growthPct <= RSS_GROWTH_GOAL_PCT,
      noErrors: errors.length === 0,
      allTurnsRecorded: check.missing.length === 0,
    },
    samples: samples.map((s) => ({ ...s, rssMB: round1(s.rssMB) })),
  };
  writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  const html = args.out.replace(/\.json$/, '') + '.html';
  writeFileSync(html, soakHtml(result));
  process.stdout.write(
    `${args.smoke ? 'SMOKE (not a result): ' : ''}${conversations} conversations by ${args.sessions} people in ${Math.round(wall)} s; ` +
      `RSS ${result.rss.startMB} → ${result.rss.endMB} MB (${result.rss.growthPct} %, goal ≤ ${RSS_GROWTH_GOAL_PCT} %); ` +
      `${errors.length} errors (${refusals} re-dials refused while a slot was freed); ${check.recorded}/${check.turns} finished turns recorded; ${result.serverCoresPerSession} core per session\n` +
      `written to ${args.out} and ${html}\n`,
  );
}

const round1 = (x: number) => Number(x.toFixed(1));

main().catch((e: unknown) => {
  process.stderr.write(`bench:soak failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
