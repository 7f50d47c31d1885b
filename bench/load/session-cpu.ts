/**
 * Where one session's CPU goes: the load benchmark's conversation played into one engine
 * session on a virtual clock (modelled compute, so every run makes the same decisions), with the
 * speech components wrapped to charge the CPU time they take. Wall-clock real-time capacity depends
 * on whatever else the machine runs; CPU time per second of conversation much less (two runs on this
 * shared 2-core machine agree within ~10 %: compare variants interleaved).
 * Transport costs (sockets, worker messages, the recorder) are not in it: profile the server for those
 * (`node dist/bench/load.js --levels 4 --cpu-prof DIR`).
 *
 *   node dist/bench/load/session-cpu.js [--rounds 3] [--synthesis-lead-s 4]
 *
 * `--synthesis-lead-s 1e6` makes every reply synthesize to its end at once (as before the lead).
 */
import { performance } from 'node:perf_hooks';
import { VirtualClock } from '../../src/audio/clock.js';
import { ConversationSession } from '../../src/engine/session.js';
import { simulate } from '../../src/engine/simulate.js';
import { EmbeddedDialogueModel } from '../../src/dialogue/embedded.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { SileroVad } from '../../src/speech/vad/silero.js';
import type { AsrEngine, AsrStream, TtsEngine, VoiceActivityDetector } from '../../src/speech/types.js';
import { buildScenario, rotate } from './scenario.js';

type Part = 'vad' | 'asr push' | 'asr finish' | 'tts';

/** CPU seconds (user + system) of this process since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
};

function charge<T>(acc: Map<Part, number>, part: Part, fn: () => T): T {
  const c0 = process.cpuUsage();
  try {
    return fn();
  } finally {
    acc.set(part, (acc.get(part) ?? 0) + cpuSince(c0));
  }
}

async function chargeAsync<T>(acc: Map<Part, number>, part: Part, fn: () => Promise<T>): Promise<T> {
  // Components on this thread run synchronously inside their promise (onnxruntime's run resolves
  // later but computes on its own threads, which process.cpuUsage counts too).
  const c0 = process.cpuUsage();
  try {
    return await fn();
  } finally {
    acc.set(part, (acc.get(part) ?? 0) + cpuSince(c0));
  }
}

function meteredVad(vad: VoiceActivityDetector, acc: Map<Part, number>): VoiceActivityDetector {
  return new Proxy(vad, { get: (t, k) => (k === 'push' ? (w: Int16Array) => chargeAsync(acc, 'vad', () => t.push(w)) : Reflect.get(t, k, t)) });
}

function meteredAsr(asr: AsrEngine, acc: Map<Part, number>): AsrEngine {
  const stream = (s: AsrStream): AsrStream =>
    new Proxy(s, {
      get: (t, k) => {
        if (k === 'push') return (w: Int16Array) => charge(acc, 'asr push', () => t.push(w));
        if (k === 'finish') return () => chargeAsync(acc, 'asr finish', () => t.finish());
        const v = Reflect.get(t, k, t) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
      set: (t, k, v) => Reflect.set(t, k, v, t),
    });
  return new Proxy(asr, { get: (t, k) => (k === 'createStream' ? () => stream(t.createStream()) : Reflect.get(t, k, t)) });
}

/** flite synthesizes on a libuv thread, beside everything else: count the audio it made instead. */
function meteredTts(tts: TtsEngine, made: { seconds: number }): TtsEngine {
  return new Proxy(tts, {
    get: (t, k) =>
      k === 'synthesize'
        ? (text: string, o?: Parameters<TtsEngine['synthesize']>[1]) => {
            const it = t.synthesize(text, o)[Symbol.asyncIterator]();
            return {
              [Symbol.asyncIterator]: () => ({
                next: async () => {
                  const r = await it.next();
                  if (!r.done) made.seconds += r.value.samples.length / r.value.sampleRate;
                  return r;
                },
                return: async () => (await it.return?.()) ?? { done: true, value: undefined },
              }),
            };
          }
        : Reflect.get(t, k, t),
  });
}

/** flite's CPU per second of speech it makes, measured on this thread. */
function fliteCpuPerSecond(tts: FliteTts): number {
  const text = 'Once upon a time there was a lighthouse keeper who counted the ships that passed, and every night she wrote their names in a book.';
  const c0 = process.cpuUsage();
  let seconds = 0;
  for (let i = 0; i < 3; i++) {
    const c = tts.synthesizeAll(text);
    seconds += c.samples.length / c.sampleRate;
  }
  return cpuSince(c0) / seconds;
}

async function main(): Promise<void> {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const rounds = arg('--rounds') ?? 3;
  const lead = arg('--synthesis-lead-s');
  const scenario = buildScenario();
  const asr = new PocketsphinxAsr();
  const tts = new FliteTts();
  const totals = new Map<Part | 'total', number>();
  const made = { seconds: 0 };
  let audioS = 0;
  for (let r = 0; r < rounds; r++) {
    const track = rotate(scenario, (r / rounds) * scenario.durationS);
    const acc = new Map<Part, number>();
    const vad = await SileroVad.create();
    const stream = asr.createStream(); // decoder creation is start-up work (the server's pool), not per session
    const pooled: AsrEngine = { name: asr.name, sampleRate: asr.sampleRate, createStream: () => stream, transcribe: (a) => asr.transcribe(a), close: async () => undefined };
    const clock = new VirtualClock();
    const session = await ConversationSession.create({
      clock,
      vad: meteredVad(vad, acc),
      asr: meteredAsr(pooled, acc),
      tts: meteredTts(tts, made),
      dialogue: new EmbeddedDialogueModel({ timeZone: 'UTC' }),
      ...(lead !== undefined && { reply: { synthesisLeadS: lead } }),
      now: () => new Date(Date.parse('2025-01-01T12:00:00Z') + clock.now() * 1000),
    });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await simulate(track.audio, { session, clock, maxTailS: 0 });
    const cpu = cpuSince(c0);
    await session.close();
    stream.close();
    await vad.close();
    audioS += result.user.length / result.sampleRate;
    totals.set('total', (totals.get('total') ?? 0) + cpu);
    for (const [k, v] of acc) totals.set(k, (totals.get(k) ?? 0) + v);
    process.stderr.write(`round ${r + 1}/${rounds}: ${(cpu / (result.user.length / result.sampleRate)).toFixed(3)} core per session (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  const total = totals.get('total')!;
  const fliteRtf = fliteCpuPerSecond(tts);
  totals.set('tts', made.seconds * fliteRtf);
  const parts: Part[] = ['asr push', 'asr finish', 'vad', 'tts'];
  const named = parts.reduce((n, p) => n + (totals.get(p) ?? 0), 0);
  process.stdout.write(`engine CPU per second of conversation (load scenario, ${rounds} rounds, ${audioS.toFixed(0)} s of audio):\n`);
  for (const p of parts) process.stdout.write(`  ${p.padEnd(18)} ${((totals.get(p) ?? 0) / audioS).toFixed(4)} core\n`);
  process.stdout.write(`  (tts: ${made.seconds.toFixed(1)} s of agent speech synthesized for ${audioS.toFixed(0)} s of conversation, at ${fliteRtf.toFixed(3)} CPU s per s)\n`);
  process.stdout.write(`  ${'engine (the rest)'.padEnd(18)} ${((total - named) / audioS).toFixed(4)} core\n`);
  process.stdout.write(`  ${'total'.padEnd(18)} ${(total / audioS).toFixed(4)} core\n`);
  await tts.close();
  await asr.close();
}

main().catch((e: unknown) => {
  process.stderr.write(`session-cpu failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
