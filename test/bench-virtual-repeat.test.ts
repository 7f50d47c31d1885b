import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTarget } from '../bench/runner/local-target.js';
import { Progress } from '../bench/runner/progress.js';
import { runBenchmark } from '../bench/runner/run.js';
import { COMPUTE_COSTS } from '../src/engine/compute-time.js';
import type { CategoryId } from '../bench/scenarios/types.js';

/**
 * `bench run --clock virtual` charges modelled component costs, so the same commit, set and options
 * give the same numbers every time: two runs into fresh folders agree on every number of report.json
 * (the run's own record — dates, machine — aside). Two short categories, one of which (turn-taking
 * latency) was seen to move between runs when compute time was measured; the engine-level test
 * (engine-virtual-time) covers a barge-in.
 */
test('two virtual-time runs of the same samples give identical report numbers', async () => {
  const categories: CategoryId[] = ['smooth_turn_taking', 'pause_handling'];
  const target = new LocalTarget();
  const dirs: string[] = [];
  try {
    const reports = [];
    for (let i = 0; i < 2; i++) {
      const out = await mkdtemp(join(tmpdir(), 'fdx-bench-repeat-'));
      dirs.push(out);
      const r = await runBenchmark({ target, set: 'quick', clock: 'virtual', out, categories, perCategory: 1, engine: { computeTime: 'modelled' }, progress: new Progress(categories.length, { write: () => true }) });
      reports.push(JSON.parse(await readFile(r.files.json, 'utf8')));
    }
    const [a, b] = reports;
    assert.equal(a.samples.length, categories.length);
    assert.deepEqual(a.samples.filter((s: { ok: unknown }) => s.ok === null), [], 'no sample skipped');
    for (const part of ['summary', 'goals', 'rows', 'samples', 'latencyStages'] as const) assert.deepEqual(b[part], a[part], part);
    // The engine's turn stages: the agent answered the turn-taking sample; the commit comes before the audio at the ear.
    const turn = a.latencyStages.byCategory.find((c: { category: string }) => c.category === 'smooth_turn_taking');
    assert.ok(turn && turn.stages.heard.n >= 1, JSON.stringify(a.latencyStages));
    assert.ok(turn.stages.commit.medianMs <= turn.stages.heard.medianMs);
    assert.match(a.latencyStages.counts, /full relay.*predictor commit/);
    assert.match(await readFile(join(dirs[0]!, 'report.html'), 'utf8'), /What each latency counts/);
    for (const c of categories) {
      const [sa, sb] = await Promise.all(dirs.map(async (d) => JSON.parse(await readFile(join(d, 'samples', c, '000', 'score.json'), 'utf8'))));
      assert.deepEqual(sb, sa, `${c} score.json`);
    }
    // run.json says how compute was charged, with the whole cost model.
    const run = JSON.parse(await readFile(join(dirs[0]!, 'run.json'), 'utf8'));
    assert.equal(run.virtualTime.computeTime, 'modelled');
    assert.deepEqual(run.virtualTime.costs, COMPUTE_COSTS);
  } finally {
    await target.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
});
