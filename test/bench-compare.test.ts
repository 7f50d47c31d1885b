/**
 * `bench compare`: the side-by-side table and JSON from hand-made reports (transport cost, per-sample
 * matrix), the target-spec handling, and one short real comparison — the in-process engine and the
 * same engine through the OpenAI Realtime endpoint of a live server started in this process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goalsCheck, type BenchmarkSummary } from '../bench/metrics/aggregate.js';
import { buildComparison, compareText, type Comparison } from '../bench/report/compare.js';
import { renderCompareHtml } from '../bench/report/compare-html.js';
import type { BenchReport, SampleEntry } from '../bench/report/report.js';
import { metricRows } from '../bench/report/summary-table.js';
import type { RunInfo } from '../bench/runner/run-info.js';
import { registerProtocolTargets } from '../bench/runner/protocol-targets.js';
import { benchCompare } from '../src/cli/bench-compare.js';
import { resolveSelf, splitTargets, targetSlug } from '../src/cli/bench-self.js';

const skips = { total: 0, byReason: {} };

/** A report as a run of `target` would write it: turn-taking median `median` s, the samples given. */
function report(target: string, median: number | null, samples: SampleEntry[], o: { interruption?: boolean } = {}): BenchReport {
  const summary: BenchmarkSummary = {
    smoothTurnTaking: { n: 2, tor: median === null ? 0 : 1, latencyS: { n: median === null ? 0 : 2, mean: median, median }, skipped: skips },
    ...(o.interruption && {
      userInterruption: { n: 1, tor: 1, latencyS: { n: 1, mean: 0.25, median: 0.25 }, stopLatencyS: { n: 1, mean: 0.3, median: 0.3 }, skipped: { total: 1, byReason: { x: 1 } } },
    }),
  } as BenchmarkSummary;
  const goals = goalsCheck(summary);
  const run = {
    kind: 'fullduplex-bench-run',
    config: { target, set: 'quick', clock: 'realtime', snrDb: null, categories: null, perCategory: null, generatorVersion: 1, engine: {} },
    targetDescription: `${target} described`,
    clock: 'realtime',
    complete: true,
  } as unknown as RunInfo;
  return { run, summary, goals, rows: metricRows(summary, goals), samples, uncategorized: [], method: [] };
}

const sample = (id: string, ok: boolean | null, note = ok ? 'fine' : 'not fine'): SampleEntry => ({ id, category: id.split('/')[0] as SampleEntry['category'], ok, note });

function threeTargets(): Comparison {
  const ids = ['smooth_turn_taking/000', 'smooth_turn_taking/001'];
  return buildComparison(
    [
      { target: 'ws://self', slug: 'ws-self', report: report('ws://self', 0.46, [sample(ids[0]!, true), sample(ids[1]!, false)]) },
      { target: 'local', slug: 'local', report: report('local', 0.4, [sample(ids[0]!, true), sample(ids[1]!, true)], { interruption: true }) },
      { target: 'moshi://self', slug: 'moshi-self', report: report('moshi://self', null, [sample(ids[0]!, null, 'skipped: target failed')]) },
    ],
    '2026-01-01T00:00:00.000Z',
  );
}

test('comparison: transport cost against the in-process target, sample counts, metric rows per category', () => {
  const c = threeTargets();
  assert.equal(c.kind, 'fullduplex-bench-compare');
  assert.equal(c.baseline, 'local');
  assert.equal(c.set, 'quick');
  assert.equal(c.clock, 'realtime');
  assert.deepEqual(c.targets.map((t) => [t.target, t.baseline, t.turnTakingMedianS, t.transportCostS]), [
    ['ws://self', false, 0.46, 0.06],
    ['local', true, 0.4, 0],
    ['moshi://self', false, null, null],
  ]);
  assert.deepEqual(c.targets.map((t) => t.samples), [
    { total: 2, asExpected: 1, notAsExpected: 1, skipped: 0 },
    { total: 2, asExpected: 2, notAsExpected: 0, skipped: 0 },
    { total: 1, asExpected: 0, notAsExpected: 0, skipped: 1 },
  ]);
  assert.equal(c.targets[0]!.reportHtml, 'ws-self/report.html');
  assert.equal(c.targets[2]!.description, 'moshi://self described');

  // Categories in the benchmark's order; a category only one target has gets empty cells elsewhere.
  assert.deepEqual(c.categories.map((x) => x.id), ['smooth_turn_taking', 'user_interruption']);
  const turn = c.categories[0]!;
  assert.deepEqual(turn.counts, [{ n: 2, skipped: 0 }, { n: 2, skipped: 0 }, { n: 2, skipped: 0 }]);
  const latency = turn.rows.find((r) => r.metric.startsWith('latency'))!;
  assert.equal(latency.goal, '≤ 0.2');
  assert.deepEqual(latency.cells.map((x) => x?.value), ['0.46 s (0.46 s)', '0.40 s (0.40 s)', '— (—)']);
  // A target with no data has no verdict, not a miss.
  assert.deepEqual(latency.cells.map((x) => x?.met), [false, false, null]);
  const interruption = c.categories[1]!;
  assert.deepEqual(interruption.counts, [null, { n: 1, skipped: 1 }, null]);
  const stop = interruption.rows.find((r) => r.metric.startsWith('stop latency'))!;
  assert.deepEqual(stop.cells, [null, { value: '0.30 s (0.30 s)', met: false }, null]);

  // Without the in-process target there is no baseline and no cost.
  const noBase = buildComparison([{ target: 'ws://self', slug: 'ws-self', report: report('ws://self', 0.46, []) }]);
  assert.equal(noBase.baseline, null);
  assert.equal(noBase.targets[0]!.transportCostS, null);
});

test('comparison: per-sample matrix (sample × target) with disagreements flagged', () => {
  const c = threeTargets();
  assert.deepEqual(
    c.samples.map((s) => [s.id, s.cells.map((x) => (x === null ? 'absent' : x.ok)), s.disagree]),
    [
      ['smooth_turn_taking/000', [true, true, null], false], // a skipped sample does not disagree
      ['smooth_turn_taking/001', [false, true, 'absent'], true],
    ],
  );
  assert.equal(c.samples[1]!.cells[0]!.note, 'not fine');
});

test('comparison: terminal table, text and HTML show every column', () => {
  const c = threeTargets();
  const text = compareText(c);
  const header = text.split('\n').find((l) => l.startsWith('category / metric'))!;
  assert.match(header, /goal\s+ws:\/\/self\s+local\s+moshi:\/\/self$/);
  const line = (start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start))!;
  assert.match(line('transport cost'), /\+0\.06 s\s+baseline\s+—$/);
  assert.match(line('as expected / total'), /1\/2\s+2\/2\s+0\/1 \(1 skipped\)$/);
  assert.match(line('turn-taking latency, median'), /0\.46 s\s+0\.40 s\s+—$/);
  assert.match(line('latency mean (median)'), /0\.46 s \(0\.46 s\) ✗/);
  assert.match(line('smooth_turn_taking/001'), /✗\s+✓\s+← differs$/);
  assert.match(text, /ws:\/\/self: ws:\/\/self described/);
  assert.match(text, /1 of 2 samples went differently/);

  const html = renderCompareHtml(c);
  for (const needle of ['href="ws-self/report.html"', 'href="local/report.html"', 'href="moshi-self/report.html"', '+0.06 s', 'baseline', 'class="differs"', 'moshi://self described']) {
    assert.ok(html.includes(needle), needle);
  }
  assert.ok(!/https?:\/\/[^"'\s]+\.(css|js|woff2?)/.test(html), 'no external assets');
});

test('target specs: comma lists, folder names, the self host', () => {
  assert.deepEqual(splitTargets(['local,ws://self', 'moshi://h:1?text_prompt=Hello,%20you,there']), ['local', 'ws://self', 'moshi://h:1?text_prompt=Hello,%20you,there']);
  assert.deepEqual(splitTargets(['openai-realtime://self?instructions=a,b,moshi://self']), ['openai-realtime://self?instructions=a,b', 'moshi://self']);
  const taken = new Set<string>();
  assert.deepEqual(['local', 'openai-realtime://self', 'ws://self', 'ws://self'].map((s) => targetSlug(s, taken)), ['local', 'openai-realtime-self', 'ws-self', 'ws-self-2']);
  assert.equal(resolveSelf('ws://self', 4321), 'ws://127.0.0.1:4321');
  assert.equal(resolveSelf('moshi://self?text_prompt=hi', 4321), 'moshi://127.0.0.1:4321?text_prompt=hi');
  assert.equal(resolveSelf('openai-realtime://self', 4321, { eagerness: 'high' }), 'openai-realtime://127.0.0.1:4321?eagerness=high');
  assert.equal(resolveSelf('openai-realtime://self/v1/realtime?model=x', 4321, { eagerness: 'low' }), 'openai-realtime://127.0.0.1:4321/v1/realtime?model=x&eagerness=low');
  assert.equal(resolveSelf('openai-realtime://self?eagerness=low', 4321, { eagerness: 'high' }), 'openai-realtime://127.0.0.1:4321?eagerness=low');
  assert.equal(resolveSelf('moshi://selfish:1', 4321), 'moshi://selfish:1');
  assert.throws(() => resolveSelf('moshi+wss://self', 4321), /TLS/);
});

test('bench compare end to end: the in-process engine and openai-realtime://self, one sample, real time', async () => {
  registerProtocolTargets(); // as the CLI does
  const out = await mkdtemp(join(tmpdir(), 'fdx-bench-compare-'));
  const printed: string[] = [];
  const sink = { write: (s: string) => (printed.push(s), true) };
  try {
    const r = await benchCompare(
      { targets: ['local,openai-realtime://self'], set: 'quick', clock: 'realtime', categories: 'smooth_turn_taking', perCategory: '1', out },
      { stdout: sink, stderr: sink },
    );
    const c = JSON.parse(await readFile(join(out, 'compare.json'), 'utf8')) as Comparison;
    assert.deepEqual(c.targets.map((t) => t.target), ['local', 'openai-realtime://self']);
    assert.deepEqual(c, JSON.parse(JSON.stringify(r.comparison)));
    for (const t of c.targets) {
      assert.deepEqual([t.samples.total, t.samples.skipped], [1, 0], `${t.target}: ${JSON.stringify(t.samples)}`);
      assert.ok(existsSync(join(out, t.reportHtml)) && existsSync(join(out, t.reportJson)), t.target);
      const run = JSON.parse(await readFile(join(out, t.slug, 'run.json'), 'utf8'));
      assert.equal(run.config.target, t.target, 'the run is named as given, so it resumes on any port');
      assert.equal(run.clock, 'realtime');
    }
    assert.match(c.targets[1]!.description, /OpenAI Realtime protocol .*\(this process's live server on 127\.0\.0\.1:\d+/);
    assert.equal(c.samples.length, 1);
    assert.equal(c.samples[0]!.cells.length, 2);
    const [local, remote] = c.targets;
    if (local!.turnTakingMedianS !== null && remote!.turnTakingMedianS !== null) {
      assert.ok(Math.abs(remote!.transportCostS! - (remote!.turnTakingMedianS - local!.turnTakingMedianS)) < 1e-6);
    }
    const html = await readFile(join(out, 'compare.html'), 'utf8');
    assert.ok(html.includes('href="local/report.html"') && html.includes('href="openai-realtime-self/report.html"'));
    assert.ok(existsSync(join(out, 'compare.txt')));
    assert.match(printed.join(''), /category \/ metric\s+goal\s+local\s+openai-realtime:\/\/self/);

    // The self server is gone when the command returns.
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(c.targets[1]!.description)![1]);
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(undefined)));
        s.once('error', reject);
      }),
      /ECONNREFUSED/,
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
