// The WebSocket protocol, version 1 (docs/protocol.md), as the page speaks it.

export const PROTOCOL_VERSION = 1;

/** Close codes worth explaining to a person. */
const CLOSE_REASONS = {
  1000: 'The session ended.',
  1001: 'The server is shutting down.',
  1006: 'The connection to the server was lost.',
  1008: 'The server refused this page (origin or access token).',
  1009: 'A message was too large for the server.',
  1011: 'The server could not run the session.',
  1013: 'The server is busy (too many conversations). Try again in a moment.',
  4000: 'The server does not speak this version of the protocol.',
  4001: 'The session did not start in time.',
  4002: 'The session reached its time limit.',
};

export function explainClose(code, reason) {
  return reason || CLOSE_REASONS[code] || `The connection closed (code ${code}).`;
}

export class Client {
  /**
   * @param {{ onReady(m:object):void, onAudio(pcm:ArrayBuffer):void, onMessage(m:object):void,
   *   onClose(code:number, reason:string, clean:boolean):void }} handlers
   */
  constructor(handlers) {
    this.h = handlers;
    this.ws = null;
    this.ready = null;
    this.endedByUs = false;
  }

  /** Connect and start a session; resolves with the server's `ready` message. */
  connect({ inputSampleRate, voice, eagerness }) {
    const page = new URL(location.href);
    const url = new URL('/v1/session', page);
    url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = page.searchParams.get('token');
    if (token) url.searchParams.set('token', token);
    return new Promise((resolve, reject) => {
      let settled = false;
      const ws = new WebSocket(url, ['fullduplex.v1']);
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: 'start', protocol: PROTOCOL_VERSION, inputSampleRate, voice, eagerness, playbackReports: true, client: `web page (${navigator.userAgent.split(') ')[0]})` }));
      };
      ws.onmessage = (e) => {
        if (typeof e.data !== 'string') return this.h.onAudio(e.data);
        let m;
        try {
          m = JSON.parse(e.data);
        } catch {
          return;
        }
        if (m.type === 'ready') {
          this.ready = m;
          settled = true;
          this.h.onReady(m);
          resolve(m);
          return;
        }
        if (m.type === 'error' && m.fatal && !settled) {
          settled = true;
          reject(new Error(m.message));
        }
        this.h.onMessage(m);
      };
      ws.onclose = (e) => {
        const message = explainClose(e.code, e.reason);
        if (!settled) {
          settled = true;
          reject(new Error(e.code === 1006 ? 'Could not reach the server. Is `npm start` still running?' : message));
        }
        this.h.onClose(e.code, message, this.endedByUs);
        this.ws = null;
      };
    });
  }

  get open() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  sendAudio(pcm) {
    if (this.open && this.ready) this.ws.send(pcm);
  }

  send(m) {
    if (this.open) this.ws.send(JSON.stringify(m));
  }

  stop() {
    this.endedByUs = true;
    if (this.open) this.send({ type: 'stop' });
    else this.ws?.close();
  }
}
