/**
 * pocketsphinx 5prealpha aborts the process on a false-positive assertion in ngram_search_find_exit
 * when its backpointer table is exactly full (native/src/asr_pocketsphinx.c). The fixture is the
 * audio of a generated monologue that reaches it: one utterance of 88 windows, then a partial
 * hypothesis 95 windows into the next. Run in a child process, since without the guard the abort
 * takes the whole test runner down.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../src/native.js';

const root = projectRoot();

const child = `
const { readWavMono } = await import(${JSON.stringify(join(root, 'dist/src/audio/wav.js'))});
const { PocketsphinxAsr } = await import(${JSON.stringify(join(root, 'dist/src/speech/asr/pocketsphinx.js'))});
const pcm = (await readWavMono(${JSON.stringify(join(root, 'test/fixtures/asr-backpointer-table-full.wav'))})).samples;
const s = new PocketsphinxAsr().createStream();
const win = (k) => pcm.subarray(k * 512, (k + 1) * 512);
let k = 0;
for (; k < 88; k++) s.push(win(k));
const first = await s.finish();
for (; k < 183; k++) s.push(win(k));
const second = await s.finish().catch((e) => ({ text: 'error: ' + e.message }));
console.log(JSON.stringify({ first: first.text, second: second.text }));
`;

test('a pocketsphinx internal assertion does not take the process down', (t) => {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `the recogniser's process died (signal ${r.signal}): ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { first: string; second: string };
  assert.ok(out.first.length > 0, 'the utterance before it was recognised');
  assert.equal(typeof out.second, 'string');
  // A pocketsphinx without the bug no longer asserts here: then there is nothing to guard.
  t.diagnostic(/ngram_search_find_exit/.test(r.stderr) ? 'the guard caught the assertion' : 'pocketsphinx did not assert on this audio');
});
