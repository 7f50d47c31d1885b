import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeGeminiAudio,
  geminiModelAudio,
  geminiRealtimeAudio,
  geminiSetupComplete,
  modelTurnAudio,
  parseGeminiClientMessage,
  parseGeminiServerMessage,
  pcmRateFromMimeType,
} from '../src/protocols/gemini-live/messages.js';
import { pcm16ToBase64 } from '../src/protocols/codecs/pcm-base64.js';
import { isFullduplexError } from '../src/errors.js';

const setup = {
  setup: {
    model: 'models/gemini-live-2.5-flash-preview',
    generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } } },
    systemInstruction: { parts: [{ text: 'Be brief.' }] },
    realtimeInputConfig: { automaticActivityDetection: { disabled: false, silenceDurationMs: 500 }, activityHandling: 'START_OF_ACTIVITY_INTERRUPTS' },
    inputAudioTranscription: {},
    outputAudioTranscription: {},
  },
};

const isBad = (e: unknown) => isFullduplexError(e, 'BAD_ARGUMENT');

test('client messages parse from text frames and from binary (UTF-8 JSON) frames alike', () => {
  const text = JSON.stringify(setup);
  const bytes = new TextEncoder().encode(text);
  for (const frame of [text, bytes, Buffer.from(text), bytes.buffer.slice(0), [bytes.subarray(0, 10), bytes.subarray(10)]]) {
    const m = parseGeminiClientMessage(frame);
    assert.equal(m.kind, 'setup');
    if (m.kind === 'setup') assert.equal(m.setup.model, 'models/gemini-live-2.5-flash-preview');
  }
});

test('realtimeInput audio, stream end and activity markers', () => {
  const samples = Int16Array.from({ length: 320 }, (_, i) => i * 50 - 8000);
  const m = parseGeminiClientMessage(geminiRealtimeAudio({ samples, sampleRate: 16000 }));
  assert.equal(m.kind, 'realtimeInput');
  if (m.kind !== 'realtimeInput') return;
  assert.equal(m.realtimeInput.audio?.mimeType, 'audio/pcm;rate=16000');
  assert.deepEqual(decodeGeminiAudio(m.realtimeInput.audio!, 16000), { samples, sampleRate: 16000 });
  for (const body of [{ audioStreamEnd: true }, { activityStart: {} }, { activityEnd: {} }, { text: 'hi' }]) {
    assert.equal(parseGeminiClientMessage(JSON.stringify({ realtimeInput: body })).kind, 'realtimeInput');
  }
  assert.equal(parseGeminiClientMessage('{"clientContent":{"turns":[{"role":"user","parts":[{"text":"hi"}]}],"turnComplete":true}}').kind, 'clientContent');
  assert.equal(parseGeminiClientMessage('{"toolResponse":{"functionResponses":[]}}').kind, 'toolResponse');
});

test('malformed client messages are BAD_ARGUMENT errors', () => {
  assert.throws(() => parseGeminiClientMessage('{"setup":'), isBad);
  assert.throws(() => parseGeminiClientMessage(Uint8Array.of(0xff, 0xfe, 0x7b)), isBad);
  assert.throws(() => parseGeminiClientMessage('[]'), isBad);
  assert.throws(() => parseGeminiClientMessage('{}'), isBad);
  assert.throws(() => parseGeminiClientMessage('{"hello":{}}'), /none of setup/);
  assert.throws(() => parseGeminiClientMessage('{"setup":{"model":"m"},"realtimeInput":{"audioStreamEnd":true}}'), /several/);
  assert.throws(() => parseGeminiClientMessage('{"setup":{}}'), /model/);
  assert.throws(() => parseGeminiClientMessage('{"realtimeInput":{}}'), isBad);
  assert.throws(() => parseGeminiClientMessage('{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"@@@@"}}}'), /audio/);
  assert.throws(() => parseGeminiClientMessage('{"realtimeInput":{"audioStreamEnd":"yes"}}'), isBad);
});

test('PCM MIME types', () => {
  assert.equal(pcmRateFromMimeType('audio/pcm;rate=16000', 24000), 16000);
  assert.equal(pcmRateFromMimeType('audio/pcm; rate=24000', 16000), 24000);
  assert.equal(pcmRateFromMimeType('Audio/PCM', 16000), 16000);
  assert.throws(() => pcmRateFromMimeType('audio/wav', 16000), (e) => isFullduplexError(e, 'BAD_AUDIO'));
  assert.throws(() => pcmRateFromMimeType('audio/pcm;rate=abc', 16000), (e) => isFullduplexError(e, 'BAD_SAMPLE_RATE'));
  assert.throws(() => decodeGeminiAudio({ mimeType: 'audio/pcm;rate=16000', data: 'AQ==' }, 16000), (e) => isFullduplexError(e, 'BAD_AUDIO'));
});

test('server messages: setupComplete, model audio, transcriptions, interruption, goAway', () => {
  assert.deepEqual(parseGeminiServerMessage(geminiSetupComplete()), { setupComplete: {} });
  const samples = Int16Array.from({ length: 480 }, (_, i) => (i % 7) * 100);
  const audioFrame = new TextEncoder().encode(geminiModelAudio({ samples, sampleRate: 24000 }));
  const m = parseGeminiServerMessage(audioFrame);
  assert.equal(m.serverContent?.modelTurn?.parts[0]?.inlineData?.mimeType, 'audio/pcm;rate=24000');
  assert.deepEqual(modelTurnAudio(m.serverContent!), [{ samples, sampleRate: 24000 }]);

  const content = parseGeminiServerMessage(
    JSON.stringify({
      serverContent: {
        modelTurn: { parts: [{ text: 'thinking' }, { inlineData: { mimeType: 'audio/pcm', data: pcm16ToBase64(Int16Array.of(1, 2)) } }] },
        outputTranscription: { text: 'Hello' },
        inputTranscription: { text: 'hi', finished: true },
        turnComplete: true,
      },
      usageMetadata: { totalTokenCount: 12 },
    }),
  );
  assert.deepEqual(modelTurnAudio(content.serverContent!), [{ samples: Int16Array.of(1, 2), sampleRate: 24000 }]);
  assert.equal(content.serverContent?.outputTranscription?.text, 'Hello');
  assert.equal(content.serverContent?.turnComplete, true);
  assert.equal(parseGeminiServerMessage('{"serverContent":{"interrupted":true}}').serverContent?.interrupted, true);
  assert.equal(parseGeminiServerMessage('{"goAway":{"timeLeft":"10s"}}').goAway?.timeLeft, '10s');
  assert.throws(() => parseGeminiServerMessage('{"serverContent":{"interrupted":"yes"}}'), isBad);
  assert.throws(() => parseGeminiServerMessage('{"serverContent":{"modelTurn":{"parts":{}}}}'), isBad);
  assert.throws(() => parseGeminiServerMessage('nope'), isBad);
});
