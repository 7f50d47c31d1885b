/**
 * A foreign web client in a real browser: a page served from another port (as Moshi's web client is
 * from its dev server) opens a WebSocket to /api/chat. Without --allow-origin its handshake fails with
 * nothing to show (a bare 403: the browser sees only a failed connection); with the flag it gets the
 * Moshi handshake and the metadata message its server-info panel parses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import type { FullduplexServer } from '../src/server/server.js';
import { closeSharedComponents, testServer } from './helpers/server.js';
import { CHROMIUM } from './helpers/browser.js';

/** The foreign page: connects, reports what happened on its WebSocket. */
const PAGE = `<!doctype html><title>foreign</title><script>
window.result = new Promise((resolve) => {
  const target = new URLSearchParams(location.search).get('worker_addr');
  const ws = new WebSocket('ws://' + target + '/api/chat');
  ws.binaryType = 'arraybuffer';
  const got = { opened: false, kinds: [], metadata: null };
  ws.onopen = () => (got.opened = true);
  ws.onmessage = (e) => {
    const b = new Uint8Array(e.data);
    got.kinds.push(b[0]);
    if (b[0] === 4) got.metadata = JSON.parse(new TextDecoder().decode(b.subarray(1)));
    if (got.metadata) { ws.close(); resolve(got); }
  };
  ws.onclose = (e) => resolve({ ...got, closeCode: e.code });
});
</script>`;

let foreign: Server;
let foreignOrigin: string;
let strict: FullduplexServer;
let admitting: FullduplexServer;
let browser: Browser;

before(async () => {
  foreign = createServer((_q, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', () => r()));
  const port = (foreign.address() as { port: number }).port;
  foreignOrigin = `http://127.0.0.1:${port}`;
  strict = await testServer();
  admitting = await testServer({ allowedOrigins: [foreignOrigin] });
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
});
after(async () => {
  await browser?.close();
  await strict?.close();
  await admitting?.close();
  await closeSharedComponents();
  foreign?.close();
});

type Result = { opened: boolean; kinds: number[]; metadata: Record<string, unknown> | null; closeCode?: number };

async function visit(server: FullduplexServer): Promise<Result> {
  const page = await browser.newPage();
  try {
    await page.goto(`${foreignOrigin}/?worker_addr=127.0.0.1:${server.port}`);
    return await page.evaluate(() => (globalThis as unknown as { result: Promise<Result> }).result);
  } finally {
    await page.close();
  }
}

test('without --allow-origin the foreign page never opens its WebSocket', async () => {
  const r = await visit(strict);
  assert.equal(r.opened, false);
  assert.deepEqual(r.kinds, []);
  assert.equal(r.closeCode, 1006, 'a failed handshake: the browser learns nothing more');
});

test('with --allow-origin it gets the handshake, then the metadata its server-info panel shows', async () => {
  const r = await visit(admitting);
  assert.equal(r.opened, true);
  assert.equal(r.kinds[0], 0, 'the handshake first');
  assert.equal(typeof r.metadata?.['instance_name'], 'string');
  assert.equal(typeof (r.metadata?.['build_info'] as Record<string, unknown>)['git_describe'], 'string');
});
