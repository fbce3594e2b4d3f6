// Byte counts in words for progress lines ("12.3 MB of 200 MB"), decimal units as disks and networks count.
const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export function formatBytes(n: number): string {
  let v = Math.max(0, n);
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  const text = u === 0 || v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${UNITS[u]}`;
}
