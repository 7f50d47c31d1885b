/**
 * Ogg framing for a single logical Opus stream (RFC 3533 pages, RFC 7845 Opus mapping): the project's
 * own small implementation, split by concern and gathered here.
 */
export { OGG_CRC_POLYNOMIAL, oggCrc, oggCrcUpdate } from './ogg-crc.js';
export {
  OGG_FLAG_BOS,
  OGG_FLAG_CONTINUED,
  OGG_FLAG_EOS,
  OGG_HEADER_BYTES,
  OGG_MAX_PAGE_BYTES,
  OGG_MAX_SEGMENTS,
  OGG_NO_GRANULE,
} from './ogg-page.js';
export { OggPageWriter, type OggPageWriterOptions, type WritePacketsOptions } from './ogg-writer.js';
export {
  DEFAULT_MAX_OGG_PACKET_BYTES,
  OggPageReader,
  type OggPacket,
  type OggPageInfo,
  type OggPageReaderOptions,
  type OggReadResult,
} from './ogg-reader.js';
export {
  isOpusHead,
  isOpusTags,
  OPUS_GRANULE_RATE,
  OPUS_HEAD_BYTES,
  OPUS_HEAD_VERSION,
  opusHead,
  opusTags,
  parseOpusHead,
  parseOpusTags,
  type OpusHead,
  type OpusHeadFields,
  type OpusTags,
} from './opus-head.js';
