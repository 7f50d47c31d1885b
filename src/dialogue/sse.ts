/**
 * A server-sent events parser (the WHATWG "text/event-stream" format) that accepts the stream in
 * arbitrary byte chunks: lines and even UTF-8 characters may be split across TCP reads.
 */

export interface SseEvent {
  /** The `event:` field, 'message' when absent. */
  readonly event: string;
  /** The `data:` lines joined with '\n'. */
  readonly data: string;
  readonly id?: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buf = '';
  private started = false;
  private data: string[] = [];
  private eventType = '';
  private lastId: string | undefined;

  /** Feeds raw bytes; returns the events completed by them. */
  pushBytes(chunk: Uint8Array): SseEvent[] {
    return this.pushText(this.decoder.decode(chunk, { stream: true }));
  }

  /** Feeds decoded text; returns the events completed by it. */
  pushText(text: string): SseEvent[] {
    this.buf += text;
    if (!this.started && this.buf.length > 0) {
      this.started = true;
      if (this.buf.charCodeAt(0) === 0xfeff) this.buf = this.buf.slice(1);
    }
    const out: SseEvent[] = [];
    let at = 0;
    for (;;) {
      let nl = -1;
      for (let i = at; i < this.buf.length; i++) {
        const c = this.buf.charCodeAt(i);
        if (c === 10 || c === 13) {
          nl = i;
          break;
        }
      }
      if (nl < 0) break;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for more.
      if (this.buf.charCodeAt(nl) === 13 && nl === this.buf.length - 1) break;
      const line = this.buf.slice(at, nl);
      at = nl + (this.buf.charCodeAt(nl) === 13 && this.buf.charCodeAt(nl + 1) === 10 ? 2 : 1);
      const ev = this.line(line);
      if (ev !== undefined) out.push(ev);
    }
    this.buf = this.buf.slice(at);
    return out;
  }

  /**
   * Ends the stream. The spec drops an event that was not terminated by a blank line; we dispatch
   * it instead, because some servers close the connection right after their last `data:` line.
   */
  end(): SseEvent[] {
    const out = this.pushText(this.decoder.decode());
    const rest = this.buf.replace(/\r$/, '');
    this.buf = '';
    if (rest !== '') {
      const ev = this.line(rest);
      if (ev !== undefined) out.push(ev);
    }
    const last = this.line('');
    if (last !== undefined) out.push(last);
    return out;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') {
      if (this.data.length === 0) {
        this.eventType = '';
        return undefined;
      }
      const ev: SseEvent = {
        event: this.eventType === '' ? 'message' : this.eventType,
        data: this.data.join('\n'),
        ...(this.lastId !== undefined ? { id: this.lastId } : {}),
      };
      this.data = [];
      this.eventType = '';
      return ev;
    }
    if (line.startsWith(':')) return undefined; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    return undefined;
  }
}
