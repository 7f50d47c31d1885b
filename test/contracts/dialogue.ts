/**
 * What every DialogueModel must do, as node:test tests: stream a reply as text deltas, and end its
 * stream promptly and quietly when the request is aborted (before or during the reply).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DialogueModel, DialogueRequest } from '../../src/dialogue/types.js';

export interface DialogueContractOptions {
  readonly create: () => DialogueModel;
  readonly closeAfter: boolean;
}

const HISTORY: DialogueRequest['history'] = [{ role: 'user', content: 'Can you tell me a little about yourself?' }];

export function dialogueContract(name: string, o: DialogueContractOptions): void {
  const withModel = async (f: (m: DialogueModel) => Promise<void>) => {
    const m = o.create();
    try {
      await f(m);
    } finally {
      if (o.closeAfter) await m.close?.();
    }
  };

  test(`${name}: streams a reply as text deltas`, () =>
    withModel(async (m) => {
      assert.equal(typeof m.name, 'string');
      const deltas: string[] = [];
      for await (const d of m.reply({ history: HISTORY, signal: new AbortController().signal })) {
        assert.equal(typeof d, 'string');
        deltas.push(d);
      }
      assert.ok(deltas.length >= 1);
      assert.ok(deltas.join('').trim().length > 0, 'the reply says something');
    }));

  test(`${name}: an abort mid-reply ends the stream without an error`, () =>
    withModel(async (m) => {
      const whole: string[] = [];
      for await (const d of m.reply({ history: HISTORY, signal: new AbortController().signal })) whole.push(d);
      const ac = new AbortController();
      const got: string[] = [];
      for await (const d of m.reply({ history: HISTORY, signal: ac.signal })) {
        got.push(d);
        ac.abort();
      }
      assert.ok(got.length >= 1 && got.length <= 2, `${got.length} deltas after the abort`);
      if (whole.length > 2) assert.ok(got.length < whole.length, 'it stopped early');
    }));

  test(`${name}: an already-aborted request gives nothing, or at most one delta, and no error`, () =>
    withModel(async (m) => {
      const ac = new AbortController();
      ac.abort();
      let n = 0;
      for await (const _ of m.reply({ history: HISTORY, signal: ac.signal })) n++;
      assert.ok(n <= 1, `${n} deltas`);
    }));

  test(`${name}: close() is idempotent`, async () => {
    const m = o.create();
    await m.close?.();
    await m.close?.();
  });
}
