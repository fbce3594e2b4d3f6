import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../db/pglite-database.js';
import { estimateCardinality, HLL_REGISTERS, HLL_RELATIVE_ERROR, hllSlot, hllSlotSql, mergeRegisters } from './hyperloglog.js';

function registersOf(ids: string[]): Uint8Array {
  const r = new Uint8Array(HLL_REGISTERS);
  for (const id of ids) {
    const { index, rank } = hllSlot(id);
    r[index] = Math.max(r[index]!, rank);
  }
  return r;
}
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('hyperloglog', () => {
  it('counts a handful exactly and large ones within three standard errors', () => {
    expect(estimateCardinality(new Uint8Array(HLL_REGISTERS))).toBe(0);
    for (const n of [1, 2, 3, 10]) expect(estimateCardinality(registersOf(ids('fan_', n)))).toBe(n);
    expect(Math.abs(estimateCardinality(registersOf(ids('fan_', 40))) - 40)).toBeLessThanOrEqual(1);
    for (const n of [5_000, 100_000]) {
      const est = estimateCardinality(registersOf(ids('viewer_', n)));
      expect(Math.abs(est - n) / n).toBeLessThan(3 * HLL_RELATIVE_ERROR);
    }
  });

  it('merges days as a union: a viewer seen on two days counts once', () => {
    const monday = registersOf(ids('fan_', 300));
    const tuesday = registersOf(ids('fan_', 300).slice(100).concat(ids('other_', 50)));
    const est = estimateCardinality(mergeRegisters([monday, tuesday]));
    expect(Math.abs(est - 350) / 350).toBeLessThan(3 * HLL_RELATIVE_ERROR);
  });

  it('places an id in the same register with the same rank in SQL (bulk loads) as in TypeScript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanz-hll-'));
    const db = await openPglite(dir);
    try {
      const sample = [...ids('fan_', 200), '', 'ünïcødé', 'usr_01j9zzzzzzzzzzzzzzzzzzzzzz'];
      const slot = hllSlotSql('v');
      const rows = await db.query<{ v: string; index: number; rank: number }>(
        `SELECT v, ${slot.index} AS index, ${slot.rank} AS rank FROM unnest($1::text[]) AS v`,
        [`{${sample.map((s) => JSON.stringify(s)).join(',')}}`],
      );
      expect(rows.map((r) => ({ index: r.index, rank: r.rank }))).toEqual(rows.map((r) => hllSlot(r.v)));
      expect(rows.length).toBe(sample.length);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
