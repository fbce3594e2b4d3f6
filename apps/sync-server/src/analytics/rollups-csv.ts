// The rollups as CSV (RFC 4180): one row per (day, source, currency), money columns in minor units.
import type { RollupRow } from './insights-schemas.js';

const COLUMNS: (keyof RollupRow)[] = ['day', 'source', 'currency', 'events', 'amount', 'creator_net', 'reversals', 'reversed_amount', 'reversed_net'];

function cell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function rollupsCsv(rows: RollupRow[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
