/**
 * The dialogue contract (test/contracts/dialogue.ts) on the embedded model, on the OpenAI-compatible
 * client against a loopback server speaking the Chat Completions SSE wire format, and on the scripted fake.
 */
import { after } from 'node:test';
import { EmbeddedDialogueModel } from '../src/dialogue/embedded.js';
import { OpenAiCompatibleModel } from '../src/dialogue/openai-compatible.js';
import { dialogueContract } from './contracts/dialogue.js';
import { startChatCompletionsServer } from './helpers/chat-completions-server.js';
import { FakeDialogue } from './helpers/fakes/index.js';

dialogueContract('embedded', { create: () => new EmbeddedDialogueModel(), closeAfter: true });

const server = await startChatCompletionsServer(() => 'I am a small test model. I answer every question with the same few words, one at a time.');
after(() => server.close());
dialogueContract('openai-compatible', {
  create: () => new OpenAiCompatibleModel({ baseUrl: server.baseUrl, model: 'test-model', apiKey: undefined }, {}),
  closeAfter: true,
});

dialogueContract('fake-dialogue', {
  create: () => new FakeDialogue({ replies: ['I am a scripted model, and this is all I ever say.'] }),
  closeAfter: true,
});
