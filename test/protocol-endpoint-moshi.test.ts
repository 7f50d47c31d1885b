/**
 * The Moshi / PersonaPlex endpoint over real sockets: a client that behaves like the reference web
 * client (waits for the handshake; 20 ms Opus frames, ≤ 2 per Ogg page, one page per message) asks a
 * question aloud and hears the answer; a raw client checks the framing byte by byte and sends its Ogg
 * pages split across messages.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { OggPageReader, isOpusHead, isOpusTags } from '../src/protocols/codecs/ogg.js';
import { OggOpusStreamEncoder } from '../src/protocols/codecs/opus.js';
import { MoshiClient, moshiTranscript } from '../src/protocols/moshi/client.js';
import { decodeMoshiMessage, MOSHI_KIND } from '../src/protocols/moshi/messages.js';
import { closeProtocolShared, concat, hear, paced, protocolServer, rng, seconds, sharedWords, speechIn, track, lastRecordedEvents, recordedInstructions } from './helpers/protocol-endpoints.js';
import { concatBytes } from '../src/audio/frame.js';

type Server = Awaited<ReturnType<typeof protocolServer>>;
let server: Server;
before(async () => {
  server = await protocolServer();
});
after(async () => {
  await server.close();
  await closeProtocolShared();
});

const RATE = 24000;
const FRAME = 480; // 20 ms

test('reference-style client: handshake first, a spoken question, a spoken answer with its words as text; PersonaPlex prompts accepted', async () => {
  const persona = 'You are a patient teacher who answers in short sentences.';
  const client = await MoshiClient.connect({ url: `${server.url}/api/chat`, textPrompt: persona, voicePrompt: 'NATF0.pt' });
  assert.equal(client.handshake.kind, 'handshake');

  // The answer ends about 4.7 s into the session on a quiet machine; 6.5 s of listening after the
  // question leaves room for a slower end of turn, so the client never closes on half an answer.
  const user = await track([0.5, 'What time is it?', 6.5], RATE);
  await paced(Math.ceil(user.samples.length / FRAME), 20, (k) => client.sendAudio(user.samples.subarray(k * FRAME, (k + 1) * FRAME)));
  client.endAudio();
  await client.close();

  assert.deepEqual(client.errors, []);
  const words = moshiTranscript(client.text);
  assert.match(words, /\w+/, 'the agent’s words came as text messages');
  assert.ok(client.text.every((p) => p.text.startsWith(' ')), 'text pieces are words with a leading space, as Moshi sends them');
  const pcm = { samples: concat(client.audio.map((a) => a.pcm)), sampleRate: RATE };
  // A continuous stream: about as much audio as the session lasted.
  assert.ok(pcm.samples.length / RATE > (user.samples.length / RATE) * 0.8, `only ${(pcm.samples.length / RATE).toFixed(2)} s of audio for a ${(user.samples.length / RATE).toFixed(2)} s session`);
  const speech = await speechIn(pcm);
  assert.ok(seconds(speech) > 0.8, `only ${seconds(speech).toFixed(2)} s of agent speech`);
  const heard = await hear(pcm);
  assert.ok(sharedWords(heard, words).length > 0, `heard "${heard}" for "${words}"`);
  // The session ran on the live runtime: it was recorded, and its timeline shows the prompt as instructions.
  const events = await lastRecordedEvents(server.sessionsDir);
  assert.equal(recordedInstructions(events), persona, 'text_prompt became the instructions');
  assert.ok(events.some((e) => e.type === 'agent_reply_start'), 'the answer is in the recording');
});


test('raw client: handshake, then OpusHead/OpusTags, then one Ogg page per message; pages split across messages are reassembled', async () => {
  const ws = new WebSocket(`${server.url}/api/chat?text_temperature=0.7&audio_topk=250&unknown_param=1`, { perMessageDeflate: false });
  const messages: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => messages.push(new Uint8Array(d)));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  const handshake = await waitForMessage(messages, 0);
  assert.equal(handshake[0], MOSHI_KIND.handshake, 'the first message is the handshake');
  const header = await waitForMessage(messages, 1);
  assert.equal(header[0], MOSHI_KIND.audio);
  const headerPackets = new OggPageReader().push(header.subarray(1));
  assert.equal(headerPackets.pages.length, 2);
  assert.ok(isOpusHead(headerPackets.packets[0]!.data) && isOpusTags(headerPackets.packets[1]!.data), 'OpusHead then OpusTags');

  // The question as Ogg pages cut at random places into messages.
  const user = await track([0.5, 'What time is it?', 3.5], RATE);
  const enc = new OggOpusStreamEncoder({ framesPerPage: 2 });
  const random = rng(7);
  let pending: Uint8Array = new Uint8Array(0);
  await paced(Math.ceil(user.samples.length / FRAME), 20, (k) => {
    const pages = enc.push(user.samples.subarray(k * FRAME, (k + 1) * FRAME));
    pending = concatBytes([pending, ...pages]);
    while (pending.length > 0) {
      const cut = 1 + Math.floor(random() * Math.min(pending.length, 300));
      ws.send(concatBytes([Uint8Array.of(MOSHI_KIND.audio), pending.subarray(0, cut)]));
      pending = pending.subarray(cut);
    }
  });
  ws.close();
  await new Promise((r) => ws.once('close', r));

  const after = messages.slice(2);
  const audio = after.filter((m) => m[0] === MOSHI_KIND.audio);
  const text = after.filter((m) => m[0] === MOSHI_KIND.text).map((m) => new TextDecoder().decode(m.subarray(1)));
  const errors = after.filter((m) => m[0] === MOSHI_KIND.error);
  assert.equal(errors.length, 0, 'no errors for split pages');
  assert.ok(text.join('').trim().length > 0, 'the question was heard and answered');
  const reader = new OggPageReader();
  for (const m of audio) {
    const r = reader.push(m.subarray(1));
    assert.equal(r.pages.length, 1, 'one whole page per message');
    assert.equal(r.errors.length, 0);
    assert.equal(r.pages[0]!.packetCount, 4, 'four 20 ms frames (one 80 ms step) per page');
  }
  for (const m of after) assert.doesNotThrow(() => decodeMoshiMessage(m));
});

async function waitForMessage(messages: Uint8Array[], index: number): Promise<Uint8Array> {
  for (let i = 0; i < 600 && messages.length <= index; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(messages.length > index, `message ${index} never came`);
  return messages[index]!;
}

