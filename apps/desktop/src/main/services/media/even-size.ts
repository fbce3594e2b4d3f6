// H.264 with 4:2:0 chroma needs even frame sizes; every scaled output goes through this rounding.
export function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}
