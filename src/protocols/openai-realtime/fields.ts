/**
 * A tiny field-spec checker so event definitions stay tables, not code. A spec is a string:
 *   'string' | 'integer' (whole, ≥ 0) | 'number' | 'boolean' | 'object' | 'array' | 'base64' | 'any',
 * with '|null' to allow null and a trailing '?' for optional fields — e.g. 'string|null?'.
 */
import { isValidBase64 } from '../codecs/pcm-base64.js';

export type FieldSpecs = Readonly<Record<string, string>>;

/** Error codes this project's Realtime endpoint uses (OpenAI publishes no fixed list; these follow its style). */
export const REALTIME_ERROR_CODES = {
  invalidJson: 'invalid_json',
  missingParameter: 'missing_required_parameter',
  invalidType: 'invalid_type',
  /** Also used for an unknown event type (param 'type') and bad base64. */
  invalidValue: 'invalid_value',
} as const;
export type RealtimeErrorCode = (typeof REALTIME_ERROR_CODES)[keyof typeof REALTIME_ERROR_CODES];

export interface FieldProblem {
  code: RealtimeErrorCode;
  /** Dotted path of the offending parameter, e.g. 'session.audio.input.format'. */
  param: string;
  message: string;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KIND_CHECKS: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v) && (v as number) >= 0,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  object: isPlainObject,
  array: Array.isArray,
  base64: (v) => typeof v === 'string',
  any: () => true,
};

const KIND_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a non-negative integer',
  number: 'a number',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  base64: 'a base64 string',
  any: 'a value',
};

/** The first problem with `obj` against `specs`, or null. Fields not in the spec pass through unchecked. */
export function checkFields(obj: Record<string, unknown>, specs: FieldSpecs, prefix = ''): FieldProblem | null {
  for (const [name, spec] of Object.entries(specs)) {
    const optional = spec.endsWith('?');
    const [kind, ...rest] = (optional ? spec.slice(0, -1) : spec).split('|');
    const nullable = rest.includes('null');
    const param = prefix + name;
    const value = obj[name];
    if (value === undefined) {
      if (optional) continue;
      return { code: REALTIME_ERROR_CODES.missingParameter, param, message: `Missing required parameter: '${param}'.` };
    }
    if (value === null && nullable) continue;
    if (!KIND_CHECKS[kind!]!(value)) {
      return { code: REALTIME_ERROR_CODES.invalidType, param, message: `Invalid type for '${param}': expected ${KIND_NAMES[kind!]}${nullable ? ' or null' : ''}, got ${describe(value)}.` };
    }
    if (kind === 'base64' && !isValidBase64(value as string)) {
      return { code: REALTIME_ERROR_CODES.invalidValue, param, message: `Invalid value for '${param}': expected base64-encoded bytes.` };
    }
  }
  return null;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
