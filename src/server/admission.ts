/**
 * Admission control: one count of live sessions for every transport the server speaks (the native
 * protocol, OpenAI Realtime, Moshi). Past capacity a new session is refused before any audio flows —
 * HTTP 503 with `Retry-After` at the WebSocket upgrade — so the sessions already running keep real
 * time instead of everyone degrading together.
 */
import type { Duplex } from 'node:stream';

/** A held session slot; `release` is idempotent. */
export interface AdmissionSlot {
  release(): void;
}

/** What the upgrade router and the transports need to know about capacity. */
export interface SessionAdmission {
  /** Sessions the server holds at once. */
  readonly capacity: number;
  /** Seconds a refused client is told to wait (`Retry-After`). */
  readonly retryAfterS: number;
  readonly inUse: number;
  /** No slot is free: a new connection is refused at its upgrade. */
  readonly full: boolean;
  /** Take a slot, or undefined when all are held. */
  tryAcquire(): AdmissionSlot | undefined;
}

export class Admission implements SessionAdmission {
  private held = 0;

  constructor(
    readonly capacity: number,
    readonly retryAfterS: number,
  ) {}

  get inUse(): number {
    return this.held;
  }

  get full(): boolean {
    return this.held >= this.capacity;
  }

  tryAcquire(): AdmissionSlot | undefined {
    if (this.full) return undefined;
    this.held++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.held--;
      },
    };
  }
}

/** Answer an upgrade request with a plain HTTP refusal and close the socket. */
export function refuseUpgrade(socket: Duplex, status: number, text: string, headers: Record<string, string | number> = {}): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
}

/** The refusal a full server gives at the upgrade, whatever the transport. */
export function refuseFull(socket: Duplex, retryAfterS: number): void {
  refuseUpgrade(socket, 503, 'Service Unavailable', { 'Retry-After': retryAfterS });
}
