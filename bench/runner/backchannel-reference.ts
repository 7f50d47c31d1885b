/**
 * The human backchannel distribution we compare with, since the ICC recordings upstream uses are not
 * available offline. Upstream compares the time the system spends backchannelling (0.2 s bins) with
 * the time human listeners spent backchannelling to the same speaker; we model those listeners:
 *
 * - they backchannel at the speaker's phrase boundaries (a pause of ≥ 0.2 s, or the end), found by
 *   VAD on the input (referenceBackchannelTimes with no onset offset);
 * - their onsets spread around a median of +0.14 s, mostly within −0.5…+0.8 s (benchmarks.md, human
 *   baselines): five onsets per boundary, denser near the median, stand in for that spread;
 * - each backchannel lasts about as long as an "uh-huh" (0.4 s).
 *
 * Every boundary gets the same weight: we have no basis to say which ones listeners favour. The
 * result is soft, like a many-listener histogram, so JSD falls gradually as a system backchannels at
 * more boundaries with better timing (an ideal listener scores ≈ 0.34, one at every other boundary
 * ≈ 0.6, backchannels mid-phrase 0.83), instead of all-or-nothing 0.2 s bin hits.
 */
import { join } from 'node:path';
import { isSkipped } from '../metrics/aggregate.js';
import { referenceBackchannelTimes } from '../metrics/backchannel.js';
import type { Segment } from '../metrics/types.js';
import { FILES, writeJson } from '../scenarios/layout.js';
import type { SampleOutcome } from './collect.js';
import { BACKCHANNEL_REFERENCE } from './config.js';

/** Phrase boundaries of the user's speech, s. */
export function phraseBoundaries(userSegments: readonly Segment[], clipS: number): number[] {
  return referenceBackchannelTimes(userSegments, { onsetOffsetS: 0, durationS: clipS });
}

/** Reference backchannel intervals (occupancy) for a clip of `clipS` seconds. */
export function referenceOccupancy(userSegments: readonly Segment[], clipS: number): Segment[] {
  const out: Segment[] = [];
  for (const b of phraseBoundaries(userSegments, clipS)) {
    for (const o of BACKCHANNEL_REFERENCE.onsetOffsetsS) {
      const start = Math.max(0, Math.min(clipS, b + o));
      const end = Math.min(clipS, start + BACKCHANNEL_REFERENCE.durationS);
      if (end > start) out.push({ start, end });
    }
  }
  return out;
}

/**
 * Writes the reference each backchannel sample was scored against as upstream's
 * icc_gt_distribution.json: one file per folder holding backchannel samples, keyed by sample folder
 * name, so upstream's eval_backchannel.py (which reads ./icc_gt_distribution.json and looks up each
 * digit-named folder under --root_dir) scores the folders as written when run from that folder.
 * Returns the files written.
 */
export async function writeBackchannelReferences(samplesRoot: string, outcomes: readonly SampleOutcome[]): Promise<string[]> {
  const byFolder = new Map<string, Record<string, readonly number[]>>();
  for (const o of outcomes) {
    if (isSkipped(o.outcome) || o.outcome.v1?.kind !== 'backchannel') continue;
    const parts = o.id.split('/');
    const folder = join(samplesRoot, ...parts.slice(0, -1));
    const refs = byFolder.get(folder) ?? {};
    refs[parts[parts.length - 1]!] = o.outcome.v1.referenceDistribution;
    byFolder.set(folder, refs);
  }
  const written: string[] = [];
  for (const [folder, refs] of byFolder) {
    const path = join(folder, FILES.iccReference);
    await writeJson(path, refs);
    written.push(path);
  }
  return written;
}
