// What one durable sync commit costs: DocStore.append (per-document seq CTE) against a plain INSERT of the
// same row (the baseline: what any "stored before broadcast" pays) and a SELECT 1 round trip, on PGlite and,
// when it answers, PostgreSQL; there also the same INSERT without waiting for the WAL flush, which shows how
// much of a commit is the fsync. Prints p50/p90 and the ratio to the plain INSERT; EXPLAIN of the append.
// Run: npm run bench -- sync-commit   (N=<statements>, default 300)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { DocStore } from '../src/sync/doc-store.js';
const N = Number(process.env.N ?? 300);
const pct = (a: number[], q: number) => [...a].sort((x, y) => x - y)[Math.floor(q * a.length)]!.toFixed(2);
let baseline = NaN;
async function time(label: string, fn: (i: number) => Promise<unknown>, isBaseline = false) {
  const t: number[] = [];
  for (let i = 0; i < 30; i++) await fn(-i - 1);
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    await fn(i);
    t.push(performance.now() - s);
  }
  const p50 = Number(pct(t, 0.5));
  if (isBaseline) baseline = p50;
  console.log(`  ${label.padEnd(44)} p50 ${pct(t, 0.5)} ms  p90 ${pct(t, 0.9)} ms  ${(p50 / baseline).toFixed(2)}x plain INSERT`);
}
const pgUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
for (const kind of ['pglite', 'postgres']) {
  const dir = mkdtempSync(join(tmpdir(), 'stmt-probe-'));
  const schema = `probe_${Date.now().toString(36)}`;
  let db;
  try {
    db = await openDatabase(kind === 'postgres' ? { databaseUrl: pgUrl, schema, dataDir: dir } : { dataDir: dir });
  } catch (err) {
    console.log(`${kind} skipped: ${(err as Error).message}`);
    rmSync(dir, { recursive: true, force: true });
    continue;
  }
  await migrate(db);
  const store = new DocStore(db);
  const upd = new Uint8Array(40).fill(7);
  console.log(kind);
  let seq = 1_000_000;
  await time('plain INSERT yjs_updates (doc_seq given)', () => db.query('INSERT INTO yjs_updates (doc_name, doc_seq, data) VALUES ($1, $2, $3)', ['p:plain', seq++, upd]), true);
  await time('SELECT 1', () => db.query('SELECT 1'));
  await time('DocStore.append (CTE head_seq + insert)', () => store.append('p:cte', [upd]));
  await time('UPDATE head_seq only', () => db.query('UPDATE yjs_documents SET head_seq = head_seq + 1 WHERE name = $1', ['p:cte']));
  if (kind === 'postgres') {
    await time('append, synchronous_commit off (no fsync)', async () => { await db.transaction(async (tx) => { await tx.query('SET LOCAL synchronous_commit = off'); await tx.query('INSERT INTO yjs_updates (doc_name, doc_seq, data) VALUES ($1, $2, $3)', ['p:async', seq++, upd]); }); });
    const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, WAL) WITH heads AS (
         INSERT INTO yjs_documents AS d (name, head_seq) VALUES ('p:cte', 1)
         ON CONFLICT (name) DO UPDATE SET head_seq = d.head_seq + EXCLUDED.head_seq RETURNING d.name, d.head_seq
       ), ins AS (
         INSERT INTO yjs_updates (doc_name, doc_seq, data)
         SELECT v.doc, h.head_seq - v.n + v.ord, v.data FROM (VALUES ('p:cte'::text, 1, 1, '\\x00'::bytea)) AS v(doc, ord, n, data) JOIN heads h ON h.name = v.doc ORDER BY v.doc, v.ord
       ) SELECT name, head_seq FROM heads`);
    console.log(plan.map((r) => '    ' + r['QUERY PLAN']).join('\n'));
    const idx = await db.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = '${schema}' AND tablename IN ('yjs_updates','yjs_documents')`);
    console.log(idx.map((r) => '    ' + r.indexdef).join('\n'));
    await db.exec(`DROP SCHEMA ${schema} CASCADE`);
  }
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
