import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnginePool } from '../src/server/engine-pool.js';
import { PocketsphinxAsr, type PocketsphinxStream } from '../src/speech/asr/pocketsphinx.js';
import type { AsrStream } from '../src/speech/types.js';
import { synth } from './helpers/speech.js';

/** A recogniser whose decoders the test can still read after the pool has lent them out. */
function watchedAsr(): { asr: PocketsphinxAsr; made: PocketsphinxStream[] } {
  const asr = new PocketsphinxAsr();
  const made: PocketsphinxStream[] = [];
  const create = asr.createStream.bind(asr);
  asr.createStream = () => {
    const s = create();
    made.push(s);
    return s;
  };
  return { asr, made };
}

async function speak(stream: AsrStream, text: string, voice: string): Promise<void> {
  const { samples } = synth(text, voice);
  for (let i = 0; i < samples.length; i += 512) await stream.push(samples.subarray(i, i + 512));
  await stream.finish();
}

test('a pooled decoder starts the next session from the same channel adaptation, and a lease can reset it', async () => {
  const { asr, made } = watchedAsr();
  const pool = new EnginePool(asr, 1);
  try {
    await pool.warm();
    assert.equal(made.length, 1);
    const start = made[0]!.adaptation();

    const first = await pool.acquire();
    const stream = first.asr.createStream();
    await speak(stream, 'I would like to book a table for two people tonight.', 'awb');
    await speak(stream, 'What time does the store open in the morning?', 'awb');
    const learned = made[0]!.adaptation();
    assert.notDeepEqual(learned, start, 'live normalisation learns from what it hears');
    stream.resetAdaptation!();
    assert.deepEqual(made[0]!.adaptation(), start, 'a session may forget what it learned (side talk dropped)');
    await speak(stream, 'Hello, how are you doing today?', 'awb');
    assert.notDeepEqual(made[0]!.adaptation(), start, 'the session ends adapted to its user');
    first.release();

    const second = await pool.acquire();
    assert.equal(made.length, 1, 'the same decoder is lent again');
    assert.deepEqual(made[0]!.adaptation(), start, 'the next user is not heard with the last one’s channel');
    second.release();
  } finally {
    await pool.close();
  }
});
