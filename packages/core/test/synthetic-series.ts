// Seeded synthetic daily series for forecast tests and the forecast benchmark: level + linear trend +
// weekly pattern + Gaussian noise, reproducible from the seed (mulberry32 + Box-Muller).
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface SyntheticSpec {
  days: number;
  level: number;
  /** Added per day. */
  trend: number;
  /** Seven weekday offsets (they need not sum to zero). */
  weekly: readonly number[];
  noiseSd: number;
  seed: number;
}

export function syntheticSeries(spec: SyntheticSpec): number[] {
  const normal = seededNormal(spec.seed);
  return Array.from({ length: spec.days }, (_, t) => spec.level + spec.trend * t + spec.weekly[t % 7]! + spec.noiseSd * normal());
}

export const WEEKLY_REVENUE_SHAPE = [-30, -20, -10, 0, 15, 35, 10] as const;
