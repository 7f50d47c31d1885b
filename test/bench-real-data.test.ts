// `bench run --set DIR` and `bench score` on folder trees in upstream Full-Duplex-Bench layout,
// written here from the project's own synthesized speech (no third-party audio).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resample } from '../src/audio/resampler.js';
import { readWav, writeWav } from '../src/audio/wav.js';
import { generateScenario } from '../bench/scenarios/generate.js';
import { annotationsOf, FILES, writeJson } from '../bench/scenarios/layout.js';
import type { CategoryId } from '../bench/scenarios/types.js';
import { LocalTarget } from '../bench/runner/local-target.js';
import { Progress } from '../bench/runner/progress.js';
import { runFolder } from '../bench/runner/run-folder.js';
import { loadSample, prepareSample } from '../bench/runner/sample-io.js';
import { scoreFolder } from '../bench/runner/score-dir.js';

const quiet = new Progress(100, { write: () => true });

/** One sample folder as upstream releases it: input.wav (at `rate`) and the task's annotation file, nothing of ours. */
async function upstreamSample(dir: string, category: CategoryId, rate: number): Promise<{ durationS: number }> {
  const s = await generateScenario('quick', category, 0);
  await mkdir(dir, { recursive: true });
  const input = await resample({ samples: s.input, sampleRate: s.truth.sampleRate }, rate);
  await writeWav(join(dir, FILES.input), [input.samples], rate);
  for (const [name, body] of Object.entries(annotationsOf(s.truth))) {
    // Upstream's metadata.json has no category field: the folder name says it.
    const { category: _ours, ...upstreamBody } = body as Record<string, unknown>;
    await writeJson(join(dir, name), name === FILES.metadata ? upstreamBody : body);
  }
  return { durationS: s.truth.durationS };
}

test('the task is recognised from the annotation file or upstream folder name; bad folders say which file and field', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fdx-realdata-'));
  try {
    await upstreamSample(join(root, 'v1_0', 'candor_turn_taking', '3'), 'smooth_turn_taking', 16000);
    await upstreamSample(join(root, 'v1_5', 'talking_to_other', '8'), 'talking_to_others', 16000);
    await upstreamSample(join(root, 'v1_5', 'user_interruption', '2'), 'user_interruption', 16000);
    const cat = async (rel: string, task?: CategoryId) => {
      const p = await prepareSample(join(root, rel), root, task);
      return 'skipped' in p ? `skipped: ${p.skipped}` : p.category;
    };
    assert.equal(await cat('v1_0/candor_turn_taking/3'), 'smooth_turn_taking');
    assert.equal(await cat('v1_5/talking_to_other/8'), 'talking_to_others'); // upstream's singular folder name
    // user_interruption writes interrupt.json and metadata.json: the v1 file decides.
    assert.equal(await cat('v1_5/user_interruption/2'), 'user_interruption');
    assert.equal(await cat('v1_5/talking_to_other/8', 'background_speech'), 'background_speech'); // --task wins

    const bad = join(root, 'v1_0', 'candor_turn_taking', '4');
    await upstreamSample(bad, 'smooth_turn_taking', 16000);
    await writeFile(join(bad, FILES.turnTaking), JSON.stringify([{ text: '[TURN-TAKING]', timestamp: [99, 100] }]));
    assert.match(await cat('v1_0/candor_turn_taking/4'), /turn_taking\.json\[0\]\.timestamp: \[99, 100\] lies outside input\.wav/);
    await writeFile(join(bad, FILES.turnTaking), JSON.stringify([{ text: '[TURN-TAKING]', timestamp: ['a', 2] }]));
    assert.match(await cat('v1_0/candor_turn_taking/4'), /turn_taking\.json\[0\]\.timestamp: start and end must be numbers/);
    await writeFile(join(bad, FILES.turnTaking), '[{"timestamp": [1, 2]');
    assert.match(await cat('v1_0/candor_turn_taking/4'), /turn_taking\.json is not valid JSON/);
    await writeFile(join(bad, FILES.input), 'not a wav file');
    assert.match(await cat('v1_0/candor_turn_taking/4'), /unreadable input\.wav/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('bench run --set DIR: a 48 kHz upstream-layout tree is played, recorded into the run mirroring the tree, and scored; a bad sample is skipped', async () => {
  const src = await mkdtemp(join(tmpdir(), 'fdx-realdata-src-'));
  const out = await mkdtemp(join(tmpdir(), 'fdx-realdata-out-'));
  const target = new LocalTarget();
  try {
    const { durationS } = await upstreamSample(join(src, 'synthetic_pause_handling', '1'), 'pause_handling', 48000);
    const broken = join(src, 'synthetic_pause_handling', '2');
    await upstreamSample(broken, 'pause_handling', 16000);
    await writeFile(join(broken, FILES.pause), JSON.stringify([{ text: '[PAUSE]', timestamp: [1, 2] }, { text: '[PAUSE]', timestamp: [3] }]));

    const r = await runFolder({ target, dir: src, clock: 'virtual', out, progress: quiet });
    const byId = Object.fromEntries(r.report.samples.map((s) => [s.id, s]));
    assert.equal(byId['synthetic_pause_handling/1']?.category, 'pause_handling');
    assert.notEqual(byId['synthetic_pause_handling/1']?.ok, null, 'the good sample is scored');
    assert.equal(byId['synthetic_pause_handling/2']?.ok, null, 'the bad sample is skipped');
    assert.match(byId['synthetic_pause_handling/2']!.note, /pause\.json\[1\]\.timestamp: expected \[start, end\]/);
    assert.equal(r.report.summary.pauseHandling?.n, 1);
    assert.equal(r.report.summary.pauseHandling?.skipped.total, 1);

    // The run folder mirrors the tree in upstream's layout; the source tree is left as it was.
    const rec = join(out, 'samples', 'synthetic_pause_handling', '1');
    for (const f of [FILES.input, FILES.pause, FILES.output, FILES.outputWords, FILES.score]) assert.ok(existsSync(join(rec, f)), f);
    assert.ok(!existsSync(join(src, 'synthetic_pause_handling', '1', FILES.output)));
    assert.deepEqual(await readFile(join(rec, FILES.input)), await readFile(join(src, 'synthetic_pause_handling', '1', FILES.input)));
    const output = await readWav(join(rec, FILES.output));
    assert.ok(Math.abs(output.channels[0]!.length / output.sampleRate - durationS) < 0.05, 'output as long as the 48 kHz input');
    const words = JSON.parse(await readFile(join(rec, FILES.outputWords), 'utf8')) as { chunks?: unknown[] };
    assert.ok(Array.isArray(words.chunks), 'output.json in upstream shape');
  } finally {
    await target.close();
    await rm(src, { recursive: true, force: true });
    await rm(out, { recursive: true, force: true });
  }
});

test('bench score reads released folders as they are: output.json words, and icc_gt_distribution.json by folder name', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fdx-realdata-score-'));
  try {
    // A v1 interruption folder as upstream's pipeline leaves it: output.json holds only the words
    // after the interruption's end, offset to the clip (get_transcript/asr.py).
    const dir = join(root, 'synthetic_user_interruption', '5');
    await upstreamSample(dir, 'user_interruption', 16000);
    const input = await readWav(join(dir, FILES.input));
    await writeWav(join(dir, FILES.output), [new Int16Array(input.channels[0]!.length)], 16000);
    const end = (JSON.parse(await readFile(join(dir, FILES.interrupt), 'utf8')) as { timestamp: number[] }[])[0]!.timestamp[1]!;
    const chunks = [['sure', 0.4, 0.7], ['let', 0.8, 0.9], ['us', 0.9, 1.0], ['talk', 1.0, 1.5]].map(([t, a, b]) => ({ text: t, timestamp: [end + (a as number), end + (b as number)] }));
    await writeJson(join(dir, FILES.outputWords), { text: 'sure let us talk', chunks });
    await rm(join(dir, FILES.metadata)); // v1 only
    const r = await scoreFolder({ dir: root, words: 'provided', progress: quiet });
    const ui = r.report.summary.userInterruption!;
    assert.equal(ui.tor, 1); // 4 words over 1.1 s
    assert.ok(Math.abs(ui.latencyS.mean! - 0.4) < 1e-9, `${ui.latencyS.mean}`); // first word − interruption end

    // A backchannel recording is compared with the listener distribution upstream keys by folder name.
    const bc = join(root, 'icc_backchannel', '7');
    await upstreamSample(bc, 'backchannel', 16000);
    await writeJson(join(root, 'icc_backchannel', FILES.iccReference), { '7': [0.1, 0.2, 0.7] });
    const bcInput = await readWav(join(bc, FILES.input));
    const loaded = await loadSample(bc, root, { output: { samples: new Int16Array(bcInput.channels[0]!.length), sampleRate: bcInput.sampleRate } });
    assert.ok(!('skipped' in loaded));
    if (!('skipped' in loaded)) assert.deepEqual(loaded.referenceDistribution, [0.1, 0.2, 0.7]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
