// Percentages that sum to exactly 100: the largest-remainder (Hamilton) method on hundredths of a percent.
// Negative parts (a source whose reversals exceeded its payments in the range) count as 0.

/** Percentages with two decimals for each part, summing to 100 when the positive parts sum above 0. */
export function percentages(parts: number[]): number[] {
  const clamped = parts.map((p) => Math.max(0, p));
  const total = clamped.reduce((a, b) => a + b, 0);
  if (total <= 0) return parts.map(() => 0);
  const units = 10_000;
  const exact = clamped.map((p) => (p * units) / total);
  const floors = exact.map(Math.floor);
  let left = units - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rem: e - floors[i]! })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i]! += 1;
    left--;
  }
  return floors.map((f) => f / 100);
}
