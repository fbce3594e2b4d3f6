// PGlite: PostgreSQL compiled to WASM, stored in a directory. One connection; PGlite itself queues
// queries issued while a transaction runs, so callers need no extra locking.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, SqlParam } from './database.js';

export async function openPglite(dataDir: string): Promise<Database> {
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const pg = await PGlite.create(dir);
  let inFlight = 0;
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params: SqlParam[] = []) {
      const r = await q.query<T>(sql, params);
      return r.rows;
    },
  });
  const base = wrap(pg);
  return {
    kind: 'pglite',
    async query<T>(sql: string, params?: SqlParam[]) {
      inFlight++;
      try {
        return await base.query<T>(sql, params);
      } finally {
        inFlight--;
      }
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      inFlight++;
      try {
        return await pg.transaction((tx) => fn(wrap(tx)));
      } finally {
        inFlight--;
      }
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    poolStats: () => ({ total: 1, idle: inFlight === 0 ? 1 : 0, waiting: Math.max(0, inFlight - 1) }),
    async close() {
      await pg.close();
    },
  };
}
