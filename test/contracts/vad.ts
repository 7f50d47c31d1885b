/**
 * What every VoiceActivityDetector must do, as node:test tests: declare its rate and window and keep to
 * them, take audio in pieces of any size, tell speech from silence, reset its stream time, and fail
 * with FullduplexErrors. `create` may hand out one shared instance (real models load once per file):
 * each test resets it first, and the close test, which runs last, closes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PcmFrame } from '../../src/audio/frame.js';
import { isFullduplexError } from '../../src/errors.js';
import type { VadWindowResult, VoiceActivityDetector } from '../../src/speech/types.js';

export interface VadContractOptions {
  readonly create: () => Promise<VoiceActivityDetector>;
  /** Whether each test closes what `create` gave it (fresh detectors) or leaves it to the file (a shared one). */
  readonly closeAfter: boolean;
  /** Audio at the detector's rate: silence, then speech, then silence, with the speech span in seconds. */
  readonly sample: () => PcmFrame & { readonly speech: { readonly start: number; readonly end: number } };
}

export function vadContract(name: string, o: VadContractOptions): void {
  const withVad = async (f: (vad: VoiceActivityDetector) => Promise<void>) => {
    const vad = await o.create();
    vad.reset();
    try {
      await f(vad);
    } finally {
      if (o.closeAfter) await vad.close();
    }
  };

  test(`${name}: declares a rate and window and keeps to them, whatever the push sizes`, () =>
    withVad(async (vad) => {
      assert.ok(Number.isInteger(vad.sampleRate) && vad.sampleRate > 0, 'sample rate');
      assert.ok(Number.isInteger(vad.windowSamples) && vad.windowSamples > 0, 'window');
      assert.equal(typeof vad.name, 'string');
      const { samples } = o.sample();
      const got: VadWindowResult[] = [];
      assert.deepEqual(await vad.push(new Int16Array(0)), [], 'empty input gives no windows');
      // Odd sizes, one sample, and pieces that straddle windows.
      const sizes = [1, 333, vad.windowSamples - 1, vad.windowSamples + 7, 2 * vad.windowSamples];
      let at = 0;
      for (let i = 0; at < samples.length; i++) {
        const n = Math.min(sizes[i % sizes.length]!, samples.length - at);
        got.push(...(await vad.push(samples.subarray(at, at + n))));
        at += n;
      }
      assert.equal(got.length, Math.floor(samples.length / vad.windowSamples), 'one result per completed window');
      const w = vad.windowSamples / vad.sampleRate;
      got.forEach((r, k) => {
        assert.ok(r.probability >= 0 && r.probability <= 1, `probability ${r.probability}`);
        assert.ok(Math.abs(r.start - k * w) < 1e-9 && Math.abs(r.end - (k + 1) * w) < 1e-9, `window ${k} at ${r.start}-${r.end}`);
      });
    }));

  test(`${name}: tells speech from silence, and reset() restarts stream time`, () =>
    withVad(async (vad) => {
      const s = o.sample();
      const first = await vad.push(s.samples);
      const mean = (rs: VadWindowResult[]) => rs.reduce((a, r) => a + r.probability, 0) / Math.max(1, rs.length);
      const inSpeech = first.filter((r) => r.start >= s.speech.start + 0.1 && r.end <= s.speech.end - 0.1);
      const silent = first.filter((r) => r.end <= s.speech.start - 0.1 || r.start >= s.speech.end + 0.3);
      assert.ok(inSpeech.length > 0 && silent.length > 0, 'the sample has both');
      assert.ok(mean(inSpeech) > 0.5, `speech reads as speech (${mean(inSpeech).toFixed(2)})`);
      assert.ok(mean(silent) < 0.3, `silence reads as silence (${mean(silent).toFixed(2)})`);
      vad.reset();
      const again = await vad.push(s.samples.subarray(0, vad.windowSamples * 3));
      assert.equal(again[0]?.start, 0, 'stream time restarts');
    }));

  test(`${name}: bad input and use after close fail with FullduplexErrors; close() is idempotent`, async () => {
    const vad = await o.create();
    await assert.rejects(vad.push(new Float32Array(512) as unknown as Int16Array), (e) => isFullduplexError(e, 'BAD_AUDIO'));
    await vad.close();
    await vad.close();
    await assert.rejects(vad.push(new Int16Array(vad.windowSamples)), (e) => isFullduplexError(e));
  });
}
