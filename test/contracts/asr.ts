/**
 * What every AsrEngine must do, as node:test tests: run at its declared rate, stream partials while
 * audio arrives and a timed final at finish(), take pieces of any size (none at all included), and
 * fail with FullduplexErrors. `create` may hand out one shared engine (real models load once per file).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PcmFrame } from '../../src/audio/frame.js';
import { isFullduplexError } from '../../src/errors.js';
import type { AsrEngine, AsrResult } from '../../src/speech/types.js';

export interface AsrContractOptions {
  readonly create: () => AsrEngine;
  /** Whether the engine should be closed after each test (fresh engines) or left to the file (a shared one). */
  readonly closeAfter: boolean;
  /** Speech at the engine's rate and words it must contain (the recogniser may miss others). */
  readonly utterance: () => PcmFrame & { readonly mustHear: readonly string[] };
}

export function asrContract(name: string, o: AsrContractOptions): void {
  const withEngine = async (f: (asr: AsrEngine) => Promise<void>) => {
    const asr = o.create();
    try {
      await f(asr);
    } finally {
      if (o.closeAfter) await asr.close();
    }
  };

  test(`${name}: streams partials while audio arrives, then a timed final`, () =>
    withEngine(async (asr) => {
      assert.ok(Number.isInteger(asr.sampleRate) && asr.sampleRate > 0);
      const u = o.utterance();
      assert.equal(u.sampleRate, asr.sampleRate);
      const stream = asr.createStream();
      const partials: AsrResult[] = [];
      stream.onPartial = (p) => partials.push(p);
      try {
        // 32 ms pieces, as the engine feeds it, with a one-sample piece and an empty one on the way.
        await stream.push(new Int16Array(0));
        await stream.push(u.samples.subarray(0, 1));
        for (let i = 1; i < u.samples.length; i += 512) await stream.push(u.samples.subarray(i, i + 512));
        assert.ok(partials.length > 0, 'partials before the final');
        assert.ok(partials.every((p) => !p.final));
        const final = await stream.finish();
        assert.equal(final.final, true);
        const words = final.text.toLowerCase().split(/\s+/);
        for (const w of u.mustHear) assert.ok(words.includes(w), `'${w}' in '${final.text}'`);
        assert.deepEqual(final.words.map((w) => w.word).join(' '), final.text, 'words spell the text');
        const duration = u.samples.length / u.sampleRate;
        final.words.forEach((w, i) => {
          assert.ok(w.start >= 0 && w.end >= w.start && w.end <= duration + 0.05, `${w.word} ${w.start}-${w.end}`);
          if (i > 0) assert.ok(w.start >= final.words[i - 1]!.start, 'ascending');
        });
        // The stream is ready for the next utterance; one with no audio has no words.
        assert.deepEqual(await stream.finish(), { text: '', words: [], final: true });
      } finally {
        stream.close();
      }
    }));

  test(`${name}: cancel() drops an utterance; batch transcribe() gives the same kind of final`, () =>
    withEngine(async (asr) => {
      const u = o.utterance();
      const stream = asr.createStream();
      try {
        await stream.push(u.samples.subarray(0, Math.floor(u.samples.length / 2)));
        stream.cancel();
        assert.equal((await stream.finish()).text, '', 'nothing left after cancel');
      } finally {
        stream.close();
      }
      const r = await asr.transcribe({ samples: u.samples, sampleRate: u.sampleRate });
      assert.equal(r.final, true);
      for (const w of u.mustHear) assert.ok(r.text.toLowerCase().split(/\s+/).includes(w), `'${w}' in '${r.text}'`);
    }));

  test(`${name}: bad input and use after close fail with FullduplexErrors; close() is idempotent`, () =>
    withEngine(async (asr) => {
      const stream = asr.createStream();
      // push may throw or (an asynchronous recogniser) reject: either way a FullduplexError.
      await assert.rejects(async () => stream.push(new Float32Array(8) as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
      stream.close();
      stream.close();
      await assert.rejects(async () => stream.push(new Int16Array(512)), (e) => isFullduplexError(e));
      await assert.rejects(stream.finish(), (e) => isFullduplexError(e));
    }));
}
