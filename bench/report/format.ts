/** Number formatting shared by the terminal table, the README table and the HTML report. */

export const DASH = '—';

/** Fixed decimals; "—" for null/undefined/NaN (a metric with no eligible samples). */
export function num(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

/** Seconds with two decimals and a unit. */
export function sec(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${x.toFixed(2)} s`;
}

export function pct(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : `${(x * 100).toFixed(0)} %`;
}

/** Pads to a width, measuring characters (the table uses no wide glyphs). */
export function pad(s: string, width: number, right = false): string {
  const n = [...s].length;
  if (n >= width) return s;
  return right ? ' '.repeat(width - n) + s : s + ' '.repeat(width - n);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
