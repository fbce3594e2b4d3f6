// Standing payout schedules over real HTTP (PGlite): a weekly schedule signed once by the device (its
// nonce cannot be replayed), run by the server once per period, also when runners race and across a
// restart on the same storage; the amount is a per-period maximum; a canceled schedule runs no more.
// "A week passed" is simulated by moving next_run_at into the past in the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger } from '../src/ledger/ledger.js';
import { api, eventually, makeStorage, type Account, type Running, type Storage } from './helpers.js';
import { FAST_MONEY, bearer, freshPayout, newParties, pay, registerDevice, requestPayout, startMoneyServer, type Device } from './money-helpers.js';

describe('standing payout schedules', () => {
  let storage: Storage;
  let srv: Running;
  let creator: Account;
  let fan: Account;
  let device: Device;
  const start = () => startMoneyServer(storage, { money: { ...FAST_MONEY, payoutSchedules: { pollMs: 100 } } });

  beforeAll(async () => {
    storage = makeStorage('pglite');
    srv = await start();
    ({ creator, fan } = await newParties(srv.url));
    device = await registerDevice(srv.url, creator);
    // 100.00 tip -> 90.00 available.
    expect((await pay(srv.url, fan, { tip: { creatorId: creator.id, amount: { amount: 10000, currency: 'USD' } } })).status).toBe(201);
  });
  afterAll(async () => {
    await srv?.close();
    await storage?.cleanup();
  });

  const available = async () => (await api(srv.url, 'GET', '/api/v1/finance/balance', undefined, bearer(creator))).body.data.available.amount as number;
  const payoutsOf = async (scheduleId: string) =>
    (await srv.server.db.query<{ payout_id: string | null; outcome: string }>('SELECT payout_id, outcome FROM payout_schedule_runs WHERE schedule_id = $1 ORDER BY period', [scheduleId]));
  const weekPasses = (id: string) => srv.server.db.query(`UPDATE payout_schedules SET next_run_at = now() - interval '1 second' WHERE id = $1`, [id]);

  it('a signed weekly schedule pays once per period, across racing runners and a restart', async () => {
    const body = freshPayout({ amount: { amount: 3000, currency: 'USD' }, method: 'paxum', schedule: 'weekly' });
    const created = await requestPayout(srv.url, creator, device, body);
    expect(created.status).toBe(201);
    const s = created.body.data;
    expect(s).toMatchObject({ schedule: 'weekly', status: 'active', amount: { amount: 3000, currency: 'USD' } });
    expect(Date.parse(s.next_run_at) - Date.now()).toBeGreaterThan(6 * 86400_000);
    // Signed once: the same request cannot set up a second schedule.
    expect((await requestPayout(srv.url, creator, device, body)).body.error.code).toBe('NONCE_REUSED');
    const listed = await api(srv.url, 'GET', '/api/v1/finance/payout-schedules', undefined, bearer(creator));
    expect(listed.body.data.schedules.map((x: { schedule_id: string }) => x.schedule_id)).toEqual([s.schedule_id]);

    const before = await available();
    await weekPasses(s.schedule_id);
    await Promise.all(Array.from({ length: 5 }, () => srv.server.money.payoutSchedules.runDue()));
    await eventually(async () => (await payoutsOf(s.schedule_id)).length === 1, 'the first period');
    const [run] = await payoutsOf(s.schedule_id);
    expect(run!.outcome).toBe('requested');
    const payout = (await srv.server.db.query<{ status: string; amount: string | number }>('SELECT status, amount FROM payouts WHERE id = $1', [run!.payout_id]))[0]!;
    expect(payout).toMatchObject({ status: 'completed' });
    expect(Number(payout.amount)).toBe(3000);
    expect(await available()).toBe(before - 3000);
    const logged = await srv.server.db.query<{ entry: string }>(`SELECT entry FROM log_entries WHERE kind = 'payout.requested' AND entry LIKE $1`, [`%${run!.payout_id}%`]);
    expect(JSON.parse(logged[0]!.entry).schedule.scheduleId).toBe(s.schedule_id);

    // Restart on the same storage: the period that ran does not run again.
    await srv.close();
    srv = await start();
    await new Promise((r) => setTimeout(r, 400));
    expect((await payoutsOf(s.schedule_id)).length).toBe(1);
    // The next week pays again.
    await weekPasses(s.schedule_id);
    await eventually(async () => (await payoutsOf(s.schedule_id)).length === 2, 'the second period');
    expect(await available()).toBe(before - 6000);
  });

  it('pays at most what is available, skips an empty period, and stops when canceled', async () => {
    const created = await requestPayout(srv.url, creator, device, freshPayout({ amount: { amount: 500000, currency: 'USD' }, method: 'paxum', schedule: 'monthly' }));
    expect(created.status).toBe(201);
    const id = created.body.data.schedule_id;
    const all = await available();
    await weekPasses(id);
    await eventually(async () => (await payoutsOf(id)).length === 1, 'the capped period');
    expect(await available()).toBe(0);
    const paid = (await srv.server.db.query<{ amount: string | number }>('SELECT amount FROM payouts WHERE id = $1', [(await payoutsOf(id))[0]!.payout_id]))[0]!;
    expect(Number(paid.amount)).toBe(all);
    await weekPasses(id);
    await eventually(async () => (await payoutsOf(id)).length === 2, 'the empty period');
    expect((await payoutsOf(id))[1]!.outcome).toBe('skipped_no_balance');

    const canceled = await api(srv.url, 'DELETE', `/api/v1/finance/payout-schedules/${id}`, undefined, bearer(creator));
    expect(canceled.status).toBe(200);
    expect(canceled.body.data.status).toBe('canceled');
    await weekPasses(id);
    await new Promise((r) => setTimeout(r, 400));
    expect((await payoutsOf(id)).length).toBe(2);
    expect((await auditLedger(srv.server.db)).ok).toBe(true);
  });
});
