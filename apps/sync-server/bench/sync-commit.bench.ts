// What one durable sync commit costs: DocStore.append (per-document seq; one update = a prepared statement)
// and the same statement through a plain query (parse + plan each time; on PGlite six protocol exchanges),
// against a plain INSERT of the same row (the baseline: what any "stored before broadcast" pays) and a
// SELECT 1 round trip, on PGlite and, when it answers, PostgreSQL; there also the same INSERT without
// waiting for the WAL flush, which shows how much of a commit is the fsync. Each statement runs back to
// back and then 10 ms apart (the sync benchmark's pace): a process that sleeps between commits finds its
// caches cold, and on PGlite that, not the SQL, was most of a commit inside the server (README, issue 16).
// Prints p50 and the ratio to the plain INSERT in the same column; EXPLAIN of the append.
// Run: npm run bench -- sync-commit   (N=<statements>, default 300)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { DocStore } from '../src/sync/doc-store.js';
const N = Number(process.env.N ?? 300);
const GAP_MS = 10;
const pct = (a: number[], q: number) => [...a].sort((x, y) => x - y)[Math.floor(q * a.length)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let baseline = [NaN, NaN];
async function time(label: string, fn: (i: number) => Promise<unknown>, isBaseline = false) {
  for (let i = 0; i < 30; i++) await fn(-i - 1);
  const cols: string[] = [];
  const p50s: number[] = [];
  for (const gap of [0, GAP_MS]) {
    const t: number[] = [];
    for (let i = 0; i < N; i++) {
      if (gap) await sleep(gap);
      const s = performance.now();
      await fn(i);
      t.push(performance.now() - s);
    }
    p50s.push(pct(t, 0.5));
  }
  if (isBaseline) baseline = p50s;
  p50s.forEach((p, k) => cols.push(`p50 ${p.toFixed(2)} ms (${(p / baseline[k]!).toFixed(2)}x)`));
  console.log(`  ${label.padEnd(44)} ${cols[0]!.padEnd(22)} | ${cols[1]}`);
}
// DocStore's batch statement for one document and one update, before it became a prepared statement.
const APPEND_SQL = `WITH heads AS (
    INSERT INTO yjs_documents AS d (name, head_seq) VALUES ($1, 1)
    ON CONFLICT (name) DO UPDATE SET head_seq = d.head_seq + EXCLUDED.head_seq RETURNING d.name, d.head_seq
  ), ins AS (
    INSERT INTO yjs_updates (doc_name, doc_seq, data)
    SELECT v.doc, h.head_seq - v.n + v.ord, v.data FROM (VALUES ($1::text, 1, 1, $2::bytea)) AS v(doc, ord, n, data)
      JOIN heads h ON h.name = v.doc ORDER BY v.doc, v.ord
  ) SELECT name, head_seq FROM heads`;
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
  console.log(`${kind}: back to back | ${GAP_MS} ms apart (x = ratio to the plain INSERT in the same column)`);
  let seq = 1_000_000;
  await time('plain INSERT yjs_updates (doc_seq given)', () => db.query('INSERT INTO yjs_updates (doc_name, doc_seq, data) VALUES ($1, $2, $3)', ['p:plain', seq++, upd]), true);
  await time('SELECT 1', () => db.query('SELECT 1'));
  await time('append statement via query (parse+plan)', () => db.query(APPEND_SQL, ['p:query', upd]));
  await time('DocStore.append (prepared statement)', () => store.append('p:cte', [upd]));
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
