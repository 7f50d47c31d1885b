/**
 * Would a wait fitted to the speaker's own pauses answer real people sooner? A study, not part of the
 * engine. The engine's end-of-turn wait is the same for everyone (about 1.4 s at eagerness medium,
 * learned on generated speech whose pauses inside a turn run to 1.8 s); the three recorded speakers
 * never pause longer than 0.55 s inside a turn. A listener who has heard someone's pauses for a few
 * turns answers them sooner. The rule studied here, on top of the engine's own decisions:
 *
 *   once the session has heard at least `minPauses` pauses of the user's (≥ 0.2 s, the user went on),
 *   take the turn when the silence passes the longest of them + `marginS` and p(turn over) ≥ `minP`;
 *   otherwise, and before that, the engine decides as it does now.
 *
 * Sessions: a recorded speaker's prompts in path order, `sessionTurns` at a time (the same person);
 * generated samples of one voice set in a seeded shuffle, `sessionTurns` at a time (their pause lengths
 * come from one distribution, so a mixed-voice session pauses like one generated speaker). The history
 * is every pause of the session's earlier turns and this turn's earlier pauses, and the silence is
 * compared with the ceiling, as the engine measures them (its VAD's view, which the probe records:
 * short gaps it runs together are no pauses to it), so the rule replayed here is the one it runs. The
 * rule's tunables are chosen on the tuning voices only: the fastest point whose false cut-offs stay
 * within `budgetPts` of the engine's in every pausing style.
 *
 * Input: the probed samples `fullduplex bench eot --samples --no-speaker-pauses` writes (p(turn over)
 * over every silence and the engine's own fire time, without this rule). `npm run study:speaker-pauses`
 * probes them (about 10 minutes) and runs this: bench/turn-end/speaker-pause-study.sh.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { enginePolicyPoint, EOT_POINTS, type EnginePolicyPoint } from '../metrics/eot-operating-points.js';
import { SPAN_RULES } from './spans.js';
import { rng } from '../scenarios/audio.js';
import type { ProbedSample } from './dataset.js';

interface SpanIn {
  readonly kind: 'hold' | 'eot';
  readonly start: number;
  readonly end: number;
  readonly scores: readonly { t: number; p: number; pause?: number }[];
  readonly engineFireS: number | null;
}
interface SampleIn {
  readonly id: string;
  readonly spans: readonly SpanIn[];
  /** The pauses the user went on after, as the engine measured them (t: when they went on). */
  readonly pauses?: readonly { t: number; s: number }[];
}

export interface AdaptiveRule {
  /** Pauses shorter than this are not counted as the speaker's pauses, s. */
  readonly countFromS: number;
  readonly minPauses: number;
  readonly marginS: number;
  readonly minP: number;
}

export const SPEAKER_PAUSE_STUDY = {
  sessionTurns: 8,
  /** Shuffles of the generated samples into sessions (each sample is judged once per shuffle). */
  shuffles: 10,
  /** The rule may add at most this many points of false cut-offs in any pause-scale group of the tuning voices. */
  budgetPts: 1,
  grid: {
    countFromS: [0.1, 0.2],
    minPauses: [1, 2, 3, 5, 8, 12],
    marginS: [0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1],
    minP: [0, 0.2, 0.4, 0.6, 0.7, 0.8],
  },
} as const;

/** The engine's fire time in one span, with the rule on top given the session's pauses so far. */
export function adaptedFire(span: SpanIn, history: readonly number[], rule: AdaptiveRule | null): number | null {
  const base = span.kind === 'eot' ? Math.min(span.engineFireS ?? SPAN_RULES.maxEotS, SPAN_RULES.maxEotS) : span.engineFireS;
  if (!rule) return base;
  const counted = history.filter((h) => h >= rule.countFromS - 1e-9);
  if (counted.length < rule.minPauses) return base;
  const ceiling = Math.max(...counted) + rule.marginS;
  // The engine compares its own measure of the silence (its VAD's) with the ceiling.
  const s = span.scores.find((x) => (x.pause ?? x.t) >= ceiling - 1e-9 && x.p >= rule.minP);
  if (!s) return base;
  return base === null ? s.t : Math.min(base, s.t);
}

/** Deterministic shuffle (the scenarios' seeded generator). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const rnd = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Every span of every session with its fire time under `rule` (`warm`: the rule had heard enough pauses). */
function fired(sessions: readonly (readonly SampleIn[])[], rule: AdaptiveRule | null, warmFor: AdaptiveRule | null = rule) {
  const out: { kind: 'hold' | 'eot'; start: number; end: number; fireS: number | null; warm: boolean }[] = [];
  for (const session of sessions) {
    const earlier: number[] = [];
    for (const sample of session) {
      for (const span of [...sample.spans].sort((a, b) => a.start - b.start)) {
        // What the engine has heard of the user by the start of this silence: its own measures where the
        // probe kept them, else the true lengths of the holds before it.
        const here = sample.pauses ? sample.pauses.filter((x) => x.t <= span.start + 1e-9).map((x) => x.s) : sample.spans.filter((y) => y.kind === 'hold' && y.end <= span.start + 1e-9).map((y) => y.end - y.start);
        const history = [...earlier, ...here];
        const warm = warmFor !== null && history.filter((h) => h >= warmFor.countFromS - 1e-9).length >= warmFor.minPauses;
        out.push({ kind: span.kind, start: span.start, end: span.end, fireS: adaptedFire(span, history, rule), warm });
      }
      earlier.push(...(sample.pauses ? sample.pauses.map((x) => x.s) : sample.spans.filter((y) => y.kind === 'hold').map((y) => y.end - y.start)));
    }
  }
  return out;
}

const sessionsOf = (samples: readonly SampleIn[], n: number): SampleIn[][] =>
  Array.from({ length: Math.ceil(samples.length / n) }, (_, k) => samples.slice(k * n, k * n + n));

function generatedSessions(samples: readonly SampleIn[]): SampleIn[][] {
  const c = SPEAKER_PAUSE_STUDY;
  return Array.from({ length: c.shuffles }, (_, k) => sessionsOf(shuffled(samples, 1000 + k), c.sessionTurns)).flat();
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const sec = (x: number | null) => (x === null ? '–' : `${x.toFixed(2)} s`);
const line = (name: string, p: EnginePolicyPoint) => `  ${name.padEnd(34)} false cut-offs ${pct(p.falseCutoffRate).padStart(7)} (${p.holdSpans} pauses)   mean latency ${sec(p.meanLatencyS).padStart(7)} (${p.eotSpans} turn ends)`;

/** A samples file's voice sets, with the pause scale its run used (from the report beside it). */
function readSamples(file: string): { voices: string; pauseScale: number; samples: SampleIn[] }[] {
  const report = file.replace(/\.samples\.json$/, '.json');
  const pauseScale = existsSync(report) ? ((JSON.parse(readFileSync(report, 'utf8')) as { pauseScale?: number }).pauseScale ?? 1) : 1;
  return (JSON.parse(readFileSync(file, 'utf8')) as { voices: string; samples: ProbedSample[] }[]).map((r) => ({ ...r, pauseScale }));
}

async function main(): Promise<void> {
  const o = new Command('speaker-pause-study')
    .requiredOption('--generated <files>', 'bench eot --samples outputs with tuning and heldout voices (any --pause-scale), comma-separated')
    .option('--recorded <files>', 'bench eot --samples outputs of recorded speakers, comma-separated', '')
    .option('--out <file>', 'report', 'bench/results/turn-end/speaker-pause-study.txt')
    .parse()
    .opts<{ generated: string; recorded: string; out: string }>();
  const c = SPEAKER_PAUSE_STUDY;
  const generated = o.generated.split(',').filter(Boolean).flatMap(readSamples).sort((a, b) => a.voices.localeCompare(b.voices) || a.pauseScale - b.pauseScale);
  const groups = generated.map((g) => ({ name: `generated ${g.voices}, pauses × ${g.pauseScale}`, voices: g.voices, sessions: generatedSessions(g.samples) }));
  const pooled = (voices: string) => ({ name: `generated ${voices}, every pause scale`, sessions: groups.filter((g) => g.voices === voices).flatMap((g) => g.sessions) });
  const sets: { name: string; sessions: SampleIn[][] }[] = [
    pooled('tuning'),
    pooled('heldout'),
    ...groups,
    ...o.recorded.split(',').filter(Boolean).flatMap(readSamples).map((r) => ({ name: r.voices, sessions: sessionsOf(r.samples, c.sessionTurns) })),
  ];
  // The choice: on the tuning voices only; the latency pooled over every pause scale, the false
  // cut-offs held within the budget in each (a rule that helps fluent speakers must not cut off slow ones).
  const tuningSessions = sets[0]!.sessions;
  if (tuningSessions.length === 0) throw new Error(`${o.generated}: no tuning voices`);
  const tuningGroups = groups.filter((g) => g.voices === 'tuning');
  const bases = tuningGroups.map((g) => enginePolicyPoint(fired(g.sessions, null)).falseCutoffRate ?? 0);
  const rows: { rule: AdaptiveRule; p: EnginePolicyPoint; withinBudget: boolean; worstRisePts: number }[] = [];
  for (const countFromS of c.grid.countFromS) for (const minPauses of c.grid.minPauses) for (const marginS of c.grid.marginS) for (const minP of c.grid.minP) {
    const rule = { countFromS, minPauses, marginS, minP };
    const worstRisePts = Math.max(...tuningGroups.map((g, k) => ((enginePolicyPoint(fired(g.sessions, rule)).falseCutoffRate ?? 0) - bases[k]!) * 100));
    rows.push({ rule, p: enginePolicyPoint(fired(tuningSessions, rule)), withinBudget: worstRisePts <= c.budgetPts + 1e-9, worstRisePts });
  }
  const allowed = rows.filter((r) => r.withinBudget);
  const best = allowed.sort((a, b) => (a.p.meanLatencyS ?? 9) - (b.p.meanLatencyS ?? 9) || b.rule.minPauses - a.rule.minPauses || b.rule.marginS - a.rule.marginS)[0]!;
  const ruleText = (r: AdaptiveRule) => `after ${r.minPauses} pause(s) ≥ ${r.countFromS} s, take the turn past the longest + ${r.marginS} s when p ≥ ${r.minP}`;
  const lines = [
    `A wait fitted to the speaker's own pauses (bench/turn-end/speaker-pause-study.ts): sessions of ${c.sessionTurns} turns (generated: ${c.shuffles} shuffles of each file's samples), the engine's decisions at eagerness medium with the rule on top`,
    `false cut-off = the agent would take the turn inside a pause of ${EOT_POINTS.minHoldS}–${EOT_POINTS.maxHoldS} s after which the user goes on; latency = mean dead air after the turn really ends (turn ends not taken within ${SPAN_RULES.maxEotS} s count as ${SPAN_RULES.maxEotS} s)`,
    '',
    `Chosen on the tuning voices (fastest over every pause scale whose false cut-offs stay within ${c.budgetPts} point of the engine's in each, grid ${c.grid.countFromS.length}×${c.grid.minPauses.length}×${c.grid.marginS.length}×${c.grid.minP.length}): ${ruleText(best.rule)}`,
    '',
  ];
  for (const s of sets) {
    lines.push(`== ${s.name} (${s.sessions.length} sessions)`);
    lines.push(line('engine as it is', enginePolicyPoint(fired(s.sessions, null))));
    lines.push(line('with the chosen rule', enginePolicyPoint(fired(s.sessions, best.rule))));
    // Once the rule has heard enough of the speaker: the turns a longer conversation is made of.
    const warm = (r: AdaptiveRule | null) => enginePolicyPoint(fired(s.sessions, r, best.rule).filter((x) => x.warm));
    lines.push(`  once ${best.rule.minPauses} pauses are heard: mean latency ${sec(warm(null).meanLatencyS)} → ${sec(warm(best.rule).meanLatencyS)} (${warm(null).eotSpans} turn ends), false cut-offs ${pct(warm(null).falseCutoffRate)} → ${pct(warm(best.rule).falseCutoffRate)}`);
    const pauses = s.sessions.flat().flatMap((x) => x.spans.filter((y) => y.kind === 'hold').map((y) => y.end - y.start)).sort((a, b) => a - b);
    if (pauses.length) lines.push(`  its pauses inside turns: ${pauses.length}, median ${pauses[pauses.length >> 1]!.toFixed(2)} s, 90th percentile ${pauses[Math.floor(pauses.length * 0.9)]!.toFixed(2)} s, longest ${pauses.at(-1)!.toFixed(2)} s`);
    lines.push('');
  }
  lines.push('The tuning grid, the 25 fastest rules: every pause scale pooled, false cut-offs · mean latency · the most false cut-offs it adds in one pause scale (* within the budget)');
  for (const r of [...rows].sort((a, b) => (a.p.meanLatencyS ?? 9) - (b.p.meanLatencyS ?? 9)).slice(0, 25)) lines.push(`  ${ruleText(r.rule).padEnd(84)} ${pct(r.p.falseCutoffRate)} · ${sec(r.p.meanLatencyS)} · +${r.worstRisePts.toFixed(1)} pts${r.withinBudget ? ' *' : ''}`);
  lines.push('', 'The 15 fastest within the budget:');
  for (const r of allowed.slice(0, 15)) lines.push(`  ${ruleText(r.rule).padEnd(84)} ${pct(r.p.falseCutoffRate)} · ${sec(r.p.meanLatencyS)} · +${r.worstRisePts.toFixed(1)} pts`);
  writeFileSync(o.out, lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    process.stderr.write(`speaker-pause-study failed: ${(e as Error).stack}\n`);
    process.exit(1);
  });
}
