import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAMILIES, getSystem } from '../src/dialogue/catalog.js';
import { EmbeddedDialogueModel } from '../src/dialogue/embedded.js';
import type { DialogueMessage } from '../src/dialogue/types.js';
import { isFullduplexError } from '../src/errors.js';

const NOW = new Date('2026-04-14T16:25:00Z'); // a Tuesday
const model = new EmbeddedDialogueModel({ timeZone: 'UTC' });

function ask(text: string, history: DialogueMessage[] = [], now = NOW, m = model): string {
  return m.respond([...history, { role: 'user', content: text }], now);
}

async function collect(m: EmbeddedDialogueModel, history: DialogueMessage[], signal = new AbortController().signal): Promise<string[]> {
  const out: string[] = [];
  for await (const d of m.reply({ history, signal, now: NOW })) out.push(d);
  return out;
}

function words(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

describe('embedded dialogue model: small talk', () => {
  it('greets according to the time of day', () => {
    assert.match(ask('hello'), /^Good afternoon! I'm Duplex\./);
    assert.match(ask('hi there', [], new Date('2026-04-14T08:00:00Z')), /^Good morning!/);
    assert.match(ask('hey', [], new Date('2026-04-14T19:00:00Z')), /^Good evening!/);
  });

  it('answers how are you, thanks and bye', () => {
    assert.match(ask('how are you'), /I'm (doing well|great)|Very well/);
    assert.match(ask('thank you'), /welcome|Happy to help|Any time/);
    assert.match(ask('okay bye'), /[Gg]oodbye|Bye for now/);
  });

  it('answers a greeting followed by a question with both', () => {
    assert.equal(ask('hello what time is it'), "Hi! It's four twenty-five in the afternoon.");
  });
});

describe('embedded dialogue model: time and date', () => {
  it('speaks the time in words', () => {
    assert.equal(ask('what time is it'), "It's four twenty-five in the afternoon.");
    assert.equal(ask('what is the time', [], new Date('2026-04-14T09:05:00Z')), "It's nine oh five in the morning.");
    assert.equal(ask('time', [], new Date('2026-04-14T00:00:00Z')), "It's midnight.");
    assert.equal(ask('what time is it', [], new Date('2026-04-14T12:00:00Z')), "It's twelve noon.");
    assert.equal(ask('what time is it', [], new Date('2026-04-14T22:40:00Z')), "It's ten forty at night.");
  });

  it('speaks the date and the year', () => {
    assert.equal(ask('what is the date today'), 'Today is Tuesday, the fourteenth of April, twenty twenty-six.');
    assert.equal(ask('what day is it'), 'Today is Tuesday, the fourteenth of April, twenty twenty-six.');
    assert.equal(ask('what year is it'), "It's twenty twenty-six.");
  });

  it('uses the configured time zone', () => {
    const ny = new EmbeddedDialogueModel({ timeZone: 'America/New_York' });
    assert.equal(ask('what time is it', [], NOW, ny), "It's twelve twenty-five in the afternoon.");
    assert.throws(() => new EmbeddedDialogueModel({ timeZone: 'Not/AZone' }), (e) => isFullduplexError(e, 'BAD_ARGUMENT'));
  });
});

describe('embedded dialogue model: the catalog', () => {
  it('answers licence questions from the catalog', () => {
    const moshi = getSystem('moshi')!;
    const text = ask('what license is moshi under');
    assert.equal(text, "Moshi's weights are released under CC-BY 4.0 and its Mimi codec under MIT.");
    assert.ok(text.includes(moshi.licence!.weights!));
    assert.match(ask('what licence is mushy under'), /CC-BY 4\.0/, 'tolerates a misrecognised name');
    assert.match(ask('what license is persona plex under'), /NVIDIA Open Model License.*code under MIT/);
    assert.match(ask('sesame c s m one b license'), /Apache 2\.0/);
    assert.match(ask('what license is omni flatten under'), /not released/);
    assert.match(ask('what license is salmon omni under'), /does not name the licence/);
    assert.match(ask('what licence is gemini live under'), /closed commercial system/);
  });

  it('answers which family a system belongs to', () => {
    assert.match(ask('what family is freeze omni'), /^Freeze-Omni belongs to Family three/);
    assert.match(ask('which family does persona plex belong to'), /Family one/);
    assert.match(ask('what family is salmon omni in'), /Family four/);
    assert.match(ask('what family is quen two point five omni'), /^Qwen2\.5-Omni belongs to Family two/);
    assert.match(ask('what family is mini c p m o'), /^MiniCPM-o 4\.5 belongs to Family three/);
    assert.match(ask('what family is gemini live'), /closed commercial system/);
  });

  it('answers parameters, makers, release dates and latency with their meaning', () => {
    assert.equal(ask('how many parameters does moshi have'), 'Moshi has seven billion parameters.');
    assert.equal(ask('how big is omni flatten'), 'OmniFlatten has half a billion parameters.');
    assert.match(ask('how many parameters does gemini live have'), /closed/);
    assert.equal(ask('who made kimmy audio'), 'Kimi-Audio comes from Moonshot.');
    assert.match(ask('who made glm four voice'), /doesn't say who made GLM-4-Voice/);
    assert.equal(ask('when was moshi released'), 'Moshi was released in September twenty twenty-four.');
    const freeze = ask('what is the latency of freeze omni');
    assert.match(freeze, /one hundred sixty to three hundred twenty milliseconds of model-only latency/);
    assert.match(freeze, /about one point two seconds in real scenarios/);
    assert.match(freeze, /state predictor/);
    assert.match(ask('how fast is moshi'), /one hundred sixty milliseconds of theoretical latency/);
    assert.match(ask('what is the latency of step audio two'), /doesn't give a latency figure.*length of one alternating block/);
  });

  it('answers several aspects in one question', () => {
    const text = ask('who made moshi and what license is it under');
    assert.match(text, /Kyutai/);
    assert.match(text, /CC-BY 4\.0/);
  });

  it('resolves "it" to the system talked about before', () => {
    const history: DialogueMessage[] = [
      { role: 'user', content: 'tell me about covo audio chat f d' },
      { role: 'assistant', content: ask('tell me about covo audio chat f d') },
    ];
    assert.match(ask('what license is it under', history), /Covo-Audio-Chat-FD's weights are released under CC BY 4\.0/);
  });

  it('lists the four families and what 200 ms means in each', () => {
    const list = ask('what are the four families');
    for (const f of FAMILIES) assert.ok(list.includes(f.analogy), `mentions "${f.analogy}"`);
    assert.match(list, /Family one.*Family two.*Family three.*Family four/s);
    const ms = ask('what does two hundred milliseconds mean');
    for (const f of FAMILIES) assert.ok(ms.toLowerCase().includes(f.meaningOf200ms.toLowerCase().slice(0, 30)), `explains family ${f.id}`);
    assert.match(ask('what does 200 ms mean in family three'), /^In Family three, two hundred milliseconds means the supervisor signal alone/);
  });

  it('explains a family and lists its members', () => {
    assert.match(ask('what is family four'), /SALMONN-omni is the only public example/);
    assert.match(ask('which models are in family three'), /^Family three includes Freeze-Omni and MiniCPM-o 4\.5\.$/);
    assert.match(ask('which family should a startup use'), /Family two/);
  });

  it('compares systems without treating their numbers as comparable', () => {
    const text = ask('is freeze omni faster than moshi');
    assert.match(text, /Freeze-Omni is in Family three/);
    assert.match(text, /Moshi is in Family one/);
    assert.match(text, /not comparable/);
  });
});

describe('embedded dialogue model: understanding', () => {
  it('reads back a dictated phone number and handles the confirmation', () => {
    const readBack = ask('my number is five five five one two three four');
    assert.equal(readBack, 'I heard five five five, one two three four. Is that right?');
    assert.equal(ask('call me at 555 123 4567'), 'I heard five five five, one two three, four five six seven. Is that right?');
    const history: DialogueMessage[] = [
      { role: 'user', content: 'my number is five five five one two three four' },
      { role: 'assistant', content: readBack },
    ];
    assert.match(ask('yes', history), /got it|confirming|have it/);
    assert.match(ask('no', history), /^Sorry about that/);
    assert.match(ask('no it is five five five one two three five', history), /one two three five\. Is that right\?$/);
  });

  it('reads back a dictated email address', () => {
    assert.equal(ask('my email is john dot smith at gmail dot com'), 'I heard the email address john dot smith at gmail dot com. Is that right?');
    assert.equal(ask('write to Anna.Lee@example.org'), 'I heard the email address anna dot lee at example dot org. Is that right?');
  });

  it('reads back a name and answers simple check-ins', () => {
    assert.equal(ask('my name is anna'), 'Nice to meet you. I heard your name as Anna. Is that right?');
    assert.match(ask('can you hear me'), /^Yes, I can hear you\./);
    assert.match(ask('okay'), /^(Okay|Alright|Sure)\./);
  });

  it('asks for clarification when it caught nothing or too little', () => {
    for (const text of ['', '   ', 'uh um', 'hmm']) {
      assert.match(ask(text), /didn't catch|didn't quite hear|missed that/, JSON.stringify(text));
    }
    assert.match(ask('the of'), /"the of".*(again|rephrase)/);
  });

  it('says what it understood when it cannot help', () => {
    assert.match(ask('blue monkey sandwich purple'), /(I heard|You said): blue monkey sandwich purple\./);
  });

  it('talks at length when asked for a story or an explanation', () => {
    assert.ok(words(ask('tell me a story')) >= 150);
    assert.notEqual(ask('tell me another story', [{ role: 'user', content: 'tell me a story' }, { role: 'assistant', content: ask('tell me a story') }]), ask('tell me a story'));
    assert.ok(words(ask('explain how moshi works')) >= 100);
    assert.ok(words(ask('tell me about glm four voice')) >= 60, 'sparse systems are padded with context');
    assert.ok(words(ask('talk about cooking')) >= 100);
    assert.ok(words(ask('explain family three')) >= 60);
  });
});

describe('embedded dialogue model: interruptions', () => {
  const story = ask('tell me a story');
  const cut = story.split(' ').slice(0, 40).join(' ').slice(0, -3); // cut mid-word, as playback would
  const interrupted: DialogueMessage[] = [
    { role: 'user', content: 'tell me a story' },
    { role: 'assistant', content: cut, interrupted: true },
  ];

  it('answers the new turn, with a short acknowledgement', () => {
    assert.match(ask('what time is it', interrupted), /^(Okay|Sure|Got it)\. It's four twenty-five in the afternoon\.$/);
  });

  it('stops or waits when asked to', () => {
    assert.equal(ask('stop', interrupted), "Okay, I'll stop.");
    assert.equal(ask('wait', interrupted), "Sure, I'm listening.");
    assert.equal(ask('okay stop talking please', interrupted), "Okay, I'll stop.");
    assert.match(ask('wait what time is it', interrupted), /four twenty-five/, 'a question after "wait" is answered');
  });

  it('resumes from the sentence that was cut off', () => {
    const resumed = ask('go on', interrupted);
    assert.match(resumed, /^Sure, where was I\? /);
    const rest = resumed.replace(/^Sure, where was I\? /, '');
    assert.ok(story.endsWith(rest), 'continues the same story');
    assert.ok(rest.length < story.length - cut.length + 200, 'does not start over');
    const cutSentenceStart = story.slice(0, story.length - rest.length);
    assert.ok(cut.startsWith(cutSentenceStart.trim()), 'restarts at a sentence boundary within what was heard');
  });
});

describe('embedded dialogue model: streaming', () => {
  const history: DialogueMessage[] = [{ role: 'user', content: 'tell me a story' }];

  it('streams word by word, and the deltas add up to the reply', async () => {
    const deltas = await collect(model, history);
    assert.ok(deltas.length > 100);
    assert.equal(deltas.join(''), model.respond(history, NOW));
  });

  it('is deterministic', async () => {
    const a = new EmbeddedDialogueModel({ timeZone: 'UTC' });
    const b = new EmbeddedDialogueModel({ timeZone: 'UTC' });
    for (const q of ['hello', 'thanks', 'tell me about moshi', 'blue monkey sandwich purple', '']) {
      assert.equal(ask(q, [], NOW, a), ask(q, [], NOW, b));
    }
    assert.deepEqual(await collect(a, history), await collect(b, history));
  });

  it('stops yielding as soon as the signal aborts', async () => {
    const ctl = new AbortController();
    const out: string[] = [];
    for await (const d of model.reply({ history, signal: ctl.signal, now: NOW })) {
      out.push(d);
      if (out.length === 3) ctl.abort();
    }
    assert.equal(out.length, 3);
  });

  it('wakes up promptly from a pause between words when aborted', async () => {
    const slow = new EmbeddedDialogueModel({ timeZone: 'UTC', wordDelayMs: 10_000 });
    const ctl = new AbortController();
    const it = slow.reply({ history, signal: ctl.signal, now: NOW })[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const started = Date.now();
    setTimeout(() => ctl.abort(), 20);
    const next = await it.next();
    assert.equal(next.done, true);
    assert.ok(Date.now() - started < 1000, `ended after ${Date.now() - started} ms`);
  });

  it('yields nothing when the signal is already aborted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    assert.deepEqual(await collect(model, history, ctl.signal), []);
  });
});
