/**
 * Run as a child process (Node reads NODE_EXTRA_CA_CERTS only at start): the unchanged `openai`
 * package's Realtime WebSocket client, pointed at `https://…/v1` with an ephemeral key as its API key,
 * streams a spoken question (raw PCM16 24 kHz from a file) in real time once the session is running
 * (its answer to an empty session.update), and prints every server
 * event as a JSON line until the first response.done (or a timeout).
 *
 *   FULLDUPLEX_BASE_URL=https://127.0.0.1:PORT/v1 FULLDUPLEX_KEY=ek_… FULLDUPLEX_PCM=/path node openai-wss-child.js
 */
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

const FRAME_SAMPLES = 480; // 20 ms at 24 kHz
const TIMEOUT_MS = 40_000;

const client = new OpenAI({ apiKey: process.env['FULLDUPLEX_KEY'], baseURL: process.env['FULLDUPLEX_BASE_URL'] });
const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, client);
const pcm = readFileSync(process.env['FULLDUPLEX_PCM']!);
const timer = setTimeout(() => (console.log(JSON.stringify({ type: 'child.timeout' })), process.exit(3)), TIMEOUT_MS);
rt.on('error', (e) => console.log(JSON.stringify({ type: 'child.error', message: e.message })));
rt.on('event', (e) => {
  console.log(JSON.stringify(e.type.endsWith('.delta') ? { type: e.type } : e));
  if (e.type === 'response.done') {
    clearTimeout(timer);
    rt.close();
    setTimeout(() => process.exit(0), 100);
  }
});
// session.updated comes once the engine session is running: audio sent before it would queue up and
// arrive at once (on a loaded machine, past the endpoint's 5 s backlog limit).
rt.socket.once('open', () => rt.send({ type: 'session.update', session: { type: 'realtime' } }));
rt.once('session.updated', () => {
  const t0 = performance.now();
  let k = 0;
  const send = () => {
    // Drift-free real time: every frame due by now goes out.
    while (k * FRAME_SAMPLES * 2 < pcm.length && (k * FRAME_SAMPLES * 1000) / 24000 <= performance.now() - t0) {
      const chunk = pcm.subarray(k * FRAME_SAMPLES * 2, (k + 1) * FRAME_SAMPLES * 2);
      rt.send({ type: 'input_audio_buffer.append', audio: chunk.toString('base64') });
      k++;
    }
    if (k * FRAME_SAMPLES * 2 < pcm.length) setTimeout(send, 10);
  };
  send();
});
