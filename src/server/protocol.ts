/**
 * The native WebSocket protocol, version 1, as types plus the validation of everything a client may
 * send. docs/protocol.md is the human-readable form of this file; keep them in step.
 *
 * Binary messages are audio: mono PCM16 little-endian, at the rate the client declared in `start`
 * (client → server) or the `outputSampleRate` announced in `ready` (server → client). Text messages
 * are JSON objects with a `type`.
 */
import { endianness } from 'node:os';
import type { EngineEvent } from '../engine/events.js';
import type { PredictorOverrides } from '../engine/options.js';
import { parsePredictorOverrides } from '../engine/option-updates.js';
import { SUPPORTED_SAMPLE_RATES } from '../audio/frame.js';
import { normalizeToolChoice, toolChoiceProblem, toolSpecProblem, type ToolChoice, type ToolSpec } from '../dialogue/types.js';

export const PROTOCOL_VERSION = 1;
/** The WebSocket path of protocol version 1. */
export const SESSION_PATH = '/v1/session';
/** Optional WebSocket subprotocol name a client may offer. */
export const SUBPROTOCOL = 'fullduplex.v1';

/** Close codes the server uses (1xxx are standard, 4xxx are this protocol's). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001, // the server is shutting down
  POLICY: 1008, // origin or token refused
  TOO_BIG: 1009, // a message over limits.maxMessageBytes
  INTERNAL: 1011, // the session could not start or failed beyond repair
  TRY_AGAIN_LATER: 1013, // limits.maxSessions reached
  PROTOCOL_ERROR: 4000, // the first message was not a valid `start`
  START_TIMEOUT: 4001, // no `start` within limits.startTimeoutSeconds
  SESSION_TOO_LONG: 4002, // limits.maxSessionSeconds reached
  DRAINED: 4003, // the server drained (SIGTERM) and the session outlasted drain.graceSeconds; the agent said goodbye
} as const;
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

/** Error codes of `error` messages (engine failures arrive as `event` messages of type `error`). */
export type ProtocolErrorCode =
  | 'BAD_MESSAGE' // not JSON, not an object, unknown type, or a field of the wrong type
  | 'BAD_AUDIO' // a binary frame with an odd number of bytes, or audio before `start`
  | 'MESSAGE_TOO_LARGE' // over the soft caps for audio or control messages
  | 'INPUT_TOO_FAST' // audio ahead of real time by more than limits.maxInputAheadSeconds
  | 'NOT_STARTED' // a control message that needs a session before `start`
  | 'ALREADY_STARTED' // a second `start`
  | 'UNSUPPORTED' // a protocol version or option value the server does not support
  | 'UNKNOWN_TOOL_CALL' // a tool_result for a call that is not waiting for one (unknown id, or already answered)
  | 'SERVER_FULL'
  | 'SESSION_FAILED'
  | 'SESSION_TOO_LONG'
  | 'START_TIMEOUT'
  | 'SHUTTING_DOWN';

// ---------------------------------------------------------------- client → server
export interface StartMessage {
  type: 'start';
  protocol: number;
  /** Rate of the binary audio frames the client will send. */
  inputSampleRate: number;
  voice?: string;
  eagerness?: 'low' | 'medium' | 'high';
  /** The client will send `playback` / `flushed` reports, so the history holds only what was heard. */
  playbackReports?: boolean;
  /** Free-form client name for the session log. */
  client?: string;
  /** The agent's instructions: the leading system message of the conversation (e.g. PersonaPlex's text_prompt). */
  instructions?: string;
  /** Functions the agent may call; the client runs them (`tool_call` → `tool_result`). */
  tools?: ToolSpec[];
  /** 'auto' (default), 'none', 'required' or { type: 'function', name }. */
  toolChoice?: ToolChoice;
}

/** The client's result for a `tool_call`: the agent answers with it (or, after a barge-in, records it). */
export interface ToolResultMessage {
  type: 'tool_result';
  callId: string;
  /** What the model is told: text or JSON text. */
  output: string;
  /** The tool failed; `output` says how. */
  isError?: boolean;
}

export interface PlaybackMessage {
  type: 'playback';
  /** Output-stream samples the speaker has consumed (played or dropped) since `ready`. */
  position: number;
  /** Samples waiting in the client's buffer (informational). */
  buffered?: number;
  /** Times the client's buffer ran dry while playing (cumulative). */
  underruns?: number;
}

export interface FlushedMessage {
  type: 'flushed';
  /** Output-stream position of the first dropped sample. */
  position: number;
  /** How many samples from `position` on were dropped unheard. */
  dropped: number;
}

export interface StopMessage {
  type: 'stop';
}

export interface PingMessage {
  type: 'ping';
  id?: string | number;
}

/** A typed user turn: the agent answers it aloud, cutting what it was saying (as a barge-in would). */
export interface TextMessage {
  type: 'text';
  text: string;
}

/**
 * The application's hand on the session (the engine's control API, src/engine/session.ts): stop the
 * agent's reply, hold the turns (push-to-talk), take the turn now, change the eagerness, add context.
 */
export type ControlMessage =
  | { type: 'control'; action: 'cancel_reply'; reason?: string }
  | { type: 'control'; action: 'hold_turns'; on: boolean }
  | { type: 'control'; action: 'take_turn_now' }
  /** Turn-taking options from now on (the session's runtime-updatable predictor options; see parseOptionUpdate). */
  | { type: 'control'; action: 'update_options'; options: PredictorOverrides }
  | { type: 'control'; action: 'add_context'; role: 'system' | 'user' | 'assistant'; content: string; where?: 'end' | 'instructions' }
  /** Replace the tools (as in `start`) from the next reply on; `[]` removes them. */
  | {
      type: 'control';
      action: 'set_tools';
      tools: ToolSpec[];
      toolChoice?: ToolChoice;
      /** Not on the wire: 'end' ends the reply at a call and waits for the client's next request (the Realtime endpoint's way); default 'answer'. */
      afterCall?: 'answer' | 'end';
    };

export type ClientMessage = StartMessage | PlaybackMessage | FlushedMessage | StopMessage | PingMessage | TextMessage | ControlMessage | ToolResultMessage;

/** Most tools a `start` may declare. */
export const MAX_TOOLS = 64;
/** Longest tool output accepted, characters. */
export const MAX_TOOL_OUTPUT_CHARS = 12_000;

/** Longest typed turn accepted, characters. */
export const MAX_TEXT_CHARS = 2000;

// ---------------------------------------------------------------- server → client
export interface ReadyMessage {
  type: 'ready';
  protocol: number;
  sessionId: string;
  outputSampleRate: number;
  frameMs: number;
  /** Suggested client buffer before playback starts, ms. */
  prefillMs: number;
  /** How far ahead of real time the server sends agent speech, ms (the client's buffer deepens by this while the agent talks). */
  leadMs: number;
  /** Suggested client buffer ceiling; beyond it the client should drop audio to catch up, ms. */
  maxBufferMs: number;
  /** Session clock (the `t` of events) when this message was sent, s. */
  t: number;
  limits: { maxSessionSeconds: number; maxMessageBytes: number; maxAudioFrameBytes: number };
  /** `recording`: the session is being recorded on the server (its sessions directory). */
  config: { voice: string; eagerness: string; dialogue: string; recording: boolean };
}

export type ServerMessage =
  | ReadyMessage
  | { type: 'event'; event: EngineEvent }
  /** The words of the agent's current utterance the listener has heard so far. */
  | { type: 'spoken'; text: string; kind: 'reply' | 'backchannel' }
  /** Drop every buffered sample of agent audio now (barge-in). `position`: stream samples sent before this message. */
  | { type: 'flush'; position: number }
  /** The agent called a tool (a committed turn only): run it and answer with `tool_result`. */
  | { type: 'tool_call'; callId: string; name: string; /** JSON text as the model wrote it */ arguments: string }
  | { type: 'error'; code: ProtocolErrorCode; message: string; fatal: boolean }
  | { type: 'end'; code: number; reason: string }
  | { type: 'pong'; id?: string | number };

// ---------------------------------------------------------------- validation
export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function optional<T>(o: Json, key: string, check: (v: unknown) => v is T, what: string): T | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!check(v)) throw new ProtocolError('BAD_MESSAGE', `'${key}' must be ${what}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length <= 200;
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isId = (v: unknown): v is string | number => (typeof v === 'string' && v.length <= 64) || (typeof v === 'number' && Number.isFinite(v));
const isEagerness = (v: unknown): v is 'low' | 'medium' | 'high' => v === 'low' || v === 'medium' || v === 'high';

/** Parse and validate one text message. Throws ProtocolError with a message fit for the client. */
export function parseClientMessage(text: string): ClientMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProtocolError('BAD_MESSAGE', 'text messages must be JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProtocolError('BAD_MESSAGE', 'a message must be a JSON object');
  const o = raw as Json;
  switch (o.type) {
    case 'start': {
      if (o.protocol !== PROTOCOL_VERSION) throw new ProtocolError('UNSUPPORTED', `protocol ${String(o.protocol)} is not supported (this server speaks ${PROTOCOL_VERSION})`);
      const rate = o.inputSampleRate;
      if (typeof rate !== 'number' || !(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate)) {
        throw new ProtocolError('UNSUPPORTED', `inputSampleRate must be one of ${SUPPORTED_SAMPLE_RATES.join(', ')}`);
      }
      const m: StartMessage = { type: 'start', protocol: PROTOCOL_VERSION, inputSampleRate: rate };
      const voice = optional(o, 'voice', isString, 'a string');
      const eagerness = optional(o, 'eagerness', isEagerness, "'low', 'medium' or 'high'");
      const reports = optional(o, 'playbackReports', isBool, 'a boolean');
      const client = optional(o, 'client', isString, 'a string');
      const instructions = optional(o, 'instructions', isString, 'a string');
      if (instructions !== undefined) m.instructions = instructions;
      if (voice !== undefined) m.voice = voice;
      if (eagerness !== undefined) m.eagerness = eagerness;
      if (reports !== undefined) m.playbackReports = reports;
      if (client !== undefined) m.client = client;
      if (o.tools !== undefined) m.tools = parseTools(o.tools);
      if (o.toolChoice !== undefined) m.toolChoice = parseToolChoice(o.toolChoice, m.tools ?? []);
      return m;
    }
    case 'tool_result': {
      if (typeof o.callId !== 'string' || o.callId === '' || o.callId.length > 200) throw new ProtocolError('BAD_MESSAGE', "'callId' must be the id of a tool_call (a non-empty string)");
      if (typeof o.output !== 'string') throw new ProtocolError('BAD_MESSAGE', "'output' must be a string (text or JSON text)");
      if (o.output.length > MAX_TOOL_OUTPUT_CHARS) throw new ProtocolError('BAD_MESSAGE', `'output' is limited to ${MAX_TOOL_OUTPUT_CHARS} characters`);
      const isError = optional(o, 'isError', isBool, 'a boolean');
      return { type: 'tool_result', callId: o.callId, output: o.output, ...(isError !== undefined && { isError }) };
    }
    case 'playback': {
      if (!isCount(o.position)) throw new ProtocolError('BAD_MESSAGE', "'position' must be a whole number of samples >= 0");
      const m: PlaybackMessage = { type: 'playback', position: o.position };
      const buffered = optional(o, 'buffered', isCount, 'a whole number >= 0');
      const underruns = optional(o, 'underruns', isCount, 'a whole number >= 0');
      if (buffered !== undefined) m.buffered = buffered;
      if (underruns !== undefined) m.underruns = underruns;
      return m;
    }
    case 'flushed':
      if (!isCount(o.position) || !isCount(o.dropped)) throw new ProtocolError('BAD_MESSAGE', "'position' and 'dropped' must be whole numbers of samples >= 0");
      return { type: 'flushed', position: o.position, dropped: o.dropped };
    case 'stop':
      return { type: 'stop' };
    case 'text': {
      if (typeof o.text !== 'string' || o.text.trim() === '') throw new ProtocolError('BAD_MESSAGE', "'text' must be a non-empty string");
      if (o.text.length > MAX_TEXT_CHARS) throw new ProtocolError('BAD_MESSAGE', `'text' is limited to ${MAX_TEXT_CHARS} characters`);
      return { type: 'text', text: o.text };
    }
    case 'control':
      return parseControl(o);
    case 'ping': {
      const id = optional(o, 'id', isId, 'a short string or a number');
      return id === undefined ? { type: 'ping' } : { type: 'ping', id };
    }
    default:
      throw new ProtocolError('BAD_MESSAGE', `unknown message type ${JSON.stringify(String(o.type)).slice(0, 40)}`);
  }
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Binary audio frame → samples. Copies, so the socket's buffer can be reused. */
export function decodeAudioFrame(data: Buffer): Int16Array {
  if (data.byteLength % 2 !== 0) throw new ProtocolError('BAD_AUDIO', `an audio frame of ${data.byteLength} bytes is not whole PCM16 samples`);
  const out = new Int16Array(data.byteLength / 2);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(data); // the wire format is the memory layout: one copy
  else for (let i = 0; i < out.length; i++) out[i] = data.readInt16LE(i * 2);
  return out;
}

/** Samples → binary audio frame (a copy: the caller may keep using the samples). */
export function encodeAudioFrame(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** The fields of an `update_options` message besides type and action: predictor options, validated. */
function parseOptionUpdate(o: Record<string, unknown>): PredictorOverrides {
  const { type: _type, action: _action, ...fields } = o;
  try {
    return parsePredictorOverrides(fields);
  } catch (e) {
    throw new ProtocolError('BAD_MESSAGE', `update_options: ${(e as Error).message}`);
  }
}

function parseTools(tools: unknown): ToolSpec[] {
  const problem = toolSpecProblem(tools) ?? (Array.isArray(tools) && tools.length > MAX_TOOLS ? `at most ${MAX_TOOLS} tools` : undefined);
  if (problem) throw new ProtocolError('BAD_MESSAGE', `'tools': ${problem}`);
  return (tools as ToolSpec[]).map(({ name, description, parameters }) => ({ name, ...(description !== undefined && { description }), ...(parameters !== undefined && { parameters }) }));
}

function parseToolChoice(choice: unknown, tools: readonly ToolSpec[]): ToolChoice {
  const problem = toolChoiceProblem(choice, tools);
  if (problem) throw new ProtocolError('BAD_MESSAGE', `'toolChoice': ${problem}`);
  return normalizeToolChoice(choice);
}

function parseControl(o: Record<string, unknown>): ControlMessage {
  switch (o.action) {
    case 'cancel_reply': {
      const reason = optional(o, 'reason', isString, 'a string');
      return reason === undefined ? { type: 'control', action: 'cancel_reply' } : { type: 'control', action: 'cancel_reply', reason: reason.slice(0, 200) };
    }
    case 'hold_turns':
      if (!isBool(o.on)) throw new ProtocolError('BAD_MESSAGE', "'on' must be a boolean");
      return { type: 'control', action: 'hold_turns', on: o.on };
    case 'take_turn_now':
      return { type: 'control', action: 'take_turn_now' };
    case 'update_options':
      return { type: 'control', action: 'update_options', options: parseOptionUpdate(o) };
    case 'add_context': {
      if (o.role !== 'system' && o.role !== 'user' && o.role !== 'assistant') throw new ProtocolError('BAD_MESSAGE', "'role' must be 'system', 'user' or 'assistant'");
      if (typeof o.content !== 'string' || o.content.length > MAX_TEXT_CHARS) throw new ProtocolError('BAD_MESSAGE', `'content' must be a string of at most ${MAX_TEXT_CHARS} characters`);
      const where = optional(o, 'where', (v): v is 'end' | 'instructions' => v === 'end' || v === 'instructions', "'end' or 'instructions'");
      return { type: 'control', action: 'add_context', role: o.role, content: o.content, ...(where !== undefined && { where }) };
    }
    case 'set_tools': {
      const tools = parseTools(o.tools);
      return { type: 'control', action: 'set_tools', tools, ...(o.toolChoice !== undefined && { toolChoice: parseToolChoice(o.toolChoice, tools) }) };
    }
    default:
      throw new ProtocolError('BAD_MESSAGE', "'action' must be one of cancel_reply, hold_turns, take_turn_now, update_options, add_context, set_tools");
  }
}
