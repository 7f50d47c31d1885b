/**
 * Health probes. `/healthz` says the process is alive and answering (200 while it runs, even when
 * full or draining: restarting it would not help). `/readyz` says whether it takes new sessions: 200,
 * or 503 with the reason (`full`, `draining`), so a load balancer sends sessions elsewhere. Neither
 * needs the token: they reveal only counts, and probes (HAProxy, Kubernetes) carry no secrets.
 */
import type { SessionAdmission } from './admission.js';

export type NotReadyReason = 'full' | 'draining';

export function notReadyReason(admission: SessionAdmission, draining: boolean): NotReadyReason | undefined {
  if (draining) return 'draining';
  if (admission.full) return 'full';
  return undefined;
}

export function readiness(admission: SessionAdmission, draining: boolean): { status: number; body: Record<string, unknown> } {
  const reason = notReadyReason(admission, draining);
  const counts = { sessions: admission.inUse, maxSessions: admission.capacity };
  return reason ? { status: 503, body: { ready: false, reason, ...counts } } : { status: 200, body: { ready: true, ...counts } };
}

export function liveness(admission: SessionAdmission, draining: boolean): Record<string, unknown> {
  return { ok: true, draining, sessions: admission.inUse, maxSessions: admission.capacity };
}
