// A small Nelder-Mead simplex minimiser (Nelder & Mead 1965, with the adaptive coefficients of Gao & Han
// 2012 for higher dimensions). Used to fit exponential-smoothing models by maximum likelihood; the
// objective is unconstrained because the caller maps bounded parameters through logistic transforms.
export interface NelderMeadOptions {
  /** Initial step per coordinate (default 0.5 for every coordinate). */
  step?: number[];
  maxEvaluations?: number;
  /** Stop when the spread of objective values across the simplex falls below this (relative + absolute). */
  tolerance?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
}

export function nelderMead(f: (x: number[]) => number, x0: number[], opts: NelderMeadOptions = {}): NelderMeadResult {
  const n = x0.length;
  const maxEval = opts.maxEvaluations ?? 400 * (n + 1);
  const tol = opts.tolerance ?? 1e-8;
  const alpha = 1;
  const beta = 1 + 2 / n; // expansion
  const gamma = 0.75 - 1 / (2 * n); // contraction
  const delta = 1 - 1 / n; // shrink (n >= 2); for n = 1 use 0.5
  const shrink = n >= 2 ? delta : 0.5;
  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };

  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + (opts.step?.[i] ?? 0.5);
    simplex.push(p);
  }
  const values = simplex.map(evaluate);
  const order = Array.from({ length: n + 1 }, (_, i) => i);

  while (evaluations < maxEval) {
    order.sort((a, b) => values[a]! - values[b]!);
    const best = order[0]!;
    const worst = order[n]!;
    const second = order[n - 1]!;
    const fBest = values[best]!;
    const fWorst = values[worst]!;
    if (Math.abs(fWorst - fBest) <= tol * (Math.abs(fBest) + tol)) break;

    const centroid = new Array<number>(n).fill(0);
    for (const i of order.slice(0, n)) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (simplex[worst]![j]! - c));

    const xr = along(-alpha);
    const fr = evaluate(xr);
    if (fr < fBest) {
      const xe = along(-alpha * beta);
      const fe = evaluate(xe);
      if (fe < fr) { simplex[worst] = xe; values[worst] = fe; } else { simplex[worst] = xr; values[worst] = fr; }
      continue;
    }
    if (fr < values[second]!) { simplex[worst] = xr; values[worst] = fr; continue; }
    const outside = fr < fWorst;
    const xc = along(outside ? -gamma : gamma);
    const fc = evaluate(xc);
    if (fc < (outside ? fr : fWorst)) { simplex[worst] = xc; values[worst] = fc; continue; }
    // Shrink every vertex towards the best one.
    for (const i of order.slice(1)) {
      simplex[i] = simplex[i]!.map((v, j) => simplex[best]![j]! + shrink * (v - simplex[best]![j]!));
      values[i] = evaluate(simplex[i]!);
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: simplex[bestIndex]!, value: values[bestIndex]!, evaluations };
}
