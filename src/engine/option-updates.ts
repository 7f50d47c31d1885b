/**
 * Validation of turn-taking option updates that come from outside the process (the native protocol's
 * `update_options`): every field must be one of the predictor's options (src/engine/options.ts), of the
 * type its default has. The shape is read from `defaultPredictorOptions`, so a new option is accepted
 * as soon as it has a default there.
 */
import { FullduplexError } from '../errors.js';
import { defaultPredictorOptions, type PredictorOverrides } from './options.js';

/** Options whose value is one of a few words. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  eagerness: ['low', 'medium', 'high'],
  'endOfTurn.policy': ['model', 'rules'],
  'bargeIn.policy': ['model', 'rules'],
};

/** Word lists (stop words, backchannel phrases): at most this many entries of at most this many characters. */
const MAX_LIST_ENTRIES = 50;
const MAX_LIST_ENTRY_CHARS = 40;

/** Option groups (objects in PredictorOptions) and plain options, by name. */
const DEFAULTS = defaultPredictorOptions as unknown as Record<string, unknown>;

function bad(path: string, what: string): FullduplexError {
  return new FullduplexError('BAD_ARGUMENT', `'${path}' must be ${what}`);
}

function checkValue(path: string, value: unknown, fallback: unknown): unknown {
  const choices = CHOICES[path];
  if (choices) {
    if (typeof value !== 'string' || !choices.includes(value)) throw bad(path, choices.map((c) => `'${c}'`).join(', '));
    return value;
  }
  if (Array.isArray(fallback)) {
    if (!Array.isArray(value) || value.length > MAX_LIST_ENTRIES || !value.every((v) => typeof v === 'string' && v.length <= MAX_LIST_ENTRY_CHARS)) {
      throw bad(path, `a list of at most ${MAX_LIST_ENTRIES} words`);
    }
    return value.map((v: string) => v.toLowerCase());
  }
  if (typeof fallback === 'boolean') {
    if (typeof value !== 'boolean') throw bad(path, 'true or false');
    return value;
  }
  // Numbers, and the model's thresholds whose default is "unset" (the trained value).
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw bad(path, 'a number ≥ 0');
  return value;
}

/**
 * `input` as predictor overrides, or a BAD_ARGUMENT error naming the first unknown or invalid field.
 * Group fields are objects of the group's options (e.g. `{ "endOfTurn": { "commitUnsureMs": 900 } }`).
 */
export function parsePredictorOverrides(input: Record<string, unknown>): PredictorOverrides {
  const out: Record<string, unknown> = {};
  const known = Object.keys(DEFAULTS);
  for (const [key, value] of Object.entries(input)) {
    if (!(key in DEFAULTS)) throw new FullduplexError('BAD_ARGUMENT', `unknown option '${key.slice(0, 40)}' (options: ${known.join(', ')})`);
    const fallback = DEFAULTS[key];
    if (fallback !== null && typeof fallback === 'object' && !Array.isArray(fallback)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad(key, 'an object of its options');
      const group = fallback as Record<string, unknown>;
      const fields: Record<string, unknown> = {};
      for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
        if (!(field in group)) throw new FullduplexError('BAD_ARGUMENT', `unknown option '${key}.${field.slice(0, 40)}' (options: ${Object.keys(group).join(', ')})`);
        fields[field] = checkValue(`${key}.${field}`, v, group[field]);
      }
      out[key] = fields;
    } else out[key] = checkValue(key, value, fallback);
  }
  if (Object.keys(out).length === 0) throw new FullduplexError('BAD_ARGUMENT', `update_options names no option (options: ${known.join(', ')})`);
  return out as PredictorOverrides;
}
