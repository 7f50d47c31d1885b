/**
 * The small streaming, cancellable interfaces every speech component implements. Callers (the duplex
 * engine, the benchmark, the CLI) only ever see these, so a cloud ASR, a sherpa-onnx model or an
 * OpenAI-compatible TTS can drop in without touching them.
 */
import type { PcmFrame } from '../audio/frame.js';
import type { FullduplexError } from '../errors.js';

// ---------------------------------------------------------------- VAD
export interface VadWindowResult {
  /** Speech probability 0..1 for this window. */
  readonly probability: number;
  /** Stream time of the window's first sample, seconds. */
  readonly start: number;
  /** Stream time just after the window's last sample, seconds. */
  readonly end: number;
}

export interface VoiceActivityDetector {
  readonly name: string;
  /** The only sample rate accepted by `push`. */
  readonly sampleRate: number;
  /** Samples per decision window (512 at 16 kHz = 32 ms for Silero v5). */
  readonly windowSamples: number;
  /** Feed audio of any length; resolves with one result per completed window (may be none). */
  push(samples: Int16Array): Promise<VadWindowResult[]>;
  /** Forget all state (recurrent state, context, partial window, stream time). */
  reset(): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- ASR
export interface WordTiming {
  readonly word: string;
  /** Seconds from the start of the utterance's audio. */
  readonly start: number;
  readonly end: number;
  /** The recogniser's confidence in the word, 0..1 (pocketsphinx: lattice posterior), where it gives one. */
  readonly confidence?: number;
}

export interface AsrResult {
  readonly text: string;
  readonly words: readonly WordTiming[];
  readonly final: boolean;
  /**
   * Where a second, slower recogniser hears the same audio for the text the dialogue answers (an
   * OpenAI-compatible STT server behind pocketsphinx: asr/openai-stt.ts), that text, on its way.
   * `text` and `words` stay the streaming recogniser's: their timing feeds the end-of-turn predictor.
   * Never rejects: a failed or slow server resolves with `text` itself and the error.
   */
  readonly committed?: Promise<CommittedText>;
}

/** The text a turn segment is answered with, and which recogniser gave it. */
export interface CommittedText {
  readonly text: string;
  /** The recogniser's name (the server's, or the streaming one's after a failure). */
  readonly source: string;
  /** Why the server's text is missing (the streaming recogniser's `text` stands in). */
  readonly error?: FullduplexError;
}

/** One utterance at a time: push audio, get partials, `finish()` for the final hypothesis. */
export interface AsrStream {
  /**
   * PCM16 mono at the engine's sampleRate. Partials arrive through `onPartial`. A recogniser that works
   * off the event loop (a socket, a worker thread) may return a promise: it must still take pushes in
   * order, and `finish()` must wait for those in flight. A rejected push counts as a thrown one.
   */
  push(samples: Int16Array): void | Promise<void>;
  /** Ends the utterance; resolves with the final hypothesis (words timed from the utterance start). The stream is then ready for the next utterance. */
  finish(): Promise<AsrResult>;
  /** Drops the current utterance without a result. */
  cancel(): void;
  /**
   * Optional: forget the channel adaptation learned so far (between utterances). After a dropped
   * fragment of someone else's speech, that adaptation would misfit the user's next words.
   */
  resetAdaptation?(): void;
  onPartial: ((partial: AsrResult) => void) | null;
  close(): void;
}

export interface AsrEngine {
  readonly name: string;
  readonly sampleRate: number;
  createStream(): AsrStream;
  /** Batch helper: transcribe a whole recording (resampled if needed), with word timestamps. */
  transcribe(audio: PcmFrame): Promise<AsrResult>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- TTS
export interface TtsChunk {
  readonly samples: Int16Array;
  readonly sampleRate: number;
}

export interface TtsSynthesisOptions {
  readonly voice?: string;
  /** Aborting stops output within one chunk. */
  readonly signal?: AbortSignal;
  /**
   * A failure the engine recovered from (a speech server it fell back from to a local voice): the
   * audio goes on, the caller reports it (the session: an `error` event, component 'tts').
   */
  readonly onDegraded?: (e: FullduplexError) => void;
}

export interface TtsEngine {
  readonly name: string;
  readonly voices: readonly string[];
  readonly defaultVoice: string;
  /** Native sample rate of a voice's output. */
  sampleRateOf(voice: string): number;
  /** Synthesize one piece of text; chunks are yielded as the engine produces them. */
  synthesize(text: string, options?: TtsSynthesisOptions): AsyncIterable<TtsChunk>;
  /**
   * What names the audio this engine makes with `voice`: backend, voice, model and the settings that
   * change the sound, and the output rate. Two engines (in one process) with the same identity speak a
   * text alike, so audio one synthesized can be reused for the other (the engine caches backchannel
   * clips by it). Without it, nothing is shared between engine instances.
   */
  audioIdentity?(voice: string): string;
  close(): Promise<void>;
}
