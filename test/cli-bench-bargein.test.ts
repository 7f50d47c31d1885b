/** `fullduplex bench bargein` options: a subset of categories and predictor options over the defaults, on one real conversation; misuse refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';

test('bench bargein --categories --options: side talk only, with an attention threshold given, scored and written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fd-bargein-'));
  try {
    const rc = await main(['node', 'fullduplex', 'bench', 'bargein', '--set', 'quick', '--per-category', '1', '--voices', 'tuning', '--policies', 'model',
      '--categories', 'talking_to_others', '--options', '{"attention":{"quietOnsetDropDb":10}}', '--out', dir]);
    assert.equal(rc, 0);
    const ev = JSON.parse(await readFile(join(dir, 'bargein-quick-1-talking_to_others.json'), 'utf8'));
    assert.deepEqual(ev.categories, ['talking_to_others']);
    assert.deepEqual(ev.predictor, { attention: { quietOnsetDropDb: 10 } });
    const s = ev.results[0].summary;
    assert.equal(s.interruptions + s.backchannels, 0);
    assert.ok(s.others >= 1, 'the side talk is scored');
    assert.match(await readFile(join(dir, 'bargein-quick-1-talking_to_others.txt'), 'utf8'), /options \{"attention":\{"quietOnsetDropDb":10\}\}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bench bargein refuses an unknown category and bad options by name', async () => {
  const run = (...args: string[]) => main(['node', 'fullduplex', 'bench', 'bargein', ...args]);
  assert.equal(await run('--categories', 'pause_handling'), 2);
  assert.equal(await run('--options', '{"attention":{"quietOnsetDropDb":"x"}}'), 2);
  assert.equal(await run('--options', 'not json'), 2);
});
