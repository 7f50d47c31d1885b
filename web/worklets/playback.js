// Agent audio playback on the audio thread, with a jitter buffer.
//
// The server streams 16 kHz PCM16 continuously (silence included). Playback starts once `prefillMs`
// is buffered; running dry while playing is an underrun (counted) and re-prefills. On barge-in the
// page says `flush` and everything buffered is dropped at once. The stream position (samples
// consumed: played or dropped) goes back to the server, so it knows which words were heard.
// Resampling to the context's rate is linear interpolation: ample for a 16 kHz voice.

/** Samples quieter than this (−60 dBFS) count as silence that may be skipped to shed latency. */
const SILENT = 0.001;
class PlaybackProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const o = options.processorOptions ?? {};
    this.inRate = o.inputSampleRate ?? 16000;
    this.step = this.inRate / sampleRate;
    this.prefill = Math.round(((o.prefillMs ?? 80) * this.inRate) / 1000);
    this.maxBuffered = Math.round(((o.maxBufferMs ?? 500) * this.inRate) / 1000);
    // Deeper than the server ever means it to be (prefill + its lead while speaking): the two clocks
    // drift apart. Silence beyond this is skipped, so latency does not creep up over a long session.
    this.softMax = Math.round((((o.prefillMs ?? 80) + (o.leadMs ?? 200) + 60) * this.inRate) / 1000);
    this.target = Math.round((((o.prefillMs ?? 80) + 20) * this.inRate) / 1000);
    this.ring = new Float32Array(this.inRate * 30);
    this.head = 0; // ring index of the next unplayed sample
    this.size = 0; // buffered samples
    this.frac = 0; // fractional read position between ring[head] and ring[head + 1]
    this.playing = false;
    this.consumed = 0; // stream samples played or dropped
    this.underruns = 0;
    this.audibleUnderruns = 0; // ran dry in the middle of the agent's voice: a dropout a person hears
    this.lastAbs = 0;
    this.audible = 0; // samples played above -50 dBFS: proof that agent audio reached the speaker
    this.energy = 0;
    this.energyN = 0;
    this.sinceReport = 0;
    this.reportEvery = Math.round(sampleRate * 0.04);
    this.port.onmessage = (e) => this.onMessage(e.data);
  }

  onMessage(m) {
    if (m.type === 'audio') {
      const pcm = new Int16Array(m.pcm);
      for (let i = 0; i < pcm.length; i++) {
        if (this.size === this.ring.length) this.drop(1);
        this.ring[(this.head + this.size) % this.ring.length] = pcm[i] / 32768;
        this.size++;
      }
      if (this.size > this.maxBuffered) this.drop(this.size - this.prefill);
    } else if (m.type === 'flush') {
      this.drop(this.size);
      this.playing = false;
    }
  }

  /** Drop the oldest n buffered samples unheard, and tell the server which. */
  drop(n) {
    if (n <= 0) return;
    this.port.postMessage({ type: 'flushed', position: this.consumed, dropped: n });
    this.head = (this.head + n) % this.ring.length;
    this.size -= n;
    this.consumed += n;
    this.frac = 0;
  }

  /** Skip buffered silence beyond the soft ceiling (it counts as consumed, it is not agent speech). */
  shedSilence() {
    if (this.size <= this.softMax) return;
    while (this.size > this.target) {
      const v = this.ring[this.head];
      if (v > SILENT || v < -SILENT) break;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
      this.consumed++;
    }
  }

  process(_inputs, outputs) {
    const out = outputs[0][0];
    this.shedSilence();
    if (!this.playing && this.size >= this.prefill && this.size > 1) this.playing = true;
    for (let i = 0; i < out.length; i++) {
      if (!this.playing || this.size < 2) {
        if (this.playing) {
          this.playing = false; // ran dry mid-stream
          this.underruns++;
          if (this.lastAbs > SILENT * 10) this.audibleUnderruns++;
        }
        out[i] = 0;
        continue;
      }
      const a = this.ring[this.head];
      const b = this.ring[(this.head + 1) % this.ring.length];
      const v = a + (b - a) * this.frac;
      out[i] = v;
      this.lastAbs = Math.max(Math.abs(v), this.lastAbs * 0.995);
      this.energy += v * v;
      this.energyN++;
      if (v > 0.00316 || v < -0.00316) this.audible++;
      this.frac += this.step;
      while (this.frac >= 1) {
        this.frac -= 1;
        this.head = (this.head + 1) % this.ring.length;
        this.size--;
        this.consumed++;
      }
    }
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    this.sinceReport += out.length;
    if (this.sinceReport >= this.reportEvery) {
      this.sinceReport = 0;
      const level = this.energyN ? Math.sqrt(this.energy / this.energyN) : 0;
      this.energy = 0;
      this.energyN = 0;
      this.port.postMessage({ type: 'position', position: this.consumed, buffered: this.size, underruns: this.underruns, audibleUnderruns: this.audibleUnderruns, audibleMs: (this.audible / sampleRate) * 1000, level });
    }
    return true;
  }
}

registerProcessor('fullduplex-playback', PlaybackProcessor);
