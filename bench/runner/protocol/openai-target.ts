/**
 * Any OpenAI Realtime-compatible system as a benchmark target. The scenario is streamed as 24 kHz PCM16
 * appends every 20 ms; response audio is recorded as a client's player would play it. On
 * `input_audio_buffer.speech_started` the client does what the official SDKs do: it stops playback
 * (queued audio is dropped from the recording) and sends `conversation.item.truncate` with the
 * milliseconds actually played.
 */
import type { PcmFrame } from '../../../src/audio/frame.js';
import { resample } from '../../../src/audio/resampler.js';
import { RealtimeClient, REALTIME_CLIENT_RATE } from '../../../src/protocols/openai-realtime/client.js';
import type { RealtimeSessionConfig, TurnDetection } from '../../../src/protocols/openai-realtime/types.js';
import type { BenchTarget, TargetRunOptions, TargetRunResult } from '../target.js';
import { streamInput } from './stream.js';
import { ReplyTextLog } from './reply-text.js';
import { OutputTimeline, type PlacedSpan } from './timeline.js';
import { apiKeyFor, type ParsedTarget } from './urls.js';

export const OPENAI_TARGET_FRAME_MS = 20;

export class OpenAIRealtimeTarget implements BenchTarget {
  readonly name: string;
  readonly clocks = ['realtime'] as const;

  constructor(private readonly t: ParsedTarget) {
    this.name = t.display;
  }

  describe(): string {
    return `OpenAI Realtime protocol (${this.dialect}) over WebSocket at ${this.t.display}: PCM16 24 kHz base64 in JSON, ${OPENAI_TARGET_FRAME_MS} ms appends`;
  }

  private get dialect(): 'ga' | 'beta' {
    return this.t.params['beta'] === '1' || this.t.params['beta'] === 'true' ? 'beta' : 'ga';
  }

  /** What the scenario asks of the session: only what the spec names, the server's defaults otherwise. */
  session(): RealtimeSessionConfig {
    const p = this.t.params;
    const session: RealtimeSessionConfig = { type: 'realtime', output_modalities: ['audio'] };
    if (p['instructions']) session.instructions = p['instructions'];
    let td: TurnDetection | undefined;
    if (p['turn_detection'] === 'none') td = null;
    else if (p['turn_detection'] === 'server_vad') td = { type: 'server_vad' };
    else if (p['turn_detection'] === 'semantic_vad' || p['eagerness']) td = { type: 'semantic_vad', ...(p['eagerness'] ? { eagerness: p['eagerness'] as 'low' } : {}) };
    session.audio = { input: { ...(td !== undefined ? { turn_detection: td } : {}) }, output: { ...(p['voice'] ? { voice: p['voice'] } : {}) } };
    return session;
  }

  async run(input: PcmFrame, o: TargetRunOptions): Promise<TargetRunResult> {
    if (o.clock !== 'realtime') throw new Error(`${this.name} runs in real time only`);
    const pcm = input.sampleRate === REALTIME_CLIENT_RATE ? input : await resample(input, REALTIME_CLIENT_RATE);
    const client = await RealtimeClient.connect({ url: this.t.url.toString(), apiKey: apiKeyFor(this.t) ?? 'sk-none', dialect: this.dialect, session: this.session() });
    const timeline = new OutputTimeline(REALTIME_CLIENT_RATE, pcm.samples.length);
    let t0: number | undefined;
    const replies = new ReplyTextLog(() => t0);
    const items = new Map<string, PlacedSpan[]>();
    const stopped = new Set<string>();
    let current: string | undefined;
    let truncations = 0;
    client.onAudio = (d) => {
      if (!timeline.started || stopped.has(d.itemId)) return; // a stopped item's late audio is not played
      const spans = items.get(d.itemId) ?? [];
      spans.push(timeline.place(d.pcm, d.at));
      items.set(d.itemId, spans);
      current = d.itemId;
    };
    const audioDone = new Set<string>();
    client.onEvent = (e) => {
      const type = e.event.type;
      if (type === 'response.created') replies.start(e.at);
      else if (type === 'response.output_audio_transcript.delta' || type === 'response.output_text.delta') replies.text(e.at, String(e.event['delta'] ?? ''));
      else if (type === 'response.done') replies.end();
      if (e.event.type === 'response.output_audio.done') audioDone.add(String(e.event['item_id']));
      if (e.event.type !== 'input_audio_buffer.speech_started' || !timeline.started || current === undefined) return;
      const spans = items.get(current) ?? [];
      const total = spans.reduce((n, s) => n + (s.end - s.start), 0);
      const played = spans.reduce((n, s) => n + timeline.playedOf(s, e.at), 0);
      // Nothing to stop: the item is complete and has finished playing.
      if (audioDone.has(current) && played >= total) return;
      timeline.flush(e.at);
      stopped.add(current);
      client.truncate(current, (played / REALTIME_CLIENT_RATE) * 1000);
      truncations++;
    };
    try {
      const frame = (REALTIME_CLIENT_RATE * OPENAI_TARGET_FRAME_MS) / 1000;
      const s = await streamInput(pcm.samples, REALTIME_CLIENT_RATE, frame, (chunk) => client.appendAudio(chunk), {
        frameMs: OPENAI_TARGET_FRAME_MS,
        isOpen: () => client.open,
        onStart: (start) => ((t0 = start), timeline.start(start)),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const responses = client.events.filter((e) => e.event.type === 'response.done').map((e) => (e.event['response'] as { status?: string }).status ?? '?');
      return {
        output: { samples: timeline.output(), sampleRate: REALTIME_CLIENT_RATE },
        events: replies.events(),
        info: {
          transport: 'websocket',
          protocol: 'openai-realtime',
          dialect: client.dialect,
          codec: 'pcm16 24 kHz, base64 JSON',
          model: this.t.url.searchParams.get('model') ?? undefined,
          responses: responses.length,
          cancelledResponses: responses.filter((r) => r === 'cancelled').length,
          truncations,
          lateTicks: s.lateTicks,
          stoppedEarly: s.stoppedEarly,
          serverErrors: client.errors.slice(0, 10),
          closeCode: client.closeCode,
          ...timeline.stats,
        },
      };
    } finally {
      await client.close();
    }
  }

  async close(): Promise<void> {
    // One connection per run; nothing is held between runs.
  }
}
