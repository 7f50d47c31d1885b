// The page's audio graph: microphone → capture worklet → 20 ms PCM16 frames for the server, and
// server audio → playback worklet (jitter buffer) → speakers. One AudioContext at the device's rate;
// the server resamples the microphone, the playback worklet resamples the agent's 16 kHz voice.

/** Microphone processing the browser applies before we see the signal. */
export const MIC_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 };

export class AudioIO {
  /**
   * @param {{ onFrame(pcm: ArrayBuffer): void, onMicLevel(level: number): void,
   *   onPosition(p: {position:number, buffered:number, underruns:number, audibleMs:number, level:number}): void,
   *   onFlushed(f: {position:number, dropped:number}): void }} handlers
   */
  constructor(handlers) {
    this.h = handlers;
    this.ctx = null;
    this.stream = null;
    this.capture = null;
    this.playback = null;
  }

  get sampleRate() {
    return this.ctx?.sampleRate ?? 0;
  }

  /** Ask for the microphone and build the capture side. Throws a user-facing Error. */
  async openMicrophone() {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new Error('This browser cannot capture audio here. Open the page over http://127.0.0.1 or https.');
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: MIC_CONSTRAINTS, video: false });
    } catch (e) {
      const name = e && e.name;
      if (name === 'NotAllowedError' || name === 'SecurityError') throw new Error('Microphone access was refused. Allow the microphone for this page (the icon in the address bar) and try again.');
      if (name === 'NotFoundError') throw new Error('No microphone was found. Plug one in and try again.');
      throw new Error(`The microphone could not be opened: ${e && e.message ? e.message : e}`);
    }
    this.ctx = new AudioContext({ latencyHint: 'interactive' });
    await this.ctx.audioWorklet.addModule(new URL('./worklets/capture.js', import.meta.url));
    await this.ctx.audioWorklet.addModule(new URL('./worklets/playback.js', import.meta.url));
    const source = this.ctx.createMediaStreamSource(this.stream);
    this.capture = new AudioWorkletNode(this.ctx, 'fullduplex-capture', { numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { frameMs: 20 } });
    this.capture.port.onmessage = (e) => {
      if (e.data.type !== 'frame') return;
      this.h.onMicLevel(e.data.level);
      this.h.onFrame(e.data.pcm);
    };
    source.connect(this.capture);
    if (this.ctx.state !== 'running') await this.ctx.resume();
  }

  /** Build the playback side once the server said how it streams. */
  startPlayback({ outputSampleRate, prefillMs, maxBufferMs }) {
    this.playback = new AudioWorkletNode(this.ctx, 'fullduplex-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { inputSampleRate: outputSampleRate, prefillMs, maxBufferMs },
    });
    this.playback.port.onmessage = (e) => {
      if (e.data.type === 'position') this.h.onPosition(e.data);
      else if (e.data.type === 'flushed') this.h.onFlushed(e.data);
    };
    this.playback.connect(this.ctx.destination);
  }

  /** Agent audio from the server (PCM16 at the announced rate). */
  play(pcm) {
    this.playback?.port.postMessage({ type: 'audio', pcm }, [pcm]);
  }

  /** Barge-in: drop everything buffered. */
  flush() {
    this.playback?.port.postMessage({ type: 'flush' });
  }

  async close() {
    this.capture?.disconnect();
    this.playback?.disconnect();
    this.stream?.getTracks().forEach((t) => t.stop());
    if (this.ctx && this.ctx.state !== 'closed') await this.ctx.close();
    this.ctx = null;
    this.capture = null;
    this.playback = null;
    this.stream = null;
  }
}
