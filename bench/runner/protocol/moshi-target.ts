/**
 * A Moshi or PersonaPlex server as a benchmark target, driven as the reference web client drives it:
 * wait for the handshake, then 20 ms Opus frames (≤ 2 per Ogg page, one page per message) in real time.
 * The server streams audio continuously; it is recorded where it arrives (queued behind audio still
 * playing, as a player would, with the web client's latency cap). Moshi has no barge-in signal: the
 * model itself stops talking.
 */
import type { PcmFrame } from '../../../src/audio/frame.js';
import { resample } from '../../../src/audio/resampler.js';
import { OPUS_SAMPLE_RATE_24K } from '../../../src/protocols/codecs/opus.js';
import { MoshiClient, moshiTranscript } from '../../../src/protocols/moshi/client.js';
import type { BenchTarget, TargetRunOptions, TargetRunResult } from '../target.js';
import { streamInput } from './stream.js';
import { OutputTimeline } from './timeline.js';
import type { ParsedTarget } from './urls.js';

export const MOSHI_TARGET_FRAME_MS = 20;
/**
 * The player's latency cap: Moshi's web client drops audio once its buffer runs this far behind, so a
 * stall does not add latency to the rest of the conversation (two of the server's 80 ms steps), ms.
 */
export const MOSHI_PLAYER_MAX_QUEUE_MS = 160;

export class MoshiTarget implements BenchTarget {
  readonly name: string;
  readonly clocks = ['realtime'] as const;

  constructor(private readonly t: ParsedTarget) {
    this.name = t.display;
  }

  describe(): string {
    const persona = this.t.url.searchParams.has('text_prompt') || this.t.url.searchParams.has('voice_prompt') ? ' with PersonaPlex prompts' : '';
    return `Moshi protocol over WebSocket at ${this.t.display}${persona}: Ogg Opus 24 kHz both ways, 20 ms frames, 2 frames per page`;
  }

  async run(input: PcmFrame, o: TargetRunOptions): Promise<TargetRunResult> {
    if (o.clock !== 'realtime') throw new Error(`${this.name} runs in real time only`);
    const pcm = input.sampleRate === OPUS_SAMPLE_RATE_24K ? input : await resample(input, OPUS_SAMPLE_RATE_24K);
    // Prompt parameters are already in the URL (they are forwarded as they are).
    const client = await MoshiClient.connect({ url: this.t.url.toString() });
    const timeline = new OutputTimeline(OPUS_SAMPLE_RATE_24K, pcm.samples.length, MOSHI_PLAYER_MAX_QUEUE_MS);
    client.onAudio = (c) => {
      if (timeline.started) timeline.place(c.pcm, c.at);
    };
    try {
      const frame = (OPUS_SAMPLE_RATE_24K * MOSHI_TARGET_FRAME_MS) / 1000;
      const s = await streamInput(pcm.samples, OPUS_SAMPLE_RATE_24K, frame, (chunk) => client.sendAudio(chunk), {
        frameMs: MOSHI_TARGET_FRAME_MS,
        isOpen: () => client.open,
        onStart: (t0) => timeline.start(t0),
        ...(o.signal ? { signal: o.signal } : {}),
      });
      return {
        output: { samples: timeline.output(), sampleRate: OPUS_SAMPLE_RATE_24K },
        info: {
          transport: 'websocket',
          protocol: 'moshi',
          codec: 'Ogg Opus 24 kHz, 20 ms frames',
          handshakeBytes: client.handshake.protocolVersion === undefined ? 1 : 9,
          text: moshiTranscript(client.text).slice(0, 2000),
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
    // One connection per run.
  }
}
