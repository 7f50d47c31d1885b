/**
 * Foreign web clients, admitted knowingly: a cross-origin WebSocket (Moshi's web client served from
 * its own dev server) gets a bare 403 unless the origin was named with --allow-origin, and the refusal
 * is logged once with the flag that would admit it; `--serve-client DIR --at /moshi/` serves a built
 * client same-origin; the Moshi endpoint sends the metadata message its server-info panel reads.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { FullduplexServer } from '../src/server/server.js';
import { servedClients } from '../src/server/origins.js';
import { MoshiClient } from '../src/protocols/moshi/client.js';
import { closeSharedComponents, tempDir, testServer, wsUrl } from './helpers/server.js';

const FOREIGN = 'http://localhost:5173';
let strict: FullduplexServer;
let open: FullduplexServer;
const strictLog: string[] = [];
let clientDir: string;

before(async () => {
  clientDir = tempDir('moshi-client');
  mkdirSync(join(clientDir, 'assets'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>moshi.chat</title><script type="module" src="/moshi/assets/app.js"></script>');
  writeFileSync(join(clientDir, 'assets', 'app.js'), 'console.log("moshi")');
  strict = await testServer({ log: (l) => strictLog.push(l), servedClients: servedClients([clientDir], ['/moshi/']) });
  open = await testServer({ allowedOrigins: [FOREIGN] });
});
after(async () => {
  await strict?.close();
  await open?.close();
  await closeSharedComponents();
});

/** The HTTP status of a WebSocket upgrade (101 when accepted), and the socket when accepted. */
function upgrade(url: string, origin: string | undefined): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ...(origin && { origin }), perMessageDeflate: false });
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_q, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => (assert.equal(body, '', 'a bare refusal: no body'), resolve({ status: res.statusCode ?? 0 })));
    });
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
  });
}

test('a cross-origin upgrade gets a bare 403 without --allow-origin; the refusal is logged once, with the flag', async () => {
  for (const path of ['/api/chat', '/v1/realtime', '/v1/session', '/api/chat']) {
    assert.equal((await upgrade(wsUrl(strict, path), FOREIGN)).status, 403, path);
  }
  const lines = strictLog.filter((l) => l.includes(FOREIGN));
  assert.equal(lines.length, 1, `one line per origin: ${JSON.stringify(lines)}`);
  assert.match(lines[0]!, new RegExp(`--allow-origin ${FOREIGN.replace(/[.:/]/g, '\\$&')}`));
  assert.equal((await upgrade(wsUrl(strict, '/api/chat'), 'https://evil.example')).status, 403);
  assert.equal(strictLog.filter((l) => l.includes('https://evil.example')).length, 1, 'another origin gets its own line');
  // Its own origin, and non-browser clients (no Origin), pass.
  const same = await upgrade(wsUrl(strict, '/api/chat'), `http://127.0.0.1:${strict.port}`);
  assert.equal(same.status, 101);
  same.ws!.close();
});

test('with --allow-origin the foreign client is admitted: handshake, then the metadata its server-info panel shows', async () => {
  const other = await upgrade(wsUrl(open, '/api/chat'), 'http://localhost:9999');
  assert.equal(other.status, 403, 'only the named origin');
  const client = await MoshiClient.connect({ url: `${wsUrl(open, '/api/chat')}?text_temperature=0.6&text_topk=30`, headers: { Origin: FOREIGN } });
  try {
    for (let i = 0; i < 100 && client.metadata === undefined; i++) await new Promise((r) => setTimeout(r, 20));
    const m = client.metadata as Record<string, unknown> & { build_info: Record<string, unknown> };
    // The fields and types Moshi's client checks (useServerInfo.ts): all numbers and strings present.
    for (const k of ['text_temperature', 'text_topk', 'audio_temperature', 'audio_topk', 'pad_mult', 'repetition_penalty_context', 'repetition_penalty']) assert.equal(typeof m[k], 'number', k);
    for (const k of ['lm_model_file', 'instance_name']) assert.equal(typeof m[k], 'string', k);
    for (const k of ['build_timestamp', 'build_date', 'git_branch', 'git_timestamp', 'git_date', 'git_hash', 'git_describe', 'rustc_host_triple', 'rustc_version', 'cargo_target_triple']) assert.equal(typeof m.build_info[k], 'string', k);
    assert.equal(m['text_temperature'], 0.6, 'the sampling settings the client asked for');
    assert.equal(m['text_topk'], 30);
    assert.match(m['lm_model_file'] as string, /fullduplex/);
  } finally {
    await client.close();
  }
});

test("--serve-client serves a built client's folder under its own path, same-origin", async () => {
  const base = `http://127.0.0.1:${strict.port}`;
  const index = await fetch(`${base}/moshi/`);
  assert.equal(index.status, 200);
  assert.match(await index.text(), /moshi\.chat/);
  assert.equal(index.headers.get('content-security-policy'), null, "a foreign build gets no CSP of ours (its wasm, workers, styles)");
  const js = await fetch(`${base}/moshi/assets/app.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
  const route = await fetch(`${base}/moshi/conversation?worker_addr=same`);
  assert.match(await route.text(), /moshi\.chat/, "the app's own routes get its index.html");
  assert.equal((await fetch(`${base}/moshi/assets/missing.js`)).status, 404);
  assert.equal((await fetch(`${base}/moshi/../package.json`)).status, 404);
  const bare = await fetch(`${base}/moshi`, { redirect: 'manual' });
  assert.equal(bare.status, 308);
  assert.equal(bare.headers.get('location'), '/moshi/');
  assert.match(await (await fetch(`${base}/`)).text(), /<html/i, 'the page is still at /');
  assert.throws(() => servedClients([clientDir], ['/']), /path of its own/);
  assert.throws(() => servedClients([clientDir], ['/v1/x']), /path of its own/);
  assert.throws(() => servedClients([clientDir, clientDir], ['/a/']), /its own --at/);
});
