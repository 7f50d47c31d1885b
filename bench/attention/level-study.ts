/**
 * `npm run study:attention`: the levels attention judges voices by, measured on generated
 * conversations, so its level thresholds are chosen on tuning voices with a command that shows why.
 *
 * Every sample of every category runs through the local engine on a virtual clock; every VAD speech
 * segment (the user's or not) keeps its windows' levels and is labelled from the script: the user's
 * (it starts inside a user span), someone else's (inside a side-talk or background span) or neither.
 * Levels are compared, as attention compares them, with the user's first turn at the same point of a
 * segment (the loudest window after n windows). Three readings:
 *  1. Side talk or the user (`sideTalkLevelDropDb`): each later segment's largest drop over the
 *     windows attention judges (judgeAfterWindows … judgeWithinMs); the gap between the users' largest
 *     and the other voices' smallest, and its middle.
 *  2. Holding the yield over the agent (`quietOnsetDropDb`): per threshold, how many other voices'
 *     onsets still make the agent pause, and how many user onsets wait a window or more (and how
 *     long on average), replaying attention's rule on the recorded levels.
 *  3. What a rising voice is held against: the user's onset curve or their full level.
 * The defaults in options.ts say which numbers chose them; held-out voices are measured, never chosen on.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { VirtualClock } from '../../src/audio/clock.js';
import { createLocalSession } from '../../src/engine/local.js';
import { defaultPredictorOptions } from '../../src/engine/options.js';
import { simulate } from '../../src/engine/simulate.js';
import { projectRoot } from '../../src/native.js';
import { PocketsphinxAsr } from '../../src/speech/asr/pocketsphinx.js';
import { FliteTts } from '../../src/speech/tts/flite.js';
import { generateScenario } from '../scenarios/generate.js';
import type { VoiceSetName } from '../scenarios/config.js';
import { CATEGORY_IDS, type CategoryId } from '../scenarios/types.js';

export type SegmentLabel = 'user' | 'other' | 'none';

export interface LevelSegment {
  readonly t: number;
  /** What the agent was doing when the segment started. */
  readonly agent: string;
  readonly label: SegmentLabel;
  /** dBFS of each window while the segment lasted. */
  readonly levels: readonly number[];
}

export interface LevelConversation {
  readonly id: string;
  readonly segments: readonly LevelSegment[];
}

const loudest = (xs: readonly number[], n: number) => Math.max(...xs.slice(0, Math.max(1, n)));

/** The user's first turn, the reference: their first segment of at least this many windows (480 ms). */
export const REFERENCE_MIN_WINDOWS = 15;

/** The conversation's reference and every labelled segment after it. */
function afterReference(c: LevelConversation): { ref: LevelSegment; later: LevelSegment[] } | undefined {
  const k = c.segments.findIndex((s) => s.label === 'user' && s.levels.length >= REFERENCE_MIN_WINDOWS);
  return k < 0 ? undefined : { ref: c.segments[k]!, later: c.segments.slice(k + 1).filter((s) => s.label !== 'none') };
}

/** 1. The largest drop below the user's first turn over the judged windows, per later segment. */
export function judgedDrops(convs: readonly LevelConversation[], fromWindows: number, toWindows: number): { user: number[]; other: number[] } {
  const out = { user: [] as number[], other: [] as number[] };
  for (const c of convs) {
    const r = afterReference(c);
    if (!r) continue;
    for (const s of r.later) {
      if (s.levels.length < fromWindows) continue;
      let best = -Infinity;
      for (let n = fromWindows; n <= Math.min(toWindows, s.levels.length); n++) best = Math.max(best, loudest(r.ref.levels, n) - loudest(s.levels, n));
      out[s.label as 'user' | 'other'].push(best);
    }
  }
  return out;
}

/**
 * 2. Attention's hold over the agent replayed: the window at which the segment makes the agent yield
 * (the first where its drop is under `thresholdDb`, or at judgement if it is not ignored then), or
 * null if it never does (ignored at judgement: `ignoreDb` below).
 */
export function yieldWindow(drops: readonly number[], thresholdDb: number, ignoreDb: number): number | null {
  const judgeAt = drops.length;
  for (let n = 1; n < judgeAt; n++) if (drops[n - 1]! < thresholdDb) return n;
  return drops[judgeAt - 1]! < ignoreDb ? judgeAt : null;
}

export interface HoldPoint {
  readonly thresholdDb: number;
  readonly users: number;
  readonly usersDelayed: number;
  readonly userDelayMeanMs: number;
  readonly others: number;
  readonly othersYielding: number;
}

export function holdSweep(convs: readonly LevelConversation[], thresholds: readonly number[], judgeAfterWindows: number, ignoreDb: number, windowMs = 32): HoldPoint[] {
  const segs = { user: [] as number[][], other: [] as number[][] };
  for (const c of convs) {
    const r = afterReference(c);
    if (!r) continue;
    for (const s of r.later) {
      if (s.agent !== 'speaking' || s.levels.length < judgeAfterWindows) continue;
      segs[s.label as 'user' | 'other'].push(Array.from({ length: judgeAfterWindows }, (_, i) => loudest(r.ref.levels, i + 1) - loudest(s.levels, i + 1)));
    }
  }
  return thresholds.map((thresholdDb) => {
    const u = segs.user.map((d) => yieldWindow(d, thresholdDb, ignoreDb));
    const delays = u.filter((n): n is number => n !== null).map((n) => (n - 1) * windowMs);
    return {
      thresholdDb,
      users: u.length,
      usersDelayed: u.filter((n) => n === null || n > 1).length,
      userDelayMeanMs: delays.length ? delays.reduce((a, b) => a + b, 0) / delays.length : 0,
      others: segs.other.length,
      othersYielding: segs.other.filter((d) => yieldWindow(d, thresholdDb, ignoreDb) !== null).length,
    };
  });
}

/** 3. Segments that reach `minWindows` windows within `dropDb` of the reference within `withinWindows`. */
export function risenCounts(convs: readonly LevelConversation[], against: 'onset' | 'full', dropDb: number, minWindows: number, withinWindows: number): Record<'user' | 'other', { risen: number; of: number }> {
  const out = { user: { risen: 0, of: 0 }, other: { risen: 0, of: 0 } };
  for (const c of convs) {
    const r = afterReference(c);
    if (!r) continue;
    for (const s of r.later) {
      let k = 0;
      s.levels.slice(0, withinWindows).forEach((x, i) => void (x >= loudest(r.ref.levels, against === 'full' ? withinWindows : i + 1) - dropDb && k++));
      const o = out[s.label as 'user' | 'other'];
      o.of++;
      if (k >= minWindows) o.risen++;
    }
  }
  return out;
}

async function collect(voices: VoiceSetName, perCategory: number, categories: readonly CategoryId[], onProgress: (s: string) => void): Promise<LevelConversation[]> {
  const shared = { asr: new PocketsphinxAsr(), tts: new FliteTts() };
  const out: LevelConversation[] = [];
  try {
    for (let index = 0; index < perCategory; index++) {
      for (const category of categories) {
        const sc = await generateScenario('full', category, index, { voices });
        const clock = new VirtualClock();
        const session = await createLocalSession(clock, { shared });
        const segments: { t: number; agent: string; levels: number[] }[] = [];
        let current: (typeof segments)[number] | undefined;
        session.predictor.onWindow = (e) => {
          if (!session.predictor.voiceActive) return void (current = undefined);
          if (!current) segments.push((current = { t: e.t - session.predictor.segmentMs / 1000, agent: e.agent, levels: [] }));
          current.levels.push(Math.round(e.levelDb * 10) / 10);
        };
        try {
          await simulate({ samples: sc.input, sampleRate: sc.truth.sampleRate }, { maxTailS: 0, session, clock, shared });
        } finally {
          await session.close();
        }
        // A segment is detected a few windows after it starts: 0.3 s of slack before a span.
        const inside = (t: number, spans: readonly { start: number; end: number }[]) => spans.some((u) => t >= u.start - 0.3 && t <= u.end);
        const label = (t: number): SegmentLabel => (inside(t, sc.truth.user) ? 'user' : inside(t, sc.truth.others) ? 'other' : 'none');
        out.push({ id: sc.truth.id, segments: segments.map((s) => ({ ...s, label: label(s.t) })) });
        onProgress(`${out.length}/${perCategory * categories.length} ${sc.truth.id}`);
      }
    }
  } finally {
    await Promise.allSettled([shared.asr.close(), shared.tts.close()]);
  }
  return out;
}

const f1 = (x: number) => x.toFixed(1);

export function formatLevelStudy(convs: readonly LevelConversation[], voices: VoiceSetName): string {
  const a = defaultPredictorOptions.attention;
  const judgeTo = Math.ceil(a.judgeWithinMs / 32);
  const drops = judgedDrops(convs, a.judgeAfterWindows, judgeTo);
  const uMax = Math.max(...drops.user);
  const oMin = Math.min(...drops.other);
  const lines = [
    `attention level study — ${voices} voices, ${convs.length} conversations (every category), virtual clock`,
    voices === 'heldout' ? 'HELD-OUT VOICES: measured only; no threshold may be chosen from these numbers.' : 'Tuning voices: thresholds are chosen from these numbers.',
    '',
    `1. side talk or the user — largest drop below the user's first turn over windows ${a.judgeAfterWindows}–${judgeTo} (loudest after n windows)`,
    `   user segments ${drops.user.length}: largest ${f1(uMax)} dB · other voices ${drops.other.length}: smallest ${f1(oMin)} dB · ${uMax < oMin ? `middle of the gap ${f1((uMax + oMin) / 2)} dB` : `no gap: they overlap by ${f1(uMax - oMin)} dB`} (sideTalkLevelDropDb = ${a.sideTalkLevelDropDb})`,
    `   users ≥ ${a.sideTalkLevelDropDb} dB (would be ignored): ${drops.user.filter((d) => d >= a.sideTalkLevelDropDb).length} · other voices < ${a.sideTalkLevelDropDb} dB (attended): ${drops.other.filter((d) => d < a.sideTalkLevelDropDb).length}`,
    '',
    `2. holding the yield over the agent — onsets this far below the user's wait for judgement (quietOnsetDropDb = ${a.quietOnsetDropDb})`,
    '   threshold  other voices still yielding  user onsets delayed ≥ 1 window  mean user delay',
  ];
  for (const p of holdSweep(convs, [5, 6, 7, 8, 9, 10, 12], a.judgeAfterWindows, a.sideTalkLevelDropDb)) {
    lines.push(`   ${`${p.thresholdDb} dB`.padEnd(9)}  ${`${p.othersYielding} of ${p.others}`.padEnd(27)}  ${`${p.usersDelayed} of ${p.users}`.padEnd(30)}  ${f1(p.userDelayMeanMs)} ms`);
  }
  const within = Math.ceil(a.rejudgeWithinMs / 32);
  lines.push('', `3. a rising voice — reaches ${a.rejudgeMinWindows} windows within ${a.rejudgeDropDb} dB within ${within} windows, against:`);
  for (const against of ['onset', 'full'] as const) {
    const r = risenCounts(convs, against, a.rejudgeDropDb, a.rejudgeMinWindows, within);
    lines.push(`   the user's ${against === 'onset' ? 'onset curve' : 'full level '}: users ${r.user.risen} of ${r.user.of}, other voices ${r.other.risen} of ${r.other.of}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cmd = new Command('study:attention')
    .description("the levels attention judges voices by, on generated conversations (tuning voices choose, held-out voices measure)")
    .option('--voices <set>', 'tuning or heldout', 'tuning')
    .option('--per-category <n>', 'samples per category', '40')
    .option('--out <file>', 'report (text)')
    .option('--save <file>', 'also write every segment\'s levels (JSON)')
    .parse();
  const o = cmd.opts<{ voices: string; perCategory: string; out?: string; save?: string }>();
  if (o.voices !== 'tuning' && o.voices !== 'heldout') throw new Error(`--voices: '${o.voices}' is neither tuning nor heldout`);
  const voices = o.voices as VoiceSetName;
  const out = o.out ?? join(projectRoot(), `bench/results/attention/level-study-${voices}.txt`);
  const convs = await collect(voices, Number(o.perCategory), CATEGORY_IDS, (s) => process.stderr.write(`\r[study:attention] ${s}      `));
  process.stderr.write('\n');
  const text = formatLevelStudy(convs, voices);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text + '\n');
  if (o.save) writeFileSync(o.save, JSON.stringify(convs));
  process.stdout.write(`${text}\nwritten: ${out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`study:attention failed: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
