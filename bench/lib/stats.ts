/** Small timing and summary helpers for the component benchmark. */
import { performance } from 'node:perf_hooks';

export const now = (): number => performance.now();

/** Value at quantile q (0..1) of the samples, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Summary {
  n: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return {
    n: values.length,
    median: round(median(values)),
    p90: round(quantile(values, 0.9)),
    p99: round(quantile(values, 0.99)),
    max: round(values.length ? Math.max(...values) : NaN),
    mean: round(mean),
  };
}

/** Round to 4 significant decimals, enough for milliseconds and ratios alike. */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x)) return x;
  return Number(x.toFixed(digits));
}

/** Time a synchronous call in milliseconds. */
export function timeSync<T>(fn: () => T): [T, number] {
  const t0 = now();
  const r = fn();
  return [r, now() - t0];
}

/** Time an asynchronous call in milliseconds. */
export async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = now();
  const r = await fn();
  return [r, now() - t0];
}

export const rssMb = (): number => process.memoryUsage().rss / (1024 * 1024);
