/**
 * One sample at a glance: did the system do what the category asks (per the metric definitions), and
 * the numbers behind it in one short line. Used by the progress bar, report.json and the HTML.
 */
import { isSkipped, type Skipped } from '../metrics/aggregate.js';
import { categorySuccess } from '../metrics/fdb-v15.js';
import type { SampleScore } from '../runner/score-sample.js';
import { sec } from './format.js';

export interface Verdict {
  /** null when the sample was skipped. */
  readonly ok: boolean | null;
  readonly note: string;
}

export function verdictOf(o: SampleScore | Skipped): Verdict {
  if (isSkipped(o)) return { ok: null, note: `skipped: ${o.skipped}` };
  const parts: string[] = [];
  let ok: boolean | null = null;
  const v1 = o.v1;
  if (v1) {
    switch (v1.kind) {
      case 'pause_handling':
        ok = v1.result.to === 0;
        parts.push(ok ? 'held the pause (TO 0)' : 'took over (TO 1)');
        break;
      case 'smooth_turn_taking':
        ok = v1.result.to === 1;
        parts.push(ok ? `took the turn after ${sec(v1.result.latencyS)}` : 'no turn (TO 0)');
        break;
      case 'user_interruption': {
        const r = v1.result;
        ok = r.to === 1;
        parts.push(r.stopLatencyS !== null ? `stopped ${sec(r.stopLatencyS)} after the user started` : `stop n/a (${r.stopSkipReason})`);
        parts.push(r.to === 1 ? `answered ${sec(r.latencyS)} after the user stopped` : 'no answer (TO 0)');
        break;
      }
      case 'backchannel': {
        const r = v1.result;
        ok = r.to === 0;
        parts.push(`${r.to === 0 ? 'no takeover' : 'took over'}, ${r.backchannels.length} backchannel(s), JSD ${r.jsd.toFixed(2)}`);
        break;
      }
    }
  }
  if (o.v15) {
    const r = o.v15.result;
    const success = categorySuccess(o.v15.category, r);
    // For interruption samples both views must agree: answered (v1) and RESPOND (v1.5).
    ok = ok === null ? success : ok && success;
    parts.push(`${r.label} (${r.reason.replace(/_/g, ' ')})`);
  }
  // Cut-ins are counted on their own (per 100 user turns); the note names them, the verdict stays the category's.
  const cutIns = o.cutIns?.cutIns ?? [];
  if (cutIns.length > 0) parts.push(`${cutIns.length} cut-in${cutIns.length > 1 ? 's' : ''} (agent onset at ${cutIns.map((c) => sec(c.t)).join(', ')} inside the user's turn)`);
  return { ok, note: parts.join('; ') };
}
