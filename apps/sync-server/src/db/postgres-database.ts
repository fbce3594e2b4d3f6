// A real PostgreSQL server through node-postgres' pool. int8 values come back as strings from pg and
// as numbers from PGlite, so SQL casts counters to int/float8 where callers read them.
import pg from 'pg';
import type { Database, Queryable, SqlParam } from './database.js';

export async function openPostgres(url: string, schema?: string): Promise<Database> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  if (schema) {
    // Create the schema with a one-off connection, then point every pooled connection at it.
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      // Locked like the migrations: concurrent "IF NOT EXISTS" creates collide in the catalog otherwise.
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock(727275)');
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection emits on the pool; without a listener that would crash the process.
  pool.on('error', () => {});
  await pool.query('SELECT 1');
  const wrap = (q: { query: pg.Pool['query'] }): Queryable => ({
    async query<T>(sql: string, params: SqlParam[] = []) {
      const r = await q.query(sql, params as unknown[]);
      return r.rows as T[];
    },
  });
  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: (sql, params) => base.query(sql, params),
    async queryPrepared<T>(name: string, sql: string, params: SqlParam[]) {
      // node-postgres prepares a named statement on each pooled connection the first time it runs there.
      const r = await pool.query({ ...(name ? { name } : {}), text: sql, values: params as unknown[] });
      return r.rows as T[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client as unknown as { query: pg.Pool['query'] }));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
    },
  };
}
