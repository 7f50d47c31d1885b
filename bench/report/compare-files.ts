/** The comparison's files: compare.json for machines, compare.txt (what the terminal showed) and compare.html. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareText, type Comparison } from './compare.js';
import { renderCompareHtml } from './compare-html.js';

export interface CompareFiles {
  readonly json: string;
  readonly html: string;
  readonly text: string;
}

export async function writeComparison(dir: string, c: Comparison): Promise<CompareFiles> {
  const files = { json: join(dir, 'compare.json'), html: join(dir, 'compare.html'), text: join(dir, 'compare.txt') };
  await writeFile(files.json, JSON.stringify(c, null, 2) + '\n');
  await writeFile(files.text, compareText(c) + '\n');
  await writeFile(files.html, renderCompareHtml(c));
  return files;
}
