/**
 * The page in a real browser (Debian's Chromium, headless, a WAV file as its microphone): a spoken
 * question gets the user's transcript and a spoken answer on the page, a barge-in visibly cuts the
 * agent off, a typed message is answered aloud, and a lost server is shown to the person. Screenshots go to test-artifacts/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import type { FullduplexServer } from '../src/server/server.js';
import { compose, synth } from './helpers/speech.js';
import { closeSharedComponents, testServer } from './helpers/server.js';
import { artifactPath, launchWithMicrophone } from './helpers/browser.js';

let server: FullduplexServer;
let browser: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  server = await testServer({ warmSessions: 1 });
  // What the person says, with pauses for the agent (Chromium loops the file; the test ends before).
  const { audio } = compose([1.5, synth('What time is it?'), 5, synth('Please tell me a long story.'), 6.5, synth('Wait, stop, I have a question.'), 20]);
  browser = await launchWithMicrophone(audio);
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  await server?.close();
  await closeSharedComponents();
});

interface PageDebug {
  state: string;
  playback: { audibleMs: number; underruns: number; audibleUnderruns: number };
  errors: string[];
}
/** The page's global object as these tests see it (the functions below run in the page). */
type PageGlobal = { fullduplex: PageDebug };
const state = () => page.evaluate(() => (globalThis as unknown as PageGlobal).fullduplex);

test('a spoken question shows the transcript and a spoken answer; a barge-in cuts the agent off', async () => {
  await page.goto(server.url);
  await page.locator('#voice option').first().waitFor({ state: 'attached' });
  await page.click('#start');
  await page.waitForFunction(() => (globalThis as unknown as PageGlobal).fullduplex.state === 'live', null, { timeout: 20_000 });
  assert.equal(await page.getAttribute('#status', 'data-state'), 'live');

  // The question, then the answer: as text on the page, and as sound out of the speaker.
  const question = page.locator('.msg.user:not(.partial)').first();
  await question.waitFor({ timeout: 20_000 });
  assert.match((await question.textContent()) ?? '', /what time/i); // the recogniser sometimes hears "is ed"
  const answer = page.locator('.msg.agent').first();
  await answer.locator('.spoken', { hasText: /evening|morning|afternoon|night|noon|midnight|o'clock/i }).waitFor({ timeout: 15_000 });
  assert.match((await answer.locator('.chip.latency').textContent()) ?? '', /\d+ ms/);
  // Where that time went: the predictor's decision beside the first audio, from the end of speech.
  await answer.locator('.chip.stages').waitFor({ timeout: 5_000 });
  assert.match((await answer.locator('.chip.stages').textContent()) ?? '', /decision -?\d+ ms · first audio -?\d+ ms/);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobal).fullduplex.playback.audibleMs > 800, null, { timeout: 10_000 });

  // The story, cut off by the person: the heard part stays, the rest is struck through.
  const cut = page.locator('.msg.agent.interrupted');
  await cut.waitFor({ timeout: 30_000 });
  const heard = (await cut.locator('.spoken').textContent()) ?? '';
  const unheard = (await cut.locator('.unheard').textContent()) ?? '';
  assert.match(heard, /story/i);
  assert.ok(unheard.trim().length > 0, 'the unheard rest of the story is shown struck through');
  assert.match((await cut.locator('.chip.cut').textContent()) ?? '', /interrupted/);
  // The interruption is in the transcript (a third finished user line; its words vary with load).
  const userLines = page.locator('.msg.user:not(.partial)');
  for (let i = 0; i < 150 && (await userLines.count()) < 3; i++) await page.waitForTimeout(100);
  assert.ok((await userLines.count()) >= 3, `the interruption is not in the transcript: ${await userLines.allTextContents()}`);
  // A typed message is answered aloud too.
  await page.fill('#typed-text', 'What day is it today?');
  await page.click('#typed-send');
  await page.locator('.msg.user:not(.partial)', { hasText: 'What day is it today?' }).waitFor({ timeout: 10_000 });
  await page.locator('.msg.agent .spoken', { hasText: /today is/i }).waitFor({ timeout: 15_000 });
  assert.equal(await page.inputValue('#typed-text'), '', 'the box is cleared once sent');
  const s = await state();
  assert.ok(s.playback.audibleMs > 2000, `${s.playback.audibleMs} ms of agent audio played`);
  await page.waitForTimeout(600); // let the timeline draw the cut
  await page.screenshot({ path: artifactPath('browser-talk.png') });
  assert.deepEqual(pageErrors, []);
});

test('a lost server is shown to the person, not only in the console', async () => {
  await server.close();
  await page.locator('#banner').waitFor({ state: 'visible', timeout: 10_000 });
  assert.match((await page.textContent('#banner-text')) ?? '', /shutting down/i);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'error');
  assert.equal(await page.isVisible('#banner-action'), true, 'it offers to try again');
  await page.screenshot({ path: artifactPath('browser-disconnected.png') });
});
