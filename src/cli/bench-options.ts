/** Option parsing shared by `bench run` and `bench compare`, and their Ctrl-C handling. */
import { FullduplexError } from '../errors.js';
import type { Eagerness } from '../engine/options.js';
import { isSetName, isVoiceSetName, type SetName, type VoiceSetName } from '../../bench/scenarios/config.js';
import { isCategoryId, CATEGORY_IDS, type CategoryId } from '../../bench/scenarios/types.js';
import type { BenchClock } from '../../bench/runner/target.js';

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
