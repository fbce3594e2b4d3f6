// SIGKILL in the middle of a stream of purchases, then restart on the same storage (PGlite and PostgreSQL):
// every acknowledged payment is there, the books balance, the log holds exactly one entry per committed
// ledger transaction, the new signed tree head is consistent with one signed before the crash, and the
// requests that were cut off can be retried with their Idempotency-Keys without charging twice.
import { checkLogGrowth, checkTreeHead, fromBase64Url } from '@fanz/core';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { auditLedger } from '../src/ledger/ledger.js';
import { loadLogKey } from '../src/transparency-log/log-keys.js';
import { TransparencyLog } from '../src/transparency-log/transparency-log.js';
import { BACKENDS, api, makeStorage, pgSkipReason, register, type Storage } from './helpers.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { pay } from './money-helpers.js';

type Child = ServerProcess;

const startChild = (storage: Storage): Promise<Child> => startServerProcess(storage, { IDEMPOTENCY_STALE_MS: '1500' });

describe.each(BACKENDS)('money crash recovery on %s', (backend) => {
  const skip = backend === 'postgres' && pgSkipReason !== null;
  const storage = makeStorage(backend);
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await storage.cleanup();
  });

  it.skipIf(skip)(
    'SIGKILL mid-stream: books balance, log size = committed transactions, new head consistent, cut-off requests retry once',
    async () => {
      const first = await startChild(storage);
      children.push(first);
      const creator = await register(first.url, 'creator');
      const fan = await register(first.url, 'fan');
      const tip = (i: number) => ({ tip: { creatorId: creator.id, amount: { amount: 100 + i, currency: 'USD' } } });
      for (let i = 0; i < 3; i++) expect((await pay(first.url, fan, tip(i), `warm-${i}`)).status).toBe(201);
      const before = (await api(first.url, 'GET', '/api/v1/log/tree-head')).body.data;
      const publicKey = fromBase64Url((await api(first.url, 'GET', '/api/v1/log/public-key')).body.data.publicKey);
      expect(checkTreeHead(before, publicKey).ok).toBe(true);

      const acked = new Map<string, string>();
      const cutOff: { key: string; i: number }[] = [];
      let killed = false;
      const worker = async (w: number) => {
        for (let i = 0; ; i++) {
          const key = `stream-${w}-${i}`;
          const n = 1000 + w * 1000 + i;
          try {
            const res = await pay(first.url, fan, tip(n), key);
            expect(res.status).toBe(201);
            acked.set(key, res.body.data.payment.id);
          } catch {
            expect(killed).toBe(true);
            cutOff.push({ key, i: n });
            return;
          }
        }
      };
      const workers = [0, 1, 2, 3].map(worker);
      while (acked.size < 20) await new Promise((r) => setTimeout(r, 10));
      killed = true;
      first.proc.kill('SIGKILL');
      await Promise.all(workers);
      expect((await first.exited).signal).toBe('SIGKILL');

      const second = await startChild(storage);
      children.push(second);
      const after = (await api(second.url, 'GET', '/api/v1/log/tree-head')).body.data;
      expect(after.treeSize).toBeGreaterThanOrEqual(before.treeSize + acked.size);
      const proof = (await api(second.url, 'GET', `/api/v1/log/proofs/consistency?first=${before.treeSize}&second=${after.treeSize}`)).body.data.proof;
      expect(checkLogGrowth(before, after, proof, publicKey)).toEqual({ ok: true });

      // The requests cut off by the crash are retried with the same keys: each charges exactly once.
      expect(cutOff.length).toBe(4);
      const retried = await Promise.all(cutOff.map((c) => pay(second.url, fan, tip(c.i), c.key)));
      expect(retried.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const again = await Promise.all(cutOff.map((c) => pay(second.url, fan, tip(c.i), c.key)));
      expect(again.map((r) => r.body.data.payment.id)).toEqual(retried.map((r) => r.body.data.payment.id));

      second.proc.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);

      const db = await openDatabase({ dataDir: storage.dataDir, databaseUrl: storage.databaseUrl, schema: storage.databaseSchema });
      try {
        const audit = await auditLedger(db);
        expect(audit.mismatchedAccounts).toEqual([]);
        expect(audit.ok).toBe(true);
        const counts = (
          await db.query<{ txns: number; entries: number; size: number; payments: number }>(
            `SELECT (SELECT count(*)::int FROM ledger_transactions) AS txns, (SELECT count(*)::int FROM log_entries) AS entries,
                    (SELECT size::int FROM log_state) AS size, (SELECT count(*)::int FROM payments WHERE status = 'completed') AS payments`,
          )
        )[0]!;
        expect(counts.entries).toBe(counts.txns);
        expect(counts.size).toBe(counts.txns);
        // Only tips happened: one ledger transaction per completed payment, and no key charged twice.
        expect(counts.payments).toBe(counts.txns);
        expect(counts.payments).toBeGreaterThanOrEqual(3 + acked.size + cutOff.length);
        const ids = await db.query<{ id: string }>(`SELECT id FROM payments WHERE status = 'completed'`);
        const stored = new Set(ids.map((r) => r.id));
        for (const id of acked.values()) expect(stored.has(id)).toBe(true);
        const keys = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM idempotency_keys WHERE status = 'completed' AND key LIKE 'stream-%'`);
        // Every completed stream key has its own payment; keys cut off before commit were re-run once.
        expect(counts.payments).toBe(3 + keys[0]!.n);
        const log = new TransparencyLog(db, await loadLogKey(db));
        expect(await log.audit()).toEqual({ ok: true, size: counts.entries });
      } finally {
        await db.close();
      }
    },
    240_000,
  );
});
