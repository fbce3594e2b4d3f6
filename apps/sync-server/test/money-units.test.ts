// Unit checks of the money building blocks on a real PGlite database: ledger postings refuse anything
// unbalanced or malformed and leave nothing behind, the audit catches a tampered balance, retries back off
// with jitter and only for retriable results, and the Standard Webhooks signer/verifier pair.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyWebhook } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { IdempotencyStore, requestHash } from '../src/ledger/idempotency.js';
import { accountId, auditLedger, postTransaction } from '../src/ledger/ledger.js';
import { backoffDelay, withRetries } from '../src/payments/retry.js';
import { signWebhook } from '../src/webhooks/standard-webhooks.js';

describe('ledger postings', () => {
  let dir: string;
  let db: Database;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fanz-ledger-'));
    db = await openDatabase({ dataDir: dir });
    await migrate(db);
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fan = accountId('fan_funding', 'usr_f', 'USD');
  const creator = accountId('creator_earnings', 'usr_c', 'USD');
  let n = 0;
  const post = (legs: { debit: string; credit: string; amount: number }[], currency = 'USD') =>
    db.transaction((tx) => postTransaction(tx, { id: `txn_${n}`, kind: 'payment', referenceId: 'pay_x', creatorId: 'usr_c', currency, logIndex: n++, legs }));

  it('posts balanced transfers and keeps balances equal to the transfers', async () => {
    await post([{ debit: fan, credit: creator, amount: 1800 }, { debit: fan, credit: accountId('platform_fees', 'platform', 'USD'), amount: 199 }]);
    const audit = await auditLedger(db);
    expect(audit).toMatchObject({ ok: true, transactions: 1, transfers: 2, totals: { USD: 0 } });
  });

  it('refuses zero, negative, fractional, self and cross-currency transfers and writes nothing', async () => {
    const bad = [
      [{ debit: fan, credit: creator, amount: 0 }],
      [{ debit: fan, credit: creator, amount: -5 }],
      [{ debit: fan, credit: creator, amount: 1.5 }],
      [{ debit: fan, credit: fan, amount: 5 }],
      [{ debit: fan, credit: accountId('creator_earnings', 'usr_c', 'EUR'), amount: 5 }],
      [],
    ];
    for (const legs of bad) await expect(post(legs)).rejects.toThrow();
    expect(await auditLedger(db)).toMatchObject({ ok: true, transactions: 1, transfers: 2 });
  });

  it('idempotency keys: one owner, a different request is 409, a stale owner loses the right to record, old keys are pruned', async () => {
    const store = new IdempotencyStore(db, { waitMs: 200, staleMs: 50 });
    const h = requestHash('POST /x', { a: 1 });
    const first = await store.claim('usr_a', 'k1', h);
    if (!first.owner) throw new Error('expected to own the key');
    await expect(store.claim('usr_a', 'k1', requestHash('POST /x', { a: 2 }))).rejects.toMatchObject({ code: 'CONFLICT' });
    first.release();
    await new Promise((r) => setTimeout(r, 80));
    // The first owner went quiet for longer than staleMs: a retry takes the key over...
    const second = await store.claim('usr_a', 'k1', h);
    if (!second.owner) throw new Error('expected a takeover');
    // ...and the first owner can no longer store a result (its transaction would roll back).
    await expect(store.complete(db, { userId: 'usr_a', key: 'k1', token: first.token }, { status: 201, data: 1 })).rejects.toMatchObject({ code: 'CONFLICT' });
    await store.complete(db, { userId: 'usr_a', key: 'k1', token: second.token }, { status: 201, data: 2 });
    second.release();
    const replayed = await store.claim('usr_a', 'k1', h);
    expect(replayed).toEqual({ owner: false, response: { status: 201, data: 2 } });
    await db.query(`UPDATE idempotency_keys SET created_at = now() - interval '8 days' WHERE key = 'k1'`);
    expect(await store.prune(7 * 24 * 3600_000)).toBe(1);
  });

  it('the audit reports a balance edited outside the ledger', async () => {
    await db.query('UPDATE ledger_accounts SET balance = balance + 1 WHERE id = $1', [creator]);
    const audit = await auditLedger(db);
    expect(audit.ok).toBe(false);
    expect(audit.mismatchedAccounts).toEqual([{ id: creator, stored: 1801, fromTransfers: 1800 }]);
    await db.query('UPDATE ledger_accounts SET balance = balance - 1 WHERE id = $1', [creator]);
  });
});

describe('retries', () => {
  it('backs off exponentially with full jitter under a cap', () => {
    expect(backoffDelay(0, { baseMs: 100, maxMs: 1000, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 1000, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, { baseMs: 100, maxMs: 1000, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(5, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(0);
  });

  it('retries only retriable results, up to the attempt limit', async () => {
    const sleeps: number[] = [];
    const opts = { attempts: 4, baseMs: 10, maxMs: 100, random: () => 1, sleep: async (ms: number) => void sleeps.push(ms) };
    let calls = 0;
    const always = await withRetries(async () => (calls++, { retriable: true }), (r) => r.retriable, opts);
    expect(always.attempts).toBe(4);
    expect(calls).toBe(4);
    expect(sleeps).toEqual([10, 20, 40]);
    calls = 0;
    const final = await withRetries(async () => (calls++, { retriable: false }), (r) => r.retriable, opts);
    expect(final.attempts).toBe(1);
    calls = 0;
    const third = await withRetries(async (a) => (calls++, { retriable: a < 2 }), (r) => r.retriable, opts);
    expect(third.attempts).toBe(3);
  });
});

describe('Standard Webhooks signing', () => {
  it('signs what verifyWebhook accepts, for whsec_ and plain secrets, and nothing else', () => {
    const body = JSON.stringify({ type: 'payment.completed', data: { amount: 1999 } });
    const now = Date.now();
    for (const secret of ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'a plain shared secret value']) {
      const headers = signWebhook('evt_1', Math.floor(now / 1000), body, secret);
      expect(verifyWebhook(body, headers as unknown as Record<string, string>, secret, { now })).toMatchObject({ ok: true, id: 'evt_1' });
      expect(verifyWebhook(body.replace('1999', '1'), headers as unknown as Record<string, string>, secret, { now }).ok).toBe(false);
      expect(verifyWebhook(body, { ...headers, 'webhook-id': 'evt_2' } as unknown as Record<string, string>, secret, { now }).ok).toBe(false);
      expect(verifyWebhook(body, headers as unknown as Record<string, string>, secret, { now: now + 301_000 }).ok).toBe(false);
      // Several signatures (key rotation): any matching v1 entry is accepted.
      const rotated = { ...headers, 'webhook-signature': `v1,AAAA v2,xyz ${headers['webhook-signature']}` };
      expect(verifyWebhook(body, rotated as unknown as Record<string, string>, secret, { now }).ok).toBe(true);
    }
  });
});
