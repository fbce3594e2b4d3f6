// The ledger across processes: two CLI processes appending at once never fork the chain (each append
// re-reads the head under the write lock), and SIGKILL in the middle of an append loop leaves a chain that
// still verifies and keeps growing. Runs the real bin (tsx + src/cli/main.ts) in child processes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { LedgerService } from '../src/main/services/ledger/ledger-service.js';
import { makeTempDir } from './helpers/fixtures.js';
import { runCli, startCli } from './helpers/cli.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;

beforeEach(async () => {
  tmp = await makeTempDir('fanz-ledger-proc-');
  db = openDb(tmp.dir);
  new LedgerService(db).append('import', { first: true });
});
afterEach(async () => {
  db.close();
  await tmp.cleanup();
});

function count(): number {
  const raw = new Database(join(tmp.dir, 'library.db'), { readonly: true });
  try {
    return raw.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number;
  } finally {
    raw.close();
  }
}

async function waitForCount(atLeast: number, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const n = count();
    if (n >= atLeast) return n;
    if (Date.now() > until) throw new Error(`ledger stayed at ${n} entries`);
    await sleep(20);
  }
}

/** Starts a child that appends in a loop until killed. */
function startLooper(tag: string) {
  return startCli(['ledger', 'append', 'import', '--body', JSON.stringify({ proc: tag }), '--count', '1000000', '--data-dir', tmp.dir]);
}

describe('ledger across processes', () => {
  it('two processes appending at once produce one unforked chain', async () => {
    const a = startLooper('a');
    try {
      await waitForCount(30);
      const b = await runCli(['ledger', 'append', 'payout.requested', '--body', '{"proc":"b"}', '--count', '300', '--data-dir', tmp.dir, '--json']);
      expect(b.code, b.stderr).toBe(0);
      await waitForCount(count() + 20); // a is still appending after b finished
    } finally {
      a.child.kill('SIGKILL');
    }
    const exit = await a.done;
    expect(exit.signal).toBe('SIGKILL');

    const ledger = new LedgerService(db);
    const entries = ledger.entries();
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i));
    expect(entries.filter((e) => (e.body as { proc?: string }).proc === 'b')).toHaveLength(300);
    expect(entries.filter((e) => (e.body as { proc?: string }).proc === 'a').length).toBeGreaterThanOrEqual(50);
    expect(ledger.verify()).toMatchObject({ ok: true, entries: entries.length });
  }, 90_000);

  it('a process killed mid-append leaves a chain that verifies and keeps growing', async () => {
    for (let round = 0; round < 3; round++) {
      const before = count();
      const looper = startLooper(`kill-${round}`);
      // Kill at a different depth each round, while it is busy appending.
      await waitForCount(before + 20 + round * 37);
      looper.child.kill('SIGKILL');
      expect((await looper.done).signal).toBe('SIGKILL');
      const v = new LedgerService(db).verify();
      expect(v, JSON.stringify(v.firstBad)).toMatchObject({ ok: true, entries: count() });
    }
    const after = await runCli(['ledger', 'append', 'earning.verified', '--body', '{"earningId":"earn_1"}', '--data-dir', tmp.dir]);
    expect(after.code, after.stderr).toBe(0);
    const verify = await runCli(['ledger', 'verify', '--json', '--data-dir', tmp.dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: count() });
  }, 120_000);
});
