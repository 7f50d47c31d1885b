#!/usr/bin/env node
// Runs every compiled test file with Node's built-in test runner. Node 20's `--test` takes no globs,
// so the files are listed here. Test files run one at a time: most load real models and run real-time
// audio, and two cores shared between them would make timings (and time-outs) flaky.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'dist', 'test');
const filter = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort()
  .map((f) => join(dir, f));
if (files.length === 0) {
  process.stderr.write('no test files found in dist/test\n');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
