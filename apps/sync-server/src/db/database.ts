// One small adapter over the two PostgreSQL engines we run on: PGlite (embedded, the default) and a real
// PostgreSQL server (DATABASE_URL). Both take the same SQL with $1 parameters, so the rest of the server
// writes plain SQL against this interface and never knows which engine is underneath.
export type SqlParam = string | number | boolean | null | Uint8Array | Date;

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * A hot statement (the sync commit): parsed and planned once per connection under `name`, then each
   * call is a single bind/execute exchange. Params: text, numbers, booleans, null, bytea (sent binary).
   * Name '' for SQL that varies per call (not prepared; on PGlite still one exchange, bytes binary).
   */
  queryPrepared<T = Record<string, unknown>>(name: string, sql: string, params: SqlParam[]): Promise<T[]>;
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script (migrations), without parameters. */
  exec(sql: string): Promise<void>;
  /** Connection pool numbers for /metrics (PGlite is one in-process connection). */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  dataDir: string;
  databaseUrl?: string;
  /** PostgreSQL only: use (and create) this schema instead of public. */
  schema?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const { openPostgres } = await import('./postgres-database.js');
    return openPostgres(options.databaseUrl, options.schema);
  }
  const { openPglite } = await import('./pglite-database.js');
  return openPglite(options.dataDir);
}
