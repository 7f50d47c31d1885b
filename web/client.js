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

  /**
   * The short-lived key this session connects with, so the server's token never travels on a
   * WebSocket (README "Deploying"): `?key=ek_…` as given (a backend minted it), or, when the page was
   * opened with the server's `?token=`, a fresh one minted for this session.
   */
  async sessionKey() {
    const page = new URL(location.href);
    const key = page.searchParams.get('key');
    if (key) return key;
    const token = page.searchParams.get('token');
    if (!token) return null;
    const res = await fetch('/v1/realtime/client_secrets', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 60 } }),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body?.error?.message || `The server refused this page's access token (HTTP ${res.status}).`);
    return body.value;
  }

  /** Connect and start a session; resolves with the server's `ready` message. */
  async connect({ inputSampleRate, voice, eagerness }) {
    const page = new URL(location.href);
    const url = new URL('/v1/session', page);
    url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
    const key = await this.sessionKey();
    // Browsers cannot set headers on a WebSocket: the key rides as a subprotocol, as OpenAI's does.
    const protocols = key ? ['fullduplex.v1', `openai-insecure-api-key.${key}`] : ['fullduplex.v1'];
    return new Promise((resolve, reject) => {
      let settled = false;
      const ws = new WebSocket(url, protocols);
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
