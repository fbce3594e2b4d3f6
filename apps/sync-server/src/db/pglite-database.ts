// PGlite: PostgreSQL compiled to WASM, stored in a directory. One connection; PGlite itself queues
// queries issued while a transaction runs, so callers need no extra locking.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, parse, protocol } from '@electric-sql/pglite';
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
  const prepared = new Map<string, string>();
  // PGlite's query() is six protocol exchanges with the WASM backend (parse, describe, bind, describe,
  // execute, sync) plus a fresh parse and plan; a prepared statement is one exchange. Measured on the
  // sync commit, 10 ms apart as in the sync benchmark: p50 1.0-1.1 ms vs 0.6 ms (issue 16 in the README).
  const exclusive = <T>(fn: () => Promise<T>) => pg._runExclusiveTransaction(() => pg.runExclusive(fn));
  const S = protocol.serialize;
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
    async queryPrepared<T>(name: string, sql: string, params: SqlParam[]) {
      inFlight++;
      try {
        return await exclusive(async () => {
          const values = params.map(toWire);
          if (name === '') {
            // Unnamed (SQL that varies per call): parsed and planned each time, still one exchange.
            const r = await pg.execProtocol(concat([S.parse({ text: sql }), S.bind({ values }), S.describe({ type: 'P' }), S.execute(), S.sync()]));
            return (parse.parseResults(r.messages, pg.parsers)[0]?.rows ?? []) as T[];
          }
          if (prepared.get(name) !== sql) {
            if (prepared.has(name)) throw new Error(`prepared statement "${name}" reused with other SQL`);
            await pg.execProtocol(concat([S.parse({ name, text: sql }), S.sync()]));
            prepared.set(name, sql);
          }
          // The sync in the same buffer ends the exchange even when the statement fails.
          const r = await pg.execProtocol(concat([S.bind({ statement: name, values }), S.describe({ type: 'P' }), S.execute(), S.sync()]));
          return (parse.parseResults(r.messages, pg.parsers)[0]?.rows ?? []) as T[];
        });
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

/** Protocol values: bytes go binary (no hex text), everything else as PostgreSQL's text form. */
function toWire(v: SqlParam): string | Uint8Array | null {
  if (v === null || v instanceof Uint8Array) return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return String(v);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
