/** Option parsing shared by `bench run` and `bench compare`, and their Ctrl-C handling. */
import { FullduplexError } from '../errors.js';
import type { Eagerness } from '../engine/options.js';
import { isSetName, isVoiceSetName, type SetName, type VoiceSetName } from '../../bench/scenarios/config.js';
import { isCategoryId, CATEGORY_IDS, type CategoryId } from '../../bench/scenarios/types.js';
import type { BenchClock } from '../../bench/runner/target.js';
import { COMPUTE_TIMES, type ComputeTime } from '../engine/compute-time.js';
import type { AnalyzerOptions } from '../../bench/runner/analysis.js';
import { SCORING_ASR_ENV, transcriptionUrl } from '../../bench/runner/transcription-endpoint.js';

export function parseCategories(list: string | undefined): CategoryId[] | undefined {
  if (!list) return undefined;
  const out = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of out) if (!isCategoryId(c)) throw new FullduplexError('BAD_ARGUMENT', `unknown category '${c}' (use ${CATEGORY_IDS.join(', ')})`);
  return out as CategoryId[];
}

export function parseNumber(x: string | undefined, name: string, integer = false): number | undefined {
  if (x === undefined) return undefined;
  const n = Number(x);
  if (!Number.isFinite(n) || (integer && (!Number.isInteger(n) || n < 1))) throw new FullduplexError('BAD_ARGUMENT', `${name} must be ${integer ? 'a whole number ≥ 1' : 'a number'}, got '${x}'`);
  return n;
}

export function parseSet(x: string): SetName {
  if (!isSetName(x)) throw new FullduplexError('BAD_ARGUMENT', `--set must be quick or full, got '${x}'`);
  return x;
}

export function parseVoices(x: string | undefined): VoiceSetName | undefined {
  if (x === undefined) return undefined;
  if (!isVoiceSetName(x)) throw new FullduplexError('BAD_ARGUMENT', `--voices must be tuning or heldout, got '${x}'`);
  return x;
}

export function parseClock(x: string): BenchClock {
  if (x !== 'virtual' && x !== 'realtime') throw new FullduplexError('BAD_ARGUMENT', `--clock must be virtual or realtime, got '${x}'`);
  return x;
}

/** Engine options for the targets that take them (voice, eagerness), as recorded in run.json. */
export function engineChoice(voice: string | undefined, eagerness: string | undefined): { voice?: string; eagerness?: Eagerness } {
  if (eagerness && !['low', 'medium', 'high'].includes(eagerness)) throw new FullduplexError('BAD_ARGUMENT', '--eagerness must be low, medium or high');
  return { ...(voice && { voice }), ...(eagerness && { eagerness: eagerness as Eagerness }) };
}

/**
 * `--compute`: how the local engine's compute is charged on the virtual clock (modelled by default,
 * so a run repeats exactly). Recorded in run.json's engine options; meaningless in real time.
 */
export function computeChoice(clock: BenchClock, compute: string | undefined): { computeTime?: ComputeTime } {
  if (compute !== undefined && !(COMPUTE_TIMES as readonly string[]).includes(compute)) {
    throw new FullduplexError('BAD_ARGUMENT', `--compute must be ${COMPUTE_TIMES.join(', ')}, got '${compute}'`);
  }
  if (clock !== 'virtual') {
    if (compute !== undefined) throw new FullduplexError('BAD_ARGUMENT', '--compute applies to --clock virtual only (in real time the wall clock is the cost)');
    return {};
  }
  return { computeTime: (compute ?? 'modelled') as ComputeTime };
}

/**
 * `--scoring-asr-url` / `--scoring-asr-model` (or FULLDUPLEX_SCORING_ASR_URL / _MODEL, and _KEY for
 * a bearer token): hear the outputs through an OpenAI-compatible transcription endpoint instead of
 * pocketsphinx. Options win over the environment.
 */
export function scoringAsrChoice(url: string | undefined, model: string | undefined, env: NodeJS.ProcessEnv = process.env): AnalyzerOptions {
  const u = url ?? env[SCORING_ASR_ENV.url];
  const m = model ?? env[SCORING_ASR_ENV.model];
  if (!u) {
    if (model !== undefined) throw new FullduplexError('BAD_ARGUMENT', '--scoring-asr-model needs --scoring-asr-url (or FULLDUPLEX_SCORING_ASR_URL)');
    return {};
  }
  transcriptionUrl(u); // a bad URL is refused before anything runs
  const key = env[SCORING_ASR_ENV.apiKey];
  return { asrEndpoint: { url: u, ...(m && { model: m }), ...(key && { apiKey: key }) } };
}

/** The two scoring-ASR options, as every bench command declares them. */
export const SCORING_ASR_OPTIONS = [
  ['--scoring-asr-url <url>', `hear the outputs with an OpenAI-compatible transcription endpoint (…/v1/audio/transcriptions, verbose_json with word timestamps) instead of pocketsphinx; env ${SCORING_ASR_ENV.url}`],
  ['--scoring-asr-model <name>', `model field sent to that endpoint (default whisper-1); env ${SCORING_ASR_ENV.model}`],
] as const;

/** A timestamp for default result folder names. */
export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

/** Stops after the current sample on Ctrl-C (the reports still get written); a second Ctrl-C exits. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the current sample (Ctrl-C again to quit now)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onSigint) };
}
