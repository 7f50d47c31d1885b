import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFullduplexError } from '../src/errors.js';
import { RealClock, VirtualClock, type Clock } from '../src/audio/clock.js';

const isCode = (code: 'BAD_ARGUMENT' | 'CANCELLED') => (e: unknown) => isFullduplexError(e, code);

test('virtual timers fire in time order, ties in creation order, with now() at their due time', async () => {
  const c = new VirtualClock();
  const log: string[] = [];
  const at = (name: string) => () => log.push(`${name}@${c.now()}`);
  c.setTimer(0.3, at('c'));
  c.setTimer(0.1, at('a'));
  c.setTimer(0.2, at('b1'));
  c.setTimer(0.2, at('b2'));
  c.setTimer(0, at('zero'));
  assert.equal(c.pendingTimers, 5);
  assert.equal(c.nextTimerAt(), 0);
  await c.advance(0.25);
  assert.deepEqual(log, ['zero@0', 'a@0.1', 'b1@0.2', 'b2@0.2']);
  assert.equal(c.now(), 0.25);
  await c.advanceTo(1);
  assert.deepEqual(log.slice(4), ['c@0.3']);
  assert.equal(c.now(), 1);
  assert.equal(c.pendingTimers, 0);
});

test('timers scheduled by callbacks inside the window run in order; later ones wait', async () => {
  const c = new VirtualClock();
  const log: number[] = [];
  c.setTimer(0.1, () => {
    log.push(c.now());
    c.setTimer(0.05, () => log.push(c.now())); // 0.15, inside the window, before the 0.2 timer
    c.setTimer(0.5, () => log.push(c.now())); // 0.6, outside
  });
  c.setTimer(0.2, () => log.push(c.now()));
  await c.advance(0.3);
  assert.deepEqual(log, [0.1, 0.15, 0.2]);
  await c.advance(0.3);
  assert.deepEqual(log, [0.1, 0.15, 0.2, 0.6]);
});

test('code after await sleep() runs at the sleep’s virtual time, and its next sleep fires in the same advance', async () => {
  const c = new VirtualClock();
  const log: string[] = [];
  const loop = async (name: string, period: number, times: number): Promise<void> => {
    for (let i = 0; i < times; i++) {
      await c.sleep(period);
      await Promise.resolve(); // a few extra hops must not matter
      log.push(`${name}@${c.now().toFixed(3)}`);
    }
  };
  const a = loop('a', 0.02, 5);
  const b = loop('b', 0.03, 3);
  await c.advance(0.1);
  await Promise.all([a, b]);
  assert.deepEqual(log, ['a@0.020', 'b@0.030', 'a@0.040', 'b@0.060', 'a@0.060', 'a@0.080', 'b@0.090', 'a@0.100']);
});

test('a scenario replays identically (determinism)', async () => {
  const run = async (): Promise<string[]> => {
    const c = new VirtualClock();
    const log: string[] = [];
    const worker = async (id: number): Promise<void> => {
      for (let i = 0; i < 4; i++) {
        await c.sleep(0.01 * ((id * 7 + i * 3) % 5));
        log.push(`${id}:${i}@${c.now()}`);
      }
    };
    const all = Promise.all([1, 2, 3, 4].map(worker));
    await c.runUntilIdle();
    await all;
    return log;
  };
  const first = await run();
  assert.equal(first.length, 16);
  assert.deepEqual(await run(), first);
});

test('virtual time has no float drift: ten advance(0.1) reach a sleep(1)', async () => {
  const c = new VirtualClock();
  let woke = false;
  void c.sleep(1).then(() => (woke = true));
  for (let i = 0; i < 9; i++) await c.advance(0.1);
  assert.equal(woke, false);
  await c.charge(0.1);
  assert.equal(woke, true);
  assert.equal(c.now(), 1);
});

test('cancel removes a timer; cancelling a fired timer is harmless', async () => {
  const c = new VirtualClock();
  let fired = 0;
  const h1 = c.setTimer(0.1, () => fired++);
  const h2 = c.setTimer(0.2, () => fired++);
  h2.cancel();
  h2.cancel();
  assert.equal(c.pendingTimers, 1);
  await c.advance(1);
  assert.equal(fired, 1);
  h1.cancel();
  assert.equal(c.pendingTimers, 0);
});

test('virtual sleep aborts with CANCELLED and leaves no timer behind', async () => {
  const c = new VirtualClock();
  const ac = new AbortController();
  const p = c.sleep(5, ac.signal);
  assert.equal(c.pendingTimers, 1);
  ac.abort(new Error('user spoke'));
  await assert.rejects(p, isCode('CANCELLED'));
  assert.equal(c.pendingTimers, 0);
  await assert.rejects(c.sleep(1, ac.signal), isCode('CANCELLED'), 'already aborted');
  assert.equal(c.pendingTimers, 0);
  // Aborting after it resolved changes nothing.
  const ac2 = new AbortController();
  const q = c.sleep(0.1, ac2.signal);
  await c.advance(0.1);
  await q;
  ac2.abort();
});

test('runUntilIdle jumps through all timers and refuses endless ones', async () => {
  const c = new VirtualClock(10);
  const log: number[] = [];
  c.setTimer(3, () => log.push(c.now()));
  c.setTimer(1, () => c.setTimer(1, () => log.push(c.now())));
  await c.runUntilIdle();
  assert.deepEqual(log, [12, 13]);
  assert.equal(c.now(), 13);

  const tick = (): void => void c.setTimer(1, tick);
  tick();
  await assert.rejects(c.runUntilIdle(50), isCode('BAD_ARGUMENT'));
});

test('bad arguments and misuse are reported', async () => {
  const c = new VirtualClock();
  await c.advance(1);
  await assert.rejects(c.advanceTo(0.5), isCode('BAD_ARGUMENT'));
  await assert.rejects(c.advance(-1), isCode('BAD_ARGUMENT'));
  await assert.rejects(c.advance(NaN), isCode('BAD_ARGUMENT'));
  assert.throws(() => c.setTimer(-0.1, () => {}), isCode('BAD_ARGUMENT'));
  assert.throws(() => c.setTimer(Infinity, () => {}), isCode('BAD_ARGUMENT'));
  await assert.rejects(c.sleep(NaN), isCode('BAD_ARGUMENT'));
  c.setTimer(1, () => {});
  const first = c.advance(2);
  await assert.rejects(c.advance(1), isCode('BAD_ARGUMENT'), 'concurrent advance');
  await first;
  assert.equal(c.now(), 3);
});

test('a throwing timer callback rejects advance() at that timer’s time; the clock stays usable', async () => {
  const c = new VirtualClock();
  let later = false;
  c.setTimer(0.5, () => {
    throw new Error('boom');
  });
  c.setTimer(0.7, () => (later = true));
  await assert.rejects(c.advance(1), /boom/);
  assert.equal(c.now(), 0.5);
  await c.advance(0.5);
  assert.equal(later, true);
});

test('both clocks satisfy the Clock interface', () => {
  const clocks: Clock[] = [new RealClock(), new VirtualClock()];
  for (const c of clocks) assert.equal(typeof c.now(), 'number');
});

test('real clock: now() advances, sleep waits, timers cancel', async () => {
  const c = new RealClock();
  const t0 = c.now();
  assert.ok(t0 >= 0 && t0 < 0.5);
  await c.sleep(0.05);
  const slept = c.now() - t0;
  assert.ok(slept >= 0.045 && slept < 1, `slept ${slept}`);
  let fired = false;
  c.setTimer(0.01, () => (fired = true)).cancel();
  await c.sleep(0.03);
  assert.equal(fired, false);
  assert.throws(() => c.setTimer(30 * 86400, () => {}), isCode('BAD_ARGUMENT'));
});

test('real clock: abort ends a sleep at once with CANCELLED', async () => {
  const c = new RealClock();
  const ac = new AbortController();
  const t0 = c.now();
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(c.sleep(10, ac.signal), isCode('CANCELLED'));
  assert.ok(c.now() - t0 < 1);
  await assert.rejects(c.sleep(10, ac.signal), isCode('CANCELLED'));
});
