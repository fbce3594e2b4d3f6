// Applies the numbered SQL files in ./migrations in order, each in its own transaction together with its
// row in schema_migrations, so a crash mid-migration leaves nothing half-applied. Applied files are never
// edited; a changed checksum stops start-up instead of silently diverging.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

/** Advisory lock key held around every migration step (one database-wide number, any instance). */
const MIGRATION_LOCK = 727274;
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f, sql: readFileSync(dir + f, 'utf8') }));
}

export async function migrate(db: Database, migrations = listMigrations()): Promise<string[]> {
  // Under the same lock as the migrations: two instances starting together on an empty PostgreSQL both
  // ran this CREATE at once and one died on pg_type_typname_nsp_index ("IF NOT EXISTS" is not atomic).
  await db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: string[] = [];
  for (const m of migrations) {
    const checksum = createHash('sha256').update(m.sql).digest('hex');
    const done = await db.transaction(async (tx) => {
      // Serialises concurrent start-ups against one PostgreSQL (several instances, parallel tests).
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
      const rows = await tx.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [
        m.version,
      ]);
      if (rows[0]) {
        if (rows[0].checksum !== checksum) throw new Error(`migration ${m.name} was changed after it was applied`);
        return false;
      }
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        checksum,
      ]);
      return true;
    });
    if (done) applied.push(m.name);
  }
  return applied;
}

/** Our migration files keep one statement per `;`-terminated block and no semicolons inside literals. */
function splitStatements(sql: string): string[] {
  return sql
    .replace(/--[^\n]*/g, '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}
