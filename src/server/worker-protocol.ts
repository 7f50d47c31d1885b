/** Messages between the main thread (worker-host.ts) and an engine worker (engine-worker.ts). */
import type { LiveSessionStats, OutputChunkInfo } from './live-session.js';
import type { ControlResult, SessionControl } from './session-control.js';
import type { FlushedMessage, PlaybackMessage, ProtocolErrorCode, ReadyMessage, ServerMessage, StartMessage, TextMessage, ToolResultMessage } from './protocol.js';
import type { HostStats } from './session-host.js';

export type ToWorker =
  | { op: 'open'; id: string; start: StartMessage }
  | { op: 'input'; id: string; pcm: ArrayBuffer }
  | { op: 'playback'; id: string; m: PlaybackMessage }
  | { op: 'flushed'; id: string; m: FlushedMessage }
  | { op: 'text'; id: string; m: TextMessage }
  | { op: 'control'; req: number; id: string; m: SessionControl }
  | { op: 'tool_result'; id: string; m: ToolResultMessage }
  | { op: 'session_stats'; req: number; id: string }
  | { op: 'host_stats'; req: number; reset: boolean }
  | { op: 'farewell'; req: number; id: string; text: string; maxMs: number }
  | { op: 'close'; id: string; reason: string }
  | { op: 'shutdown' };

export type FromWorker =
  | { op: 'started'; voices: readonly string[] }
  | { op: 'start_failed'; message: string }
  | { op: 'opened'; id: string; ready: ReadyMessage }
  | { op: 'open_failed'; id: string; message: string }
  | { op: 'audio'; id: string; pcm: ArrayBuffer; info?: OutputChunkInfo }
  | { op: 'message'; id: string; m: ServerMessage }
  | { op: 'error'; id: string; code: ProtocolErrorCode; message: string }
  | { op: 'closed'; id: string; dir: string | undefined }
  | { op: 'session_stats'; req: number; stats: LiveSessionStats | undefined }
  | { op: 'control_done'; req: number; result: ControlResult }
  | { op: 'host_stats'; req: number; stats: HostStats }
  | { op: 'farewell_done'; req: number; stats?: undefined }
  | { op: 'log'; line: string }
  | { op: 'shutdown_done' };
