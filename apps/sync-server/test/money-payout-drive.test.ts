// Open payouts are re-driven without a restart (issue 14 item 6), on PGlite and PostgreSQL. The test
// processors are unreachable (a thrown error: outcome unknown) for the first two attempts of a net amount
// ending in .17. The request is answered once the hold commits; each transient failure pushes the next
// attempt back exponentially (payouts.next_drive_at, the database clock); the payout driver finishes it.
import { payoutFee, type Money } from '@fanz/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import { BACKENDS, api, makeStorage, pgSkipReason, type Account, type Running, type Storage } from './helpers.js';
import { FAST_MONEY, bearer, newParties, pay, registerDevice, requestPayout, settledPayout, startMoneyServer, type Device } from './money-helpers.js';

/** The smallest amount from `from` whose net after the 1% fee ends in .17 (unreachable twice, then paid). */
function flakyAmount(from: number): number {
  for (let a = from; ; a++) if (payoutFee({ amount: a, currency: 'USD' } as Money).net.amount % 100 === 17) return a;
}

interface DriveRow {
  status: string;
  drive_attempts: number;
  backoff_ms: number;
  due: boolean;
}

async function driveState(srv: Running, id: string): Promise<DriveRow> {
  const rows = await srv.server.db.query<DriveRow>(
    `SELECT status, drive_attempts, (extract(epoch FROM next_drive_at - updated_at) * 1000)::float8 AS backoff_ms, next_drive_at <= now() AS due
       FROM payouts WHERE id = $1`,
    [id],
  );
  return { ...rows[0]!, backoff_ms: Number(rows[0]!.backoff_ms) };
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(BACKENDS)('open payouts on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  let storage: Storage;
  let creator: Account;
  let device: Device;

  async function fund(srv: Running) {
    const parties = await newParties(srv.url);
    creator = parties.creator;
    device = await registerDevice(srv.url, creator);
    const tip = await pay(srv.url, parties.fan, { tip: { creatorId: creator.id, amount: { amount: 100000, currency: 'USD' } } });
    expect(tip.status).toBe(201);
  }

  beforeAll(() => {
    if (!skip) storage = makeStorage(backend);
  });
  afterAll(async () => {
    await storage?.cleanup();
  });

  it.skipIf(skip)('are answered at the hold and retried with exponential backoff until the processor answers', async () => {
    // The timer is effectively off (hourly) and the base wait is a minute: the test moves the clock in SQL.
    const srv = await startMoneyServer(storage, { money: { ...FAST_MONEY, payoutDrive: { pollMs: 3600_000, retryBaseMs: 60_000, retryMaxMs: 100_000 } } });
    try {
      await fund(srv);
      const amount = flakyAmount(5000);
      const res = await requestPayout(srv.url, creator, device, { amount: { amount, currency: 'USD' }, method: 'paxum', schedule: 'immediate' });
      expect(res.status).toBe(201);
      // Answered once the hold committed, before any processor call.
      expect(res.body.data.status).toBe('requested');
      const id = res.body.data.payout_id as string;
      const balance = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
      expect(balance.body.data.pending.amount).toBe(amount);

      // The request's own drive fails: one attempt, the next one a minute later, not due yet.
      const first = await until(() => driveState(srv, id), (r) => r.drive_attempts === 1, 'the first attempt');
      expect(first).toMatchObject({ status: 'processing', due: false });
      expect(first.backoff_ms).toBeGreaterThanOrEqual(59_000);
      expect(first.backoff_ms).toBeLessThanOrEqual(61_000);
      expect(await srv.server.money.payouts.driveDue()).toBe(0);

      // A minute later: the second attempt fails too and waits twice as long (capped at 100 s).
      await srv.server.db.query(`UPDATE payouts SET next_drive_at = now() WHERE id = $1`, [id]);
      expect(await srv.server.money.payouts.driveDue()).toBe(1);
      const second = await driveState(srv, id);
      expect(second).toMatchObject({ status: 'processing', drive_attempts: 2, due: false });
      expect(second.backoff_ms).toBeGreaterThanOrEqual(99_000);
      expect(second.backoff_ms).toBeLessThanOrEqual(101_000);

      await srv.server.db.query(`UPDATE payouts SET next_drive_at = now() WHERE id = $1`, [id]);
      expect(await srv.server.money.payouts.driveDue()).toBe(1);
      expect(await settledPayout(srv, id)).toMatchObject({ status: 'completed', amount: { amount, currency: 'USD' } });
      const kinds = await srv.server.db.query<{ kind: string }>(`SELECT kind FROM log_entries WHERE entry LIKE $1 ORDER BY idx`, [`%${id}%`]);
      expect(kinds.map((k) => k.kind)).toEqual(['payout.requested', 'payout.completed']);
      expect((await auditLedger(srv.server.db)).ok).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it.skipIf(skip)('a payout the processor could not reach finishes on the timer, without a restart', async () => {
    const srv = await startMoneyServer(storage, { money: { ...FAST_MONEY, payoutDrive: { pollMs: 50, retryBaseMs: 20, retryMaxMs: 100 } } });
    try {
      await fund(srv);
      const amount = flakyAmount(7000);
      const res = await requestPayout(srv.url, creator, device, { amount: { amount, currency: 'USD' }, method: 'bank_transfer', schedule: 'immediate' });
      expect(res.status).toBe(201);
      const done = await settledPayout(srv, res.body.data.payout_id);
      expect(done).toMatchObject({ status: 'completed', amount: { amount, currency: 'USD' } });
      expect((await driveState(srv, res.body.data.payout_id)).drive_attempts).toBe(2);
      const balance = await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator));
      expect(balance.body.data.pending.amount).toBe(0);
      expect(balance.body.data.paidOut.amount).toBe(payoutFee({ amount, currency: 'USD' } as Money).net.amount);
    } finally {
      await srv.close();
    }
  });
});
