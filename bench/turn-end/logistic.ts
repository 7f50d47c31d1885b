/**
 * Weighted L2-regularised logistic regression by Newton's method (iteratively reweighted least
 * squares): deterministic (no random initialisation, no data order), exact to convergence, and fast
 * for a few dozen features. The bias is not regularised.
 */
import { FullduplexError } from '../../src/errors.js';

export interface LogisticFit {
  readonly bias: number;
  readonly weights: number[];
  readonly iterations: number;
  /** Weighted mean log-loss on the training data. */
  readonly logLoss: number;
}

export interface LogisticOptions {
  /** L2 penalty on the weights (times the total sample weight). */
  readonly l2: number;
  readonly maxIterations: number;
  /** Stop when no parameter moves more than this. */
  readonly tolerance: number;
}

export const defaultLogisticOptions: LogisticOptions = { l2: 1e-3, maxIterations: 50, tolerance: 1e-8 };

export function fitLogistic(xs: readonly Float64Array[], ys: readonly number[], ws: readonly number[], o: LogisticOptions = defaultLogisticOptions): LogisticFit {
  const n = xs.length;
  if (n === 0 || ys.length !== n || ws.length !== n) throw new FullduplexError('BAD_ARGUMENT', 'logistic regression needs as many labels and weights as rows, and at least one row');
  const d = xs[0]!.length + 1; // + bias, stored last
  const beta = new Float64Array(d);
  const totalW = ws.reduce((a, b) => a + b, 0);
  const lambda = o.l2 * totalW;
  let it = 0;
  for (; it < o.maxIterations; it++) {
    const H = Array.from({ length: d }, () => new Float64Array(d));
    const g = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      const x = xs[r]!;
      let z = beta[d - 1]!;
      for (let j = 0; j < d - 1; j++) z += beta[j]! * x[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const w = ws[r]!;
      const resid = w * (ys[r]! - p);
      const curv = w * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        const xj = j === d - 1 ? 1 : x[j]!;
        g[j]! += resid * xj;
        const row = H[j]!;
        for (let k = 0; k <= j; k++) row[k]! += curv * xj * (k === d - 1 ? 1 : x[k]!);
      }
    }
    for (let j = 0; j < d; j++) for (let k = 0; k < j; k++) H[k]![j] = H[j]![k]!;
    for (let j = 0; j < d - 1; j++) {
      g[j]! -= lambda * beta[j]!;
      H[j]![j]! += lambda;
    }
    const step = solve(H, g);
    let moved = 0;
    for (let j = 0; j < d; j++) {
      beta[j]! += step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < o.tolerance) break;
  }
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const x = xs[r]!;
    let z = beta[d - 1]!;
    for (let j = 0; j < d - 1; j++) z += beta[j]! * x[j]!;
    const p = Math.min(1 - 1e-12, Math.max(1e-12, 1 / (1 + Math.exp(-z))));
    loss -= ws[r]! * (ys[r]! ? Math.log(p) : Math.log(1 - p));
  }
  return { bias: beta[d - 1]!, weights: Array.from(beta.subarray(0, d - 1)), iterations: it + 1, logLoss: loss / totalW };
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const M = A.map((row, i) => {
    const r = new Float64Array(n + 1);
    r.set(row);
    r[n] = b[i]!;
    return r;
  });
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const p = M[c]![c]!;
    if (Math.abs(p) < 1e-300) throw new FullduplexError('COMPONENT_FAILED', 'singular system in logistic regression');
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / p;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}
