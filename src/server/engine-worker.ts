/**
 * An engine worker thread: runs an InProcessHost (engines, beat, recordings) for the sessions the main
 * thread assigns to it, and relays their audio and messages. Every handler is fenced per session.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createAsr, createTts } from '../speech/registry.js';
import { InProcessHost, type HostConfig, type SessionHandle } from './session-host.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('engine-worker.js runs as a worker thread only');

const config = workerData as HostConfig;
const post = (m: FromWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer);
const log = (line: string) => post({ op: 'log', line });
const tts = createTts(config.speech.tts, config.speech.servers);
const asr = createAsr(config.speech.asr, config.speech.servers);
const host = new InProcessHost(config, asr, tts, log);
const sessions = new Map<string, SessionHandle>();

function fenced(id: string, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    post({ op: 'error', id, code: 'SESSION_FAILED', message: `internal error: ${(e as Error).message}` });
  }
}

async function open(id: string, start: Extract<ToWorker, { op: 'open' }>['start']): Promise<void> {
  try {
    const { handle, ready } = await host.open(
      { id, start },
      {
        // A copy is handed over (transferred): the recorder still holds the original until it writes it.
        audio: (samples, info) => {
          const pcm = samples.slice().buffer as ArrayBuffer;
          post(info ? { op: 'audio', id, pcm, info } : { op: 'audio', id, pcm }, [pcm]);
        },
        message: (m) => post({ op: 'message', id, m }),
        error: (code, message) => post({ op: 'error', id, code, message }),
        fatal: (message) => post({ op: 'error', id, code: 'SESSION_FAILED', message }),
      },
    );
    sessions.set(id, handle);
    post({ op: 'opened', id, ready });
  } catch (e) {
    post({ op: 'open_failed', id, message: (e as Error).message });
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.op) {
    case 'open':
      return void open(m.id, m.start);
    case 'input':
      return fenced(m.id, () => sessions.get(m.id)?.input(new Int16Array(m.pcm)));
    case 'playback':
      return fenced(m.id, () => sessions.get(m.id)?.playback(m.m));
    case 'flushed':
      return fenced(m.id, () => sessions.get(m.id)?.flushed(m.m));
    case 'text':
      return fenced(m.id, () => sessions.get(m.id)?.text(m.m));
    case 'control': {
      const h = sessions.get(m.id);
      if (!h) return post({ op: 'control_done', req: m.req, result: { error: 'the session has ended' } });
      return void h.control(m.m).then(
        (result) => post({ op: 'control_done', req: m.req, result }),
        (e: Error) => post({ op: 'control_done', req: m.req, result: { error: `internal error: ${e.message}` } }),
      );
    }
    case 'tool_result':
      return fenced(m.id, () => sessions.get(m.id)?.toolResult(m.m));
    case 'session_stats':
      return void (sessions.get(m.id)?.stats() ?? Promise.resolve(undefined)).then((stats) => post({ op: 'session_stats', req: m.req, stats }));
    case 'host_stats':
      return void host.stats(m.reset).then((stats) => post({ op: 'host_stats', req: m.req, stats }));
    case 'farewell':
      return void (sessions.get(m.id)?.farewell(m.text, m.maxMs) ?? Promise.resolve())
        .catch((e: Error) => log(`session ${m.id}: farewell failed: ${e.message}`))
        .finally(() => post({ op: 'farewell_done', req: m.req }));
    case 'close': {
      const h = sessions.get(m.id);
      sessions.delete(m.id);
      return void (h ? h.close(m.reason) : Promise.resolve(undefined)).then(
        (dir) => post({ op: 'closed', id: m.id, dir }),
        (e: Error) => (log(`session ${m.id}: close failed: ${e.message}`), post({ op: 'closed', id: m.id, dir: undefined })),
      );
    }
    case 'shutdown':
      return void host
        .close()
        .then(() => Promise.allSettled([tts.close(), asr.close()]))
        .finally(() => post({ op: 'shutdown_done' }));
  }
});

host.start().then(
  () => post({ op: 'started', voices: host.voices }),
  (e: Error) => post({ op: 'start_failed', message: e.message }),
);
