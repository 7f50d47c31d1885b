/**
 * `npm run study:continuation -- --tuning DIR --heldout DIR`: how well the v1.5 continuation test
 * (continuation.ts) agrees with what the agent really did, on scored runs of the local engine.
 *
 * The local engine says in its own timeline what each new stretch of its speech after an overlap was:
 * a `resume` of the reply it had paused (a continuation) or, after a `cancel` or a new `take_turn`, a
 * new reply. The scorer cannot read timelines (it must score any target from audio alone), so it asks
 * the recogniser's words. For every scored event whose label comes from the continuation test, this
 * compares the test's verdict with the engine's account, per variant of the test:
 *   words      exact bigrams or the letter-level word alignment (the test before the sound test);
 *   + sounds   the same, or the phone alignment at a threshold θ (phones.ts).
 * θ is chosen on tuning-voice runs only (most events agreeing; among ties the middle of the longest
 * run, a margin on both sides); held-out runs are read at that θ.
 *
 * The runs: `npx fullduplex bench run --target local --set full --clock virtual --voices tuning|heldout
 * --categories user_interruption,user_backchannel,talking_to_others,background_speech --out DIR`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { labelOverlapEvent, type V15EventResult } from './fdb-v15.js';
import { CONTINUATION, type ContinuationParams } from './continuation.js';
import type { Segment, Word } from './types.js';

interface Decision {
  readonly t: number;
  readonly action: string;
}

interface ScoredEvent {
  readonly id: string;
  readonly modelSegments: Segment[];
  readonly modelWords: Word[];
  readonly overlap: Segment;
  readonly preEventText?: string;
  readonly decisions: Decision[];
}

/** What the engine's timeline says the new speech starting at `newS` was, if it says. */
export function engineAccount(decisions: readonly Decision[], fromS: number, newS: number): 'continued' | 'new' | undefined {
  // The decision that started the speech comes at most a beat (plus the output's own latency) before it.
  const inWindow = decisions.filter((d) => d.t >= fromS - 0.05 && d.t <= newS + 0.05);
  const last = [...inWindow].reverse().find((d) => d.action === 'resume' || d.action === 'cancel' || d.action === 'take_turn');
  if (last === undefined) return undefined;
  return last.action === 'resume' ? 'continued' : 'new';
}

function readEvents(dir: string): ScoredEvent[] {
  const root = join(dir, 'samples');
  const out: ScoredEvent[] = [];
  for (const category of ['user_interruption', 'user_backchannel', 'talking_to_others', 'background_speech']) {
    const cdir = join(root, category);
    if (!existsSync(cdir)) continue;
    for (const name of readdirSync(cdir).sort()) {
      const path = join(cdir, name, 'score.json');
      if (!existsSync(path)) continue;
      const s = JSON.parse(readFileSync(path, 'utf8'));
      const overlap = s.annotations?.overlap;
      if (!overlap || !s.v15) continue;
      out.push({
        id: s.id,
        modelSegments: s.outputSegments,
        modelWords: s.outputWords,
        overlap: { start: overlap.start, end: overlap.end },
        ...(typeof s.v15.preEventText === 'string' && { preEventText: s.v15.preEventText }),
        decisions: s.decisions ?? [],
      });
    }
  }
  return out;
}

function label(e: ScoredEvent, test: Partial<ContinuationParams>): V15EventResult {
  return labelOverlapEvent({ modelSegments: e.modelSegments, overlap: e.overlap, modelWords: e.modelWords, ...(e.preEventText !== undefined && { preEventText: e.preEventText }) }, {}, test);
}

interface Judged {
  readonly id: string;
  readonly account: 'continued' | 'new';
  readonly verdict: 'continued' | 'new';
}

/** Events the test judges (continued_text or new_speech) that the engine's timeline accounts for. */
function judge(events: readonly ScoredEvent[], test: Partial<ContinuationParams>): Judged[] {
  const out: Judged[] = [];
  for (const e of events) {
    const r = label(e, test);
    if (r.reason !== 'continued_text' && r.reason !== 'new_speech') continue;
    const account = engineAccount(e.decisions, e.overlap.start, r.newSpeechStartS!);
    if (account === undefined) continue;
    out.push({ id: e.id, account, verdict: r.reason === 'continued_text' ? 'continued' : 'new' });
  }
  return out;
}

function tally(js: readonly Judged[]) {
  const agree = js.filter((j) => j.account === j.verdict).length;
  const missedResumes = js.filter((j) => j.account === 'continued' && j.verdict === 'new');
  const falseResumes = js.filter((j) => j.account === 'new' && j.verdict === 'continued');
  return { n: js.length, agree, missedResumes, falseResumes };
}

const WORDS_ONLY: Partial<ContinuationParams> = { minPhoneAlignment: Infinity };
const withSounds = (theta: number): Partial<ContinuationParams> => ({ minPhoneAlignment: theta });

/** Events agreeing with the engine's account, and events judged, at each θ of the grid. */
function sweep(events: readonly ScoredEvent[], grid: readonly number[]): { theta: number; agree: number; n: number }[] {
  return grid.map((theta) => {
    const js = judge(events, withSounds(theta));
    return { theta, agree: tally(js).agree, n: js.length };
  });
}

/**
 * The θ with the most events agreeing; among ties, the middle of the longest run of them, so that the
 * test keeps a margin on both sides (the edge of the plateau sits right on an example).
 */
export function chooseTheta(points: readonly { theta: number; agree: number }[]): { theta: number; agree: number } {
  const best = Math.max(...points.map((x) => x.agree));
  let run = { from: 0, length: 0 };
  for (let i = 0; i < points.length; i++) {
    if (points[i]!.agree !== best) continue;
    let j = i;
    while (j + 1 < points.length && points[j + 1]!.agree === best) j++;
    if (j - i + 1 > run.length) run = { from: i, length: j - i + 1 };
    i = j;
  }
  return { theta: points[run.from + Math.floor((run.length - 1) / 2)]!.theta, agree: best };
}

function line(name: string, js: readonly Judged[]): string {
  const t = tally(js);
  const ids = (xs: readonly Judged[]) => (xs.length === 0 ? '' : ` (${xs.map((x) => x.id).join(', ')})`);
  return `  ${name.padEnd(34)} agree ${t.agree}/${t.n}; resumes heard as new speech ${t.missedResumes.length}${ids(t.missedResumes)}; new replies taken for resumes ${t.falseResumes.length}${ids(t.falseResumes)}`;
}

function main(): void {
  const args = new Command()
    .requiredOption('--tuning <dir>', 'scored run on tuning voices')
    .requiredOption('--heldout <dir>', 'scored run on held-out voices')
    .option('--out <file>', 'report', 'bench/results/continuation-study.txt')
    .parse()
    .opts<{ tuning: string; heldout: string; out: string }>();
  const tuning = readEvents(args.tuning);
  const heldout = readEvents(args.heldout);
  const grid = Array.from({ length: 15 }, (_, i) => Math.round((0.2 + 0.05 * i) * 100) / 100);
  const points = sweep(tuning, grid);
  const choice = chooseTheta(points);
  const lines: string[] = [];
  lines.push('The v1.5 continuation test against the engine\'s own account of each event (bench/metrics/continuation-study.ts)');
  lines.push(`runs: tuning ${args.tuning} (${tuning.length} events), held-out ${args.heldout} (${heldout.length} events)`);
  lines.push(`fixed before looking: phone near ${CONTINUATION.phoneNearScore}, mismatch ${CONTINUATION.phoneMismatchScore}, gap ${CONTINUATION.phoneGapScore}; letter test ${CONTINUATION.minAlignment}`);
  lines.push('');
  lines.push('Agreement per sound-test threshold θ, tuning voices (the choice is made here):');
  for (const x of points) lines.push(`  θ ${x.theta.toFixed(2)}: ${x.agree}/${x.n}`);
  lines.push(`  chosen: θ ${choice.theta.toFixed(2)} (most agreeing; among ties the middle of the longest run)`);
  lines.push('');
  for (const [name, events] of [['tuning voices', tuning], ['held-out voices', heldout]] as const) {
    lines.push(`${name}:`);
    lines.push(line('words (bigrams or letters)', judge(events, WORDS_ONLY)));
    lines.push(line(`+ sounds at θ ${choice.theta.toFixed(2)}`, judge(events, withSounds(choice.theta))));
  }
  const text = `${lines.join('\n')}\n`;
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, text);
  process.stdout.write(text);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
