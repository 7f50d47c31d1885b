/**
 * Warm speech components for new sessions. Creating a pocketsphinx decoder blocks the event loop for
 * ~0.65 s and a Silero session for ~0.15 s: done while others talk, every live session's audio would
 * stall. So decoders and VADs are created ahead (at start-up) and handed back to the pool when a
 * session ends, ready for the next one; the pool grows to the largest number of concurrent sessions.
 */
import type { AsrEngine, AsrResult, AsrStream, VoiceActivityDetector } from '../speech/types.js';
import type { PcmFrame } from '../audio/frame.js';
import { createVad } from '../speech/registry.js';
import { FullduplexError } from '../errors.js';

interface Spare {
  readonly vad: VoiceActivityDetector;
  readonly stream: AsrStream;
}

/** What a session borrows: its VAD and an AsrEngine whose one stream is the pooled decoder. */
export interface Lease {
  readonly vad: VoiceActivityDetector;
  readonly asr: AsrEngine;
  /** Give the components back (idempotent). */
  release(): void;
}

export class EnginePool {
  private readonly spares: Spare[] = [];
  private leasedCount = 0;
  private closed = false;

  constructor(
    private readonly asr: AsrEngine,
    /** Component sets created at start-up. */
    private readonly target: number,
    /** Makes one VAD (the pool owns every VAD it makes and closes it when the pool closes). */
    private readonly newVad: () => Promise<VoiceActivityDetector> = () => createVad(),
  ) {}

  get available(): number {
    return this.spares.length;
  }

  get leased(): number {
    return this.leasedCount;
  }

  /** Fill the pool to its target now (start-up). */
  async warm(): Promise<void> {
    while (!this.closed && this.spares.length < this.target) this.spares.push(await this.make());
  }

  async acquire(): Promise<Lease> {
    const spare = this.spares.pop() ?? (await this.make());
    this.leasedCount++;
    let released = false;
    const stream = new LeasedStream(spare.stream);
    const asr = this.asr;
    const facade: AsrEngine = {
      name: asr.name,
      sampleRate: asr.sampleRate,
      createStream: () => stream,
      transcribe: (audio: PcmFrame): Promise<AsrResult> => asr.transcribe(audio),
      close: async () => undefined,
    };
    return {
      vad: spare.vad,
      asr: facade,
      release: () => {
        if (released) return;
        released = true;
        this.leasedCount--;
        stream.detach();
        this.giveBack(spare);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.spares.splice(0)) await dispose(s);
  }

  private giveBack(s: Spare): void {
    try {
      if (this.closed) throw new Error('pool closed');
      s.stream.cancel();
      s.stream.onPartial = null;
      // The next session is someone else: the decoder must not hear them with this user's channel.
      s.stream.resetAdaptation?.();
      s.vad.reset();
      this.spares.push(s);
    } catch {
      void dispose(s);
    }
  }

  private async make(): Promise<Spare> {
    const vad = await this.newVad();
    return { vad, stream: this.asr.createStream() };
  }
}

/** A pooled decoder as one session sees it: closing it hands it back instead of freeing it. */
class LeasedStream implements AsrStream {
  private inner: AsrStream | undefined;

  constructor(inner: AsrStream) {
    this.inner = inner;
  }

  get onPartial(): AsrStream['onPartial'] {
    return this.inner?.onPartial ?? null;
  }

  set onPartial(cb: AsrStream['onPartial']) {
    if (this.inner) this.inner.onPartial = cb;
  }

  push(samples: Int16Array): void | Promise<void> {
    return this.live().push(samples);
  }

  finish(): Promise<AsrResult> {
    return this.live().finish();
  }

  cancel(): void {
    this.inner?.cancel();
  }

  resetAdaptation(): void {
    this.inner?.resetAdaptation?.();
  }

  close(): void {
    this.inner?.cancel();
  }

  /** The lease ended: this session may not touch the decoder any more. */
  detach(): void {
    this.inner = undefined;
  }

  private live(): AsrStream {
    if (!this.inner) throw new FullduplexError('BAD_ARGUMENT', 'ASR stream is closed');
    return this.inner;
  }
}

async function dispose(s: Spare): Promise<void> {
  try {
    s.stream.close();
  } catch {
    // already closed by its session
  }
  await s.vad.close().catch(() => undefined);
}
