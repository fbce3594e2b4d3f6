// Additive-error exponential smoothing (ETS class 1 of Hyndman, Koehler, Ord & Snyder, "Forecasting with
// Exponential Smoothing", 2008): ETS(A,N,N), (A,A,N), (A,Ad,N), (A,N,A), (A,A,A), (A,Ad,A).
// Smoothing parameters AND initial states are fitted by maximum likelihood (Nelder-Mead on logistic
// transforms that keep the "usual" bounds 0<α<1, 0<β<α, 0<γ<1-α, 0.8≤φ≤0.98); prediction intervals
// come from the class-1 analytic forecast variance (Table 6.1 of the book). Works on a plain daily array.
import { CoreError } from '../errors';
import { nelderMead } from './nelder-mead';

export type TrendKind = 'N' | 'A' | 'Ad';
export type SeasonKind = 'N' | 'A';
export interface EtsSpec {
  trend: TrendKind;
  season: SeasonKind;
}

export const ETS_SPECS: readonly EtsSpec[] = [
  { trend: 'N', season: 'N' },
  { trend: 'A', season: 'N' },
  { trend: 'Ad', season: 'N' },
  { trend: 'N', season: 'A' },
  { trend: 'A', season: 'A' },
  { trend: 'Ad', season: 'A' },
];

export function etsName(spec: EtsSpec): string {
  return `ETS(A,${spec.trend},${spec.season})`;
}

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** Initial level, slope and seasonal states (season[i] belongs to times t ≡ i mod m; sums to zero). */
  level: number;
  slope: number;
  season: number[];
}

export interface EtsFit {
  spec: EtsSpec;
  name: string;
  period: number;
  params: EtsParams;
  n: number;
  /** Estimated parameters counted by the information criteria (smoothing + free initial states + σ²). */
  k: number;
  sse: number;
  /** Residual variance used for the intervals: SSE / (n − parameters), as R's forecast::ets does. */
  sigma2: number;
  logLik: number;
  aic: number;
  aicc: number;
  /** States after the last observation. */
  final: { level: number; slope: number; season: number[] };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));
const EPS = 1e-4;

interface Layout {
  spec: EtsSpec;
  m: number;
  scale: number;
  init: { level: number; slope: number; season: number[] };
}

function hasTrend(spec: EtsSpec): boolean {
  return spec.trend !== 'N';
}

function seasonal(spec: EtsSpec): boolean {
  return spec.season === 'A';
}

/** Number of coordinates the optimiser moves (smoothing parameters + free initial states). */
function dimension(spec: EtsSpec, m: number): number {
  return 2 + (hasTrend(spec) ? 2 : 0) + (spec.trend === 'Ad' ? 1 : 0) + (seasonal(spec) ? m : 0);
}

function decode(theta: number[], L: Layout): EtsParams {
  let i = 0;
  const alpha = EPS + (1 - 2 * EPS) * logistic(theta[i++]!);
  const beta = hasTrend(L.spec) ? alpha * (EPS + (1 - 2 * EPS) * logistic(theta[i++]!)) : 0;
  const phi = L.spec.trend === 'Ad' ? 0.8 + 0.18 * logistic(theta[i++]!) : 1;
  const gamma = seasonal(L.spec) ? (1 - alpha) * (EPS + (1 - 2 * EPS) * logistic(theta[i++]!)) : 0;
  const level = L.init.level + L.scale * theta[i++]!;
  const slope = hasTrend(L.spec) ? L.init.slope + (L.scale / 10) * theta[i++]! : 0;
  let season: number[] = [];
  if (seasonal(L.spec)) {
    const free = L.init.season.slice(0, L.m - 1).map((s) => s + L.scale * theta[i++]!);
    season = [...free, -free.reduce((a, b) => a + b, 0)];
  }
  return { alpha, beta, gamma, phi, level, slope, season };
}

function startTheta(L: Layout): number[] {
  const theta = [logit(0.3)];
  if (hasTrend(L.spec)) theta.push(logit(0.1));
  if (L.spec.trend === 'Ad') theta.push(logit(0.5));
  if (seasonal(L.spec)) theta.push(logit(0.1));
  theta.push(0);
  if (hasTrend(L.spec)) theta.push(0);
  if (seasonal(L.spec)) for (let j = 0; j < L.m - 1; j++) theta.push(0);
  return theta;
}

/** Runs the state-space recursions; returns the sum of squared one-step errors and the final states. */
export function runFilter(y: ArrayLike<number>, spec: EtsSpec, m: number, p: EtsParams): { sse: number; level: number; slope: number; season: number[] } {
  let l = p.level;
  let b = p.slope;
  const s = p.season.slice();
  const trend = hasTrend(spec);
  const seas = seasonal(spec);
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const damped = trend ? p.phi * b : 0;
    const st = seas ? s[t % m]! : 0;
    const e = y[t]! - (l + damped + st);
    sse += e * e;
    l = l + damped + p.alpha * e;
    if (trend) b = damped + p.beta * e;
    if (seas) s[t % m] = st + p.gamma * e;
  }
  return { sse, level: l, slope: b, season: s };
}

function mean(xs: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += xs[i]!;
  return sum / (to - from);
}

/** Heuristic starting states (refined by the optimiser): the first two seasons for seasonal models,
 *  a least-squares line through the first ten points otherwise. */
function initialStates(y: ArrayLike<number>, spec: EtsSpec, m: number): Layout['init'] {
  if (seasonal(spec)) {
    const first = mean(y, 0, m);
    const secondEnd = Math.min(y.length, 2 * m);
    const slope = secondEnd === 2 * m ? (mean(y, m, 2 * m) - first) / m : 0;
    const season = new Array<number>(m).fill(0);
    const cycles = Math.floor(secondEnd / m);
    for (let i = 0; i < cycles * m; i++) season[i % m]! += (y[i]! - (first + slope * (i - (m - 1) / 2))) / cycles;
    const centre = season.reduce((a, b) => a + b, 0) / m;
    return {
      level: first - (hasTrend(spec) ? slope * ((m + 1) / 2) : 0),
      slope: hasTrend(spec) ? slope : 0,
      season: season.map((s) => s - centre),
    };
  }
  const k = Math.min(y.length, 10);
  const tBar = (k - 1) / 2;
  const yBar = mean(y, 0, k);
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < k; t++) {
    sxy += (t - tBar) * (y[t]! - yBar);
    sxx += (t - tBar) ** 2;
  }
  const slope = hasTrend(spec) && sxx > 0 ? sxy / sxx : 0;
  return { level: hasTrend(spec) ? yBar - slope * (tBar + 1) : y[0]!, slope, season: [] };
}

/** Number of parameters the criteria count, or the minimum series length a spec needs. */
export function parameterCount(spec: EtsSpec, m: number): number {
  return dimension(spec, m) + 1; // + σ²
}

/** Fits one model by maximum likelihood. The caller guarantees y.length > parameterCount + 1. */
export function fitEts(y: ArrayLike<number>, spec: EtsSpec, m = 7): EtsFit {
  const n = y.length;
  let scale = 0;
  for (let t = 0; t < n; t++) scale += Math.abs(y[t]!);
  scale = Math.max(scale / n, 1e-6);
  const L: Layout = { spec, m, scale, init: initialStates(y, spec, m) };
  // Floor on the SSE keeps a perfectly fitting series (a constant) from giving log(0).
  const floor = n * (scale * 1e-9) ** 2;
  const objective = (theta: number[]): number => n * Math.log(Math.max(runFilter(y, spec, m, decode(theta, L)).sse, floor));
  const d = dimension(spec, m);
  // Smoothing coordinates move on the logit scale (step 1); state coordinates in units of the series' scale.
  const smoothing = d - (1 + (hasTrend(spec) ? 1 : 0) + (seasonal(spec) ? m - 1 : 0));
  const step = startTheta(L).map((_, i) => (i < smoothing ? 1 : 0.1));
  let best = nelderMead(objective, startTheta(L), { step, maxEvaluations: 300 * (d + 1) });
  // One restart from the optimum with a fresh simplex: Nelder-Mead can stall on a collapsed simplex.
  const again = nelderMead(objective, best.x, { step: step.map((s) => s / 2), maxEvaluations: 150 * (d + 1) });
  if (again.value < best.value) best = again;

  const params = decode(best.x, L);
  const run = runFilter(y, spec, m, params);
  const sse = Math.max(run.sse, floor);
  const k = parameterCount(spec, m);
  const logLik = -0.5 * n * (Math.log((2 * Math.PI * sse) / n) + 1);
  const aic = -2 * logLik + 2 * k;
  const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
  const np = k - 1;
  return {
    spec,
    name: etsName(spec),
    period: m,
    params,
    n,
    k,
    sse,
    sigma2: sse / (n > np ? n - np : n),
    logLik,
    aic,
    aicc,
    final: { level: run.level, slope: run.slope, season: run.season },
  };
}

export interface EtsForecast {
  mean: number[];
  /** Forecast variance for each horizon step. */
  variance: number[];
}

/** Point forecasts and class-1 analytic variances: σ²_h = σ²(1 + Σ_{j<h} c_j²) with
 *  c_j = α + β·(j, or φ+…+φ^j when damped) + γ·[j mod m = 0]. */
export function forecastEts(fit: EtsFit, horizon: number): EtsForecast {
  const { spec, params: p, final, period: m, n } = fit;
  const meanOut: number[] = [];
  const variance: number[] = [];
  let phiSum = 0; // φ + φ² + … + φ^h
  let phiPow = 1;
  let cumulative = 0; // Σ c_j² for j < h
  for (let h = 1; h <= horizon; h++) {
    phiPow *= p.phi;
    const phiPrev = phiSum;
    phiSum += phiPow;
    const trendPart = spec.trend === 'N' ? 0 : spec.trend === 'A' ? h * final.slope : phiSum * final.slope;
    const seasonPart = spec.season === 'A' ? final.season[(n + h - 1) % m]! : 0;
    meanOut.push(final.level + trendPart + seasonPart);
    if (h > 1) {
      const j = h - 1;
      const trendC = spec.trend === 'N' ? 0 : spec.trend === 'A' ? p.beta * j : p.beta * phiPrev;
      const seasonC = spec.season === 'A' && j % m === 0 ? p.gamma : 0;
      cumulative += (p.alpha + trendC + seasonC) ** 2;
    }
    variance.push(fit.sigma2 * (1 + cumulative));
  }
  return { mean: meanOut, variance };
}

export interface AutoEtsOptions {
  period?: number;
  /** Restrict the candidates (by name, e.g. "ETS(A,Ad,N)"); default: all six. */
  models?: readonly string[];
}

/** Fits every admissible candidate and keeps the one with the lowest AICc. Seasonal candidates need at
 *  least two full seasons; a candidate needs more observations than parameters + 1 for AICc to exist. */
export function autoEts(y: ArrayLike<number>, opts: AutoEtsOptions = {}): { best: EtsFit; candidates: EtsFit[] } {
  const m = opts.period ?? 7;
  const candidates: EtsFit[] = [];
  for (const spec of ETS_SPECS) {
    if (opts.models && !opts.models.includes(etsName(spec))) continue;
    if (spec.season === 'A' && y.length < 2 * m) continue;
    if (y.length <= parameterCount(spec, m) + 1) continue;
    candidates.push(fitEts(y, spec, m));
  }
  if (candidates.length === 0) {
    throw new CoreError('INVALID_ARGUMENT', `no ETS candidate can be fitted to ${y.length} observations`, { observations: y.length });
  }
  const best = candidates.reduce((a, b) => (b.aicc < a.aicc ? b : a));
  return { best, candidates };
}
