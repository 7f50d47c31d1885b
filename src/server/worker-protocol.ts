/** Messages between the main thread (worker-host.ts) and an engine worker (engine-worker.ts). */
import type { LiveSessionStats } from './live-session.js';
import type { ControlMessage, ToolResultMessage, FlushedMessage, PlaybackMessage, ProtocolErrorCode, ReadyMessage, ServerMessage, StartMessage, TextMessage } from './protocol.js';
import type { HostStats } from './session-host.js';

export type ToWorker =
  | { op: 'open'; id: string; start: StartMessage }
  | { op: 'input'; id: string; pcm: ArrayBuffer }
  | { op: 'playback'; id: string; m: PlaybackMessage }
  | { op: 'flushed'; id: string; m: FlushedMessage }
  | { op: 'text'; id: string; m: TextMessage }
  | { op: 'control'; id: string; m: ControlMessage }
  | { op: 'tool_result'; id: string; m: ToolResultMessage }
  | { op: 'session_stats'; req: number; id: string }
  | { op: 'host_stats'; req: number; reset: boolean }
  | { op: 'close'; id: string; reason: string }
  | { op: 'shutdown' };

export type FromWorker =
  | { op: 'started'; voices: readonly string[] }
  | { op: 'start_failed'; message: string }
  | { op: 'opened'; id: string; ready: ReadyMessage }
  | { op: 'open_failed'; id: string; message: string }
  | { op: 'audio'; id: string; pcm: ArrayBuffer }
  | { op: 'message'; id: string; m: ServerMessage }
  | { op: 'error'; id: string; code: ProtocolErrorCode; message: string }
  | { op: 'closed'; id: string; dir: string | undefined }
  | { op: 'session_stats'; req: number; stats: LiveSessionStats | undefined }
  | { op: 'host_stats'; req: number; stats: HostStats }
  | { op: 'log'; line: string }
  | { op: 'shutdown_done' };
