// Fault test (PostgreSQL, so this process can read the database while the server runs as a child): SIGKILL
// during a burst of purchases while subscription renewals are being charged, then restart. The test
// gateway keeps its own records in a file (TEST_GATEWAY_STATE_FILE), as a real processor would beyond our
// crash. After recovery (stale payment intents voided, interrupted renewals finished by their per-period
// key): no live charge without exactly one completed payment, no completed payment without its live
// charge, and the ledger balances to zero.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { auditLedger } from '../src/ledger/ledger.js';
import { eventually, makeStorage, pgSkipReason, register, type Storage } from './helpers.js';
import { createTier, pay } from './money-helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const skip = pgSkipReason !== null;
if (skip) console.warn(`[money-fault] skipped: ${pgSkipReason}`);

describe.skipIf(skip)('SIGKILL during purchases and renewals (PostgreSQL)', () => {
  const storage: Storage = makeStorage('postgres');
  const children: ServerProcess[] = [];
  let db: Database | undefined;
  const gatewayFile = join(storage.dataDir, 'gateway.jsonl');
  const env = {
    TEST_GATEWAY_STATE_FILE: gatewayFile,
    RENEWAL_POLL_MS: '150',
    RENEWAL_LEASE_MS: '1000',
    PAYMENT_INTENT_TTL_MS: '1500',
    IDEMPOTENCY_STALE_MS: '1500',
    AUTH_RATE_LIMIT_MAX: '0',
    PASSWORD_HASH_PER_IP: '100',
  };
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await db?.close();
    await storage.cleanup();
  });

  it('no charge without a record, no record without a charge, balances sum to zero', async () => {
    const first = await startServerProcess(storage, env);
    children.push(first);
    db = await openDatabase({ dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, schema: storage.databaseSchema });
    const creator = await register(first.url, 'creator');
    const tier = await createTier(first.url, creator);
    const subscribers = await Promise.all(Array.from({ length: 8 }, () => register(first.url, 'fan')));
    for (const f of subscribers) expect((await pay(first.url, f, { subscriptionId: tier.id }, `sub-${f.id}`)).status).toBe(201);
    const payer = await register(first.url, 'fan');

    // Every subscription's period ends now: renewals are charged while the burst runs.
    await db.query(`UPDATE subscriptions SET current_period_end = now() - interval '1 second', next_attempt_at = now() + interval '200 milliseconds'`);
    let acked = 0;
    let killed = false;
    const worker = async (w: number) => {
      for (let i = 0; ; i++) {
        try {
          const res = await pay(first.url, payer, { tip: { creatorId: creator.id, amount: { amount: 100 + w * 1000 + i, currency: 'USD' } } }, `burst-${w}-${i}`);
          expect(res.status).toBe(201);
          acked++;
        } catch {
          expect(killed).toBe(true);
          return;
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await eventually(async () => {
      const r = await db!.query<{ n: number }>('SELECT count(*)::int AS n FROM subscription_renewals');
      return acked >= 15 && r[0]!.n >= 2;
    }, 'a burst with renewals under way', 60_000);
    killed = true;
    first.proc.kill('SIGKILL');
    await Promise.all(workers);
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = await startServerProcess(storage, env);
    children.push(second);
    await eventually(
      async () => {
        const r = await db!.query<{ pending: number; unrenewed: number }>(
          `SELECT (SELECT count(*)::int FROM payment_intents WHERE status = 'pending') AS pending,
                  (SELECT count(*)::int FROM subscriptions WHERE renewal = 'auto' AND renewals = 0) AS unrenewed`,
        );
        return r[0]!.pending === 0 && r[0]!.unrenewed === 0;
      },
      'recovery: no pending intents, every subscription renewed',
      60_000,
    );
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);

    const charges = new Map<string, number>();
    const voided = new Set<string>();
    for (const line of readFileSync(gatewayFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const e = JSON.parse(line) as { t: string; chargeId: string; amount?: { amount: number } };
      if (e.t === 'charge') charges.set(e.chargeId, e.amount!.amount);
      if (e.t === 'void') voided.add(e.chargeId);
    }
    const live = [...charges.keys()].filter((c) => !voided.has(c));
    console.info(`[money-fault] ${acked} acknowledged tips, ${charges.size} gateway charges, ${voided.size} voided by recovery`);
    const payments = await db.query<{ gateway_charge_id: string; amount: string | number }>(`SELECT gateway_charge_id, amount FROM payments WHERE status = 'completed'`);
    const recorded = payments.map((p) => p.gateway_charge_id);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded.filter((c) => !live.includes(c))).toEqual([]);
    expect(live.filter((c) => !recorded.includes(c))).toEqual([]);
    for (const p of payments) expect(Number(p.amount)).toBe(charges.get(p.gateway_charge_id));
    expect(recorded.length).toBeGreaterThanOrEqual(8 + 8 + acked);
    const audit = await auditLedger(db);
    expect(audit.ok).toBe(true);
    expect(Object.values(audit.totals).every((t) => t === 0)).toBe(true);
  }, 240_000);
});
