/**
 * Opus for the wire protocols: single packets (opus-packet.ts) and Ogg Opus streams (ogg-opus.ts).
 */
export {
  OPUS_FRAME_MS,
  OPUS_FRAME_SAMPLES_24K,
  OPUS_SAMPLE_RATE_24K,
  OPUS_SAMPLE_RATES,
  OpusDecoder,
  OpusEncoder24k,
  type OpusApplication,
  type OpusDecoderOptions,
  type OpusEncoderOptions,
  type OpusSampleRate,
} from './opus-packet.js';
export {
  DEFAULT_FRAMES_PER_PAGE,
  DEFAULT_OPUS_VENDOR,
  MAX_FRAMES_PER_PAGE,
  OggOpusStreamDecoder,
  OggOpusStreamEncoder,
  SETTLED_SILENCE_PACKETS,
  type OggOpusDecodeResult,
  type OggOpusStreamDecoderOptions,
  type OggOpusStreamEncoderOptions,
} from './ogg-opus.js';
