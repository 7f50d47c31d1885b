/** The playback ledger: which of an utterance's samples the client's speaker actually played. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AgentUtterance } from '../src/engine/agent-output.js';
import { PlaybackLedger } from '../src/server/playback-ledger.js';

function utterance(): AgentUtterance {
  const u = new AgentUtterance('reply', 16000);
  u.beginClause('one two three four');
  u.push(new Int16Array(4000), 0);
  u.finish();
  return u;
}

test('heard = what was played, never what was only sent or dropped by a flush', () => {
  const ledger = new PlaybackLedger();
  const u = utterance();
  ledger.recordSent(320, undefined, 0); // silence before the reply
  u.pullInto(new Int16Array(3200), 0, 3200, 0); // the server pulled 3200 samples of the reply…
  for (let i = 0; i < 10; i++) ledger.recordSent(320, u, 320); // …and sent them
  assert.equal(ledger.heardOf(u), 0, 'nothing is heard before the client reports');
  ledger.advance(320 + 1000);
  assert.equal(ledger.heardOf(u), 1000);
  ledger.advance(320 + 2000);
  // Barge-in: the client drops everything it had buffered from position 2320 on.
  ledger.recordDropped(2320, ledger.sent - 2320);
  ledger.recordSent(320, u, 0); // the paused output sends silence
  ledger.advance(ledger.sent);
  assert.equal(ledger.heardOf(u), 2000, 'the flushed samples were not heard');
  assert.equal(u.heardText(ledger.heardOf(u)), 'one two', 'half the audio: half the words');
  assert.equal(u.heardText(), 'one two three', 'what was pulled would have claimed more');
});

test('a frame that carries the end of one utterance credits only its samples; utterances stay apart', () => {
  const ledger = new PlaybackLedger();
  const a = utterance();
  const b = utterance();
  ledger.recordSent(320, a, 100); // the last 100 samples of a, then silence
  ledger.recordSent(320, b, 320);
  ledger.advance(50);
  assert.equal(ledger.heardOf(a), 50);
  ledger.advance(640);
  assert.equal(ledger.heardOf(a), 100);
  assert.equal(ledger.heardOf(b), 320);
  ledger.advance(10_000); // a position beyond what was sent is clamped
  assert.equal(ledger.played, 640);
  assert.equal(ledger.backlog, 0);
});
