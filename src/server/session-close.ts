/**
 * A bound on each session's close. A session whose close never resolves (an engine stuck in a
 * component that ignores its abort, a wedged worker thread) must not hold up the others' ends or the
 * server's shutdown: past `limits.sessionCloseTimeoutSeconds` the caller stops waiting, `stuck` hears
 * of it (the server logs it and counts it in /metrics' errors), and the host frees what it safely can
 * (`SessionHost.abandonClose`). The close may still finish later; nobody waits for it.
 */
import type { SessionHandle, SessionHost } from './session-host.js';

/** `host` with every session's `close` bounded by `timeoutMs`; a close past it resolves undefined (no recording folder). */
export function boundSessionCloses(host: SessionHost, timeoutMs: number, stuck: (id: string) => void): SessionHost {
  return {
    get voices() {
      return host.voices;
    },
    start: () => host.start(),
    stats: (reset) => host.stats(reset),
    close: () => host.close(),
    abandonClose: (id) => host.abandonClose?.(id),
    open: async (req, sink) => {
      const opened = await host.open(req, sink);
      const h = opened.handle;
      let closing: Promise<string | undefined> | undefined;
      const handle: SessionHandle = {
        ...h,
        id: h.id,
        close: (reason) =>
          (closing ??= new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              stuck(h.id);
              host.abandonClose?.(h.id);
              resolve(undefined);
            }, timeoutMs);
            h.close(reason).then(
              (dir) => (clearTimeout(timer), resolve(dir)),
              (e: unknown) => (clearTimeout(timer), reject(e)),
            );
          })),
      };
      return { handle, ready: opened.ready };
    },
  };
}
