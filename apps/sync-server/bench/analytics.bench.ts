// Creator insights cost (issue 20): POST /api/v1/analytics/creator-insights for a creator with 1M payment
// events and 5M playback sessions, against the baseline of one `SELECT sum(amount)` over the raw payment
// events for the same range (index on creator and time), on PGlite and on PostgreSQL. The route reads the
// daily rollups, so its cost follows the number of days, the raw scan the number of rows.
// Prints p50/p95 per range and the ratio raw p50 / route p50 (> 1: the route is faster).
// Run: npm run bench -- analytics
// Env: ANALYTICS_BENCH_SCALE (default 1 = 1M payments + 5M views; 0.2 = 200k + 1M), ANALYTICS_BENCH_RUNS
// (requests per range, default 30), ANALYTICS_BENCH_BACKENDS (pglite,postgres), TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';
import { generate, type BenchScale } from './analytics-data.js';

const SCALE = Number(process.env.ANALYTICS_BENCH_SCALE ?? 1);
const RUNS = Number(process.env.ANALYTICS_BENCH_RUNS ?? 30);
const BACKENDS = (process.env.ANALYTICS_BENCH_BACKENDS ?? 'pglite,postgres').split(',');
const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
if (!(SCALE > 0 && SCALE <= 1) || !(RUNS >= 5)) throw new Error('ANALYTICS_BENCH_SCALE must be in (0, 1] and ANALYTICS_BENCH_RUNS >= 5');
const scale: BenchScale = {
  payments: Math.round(1_000_000 * SCALE),
  views: Math.round(5_000_000 * SCALE),
  fans: Math.max(100, Math.round(50_000 * SCALE)),
  posts: 300,
  days: 365,
};
const RANGES = ['last_7_days', 'last_30_days', 'last_90_days', 'last_365_days'] as const;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95) };
};

async function pgReachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

async function runOn(backend: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fanz-bench-analytics-'));
  const schema = backend === 'postgres' ? `bench_${randomBytes(6).toString('hex')}` : undefined;
  const server = await buildServer(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, jwtSecret: 'bench-secret', logLevel: 'silent', databaseUrl: backend === 'postgres' ? PG_URL : undefined, databaseSchema: schema },
    { logger: false },
  );
  try {
    const url = await server.listen();
    const reg = await fetch(url + '/api/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'creator', username: 'bench_analytics', email: 'analytics@bench.test', password: 'correct horse battery', displayName: 'Bench' }),
    });
    const { data } = (await reg.json()) as { data: { user: { id: string }; accessToken: string } };
    const creatorId = data.user.id;
    console.log(`\n${server.db.kind}: generating ${scale.payments.toLocaleString()} payment events, ${scale.views.toLocaleString()} playback sessions over ${scale.days} days`);
    const t0 = performance.now();
    await generate(server.db, creatorId, scale, console.log);
    console.log(`  generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (server.db.kind === 'postgres') await server.db.query('ANALYZE');

    const insights = async (range: string) => {
      const res = await fetch(url + '/api/v1/analytics/creator-insights', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${data.accessToken}` },
        body: JSON.stringify({ creator_id: creatorId, date_range: range }),
      });
      const body = (await res.json()) as { data: { date_range: { from: string; to: string }; revenue_analytics: { total_revenue: { amount: number }; refunds: { amount: number } } } };
      if (res.status !== 200) throw new Error(`insights answered ${res.status}: ${JSON.stringify(body)}`);
      return body.data;
    };
    const raw = async (from: string, to: string) => {
      const rows = await server.db.query<{ s: string | number | null }>(
        `SELECT sum(amount) AS s FROM analytics_events WHERE creator_id = $1 AND kind = 'payment'
            AND occurred_at >= ($2::date::timestamp AT TIME ZONE 'UTC') AND occurred_at < (($3::date + 1)::timestamp AT TIME ZONE 'UTC')`,
        [creatorId, from, to],
      );
      return Number(rows[0]?.s ?? 0);
    };
    console.log(`  ${RUNS} requests per range; route = full insights (revenue, engagement, audience, content, cohorts) over HTTP`);
    console.log('  range           route p50 / p95 ms    raw sum() p50 / p95 ms    raw p50 / route p50   check');
    for (const range of RANGES) {
      const first = await insights(range);
      const { from, to } = first.date_range;
      // The route's gross (total + refunds) equals the raw sum of payments in the range: same data, two paths.
      const gross = first.revenue_analytics.total_revenue.amount + first.revenue_analytics.refunds.amount;
      const rawSum = await raw(from, to);
      const routeMs: number[] = [];
      const rawMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now();
        await insights(range);
        routeMs.push(performance.now() - t);
        t = performance.now();
        await raw(from, to);
        rawMs.push(performance.now() - t);
      }
      const r = stats(routeMs);
      const b = stats(rawMs);
      console.log(
        `  ${range.padEnd(15)} ${r.p50.toFixed(1).padStart(8)} / ${r.p95.toFixed(1).padEnd(8)}    ${b.p50.toFixed(1).padStart(8)} / ${b.p95.toFixed(1).padEnd(8)}      ${(b.p50 / r.p50).toFixed(2).padStart(6)}          ${gross === rawSum ? 'gross = raw sum' : `MISMATCH ${gross} vs ${rawSum}`}`,
      );
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

console.log(`analytics bench, scale ${SCALE} (ANALYTICS_BENCH_SCALE)`);
for (const backend of BACKENDS) {
  if (backend === 'postgres') {
    const why = await pgReachable();
    if (why) {
      console.log(`\npostgres: skipped (${PG_URL} not reachable: ${why})`);
      continue;
    }
  }
  await runOn(backend);
}
