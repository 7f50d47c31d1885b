/** The `openai` package's Realtime client on plain TCP to a loopback server, every server event kept. */
import net from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';

export type RealtimeEvent = { type: string; [k: string]: unknown };

export async function openaiRealtimeClient(port: number): Promise<{ rt: OpenAIRealtimeWS; events: RealtimeEvent[] }> {
  const client = new OpenAI({ apiKey: 'sk-loopback', baseURL: `http://127.0.0.1:${port}/v1` });
  const rt = new OpenAIRealtimeWS({ model: 'fullduplex', options: { createConnection: () => net.connect(port, '127.0.0.1') } }, client);
  const events: RealtimeEvent[] = [];
  rt.on('event', (e) => events.push(e as unknown as RealtimeEvent));
  rt.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => (rt.socket.once('open', () => resolve()), rt.socket.once('error', reject)));
  return { rt, events };
}
