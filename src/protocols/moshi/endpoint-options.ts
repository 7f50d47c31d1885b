import { hostname } from 'node:os';

/** Every tunable of the Moshi / PersonaPlex endpoint, named, typed and defaulted in one place. */

export interface MoshiEndpointOptions {
  /** Handshake form: Rust servers' 9 bytes (kind + protocol and model versions) or Python's single byte. */
  handshake: 'rust' | 'python';
  /**
   * Send a 0x04 metadata message after the handshake and the Opus headers: the JSON Moshi's web client
   * shows in its server-info panel (metadata.ts). Its Rust server sends it before the handshake; the
   * client takes it at any time.
   */
  sendMetadata: boolean;
  /** Shown as the panel's "LM model file": what answers here (the dialogue model's name). */
  model: string;
  /** Shown as the panel's "Instance name" (default: the machine's host name). */
  instanceName: string;
  /** 20 ms Opus frames per outgoing Ogg page (Moshi servers: one 80 ms step per page = 4). */
  framesPerPage: number;
  /** Opus bitrate for the agent's voice, bit/s (undefined: libopus chooses). */
  bitrate: number | undefined;
  /** 0x05 error messages sent for damaged client audio at most every this many ms (damage can come in floods). */
  audioErrorIntervalMs: number;
}

export const defaultMoshiEndpointOptions: Readonly<MoshiEndpointOptions> = Object.freeze({
  handshake: 'rust',
  sendMetadata: true,
  model: 'embedded',
  instanceName: hostname(),
  framesPerPage: 4,
  bitrate: undefined,
  audioErrorIntervalMs: 1000,
});

/** Query parameters of /api/chat the endpoint reads; Moshi's sampling parameters are accepted and ignored. */
export const MOSHI_QUERY = {
  textPrompt: 'text_prompt',
  voicePrompt: 'voice_prompt',
  ignored: ['text_temperature', 'text_topk', 'audio_temperature', 'audio_topk', 'pad_mult', 'text_seed', 'audio_seed', 'repetition_penalty_context', 'repetition_penalty', 'seed'],
} as const;
