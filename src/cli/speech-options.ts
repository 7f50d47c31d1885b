/**
 * `--stt-url/--stt-model` and `--tts-url/--tts-voice/--tts-model`: OpenAI-compatible speech servers as
 * plug-ins (src/speech/servers/options.ts), the same on `talk`, `simulate` and `bench run`. Keys come
 * from the environment only (never a command line, never a recording).
 */
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { defaultSttServerOptions, defaultTtsServerOptions, SPEECH_KEY_ENV, type SpeechServers } from '../speech/servers/options.js';

export interface SpeechServerCliOptions {
  sttUrl?: string;
  sttModel?: string;
  ttsUrl?: string;
  ttsVoice?: string;
  ttsModel?: string;
  sttTimeoutMs?: string;
  ttsTimeoutMs?: string;
}

export function addSpeechServerOptions(cmd: Command): Command {
  return cmd
    .option('--stt-url <url>', `OpenAI-compatible speech-to-text server (Whisper, Parakeet: …/v1/audio/transcriptions) whose text the agent answers; pocketsphinx keeps the streaming partials (key: env ${SPEECH_KEY_ENV.stt.join(' or ')})`)
    .option('--stt-model <name>', `model field for the STT server (default ${defaultSttServerOptions.model})`)
    .option('--tts-url <url>', `OpenAI-compatible text-to-speech server (Kokoro: …/v1/audio/speech, streamed PCM) as the agent's voice; flite speaks when it fails (key: env ${SPEECH_KEY_ENV.tts.join(' or ')})`)
    .option('--tts-voice <name>', `voice on the TTS server (default ${defaultTtsServerOptions.voice}; Kokoro: af_heart, …)`)
    .option('--tts-model <name>', `model field for the TTS server (default ${defaultTtsServerOptions.model}; Kokoro-FastAPI: kokoro)`)
    .option('--stt-timeout-ms <ms>', `how long a turn waits for the STT server's text before it is answered with pocketsphinx's (default ${defaultSttServerOptions.timeoutMs})`)
    .option('--tts-timeout-ms <ms>', `longest wait for the TTS server's next audio before flite speaks the clause (default ${defaultTtsServerOptions.timeoutMs})`);
}

/** The servers the options name (checked: a model or voice without its URL is refused). */
export function speechServersFrom(o: SpeechServerCliOptions): SpeechServers {
  if (!o.sttUrl && o.sttModel) throw new FullduplexError('BAD_ARGUMENT', '--stt-model needs --stt-url');
  if (!o.ttsUrl && (o.ttsVoice || o.ttsModel)) throw new FullduplexError('BAD_ARGUMENT', `${o.ttsVoice ? '--tts-voice' : '--tts-model'} needs --tts-url`);
  if (!o.sttUrl && o.sttTimeoutMs) throw new FullduplexError('BAD_ARGUMENT', '--stt-timeout-ms needs --stt-url');
  if (!o.ttsUrl && o.ttsTimeoutMs) throw new FullduplexError('BAD_ARGUMENT', '--tts-timeout-ms needs --tts-url');
  const sttTimeout = milliseconds('--stt-timeout-ms', o.sttTimeoutMs);
  const ttsTimeout = milliseconds('--tts-timeout-ms', o.ttsTimeoutMs);
  return {
    ...(o.sttUrl && { stt: { url: o.sttUrl, ...(o.sttModel && { model: o.sttModel }), ...(sttTimeout && { timeoutMs: sttTimeout }) } }),
    ...(o.ttsUrl && { tts: { url: o.ttsUrl, ...(o.ttsVoice && { voice: o.ttsVoice }), ...(o.ttsModel && { model: o.ttsModel }), ...(ttsTimeout && { timeoutMs: ttsTimeout }) } }),
  };
}

function milliseconds(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isFinite(n) && n > 0)) throw new FullduplexError('BAD_ARGUMENT', `${name} must be a number of ms > 0 (got '${v}')`);
  return n;
}
