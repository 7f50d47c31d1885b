/**
 * `fullduplex talk`: the live server (page + WebSocket protocol). SIGTERM drains it (drain.ts: running
 * sessions finish within --drain-grace-s, then exit 0); SIGINT (Ctrl+C) or a second SIGTERM closes at
 * once, still finishing every recording; a third signal exits without waiting.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { FullduplexError } from '../errors.js';
import { generateToken, isLoopbackHost } from '../server/access.js';
import { defaultDrainOptions, defaultPlaybackOptions, defaultRecordingOptions, defaultServerLimits, defaultServerOptions, EAGERNESS_LEVELS, VOICES } from '../server/options.js';
import { startServer, type FullduplexServer } from '../server/server.js';
import type { Eagerness } from '../engine/options.js';
import { existsSync } from 'node:fs';
import { servedClients } from '../server/origins.js';
import { loadTlsFiles, SELF_SIGNED, selfSignedNames, selfSignedTls, trustInstructions, type TlsMaterial } from '../server/tls.js';
import { withSpeechServers } from '../speech/registry.js';
import { defaultTtsServerOptions } from '../speech/servers/options.js';
import { addSpeechServerOptions, speechServersFrom, type SpeechServerCliOptions } from './speech-options.js';

export interface TalkCliOptions extends SpeechServerCliOptions {
  host: string;
  port: string;
  token?: string;
  allowOrigin: string[];
  voice: string;
  eagerness: string;
  llmUrl?: string;
  llmModel?: string;
  sessionsDir: string;
  record: boolean;
  maxSessions: string;
  maxSessionSeconds: string;
  maxMessageBytes: string;
  warm: string;
  workers: string;
  drainGraceS: string;
  tls?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsName: string[];
  serveClient: string[];
  at: string[];
}

/** The page's files: <package>/web, found from this module's place in dist/src/cli/. */
export function defaultWebRoot(): string {
  return resolve(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web'));
}

export function addTalkCommand(program: Command): void {
  const d = defaultServerOptions;
  const talk = program
    .command('talk')
    .description('start the live demo: a local web page you talk to, served with the engine over WebSocket (docs/protocol.md)')
    .option('--host <address>', 'interface to listen on; anything but loopback requires a token', d.host)
    .option('--port <n>', 'TCP port (0 picks a free one)', String(d.port))
    .option('--token <secret>', 'access token for the page and the protocol (default: none on loopback; generated for other hosts); env FULLDUPLEX_TOKEN')
    .option('--allow-origin <origin>', "another browser origin allowed to open a WebSocket here, e.g. http://localhost:5173 (repeatable; '*' admits any); others get a bare 403, logged once per origin", collect, [])
    .option('--tls-cert <file>', 'serve https/wss with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--tls <mode>', "'self-signed': make a certificate for the listening names once, keep it in <sessions-dir>/tls/ and reuse it")
    .option('--tls-name <name>', 'another host name or address the self-signed certificate covers (repeatable; localhost, 127.0.0.1, ::1 and --host always are)', collect, [])
    .option('--serve-client <dir>', "serve a prebuilt web client's folder same-origin, under --at (repeatable; its router must accept that base path: Moshi's own client does not, so serve it at its own origin's root and admit it with --allow-origin)", collect, [])
    .option('--at <path>', 'the URL path the matching --serve-client is served under, e.g. /moshi/', collect, [])
    .option('--voice <name>', `flite voice: ${VOICES.join(', ')}`, d.engine.voice)
    .option('--eagerness <level>', `how soon the agent takes the turn: ${EAGERNESS_LEVELS.join(', ')}`, d.engine.eagerness)
    .option('--llm-url <url>', 'OpenAI-compatible base URL (e.g. http://127.0.0.1:11434/v1); default: the embedded dialogue model')
    .option('--llm-model <name>', 'model name for the OpenAI-compatible server (API key: env FULLDUPLEX_LLM_API_KEY)')
    .option('--sessions-dir <dir>', 'where each session writes its recording (WAV), transcript and event log', defaultRecordingOptions.sessionsDir)
    .option('--no-record', 'do not record sessions')
    .option('--max-sessions <n>', 'concurrent sessions over every transport (native, /v1/realtime, /api/chat); more are refused at the upgrade with HTTP 503 and Retry-After (default: 6 per core)', String(defaultServerLimits.maxSessions))
    .option('--max-session-seconds <s>', 'a session is ended (close code 4002) after this long', String(defaultServerLimits.maxSessionSeconds))
    .option('--max-message-bytes <n>', 'largest WebSocket message; larger ones close the connection (1009)', String(defaultServerLimits.maxMessageBytes))
    .option('--workers <n>', 'engine threads the sessions are spread over (0: all on the main thread)', String(d.workers))
    .option('--warm <n>', 'speech engines loaded at start-up, so the first sessions start without stalling others', String(d.warmSessions))
    .option('--drain-grace-s <s>', 'on SIGTERM, running sessions get this long to finish before the agent says goodbye and they close (4003)', String(defaultDrainOptions.graceSeconds))
    .addHelpText('after', `
Open the printed URL in Chrome, Edge or Firefox and allow the microphone. Use headphones or the
browser's echo cancellation. Each session is recorded under --sessions-dir: conversation.wav (user
left, agent right, 16 kHz), transcript.txt, events.jsonl and session.json.

Off the loopback, browsers allow the microphone only over https: add --tls-cert/--tls-key or
--tls self-signed (it prints how to trust it). A backend holding the token mints short-lived keys
for browsers with POST /v1/realtime/client_secrets (README "Deploying").

Audio frames: ${defaultPlaybackOptions.frameMs} ms out; the page buffers ${defaultPlaybackOptions.clientPrefillMs} ms before playing.
Protocol: WebSocket /v1/session, version 1, documented in docs/protocol.md.`);
  addSpeechServerOptions(talk).action(async (opts: TalkCliOptions) => {
      await runTalk(opts);
    });
}

/** The certificate `talk` serves with: files named by the operator, a kept self-signed one, or none. */
async function talkTls(opts: TalkCliOptions): Promise<TlsMaterial | undefined> {
  if (opts.tls !== undefined && opts.tls !== 'self-signed') throw new FullduplexError('BAD_ARGUMENT', `--tls takes 'self-signed' (got '${opts.tls}'); for your own certificate use --tls-cert and --tls-key`);
  if (opts.tls && (opts.tlsCert || opts.tlsKey)) throw new FullduplexError('BAD_ARGUMENT', '--tls self-signed and --tls-cert/--tls-key exclude each other');
  if (!!opts.tlsCert !== !!opts.tlsKey) throw new FullduplexError('BAD_ARGUMENT', '--tls-cert and --tls-key go together');
  if (opts.tlsCert && opts.tlsKey) return loadTlsFiles(resolve(opts.tlsCert), resolve(opts.tlsKey));
  if (opts.tls === 'self-signed') return selfSignedTls(join(opts.sessionsDir, SELF_SIGNED.dirName), selfSignedNames(opts.host, opts.tlsName ?? []));
  return undefined;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positive(name: string, value: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1)) throw new FullduplexError('BAD_ARGUMENT', `${name} must be a whole number${allowZero ? ' >= 0' : ' > 0'} (got '${value}')`);
  return n;
}

export async function runTalk(opts: TalkCliOptions): Promise<FullduplexServer> {
  if (!(VOICES as readonly string[]).includes(opts.voice)) throw new FullduplexError('BAD_ARGUMENT', `--voice must be one of ${VOICES.join(', ')}`);
  if (!(EAGERNESS_LEVELS as readonly string[]).includes(opts.eagerness)) throw new FullduplexError('BAD_ARGUMENT', `--eagerness must be one of ${EAGERNESS_LEVELS.join(', ')}`);
  let token = opts.token ?? process.env.FULLDUPLEX_TOKEN;
  let generated = false;
  if (!token && !isLoopbackHost(opts.host)) {
    token = generateToken();
    generated = true;
  }
  const llm = opts.llmUrl || opts.llmModel;
  // Certificates and served folders are checked before anything starts: a bad file stops here.
  const tls = await talkTls(opts);
  const clients = servedClients(opts.serveClient ?? [], opts.at ?? []);
  for (const c of clients) if (!existsSync(join(c.dir, 'index.html'))) throw new FullduplexError('BAD_ARGUMENT', `--serve-client ${c.dir}: no index.html there (give the folder of a built client, e.g. its dist/)`);
  const servers = speechServersFrom(opts);
  process.stderr.write('fullduplex: loading the speech engines…\n');
  const server = await startServer({
    webRoot: defaultWebRoot(),
    host: opts.host,
    port: positive('--port', opts.port, true),
    token,
    allowedOrigins: opts.allowOrigin,
    tls: tls && { cert: tls.cert, key: tls.key },
    servedClients: clients,
    warmSessions: positive('--warm', opts.warm, true),
    workers: positive('--workers', opts.workers, true),
    speech: withSpeechServers({}, servers),
    engine: {
      // --voice is flite's; a TTS server speaks with --tts-voice.
      voice: servers.tts ? (servers.tts.voice ?? defaultTtsServerOptions.voice) : opts.voice,
      eagerness: opts.eagerness as Eagerness,
      dialogue: llm ? { baseUrl: opts.llmUrl, model: opts.llmModel, apiKey: process.env.FULLDUPLEX_LLM_API_KEY } : 'embedded',
    },
    limits: {
      maxSessions: positive('--max-sessions', opts.maxSessions),
      maxSessionSeconds: positive('--max-session-seconds', opts.maxSessionSeconds),
      maxMessageBytes: positive('--max-message-bytes', opts.maxMessageBytes),
    },
    recording: { sessionsDir: opts.record ? opts.sessionsDir : '' },
    drain: { graceSeconds: positive('--drain-grace-s', opts.drainGraceS, true) },
  });
  process.stdout.write(`fullduplex is listening: ${server.url}\n`);
  if (tls) process.stdout.write(`${trustInstructions(tls, opts.tls === 'self-signed')}\n`);
  for (const c of clients) process.stdout.write(`serving ${c.dir} at ${new URL(c.at, server.url).origin}${c.at}\n`);
  if (generated) process.stdout.write(`(a non-loopback address needs a token; generated one: ${token})\n`);
  process.stdout.write(`recording sessions to ${opts.record ? resolve(opts.sessionsDir) : '(nowhere: --no-record)'}. Press Ctrl+C to stop.\n`);
  let signals = 0;
  const stop = (signal: string) => {
    signals++;
    if (signals >= 3) {
      process.stderr.write(`fullduplex: ${signal} a third time, exiting without waiting\n`);
      process.exit(130);
    }
    const drain = signal === 'SIGTERM' && signals === 1;
    process.stderr.write(drain ? `fullduplex: SIGTERM: draining (sessions get ${opts.drainGraceS} s; SIGTERM again to stop now)…\n` : `fullduplex: ${signal}: ending sessions and shutting down…\n`);
    (drain ? server.drain() : server.close()).then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`fullduplex: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return server;
}
