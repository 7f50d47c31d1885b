/**
 * The 0x04 metadata message as Moshi's web client reads it: its server-info panel parses the JSON
 * with a fixed schema (client/src/pages/Conversation/hooks/useServerInfo.ts in kyutai-labs/moshi) and
 * shows nothing unless every field is there with its type. The Rust server fills it from the
 * session's sampling settings and its build; here the sampling numbers are the ones the client asked
 * for (or Moshi's defaults) — accepted, not used, and the model line says so — and the build fields
 * describe this process.
 */
import type { MoshiEndpointOptions } from './endpoint-options.js';

/** Moshi's own defaults for the sampling query parameters (its web client sends these). */
export const MOSHI_SAMPLING_DEFAULTS = {
  text_temperature: 0.7,
  text_topk: 25,
  audio_temperature: 0.8,
  audio_topk: 250,
  pad_mult: 0,
  repetition_penalty_context: 64,
  repetition_penalty: 1,
} as const;

export interface MoshiServerInfo extends Record<keyof typeof MOSHI_SAMPLING_DEFAULTS, number> {
  lm_model_file: string;
  instance_name: string;
  build_info: Record<'build_timestamp' | 'build_date' | 'git_branch' | 'git_timestamp' | 'git_date' | 'git_hash' | 'git_describe' | 'rustc_host_triple' | 'rustc_version' | 'cargo_target_triple', string>;
}

const startedAt = new Date();

export function moshiServerInfo(query: URLSearchParams, o: Pick<MoshiEndpointOptions, 'model' | 'instanceName'>): MoshiServerInfo {
  const sampling = { ...MOSHI_SAMPLING_DEFAULTS } as Record<keyof typeof MOSHI_SAMPLING_DEFAULTS, number>;
  for (const k of Object.keys(sampling) as (keyof typeof MOSHI_SAMPLING_DEFAULTS)[]) {
    const v = Number(query.get(k) ?? NaN);
    if (Number.isFinite(v)) sampling[k] = v;
  }
  const triple = `${process.arch}-${process.platform}`;
  return {
    ...sampling,
    lm_model_file: `fullduplex (dialogue: ${o.model}; Moshi's sampling settings are accepted and not used)`,
    instance_name: o.instanceName,
    build_info: {
      build_timestamp: startedAt.toISOString(),
      build_date: startedAt.toISOString().slice(0, 10),
      git_branch: '',
      git_timestamp: '',
      git_date: '',
      git_hash: '',
      git_describe: 'fullduplex',
      rustc_host_triple: triple,
      rustc_version: `node ${process.version}`,
      cargo_target_triple: triple,
    },
  };
}
