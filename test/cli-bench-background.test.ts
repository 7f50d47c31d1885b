/** `fullduplex bench run --background`: other voices beside the user's in generated samples, recorded in run.json; misuse refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';

test('bench run --background throughout: one turn-taking sample with a TV under it, run, scored and recorded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fd-background-'));
  try {
    const rc = await main(['node', 'fullduplex', 'bench', 'run', '--target', 'local', '--set', 'quick', '--clock', 'virtual', '--per-category', '1',
      '--categories', 'smooth_turn_taking', '--background', 'throughout', '--out', dir]);
    assert.equal(rc, 0);
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    assert.equal(run.config.background, 'throughout');
    const truth = JSON.parse(await readFile(join(dir, 'samples', 'smooth_turn_taking', '000', 'scenario.json'), 'utf8'));
    assert.ok(truth.others.length >= 1 && truth.others[0].start < truth.user[0].start, 'the TV is on before the user speaks');
    const score = JSON.parse(await readFile(join(dir, 'samples', 'smooth_turn_taking', '000', 'score.json'), 'utf8'));
    assert.equal(score.v1.result.to, 1, 'the user was answered while the TV played');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench run refuses an unknown --background, and --background on a folder of recordings', async () => {
  const run = (...args: string[]) => main(['node', 'fullduplex', 'bench', 'run', '--clock', 'virtual', ...args]);
  assert.equal(await run('--background', 'radio'), 2);
  const dir = await mkdtemp(join(tmpdir(), 'fd-background-set-'));
  try {
    assert.equal(await run('--set', dir, '--background', 'throughout'), 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
