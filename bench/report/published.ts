/**
 * Published Full-Duplex-Bench v1 results (upstream README, scored with nvidia parakeet-tdt-0.6b-v2
 * as the ASR), as collected in shared/research/benchmarks.md. Pause TOR is given for the synthetic
 * and the Candor subsets; our pause samples are synthetic, so the synthetic column is the comparable
 * one. `catalogId` links to src/dialogue/catalog.ts for the family.
 */

export interface PublishedRow {
  readonly system: string;
  readonly catalogId: string | null;
  /** Family label for systems the catalog does not list. */
  readonly familyNote?: string;
  readonly pauseTorSynthetic: number;
  readonly pauseTorCandor: number;
  readonly backchannelTor: number;
  readonly backchannelFreq: number;
  readonly backchannelJsd: number;
  readonly turnTakingTor: number;
  readonly turnTakingLatencyS: number;
  readonly interruptionTor: number;
  /** GPT-judged relevance 0–5 (we have no judge, so no column of ours matches it). */
  readonly interruptionScore: number;
  readonly interruptionLatencyS: number;
}

export const PUBLISHED_SOURCE = {
  benchmark: 'Full-Duplex-Bench v1 (DanielLin94144/Full-Duplex-Bench, 2026-04 snapshot)',
  asr: 'nvidia parakeet-tdt-0.6b-v2',
  data: 'Candor and ICC recordings of people plus synthetic TTS samples',
} as const;

export const PUBLISHED_V1: readonly PublishedRow[] = [
  row('PersonaPlex', 'personaplex', [0.584, 0.662], [0.327, 0.025, 0.649], [0.992, 0.07], [1.0, 4.21, 0.4]),
  { ...row('dGSLM', null, [0.934, 0.935], [0.691, 0.015, 0.934], [0.975, 0.352], [0.917, 0.201, 2.531]), familyNote: 'research model, not in the catalog' },
  row('Moshi', 'moshi', [0.985, 0.98], [1.0, 0.001, 0.957], [0.941, 0.265], [1.0, 0.765, 0.257]),
  row('Freeze-Omni', 'freeze-omni', [0.642, 0.481], [0.636, 0.001, 0.997], [0.336, 0.953], [0.867, 3.615, 1.409]),
  row('Gemini Live 2.0', 'gemini-live', [0.255, 0.31], [0.091, 0.012, 0.896], [0.655, 1.301], [0.891, 3.376, 1.183]),
  { ...row('GPT-Realtime', null, [0.01, 0.12], [0.0, 0.007, 0.98], [1.0, 1.47], [0.97, 3.85, 1.5]), familyNote: 'closed commercial' },
];

function row(
  system: string,
  catalogId: string | null,
  [pauseTorSynthetic, pauseTorCandor]: [number, number],
  [backchannelTor, backchannelFreq, backchannelJsd]: [number, number, number],
  [turnTakingTor, turnTakingLatencyS]: [number, number],
  [interruptionTor, interruptionScore, interruptionLatencyS]: [number, number, number],
): PublishedRow {
  return {
    system,
    catalogId,
    pauseTorSynthetic,
    pauseTorCandor,
    backchannelTor,
    backchannelFreq,
    backchannelJsd,
    turnTakingTor,
    turnTakingLatencyS,
    interruptionTor,
    interruptionScore,
    interruptionLatencyS,
  };
}
