// Small timing helpers shared by the core benchmarks (not a benchmark itself: the runner only runs *.bench.ts).
export interface Timing {
  label: string;
  ms: number;
  ops: number;
}

export function time(label: string, ops: number, fn: () => void): Timing {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return { label, ms, ops };
}

export function perOpUs(t: Timing): number {
  return (t.ms * 1000) / t.ops;
}

export function report(t: Timing): void {
  const us = perOpUs(t);
  const rate = t.ops / (t.ms / 1000);
  console.log(
    `  ${t.label.padEnd(44)} ${t.ops.toString().padStart(8)} ops  ${t.ms.toFixed(0).padStart(7)} ms  ` +
      `${us.toFixed(2).padStart(10)} us/op  ${rate.toFixed(0).padStart(9)} ops/s`,
  );
}

/** Prints how many times faster `fast` is than `baseline`, per operation. */
export function ratio(label: string, baseline: Timing, fast: Timing): number {
  const r = perOpUs(baseline) / perOpUs(fast);
  console.log(`  RATIO ${label}: ${r.toFixed(2)}x (${fast.label} vs baseline ${baseline.label})`);
  return r;
}
