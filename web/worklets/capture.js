// Microphone capture on the audio thread: the browser's processed microphone signal (echo
// cancellation, noise suppression, automatic gain) arrives in 128-sample render quanta at the
// context's rate; it leaves as 20 ms frames of PCM16 (the protocol's binary audio), plus a level.
class CaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const frameMs = options.processorOptions?.frameMs ?? 20;
    this.frameLength = Math.round((sampleRate * frameMs) / 1000);
    this.frame = new Int16Array(this.frameLength);
    this.filled = 0;
    this.energy = 0;
    this.muted = false;
    this.port.onmessage = (e) => {
      if (e.data?.type === 'mute') this.muted = !!e.data.muted;
    };
  }

  process(inputs) {
    const channel = inputs[0]?.[0];
    // No input yet (device starting): keep the stream's timing by sending silence.
    const n = channel ? channel.length : 128;
    for (let i = 0; i < n; i++) {
      const x = channel && !this.muted ? channel[i] : 0;
      const v = x < -1 ? -1 : x > 1 ? 1 : x;
      this.frame[this.filled++] = v < 0 ? v * 32768 : v * 32767;
      this.energy += v * v;
      if (this.filled === this.frameLength) {
        const level = Math.sqrt(this.energy / this.frameLength);
        // The buffer is handed over (transferred), so each frame gets a fresh one.
        this.port.postMessage({ type: 'frame', pcm: this.frame.buffer, level }, [this.frame.buffer]);
        this.frame = new Int16Array(this.frameLength);
        this.filled = 0;
        this.energy = 0;
      }
    }
    return true;
  }
}

registerProcessor('fullduplex-capture', CaptureProcessor);
