// Money benchmark. (1) Purchases per second end to end: HTTP POST /api/v1/payments (auth, validation,
// idempotency key, payment intent, test gateway, one DB transaction with the double-entry transfers, payment
// row, log entry and webhook outbox rows) against a raw loop of the same SQL statements on the same database in the same
// run; prints both and the ratio (goal >= 50%). (2) Signed tree heads per second on a 1M-entry log (root
// from the stored subtree hashes + Ed25519 signature) against recomputing the root from all leaves, and
// proof sizes at 1M entries.
// Run: npm run bench -- money   (PGlite in a temp dir; BENCH_DATABASE_URL=postgres://... for PostgreSQL)
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashLeaf, MerkleTree, newId, platformSplit, rootHash, signTreeHead, toBase64 } from '@fanz/core';
import { nodeEd25519 } from '@fanz/core/node';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { accountId, PLATFORM_OWNER, postTransaction } from '../src/ledger/ledger.js';
import { requestHash } from '../src/ledger/idempotency.js';
import { buildServer } from '../src/server.js';
import { enqueueWebhookEvent } from '../src/webhooks/webhook-events.js';

const PURCHASES = Number(process.env.BENCH_PURCHASES ?? 150);
// HTTP and raw runs alternate; the best of each is compared, so a burst of load from other processes on
// this shared machine does not decide the ratio.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const LOG_N = Number(process.env.BENCH_LOG_N ?? 1_000_000);
const HEADS = Number(process.env.BENCH_HEADS ?? 2000);

async function post(url: string, path: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const json = (await res.json()) as { data: Record<string, unknown> };
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json.data;
}

const tipBody = (creatorId: string, i: number) => ({
  tip: { creatorId, amount: { amount: 100 + (i % 900), currency: 'USD' } },
  paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' },
});

/** The load generator runs in its own process, so the server's event loop does only server work. */
async function clientMain(): Promise<void> {
  const { url, token, creatorId, round } = JSON.parse(process.env.BENCH_MONEY_CLIENT!) as { url: string; token: string; creatorId: string; round: number };
  const auth = { authorization: `Bearer ${token}` };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < PURCHASES; i = next++) await post(url, '/api/v1/payments', tipBody(creatorId, i), { ...auth, 'idempotency-key': `http-${round}-${i}` });
    }),
  );
  process.send!({ ms: performance.now() - t0 });
}

function runClient(args: { url: string; token: string; creatorId: string; round: number }): Promise<number> {
  const proc = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_MONEY_CLIENT: JSON.stringify(args) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.on('message', (m: { ms: number }) => resolve(m.ms));
    proc.on('exit', (code) => (code ? reject(new Error(`load generator exited with ${code}`)) : undefined));
  });
}

async function purchases(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fanz-money-bench-'));
  const url0 = process.env.BENCH_DATABASE_URL;
  const schema = url0 ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const server = await buildServer(
    { ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir, databaseUrl: url0, databaseSchema: schema, jwtSecret: 'bench-secret', logLevel: 'silent' },
    { logger: false },
  );
  try {
    const url = await server.listen();
    const reg = async (role: 'creator' | 'fan') =>
      post(url, '/api/v1/auth/register', { role, username: `${role}_${randomBytes(4).toString('hex')}`, email: `${role}${randomBytes(4).toString('hex')}@bench.test`, password: 'benchmark password', displayName: 'Bench' }, {});
    const creator = (await reg('creator')) as { user: { id: string } };
    const fan = (await reg('fan')) as { user: { id: string }; accessToken: string };
    const creatorId = creator.user.id;
    const auth = { authorization: `Bearer ${fan.accessToken}` };
    const tip = (i: number) => tipBody(creatorId, i);

    // Warm-up (JIT, caches, account rows).
    for (let i = 0; i < 20; i++) await post(url, '/api/v1/payments', tip(i), { ...auth, 'idempotency-key': `warm-${i}` });

    // The same statements, straight on the same database: one transaction per purchase.
    const { db, money } = server;
    const fanId = fan.user.id;
    const rawLoop = async (round: number) => {
      const t1 = performance.now();
      for (let i = 0; i < PURCHASES; i++) {
        const key = `raw-${round}-${i}`;
        const amount = { amount: 100 + (i % 900), currency: 'USD' as const };
        await db.query('SELECT 1 FROM users WHERE id = $1 AND role = $2', [creatorId, 'creator']);
        await db.query(`INSERT INTO idempotency_keys (user_id, key, request_hash, status, owner) VALUES ($1, $2, $3, 'started', 'raw') ON CONFLICT (user_id, key) DO NOTHING RETURNING key`, [
          fanId,
          key,
          requestHash('POST /api/v1/payments', tip(i)),
        ]);
        const paymentId = newId('pay');
        await db.query(`INSERT INTO payment_intents (id, gateway_key, fan_id, creator_id, kind, amount, currency, status) VALUES ($1, $2, $3, $4, 'tip', $5, 'USD', 'pending')`, [
          paymentId,
          `${fanId}:${key}`,
          fanId,
          creatorId,
          amount.amount,
        ]);
        await db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`intent:${fanId}:${key}`]);
          await tx.query(`SELECT 1 FROM payment_intents WHERE gateway_key = $1 AND status = 'voided'`, [`${fanId}:${key}`]);
          await tx.query(`UPDATE payment_intents SET status = 'recorded', updated_at = now() WHERE id = $1`, [paymentId]);
          const logIndex = await money.log.allocate(tx);
          const { creator: share, platform } = platformSplit(amount);
          const transactionId = newId('txn');
          const legs = [
            { debit: accountId('fan_funding', fanId, 'USD'), credit: accountId('creator_earnings', creatorId, 'USD'), amount: share.amount },
            { debit: accountId('fan_funding', fanId, 'USD'), credit: accountId('platform_fees', PLATFORM_OWNER, 'USD'), amount: platform.amount },
          ].filter((l) => l.amount > 0);
          await postTransaction(tx, { id: transactionId, kind: 'payment', referenceId: paymentId, creatorId, currency: 'USD', logIndex, legs });
          await tx.query(
            `INSERT INTO payments (id, fan_id, creator_id, kind, product_id, amount, currency, platform_fee, creator_net, status, gateway_charge_id, transaction_id, log_index)
             VALUES ($1, $2, $3, 'tip', NULL, $4, 'USD', $5, $6, 'completed', 'ch_raw', $7, $8) RETURNING created_at`,
            [paymentId, fanId, creatorId, amount.amount, platform.amount, share.amount, transactionId, logIndex],
          );
          await money.log.append(tx, logIndex, { kind: 'payment.completed', creatorId, fanId, paymentId, transactionId, paymentKind: 'tip', productId: null, amount, transfers: legs });
          await enqueueWebhookEvent(tx, creatorId, 'payment.completed', { paymentId });
          await enqueueWebhookEvent(tx, creatorId, 'tip.received', { paymentId });
          await tx.query(`UPDATE idempotency_keys SET status = 'completed', response_status = 201, response_body = $3 WHERE user_id = $1 AND key = $2 AND owner = 'raw' AND status = 'started' RETURNING key`, [
            fanId,
            key,
            JSON.stringify({ status: 201, data: { paymentId } }),
          ]);
        });
      }
      return performance.now() - t1;
    };
    let httpMs = Infinity;
    let rawMs = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      httpMs = Math.min(httpMs, await runClient({ url, token: fan.accessToken, creatorId, round }));
      rawMs = Math.min(rawMs, await rawLoop(round));
    }
    const httpRate = PURCHASES / (httpMs / 1000);
    const rawRate = PURCHASES / (rawMs / 1000);
    console.log(`Purchases on ${server.db.kind} (best of ${ROUNDS} alternating rounds of ${PURCHASES}; HTTP concurrency ${CONCURRENCY})`);
    console.log(`  end to end over HTTP from a client process (auth, gateway, transfers + log entry + outbox)  ${httpRate.toFixed(0).padStart(6)} purchases/s`);
    console.log(`  raw loop of the same SQL statements (baseline)                                          ${rawRate.toFixed(0).padStart(6)} purchases/s`);
    console.log(`  RATIO end-to-end / raw SQL: ${((httpRate / rawRate) * 100).toFixed(0)}% (goal >= 50%)`);
    const sth = await money.log.signedTreeHead();
    const audit = await money.log.audit();
    if (!audit.ok || sth.treeSize !== 20 + 2 * ROUNDS * PURCHASES) throw new Error(`log check failed: ${JSON.stringify(audit)} size ${sth.treeSize}`);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (url0 && schema) {
      const c = new pg.Client({ connectionString: url0 });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

function treeHeads(): void {
  console.log(`\nSigned tree heads on a ${LOG_N}-entry log`);
  const keys = nodeEd25519.generateKeyPair();
  const leaves: Uint8Array[] = new Array(LOG_N);
  const buf = new Uint8Array(64);
  const view = new DataView(buf.buffer);
  for (let i = 0; i < LOG_N; i++) {
    view.setFloat64(0, i);
    leaves[i] = hashLeaf(buf);
  }
  const tree = MerkleTree.fromLeafHashes(leaves);
  // A head after every appended entry: root from stored subtree hashes + signature.
  const t0 = performance.now();
  for (let i = 0; i < HEADS; i++) {
    view.setFloat64(0, LOG_N + i);
    tree.append(hashLeaf(buf));
    signTreeHead({ treeSize: tree.size, rootHash: tree.root(), timestamp: Date.now() }, keys.secretKey, nodeEd25519);
  }
  const fastMs = performance.now() - t0;
  // Baseline: a log that keeps only the leaves recomputes the root from all of them for every head.
  const baseHeads = 3;
  const all = [...leaves];
  const t1 = performance.now();
  for (let i = 0; i < baseHeads; i++) {
    view.setFloat64(0, LOG_N * 2 + i);
    all.push(hashLeaf(buf));
    signTreeHead({ treeSize: all.length, rootHash: rootHash(all), timestamp: Date.now() }, keys.secretKey, nodeEd25519);
  }
  const baseMs = performance.now() - t1;
  const fastRate = HEADS / (fastMs / 1000);
  const baseRate = baseHeads / (baseMs / 1000);
  console.log(`  append + root from stored subtrees + Ed25519 sign   ${fastRate.toFixed(0).padStart(8)} heads/s`);
  console.log(`  append + root recomputed from all leaves (baseline) ${baseRate.toFixed(2).padStart(8)} heads/s`);
  console.log(`  RATIO stored subtrees / recompute: ${(fastRate / baseRate).toFixed(0)}x`);
  const size = tree.size;
  const incl = tree.inclusionProof(Math.min(12345, size - 1), size);
  const cons = [...new Set([1, 1000, 500_000, size - 1].filter((old) => old < size))].map((old) => [old, tree.consistencyProof(old, size).length] as const);
  console.log(`  inclusion proof at ${size}: ${incl.length} hashes = ${incl.length * 32} bytes (${JSON.stringify(incl.map(toBase64)).length} bytes as JSON base64)`);
  for (const [old, n] of cons) console.log(`  consistency proof ${old} -> ${size}: ${n} hashes = ${n * 32} bytes`);
}

if (process.env.BENCH_MONEY_CLIENT) {
  await clientMain();
  process.exit(0);
} else {
  await purchases();
  treeHeads();
}
