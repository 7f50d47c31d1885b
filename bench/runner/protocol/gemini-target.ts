/**
 * A Gemini Live (BidiGenerateContent) endpoint as a benchmark target: setup, then 16 kHz PCM16 in
 * `realtimeInput` every 20 ms; model audio (24 kHz) recorded as a player plays it, and dropped from
 * the queue when the server says `interrupted` (the user barged in).
 */
import type { PcmFrame } from '../../../src/audio/frame.js';
import { resample } from '../../../src/audio/resampler.js';
import { GeminiLiveClient } from '../../../src/protocols/gemini-live/client.js';
import { GEMINI_INPUT_SAMPLE_RATE, GEMINI_OUTPUT_SAMPLE_RATE } from '../../../src/protocols/gemini-live/messages.js';
import type { BenchTarget, TargetRunOptions, TargetRunResult } from '../target.js';
import { streamInput } from './stream.js';
import { ReplyTextLog } from './reply-text.js';
import { OutputTimeline } from './timeline.js';
import { apiKeyFor, type ParsedTarget } from './urls.js';

export const GEMINI_TARGET_FRAME_MS = 20;
export const DEFAULT_GEMINI_MODEL = 'models/gemini-live-2.5-flash-preview';

export class GeminiLiveTarget implements BenchTarget {
  readonly name: string;
  readonly clocks = ['realtime'] as const;

  constructor(private readonly t: ParsedTarget) {
    this.name = t.display;
  }

  private get model(): string {
    return this.t.params['model'] ?? DEFAULT_GEMINI_MODEL;
  }

  describe(): string {
    return `Gemini Live protocol (BidiGenerateContent) over WebSocket at ${this.t.display}, ${this.model}: PCM16 16 kHz in, 24 kHz out, base64 JSON`;
  }

  async run(input: PcmFrame, o: TargetRunOptions): Promise<TargetRunResult> {
    if (o.clock !== 'realtime') throw new Error(`${this.name} runs in real time only`);
    const pcm = input.sampleRate === GEMINI_INPUT_SAMPLE_RATE ? input : await resample(input, GEMINI_INPUT_SAMPLE_RATE);
    const p = this.t.params;
    const key = apiKeyFor(this.t);
    const client = await GeminiLiveClient.connect({
      url: this.t.url.toString(),
      model: this.model,
      ...(key ? { apiKey: key } : {}),
      ...(p['voice'] ? { voice: p['voice'] } : {}),
      ...(p['instructions'] ? { systemInstruction: p['instructions'] } : {}),
    });
    const outLength = Math.round((pcm.samples.length / GEMINI_INPUT_SAMPLE_RATE) * GEMINI_OUTPUT_SAMPLE_RATE);
    const timeline = new OutputTimeline(GEMINI_OUTPUT_SAMPLE_RATE, outLength);
    let t0: number | undefined;
    let interruptions = 0;
    let otherRates = 0;
    client.onAudio = (c) => {
      if (!timeline.started) return;
      if (c.sampleRate !== GEMINI_OUTPUT_SAMPLE_RATE) return void otherRates++; // the API documents 24 kHz only
      timeline.place(c.pcm, c.at);
    };
    client.onInterrupted = (at) => {
      if (!timeline.started) return;
      timeline.flush(at);
      interruptions++;
    };
    try {
      const frame = (GEMINI_INPUT_SAMPLE_RATE * GEMINI_TARGET_FRAME_MS) / 1000;
      const s = await streamInput(pcm.samples, GEMINI_INPUT_SAMPLE_RATE, frame, (chunk) => client.sendAudio(chunk), {
        frameMs: GEMINI_TARGET_FRAME_MS,
        isOpen: () => client.open,
        onStart: (start) => ((t0 = start), timeline.start(start)),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      // The model's words per turn (outputTranscription), for the v1.5 labeller.
      const replies = new ReplyTextLog(() => t0);
      for (const { message, at } of client.messages) {
        const c = message.serverContent;
        if (c?.outputTranscription?.text) replies.text(at, c.outputTranscription.text);
        if (c?.turnComplete || c?.interrupted) replies.end();
      }
      return {
        output: { samples: timeline.output(), sampleRate: GEMINI_OUTPUT_SAMPLE_RATE },
        events: replies.events(),
        info: {
          transport: 'websocket',
          protocol: 'gemini-live',
          codec: 'pcm16 16 kHz in / 24 kHz out, base64 JSON',
          model: this.model,
          turns: client.messages.filter((m) => m.message.serverContent?.turnComplete).length,
          interruptions,
          droppedChunksOtherRate: otherRates,
          inputTranscript: client.inputTranscript.join(' ').slice(0, 2000),
          outputTranscript: client.outputTranscript.join('').slice(0, 2000),
          lateTicks: s.lateTicks,
          stoppedEarly: s.stoppedEarly,
          serverErrors: client.errors.slice(0, 10),
          closeCode: client.closeCode,
          closeReason: client.closeReason || undefined,
          ...timeline.stats,
        },
      };
    } finally {
      await client.close();
    }
  }

  async close(): Promise<void> {
    // One connection per run.
  }
}
