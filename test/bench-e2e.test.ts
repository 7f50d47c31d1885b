import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../src/audio/wav.js';
import { SETS } from '../bench/scenarios/config.js';
import { CATEGORY_IDS } from '../bench/scenarios/types.js';
import { FILES } from '../bench/scenarios/layout.js';
import { LocalTarget } from '../bench/runner/local-target.js';
import { Progress } from '../bench/runner/progress.js';
import { runBenchmark } from '../bench/runner/run.js';

/**
 * The whole benchmark on the quick set (7 categories × 5 samples) against the in-process engine in
 * virtual time: every sample is generated, played, recorded, heard and scored, and every report is
 * written. What the engine scores is the benchmark's business, not this test's.
 */
test('quick set end to end against the in-process engine, virtual time', async () => {
  const out = await mkdtemp(join(tmpdir(), 'fdx-bench-e2e-'));
  const target = new LocalTarget();
  const lines: string[] = [];
  try {
    const perCategory = SETS.quick.perCategory;
    const r = await runBenchmark({
      target,
      set: 'quick',
      clock: 'virtual',
      out,
      progress: new Progress(perCategory * CATEGORY_IDS.length, { write: (s: string) => (lines.push(s), true) }),
    });
    const { report } = r;
    assert.equal(report.samples.length, perCategory * CATEGORY_IDS.length);
    assert.equal(lines.length, report.samples.length, 'one progress line per sample');
    assert.deepEqual(report.samples.filter((s) => s.ok === null), [], 'no sample skipped');
    for (const c of CATEGORY_IDS) assert.equal(report.samples.filter((s) => s.category === c).length, perCategory, c);

    const s = report.summary;
    for (const x of [s.pauseHandling, s.smoothTurnTaking, s.userInterruption, s.backchannel]) assert.equal(x?.n, perCategory);
    for (const c of ['user_interruption', 'user_backchannel', 'talking_to_others', 'background_speech'] as const) assert.equal(s.v15?.[c]?.n, perCategory, c);
    assert.equal(report.goals.length, 11); // ten Full-Duplex-Bench goals and the cut-in rate
    // The engine did hold conversations: it answered questions and was speaking when interrupted.
    assert.ok((s.smoothTurnTaking?.tor ?? 0) > 0, 'no turn taken at all');
    assert.ok((s.userInterruption?.stopLatencyS.n ?? 0) > 0, 'never speaking at an interruption');

    // Every report names its ASR and clock; the run is described for reproduction.
    const runJson = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(runJson.clock, 'virtual');
    assert.match(runJson.analysis.asr, /pocketsphinx/);
    assert.ok('gitCommit' in runJson && runJson.machine.cores > 0 && runJson.finishedAt);
    assert.match(r.text, /ASR pocketsphinx.*/);
    assert.match(r.text, /clock virtual/);

    // Full-Duplex-Bench layout per sample, output as long as the input.
    const dir = join(out, 'samples', 'user_interruption', '000');
    for (const f of [FILES.input, FILES.output, FILES.outputWords, FILES.interrupt, FILES.metadata, FILES.scenario, FILES.events, FILES.score]) {
      assert.ok(existsSync(join(dir, f)), f);
    }
    const [input, output] = await Promise.all([readWav(join(dir, FILES.input)), readWav(join(dir, FILES.output))]);
    assert.equal(output.channels[0]!.length, input.channels[0]!.length);
    const words = JSON.parse(await readFile(join(dir, FILES.outputWords), 'utf8'));
    assert.ok(Array.isArray(words.chunks) && typeof words.text === 'string' && /pocketsphinx/.test(words.asr));
    // Files upstream's scripts read as written: output.json from the interruption's end on (every
    // word in output_full.json), and the backchannel reference keyed by sample folder.
    const interruptEnd = JSON.parse(await readFile(join(dir, FILES.interrupt), 'utf8'))[0].timestamp[1] as number;
    assert.ok((words.chunks as { timestamp: number[] }[]).every((c) => c.timestamp[0]! >= interruptEnd));
    assert.ok(existsSync(join(dir, FILES.outputWordsFull)));
    const icc = JSON.parse(await readFile(join(out, 'samples', 'backchannel', FILES.iccReference), 'utf8')) as Record<string, number[]>;
    assert.deepEqual(Object.keys(icc).sort(), ['000', '001', '002', '003', '004'].slice(0, perCategory));

    const html = await readFile(r.files.html, 'utf8');
    for (const needle of ['<svg class="lanes"', 'Moshi', 'PersonaPlex', 'Freeze-Omni', 'Gemini Live', 'GPT-Realtime', 'what a “200 ms” claim measures', 'predictor']) {
      assert.ok(html.includes(needle), needle);
    }
    assert.ok(!/https?:\/\/[^"'\s]+\.(css|js|woff2?)/.test(html), 'no external assets');

    // Running again into the same folder resumes: nothing is played again, the numbers stay.
    const again = await runBenchmark({ target, set: 'quick', clock: 'virtual', out, progress: new Progress(report.samples.length, { write: () => true }) });
    assert.deepEqual(again.report.summary, report.summary);
    const resumed = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    assert.equal(resumed.resumed.length, 1);
    assert.equal(resumed.startedAt, runJson.startedAt);
    // A different configuration in the same folder is refused rather than mixed in.
    await assert.rejects(runBenchmark({ target, set: 'quick', clock: 'virtual', out, perCategory: 1 }), /different run/);
  } finally {
    await target.close();
    await rm(out, { recursive: true, force: true });
  }
});
