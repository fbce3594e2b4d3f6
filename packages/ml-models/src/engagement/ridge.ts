// Ridge regression for several targets at once, in plain TypeScript: standardise features, solve
// (X'X + lambda I) B = X'Y by Cholesky, pick lambda by k-fold cross-validation. The intercept is not penalised.

export interface RidgeFit {
  /** Weights on the raw (unstandardised) features, [features][targets]. */
  weights: number[][];
  intercept: number[];
  lambda: number;
}

function choleskySolve(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new Error('ridge system is not positive definite');
        l[i]![i] = Math.sqrt(s);
      } else l[i]![j] = s / l[j]![j]!;
    }
  const m = b[0]?.length ?? 0;
  const x = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let c = 0; c < m; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let s = b[i]![c]!;
      for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
      y[i] = s / l[i]![i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]![c]!;
      x[i]![c] = s / l[i]![i]!;
    }
  }
  return x;
}

export function fitRidge(x: number[][], y: number[][], lambda: number): RidgeFit {
  const n = x.length;
  const f = x[0]?.length ?? 0;
  const t = y[0]?.length ?? 0;
  const mean = new Array<number>(f).fill(0);
  const sd = new Array<number>(f).fill(0);
  for (const row of x) row.forEach((v, j) => (mean[j]! += v / n));
  for (const row of x) row.forEach((v, j) => (sd[j]! += (v - mean[j]!) ** 2 / n));
  for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j]!) || 1; // constant columns get weight 0 anyway
  const ym = new Array<number>(t).fill(0);
  for (const row of y) row.forEach((v, k) => (ym[k]! += v / n));
  const a = Array.from({ length: f }, () => new Array<number>(f).fill(0));
  const b = Array.from({ length: f }, () => new Array<number>(t).fill(0));
  for (let i = 0; i < n; i++) {
    const z = x[i]!.map((v, j) => (v - mean[j]!) / sd[j]!);
    for (let p = 0; p < f; p++) {
      for (let q = 0; q <= p; q++) a[p]![q]! += z[p]! * z[q]!;
      for (let k = 0; k < t; k++) b[p]![k]! += z[p]! * (y[i]![k]! - ym[k]!);
    }
  }
  for (let p = 0; p < f; p++) {
    for (let q = 0; q < p; q++) a[q]![p] = a[p]![q]!;
    a[p]![p]! += lambda;
  }
  const beta = choleskySolve(a, b);
  const weights = beta.map((row, j) => row.map((v) => v / sd[j]!));
  const intercept = ym.map((m, k) => m - weights.reduce((s, row, j) => s + row[k]! * mean[j]!, 0));
  return { weights, intercept, lambda };
}

export function predictRidge(fit: RidgeFit, row: number[]): number[] {
  return fit.intercept.map((b, k) => b + row.reduce((s, v, j) => s + v * fit.weights[j]![k]!, 0));
}

export interface CrossValidated {
  fit: RidgeFit;
  /** Out-of-fold residuals (actual - predicted) per target, for honest prediction intervals. */
  residuals: number[][];
  /** Out-of-fold R^2 per target. */
  r2: number[];
}

/** Chooses lambda from `grid` by k-fold CV (deterministic interleaved folds), then refits on all rows. */
export function crossValidatedRidge(x: number[][], y: number[][], grid = [0.3, 1, 3, 10, 30, 100], folds = 5): CrossValidated {
  const t = y[0]!.length;
  let best: { lambda: number; sse: number; residuals: number[][] } | null = null;
  for (const lambda of grid) {
    const residuals: number[][] = Array.from({ length: t }, () => []);
    let sse = 0;
    for (let fold = 0; fold < folds; fold++) {
      const trainIdx = x.map((_, i) => i).filter((i) => i % folds !== fold);
      const testIdx = x.map((_, i) => i).filter((i) => i % folds === fold);
      const fit = fitRidge(trainIdx.map((i) => x[i]!), trainIdx.map((i) => y[i]!), lambda);
      for (const i of testIdx) {
        const p = predictRidge(fit, x[i]!);
        p.forEach((v, k) => {
          const r = y[i]![k]! - v;
          residuals[k]!.push(r);
          sse += r * r;
        });
      }
    }
    if (!best || sse < best.sse) best = { lambda, sse, residuals };
  }
  const r2 = Array.from({ length: t }, (_, k) => {
    const ys = y.map((row) => row[k]!);
    const m = ys.reduce((a, b) => a + b, 0) / ys.length;
    const sst = ys.reduce((a, v) => a + (v - m) ** 2, 0);
    const sse = best!.residuals[k]!.reduce((a, r) => a + r * r, 0);
    return sst > 0 ? 1 - sse / sst : 0;
  });
  return { fit: fitRidge(x, y, best!.lambda), residuals: best!.residuals, r2 };
}

export function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
