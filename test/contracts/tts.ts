/**
 * What every TtsEngine must do, as node:test tests: give PCM at the rate it declares for a voice, say
 * more for more words, stop when aborted, refuse empty text and unknown voices with FullduplexErrors,
 * name their audio consistently (audioIdentity, optional), and close idempotently. Errors may come
 * from the call or from the iteration (subprocess engines learn of a bad voice late); either way they
 * must be FullduplexErrors.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFullduplexError, type ErrorCode } from '../../src/errors.js';
import type { TtsChunk, TtsEngine, TtsSynthesisOptions } from '../../src/speech/types.js';

export interface TtsContractOptions {
  readonly create: () => TtsEngine;
  readonly closeAfter: boolean;
}

async function collect(tts: TtsEngine, text: string, options?: TtsSynthesisOptions): Promise<TtsChunk[]> {
  const out: TtsChunk[] = [];
  for await (const c of tts.synthesize(text, options)) out.push(c);
  return out;
}

async function failsWith(run: () => Promise<unknown>, code?: ErrorCode): Promise<void> {
  await assert.rejects(async () => run(), (e) => isFullduplexError(e, code));
}

export function ttsContract(name: string, o: TtsContractOptions): void {
  const withEngine = async (f: (tts: TtsEngine) => Promise<void>) => {
    const tts = o.create();
    try {
      await f(tts);
    } finally {
      if (o.closeAfter) await tts.close();
    }
  };

  test(`${name}: gives PCM at its declared rate, longer for more words`, () =>
    withEngine(async (tts) => {
      assert.ok(tts.voices.includes(tts.defaultVoice), 'the default voice is listed');
      const rate = tts.sampleRateOf(tts.defaultVoice);
      assert.ok(Number.isInteger(rate) && rate >= 8000, `rate ${rate}`);
      const short = await collect(tts, 'Hello there.');
      const long = await collect(tts, 'Hello there. This sentence has quite a few more words in it than the first.');
      for (const c of [...short, ...long]) {
        assert.ok(c.samples instanceof Int16Array && c.samples.length > 0);
        assert.equal(c.sampleRate, rate, 'chunks at the declared rate');
      }
      const seconds = (cs: TtsChunk[]) => cs.reduce((n, c) => n + c.samples.length, 0) / rate;
      assert.ok(seconds(short) > 0.2 && seconds(short) < 5, `short: ${seconds(short)} s`);
      assert.ok(seconds(long) > 2 * seconds(short), `long ${seconds(long)} s vs short ${seconds(short)} s`);
      const peak = Math.max(...long.map((c) => c.samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0)));
      assert.ok(peak > 1000, 'audible');
    }));

  test(`${name}: aborting stops the output`, () =>
    withEngine(async (tts) => {
      const text = 'This is a long sentence that goes on and on. And another one after it, to be sure there is plenty to stop.';
      const whole = await collect(tts, text);
      const ac = new AbortController();
      const got: TtsChunk[] = [];
      for await (const c of tts.synthesize(text, { signal: ac.signal })) {
        got.push(c);
        ac.abort();
      }
      assert.ok(got.length >= 1 && got.length <= 2, `${got.length} chunks after the abort`);
      if (whole.length > 2) assert.ok(got.length < whole.length);
      const pre = new AbortController();
      pre.abort();
      let n = 0;
      try {
        for await (const _ of tts.synthesize(text, { signal: pre.signal })) n++;
      } catch (e) {
        assert.ok(isFullduplexError(e), 'an already-aborted synthesis yields nothing or a FullduplexError');
      }
      assert.ok(n <= 1, `${n} chunks with an already-aborted signal`);
    }));

  test(`${name}: empty text and an unknown voice fail clearly`, () =>
    withEngine(async (tts) => {
      await failsWith(() => collect(tts, ''), 'BAD_TEXT');
      await failsWith(() => collect(tts, '   '), 'BAD_TEXT');
      await failsWith(() => collect(tts, 'Hello.', { voice: 'no-such-voice' }));
    }));

  test(`${name}: an audio identity, where given, is the same for an engine made alike and differs per voice`, async () => {
    const [a, b] = [o.create(), o.create()];
    try {
      if (!a.audioIdentity) return;
      const id = a.audioIdentity(a.defaultVoice);
      assert.ok(typeof id === 'string' && id.length > 0);
      assert.equal(b.audioIdentity?.(b.defaultVoice), id, 'engines made alike share it (their audio may be reused)');
      const other = a.voices.find((v) => v !== a.defaultVoice);
      if (other !== undefined) assert.notEqual(a.audioIdentity(other), id, 'another voice is another identity');
    } finally {
      if (o.closeAfter) await Promise.all([a.close(), b.close()]);
    }
  });

  test(`${name}: close() is idempotent`, async () => {
    const tts = o.create();
    await tts.close();
    if (o.closeAfter) await tts.close();
  });
}
