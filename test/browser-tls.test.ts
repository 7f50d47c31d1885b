/**
 * The page over https, as a person off the loopback would use it: Chromium trusts the server's
 * self-signed certificate the way Chromium trusts one specific certificate (its public key's SHA-256
 * in --ignore-certificate-errors-spki-list; certificate errors are not ignored in general), the page is
 * opened with the server's token, mints a short-lived key for the session, and a spoken question gets
 * a spoken answer over wss. The token never goes onto the WebSocket.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { FullduplexServer } from '../src/server/server.js';
import { selfSignedNames, selfSignedTls } from '../src/server/tls.js';
import { compose, synth } from './helpers/speech.js';
import { closeSharedComponents, tempDir, testServer } from './helpers/server.js';
import { artifactPath, launchWithMicrophone } from './helpers/browser.js';

const TOKEN = 'browser-tls-token';
let server: FullduplexServer;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const sockets: string[] = [];
const minted: string[] = [];

before(async () => {
  const tls = await selfSignedTls(join(tempDir('browser-tls'), 'tls'), selfSignedNames('127.0.0.1'));
  server = await testServer({ warmSessions: 1, token: TOKEN, tls: { cert: tls.cert, key: tls.key } });
  // A long lead: the microphone opens on Start, and the key is minted and the TLS session set up before
  // audio counts. The question comes three times, 9 s apart: on a loaded machine the session can go
  // live after the first has played, and any one of them answered is the exchange this test wants.
  const question = synth('What time is it?');
  const { audio } = compose([4, question, 9, question, 9, question, 20]);
  browser = await launchWithMicrophone(audio, [`--ignore-certificate-errors-spki-list=${tls.spkiSha256}`]);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('websocket', (ws) => sockets.push(ws.url()));
  page.on('request', (r) => r.url().endsWith('/v1/realtime/client_secrets') && minted.push(r.method()));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await closeSharedComponents();
});

type PageGlobal = { fullduplex: { state: string; playback: { audibleMs: number } } };

test('over https with the certificate trusted: a spoken question, a spoken answer; the session used a minted key', async () => {
  assert.match(server.url, /^https:/);
  await page.goto(server.url);
  assert.ok(page.url().startsWith('https://'));
  await page.locator('#voice option').first().waitFor({ state: 'attached' });
  await page.click('#start');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobal).fullduplex.state === 'live', null, { timeout: 20_000 });
  await page.locator('.msg.user:not(.partial)', { hasText: /time/i }).first().waitFor({ timeout: 40_000 });
  await page.locator('.msg.agent .spoken', { hasText: /evening|morning|afternoon|night|noon|midnight|o'clock/i }).first().waitFor({ timeout: 15_000 });
  await page.waitForFunction(() => (globalThis as unknown as PageGlobal).fullduplex.playback.audibleMs > 800, null, { timeout: 10_000 });
  await page.screenshot({ path: artifactPath('browser-tls.png') });
  assert.deepEqual(minted, ['POST'], 'the page minted one key for its session');
  assert.equal(sockets.length, 1);
  assert.match(sockets[0]!, /^wss:\/\/127\.0\.0\.1:\d+\/v1\/session$/, 'wss, and no token in the URL');
  assert.deepEqual(pageErrors, []);
});
