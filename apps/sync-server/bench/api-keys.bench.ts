// API key authentication cost (issue 17): requests/s of GET /api/v1/finance/balance with an API key (one
// indexed lookup of the secret's sha256 per request, plus the per-key and per-creator counters) against the
// same route with an access token (JWT check; the session row cached for 5 s), same server, same run.
// Rounds alternate and the best of each side is compared; prints both rates and the ratio.
// Run: npm run bench -- api-keys
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

const dataDir = mkdtempSync(join(tmpdir(), 'fanz-bench-apikeys-'));
const server = await buildServer(
  { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, jwtSecret: 'bench-secret', logLevel: 'silent', apiKeyRateLimitPerHour: 1e9, apiKeyUserRateLimitPerHour: 1e9 },
  { logger: false },
);
try {
  const url = await server.listen();
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: Record<string, unknown> }).data;
  };
  const reg = await post('/api/v1/auth/register', { role: 'creator', username: 'bench_keys', email: 'bench@example.test', password: 'correct horse battery', displayName: 'Bench' });
  const token = reg.accessToken as string;
  const key = (await post('/api/v1/api-keys', { name: 'bench', scopes: ['read:finance'] }, { authorization: `Bearer ${token}` })).secret as string;

  async function rate(secret: string): Promise<number> {
    const until = Date.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < until) {
          const res = await fetch(url + '/api/v1/finance/balance', { headers: { authorization: `Bearer ${secret}` } });
          if (res.status !== 200) throw new Error(`balance answered ${res.status}`);
          await res.arrayBuffer();
          n++;
        }
      }),
    );
    return n / SECONDS;
  }

  await rate(token);
  await rate(key); // warm-up
  let bestToken = 0;
  let bestKey = 0;
  for (let r = 0; r < ROUNDS; r++) {
    bestToken = Math.max(bestToken, await rate(token));
    bestKey = Math.max(bestKey, await rate(key));
  }
  console.log(`GET /api/v1/finance/balance, ${CONCURRENCY} in flight, best of ${ROUNDS} x ${SECONDS} s (${server.db.kind})`);
  console.log(`  access token (baseline): ${bestToken.toFixed(0)} req/s`);
  console.log(`  API key:                 ${bestKey.toFixed(0)} req/s`);
  console.log(`  ratio key/token:         ${(bestKey / bestToken).toFixed(2)}`);
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
