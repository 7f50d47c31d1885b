#!/usr/bin/env node
// CLI entry point. The TypeScript build lives in dist/; `npm run setup` (or `npm start`/`npm test`) makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('fullduplex is not built yet: run `npm run setup` in ' + root + '\n');
  process.exit(1);
}
const { main } = await import(entry);
process.exitCode = await main(process.argv);
