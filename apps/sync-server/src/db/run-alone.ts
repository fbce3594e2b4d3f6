// Runs a periodic pass on at most one instance at a time (several instances on one PostgreSQL): the pass
// runs while a transaction holds pg_try_advisory_xact_lock(name); an instance that finds the lock taken
// skips this round instead of waiting. The lock goes with the transaction, so an instance that dies
// mid-pass frees it at once (its connection closes). The pass itself uses other connections, so it must
// be safe to repeat: the lock avoids duplicate work, the pass's own rows decide what happened.
// On PGlite there is one process, hence nobody to exclude; its single connection would also queue the
// pass's own queries behind the open transaction, so there the pass simply runs.
import type { Database } from './database.js';

export async function runAlone<T>(db: Database, name: string, pass: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
  if (db.kind === 'pglite') return { ran: true, value: await pass() };
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`run-alone:${name}`]);
    if (!rows[0]?.locked) return { ran: false } as const;
    return { ran: true, value: await pass() } as const;
  });
}
