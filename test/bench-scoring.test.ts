import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resample } from '../src/audio/resampler.js';
import { writeWav } from '../src/audio/wav.js';
import type { EngineEvent } from '../src/engine/events.js';
import type { VadWindowResult } from '../src/speech/types.js';
import { mixInto, toInt16 } from '../bench/scenarios/audio.js';
import { generateScenario } from '../bench/scenarios/generate.js';
import { FILES, writeScenario } from '../bench/scenarios/layout.js';
import { speech } from '../bench/scenarios/track.js';
import { referenceOccupancy } from '../bench/runner/backchannel-reference.js';
import { scoreFolder } from '../bench/runner/score-dir.js';
import { plannedText } from '../bench/runner/score-sample.js';
import { speechTimestamps, type SpeechTimestampOptions } from '../bench/runner/speech-timestamps.js';
import { replaceSection } from '../bench/report/readme.js';

const W = 0.032;
const windows = (probs: number[]): VadWindowResult[] => probs.map((p, i) => ({ probability: p, start: i * W, end: (i + 1) * W }));
const opts: SpeechTimestampOptions = { threshold: 0.5, negThreshold: 0.35, minSpeechMs: 250, minSilenceMs: 100, speechPadMs: 0 };
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;
const segsClose = (got: { start: number; end: number }[], want: [number, number][]) =>
  got.length === want.length && got.every((g, i) => close(g.start, want[i]![0]) && close(g.end, want[i]![1]));

test('speech timestamps follow Silero get_speech_timestamps rules (hand-computed)', () => {
  const speechRun = (n: number) => new Array<number>(n).fill(0.9);
  // Start at window 1 (0.032 s); first quiet window 9 (0.288 s); 128 ms of quiet ≥ 100 ms ends it there.
  const p1 = [0.1, ...speechRun(8), 0.2, 0.2, 0.2, 0.2, 0.2, 0.1];
  assert.ok(segsClose(speechTimestamps(windows(p1), p1.length * W, opts), [[0.032, 0.288]]));
  // With Silero's default 30 ms pad on both sides.
  assert.ok(segsClose(speechTimestamps(windows(p1), p1.length * W, { ...opts, speechPadMs: 30 }), [[0.002, 0.318]]));
  // 224 ms is not longer than min speech 250 ms: dropped (an "uh-huh" this short is not speech here).
  const p2 = [0.1, ...speechRun(7), 0.2, 0.2, 0.2, 0.2, 0.2];
  assert.deepEqual(speechTimestamps(windows(p2), p2.length * W, opts), []);
  // A dip to 0.4 (between the thresholds) neither ends nor splits; 64 ms of quiet is under min silence.
  const p3 = [...speechRun(4), 0.4, ...speechRun(3), 0.1, 0.1, ...speechRun(4), 0.1, 0.1, 0.1, 0.1, 0.1];
  assert.ok(segsClose(speechTimestamps(windows(p3), p3.length * W, opts), [[0, 14 * W]]));
  // Speech running to the end of the audio ends at the end.
  const p4 = [0.1, ...speechRun(12)];
  assert.ok(segsClose(speechTimestamps(windows(p4), 0.5, opts), [[0.032, 0.5]]));
  // Two segments 160 ms apart, closer than two 100 ms pads, share the gap; the last gets its full pad.
  const quiet5 = [0.1, 0.1, 0.1, 0.1, 0.1];
  const p5 = [...speechRun(9), ...quiet5, ...speechRun(9), ...quiet5];
  const got = speechTimestamps(windows(p5), p5.length * W, { ...opts, speechPadMs: 100 });
  assert.ok(segsClose(got, [[0, 9 * W + 0.08], [14 * W - 0.08, 23 * W + 0.1]]), JSON.stringify(got));
});

test('the backchannel reference puts five 0.4 s backchannels around each phrase boundary, clipped to the clip', () => {
  const ref = referenceOccupancy([{ start: 0.5, end: 2.0 }, { start: 2.5, end: 4.0 }], 4.3);
  const want: [number, number][] = [
    [1.8, 2.2], [2.0, 2.4], [2.14, 2.54], [2.3, 2.7], [2.5, 2.9],
    [3.8, 4.2], [4.0, 4.3], [4.14, 4.3],
  ];
  assert.equal(ref.length, want.length, JSON.stringify(ref));
  ref.forEach((r, i) => assert.ok(Math.abs(r.start - want[i]![0]) < 1e-9 && Math.abs(r.end - want[i]![1]) < 1e-9, `${i}: ${JSON.stringify(r)}`));
  // A 0.1 s gap is not a phrase boundary.
  assert.equal(referenceOccupancy([{ start: 0.5, end: 2.0 }, { start: 2.1, end: 3.0 }], 4).length, 5);
});

test("the agent's planned text is every clause of the reply it was in, spoken or not", () => {
  const ev = (x: object) => x as EngineEvent;
  const events = [
    ev({ type: 'agent_reply_start', t: 1, userText: 'tell me a story' }),
    ev({ type: 'agent_text', t: 1.01, text: 'Here is a story.' }),
    ev({ type: 'agent_text', t: 1.2, text: 'Once upon a time.' }),
    ev({ type: 'agent_reply_start', t: 9, userText: 'what time is it' }),
    ev({ type: 'agent_text', t: 9.01, text: 'It is noon.' }),
  ];
  assert.equal(plannedText(events, 5), 'Here is a story. Once upon a time.');
  assert.equal(plannedText(events, 9.5), 'It is noon.');
  assert.equal(plannedText(events, 0.5), null);
  assert.equal(plannedText(undefined, 5), null);
});

test('the README section between the markers is replaced, and nothing else', () => {
  const readme = 'intro\n<!-- bench:start -->\nold table\n<!-- bench:end -->\nrest\n';
  assert.equal(replaceSection(readme, 'new table'), 'intro\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\nrest\n');
  assert.equal(replaceSection('no markers here', 'x'), null);
});

test('bench score: a broken sample is reported and skipped, the good ones are scored', async () => {
  const root = await mkdtemp(join(tmpdir(), 'fdx-score-'));
  try {
    const s = await generateScenario('quick', 'smooth_turn_taking', 0);
    const n = s.input.length;
    // A plausible agent: answers 0.3 s after the user's turn ends.
    const answer = new Float64Array(n);
    mixInto(answer, (await speech('I just got back from a long trip to the mountains.', 'slt')).samples, s.truth.turnEndS! + 0.3);
    const sample = async (name: string, output: Int16Array | null, rate = 16000) => {
      const dir = join(root, name);
      await writeScenario(dir, s);
      if (output) await writeWav(join(dir, FILES.output), [output], rate);
      return dir;
    };
    await sample('good', toInt16(answer));
    await sample('missing_output', null);
    await writeFile(join(await sample('unreadable_output', null), FILES.output), 'RIFF garbage, not a wav');
    await sample('short_output', toInt16(answer).slice(0, n - 16000));
    // Another rate is fine when the output lasts as long as the input (Moshi writes 24 kHz)...
    await sample('output_24k', (await resample({ samples: toInt16(answer), sampleRate: 16000 }, 24000)).samples, 24000);
    // ...a rate nothing can resample is not.
    await sample('unsupported_rate', new Int16Array(Math.round((n * 12000) / 16000)), 12000);
    await writeFile(join(await sample('bad_annotation', toInt16(answer)), FILES.turnTaking), '{not json');
    const bare = join(root, 'no_category');
    await mkdir(bare);
    await writeWav(join(bare, FILES.input), [s.input], 16000);
    await writeWav(join(bare, FILES.output), [toInt16(answer)], 16000);

    const out = join(root, 'report');
    const r = await scoreFolder({ dir: root, out, progress: { tick() {}, log() {} } as never });
    const byId = new Map(r.report.samples.map((x) => [x.id, x]));
    assert.equal(r.report.samples.length, 8);
    for (const id of ['good', 'output_24k']) assert.equal(byId.get(id)?.ok, true, `${id}: ${byId.get(id)?.note}`);
    const reasons: Record<string, RegExp> = {
      missing_output: /missing output\.wav/,
      unreadable_output: /unreadable output\.wav/,
      short_output: /lengths differ/,
      unsupported_rate: /sample rate 12000 Hz is not supported/,
      bad_annotation: /turn_taking\.json is not valid JSON/,
      no_category: /cannot tell the category/,
    };
    for (const [id, re] of Object.entries(reasons)) {
      const e = byId.get(id);
      assert.equal(e?.ok, null, `${id} should be skipped`);
      assert.match(e!.note, re, id);
    }
    const tt = r.report.summary.smoothTurnTaking!;
    assert.equal(tt.n, 2);
    assert.equal(tt.tor, 1);
    assert.ok(tt.latencyS.mean !== null && tt.latencyS.mean > 0.1 && tt.latencyS.mean < 0.6, `latency ${tt.latencyS.mean}`);
    assert.equal(tt.skipped.total, 5, JSON.stringify(tt.skipped));
    assert.equal(r.report.uncategorized.length, 1);
    for (const f of ['report.json', 'report.html', 'summary.txt']) assert.ok(existsSync(join(out, f)), f);
    assert.match(await readFile(join(out, 'report.html'), 'utf8'), /<svg class="lanes"/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
