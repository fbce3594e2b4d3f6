// The ledger stays cheap as it grows (issue 14 items 9 and 10): appendOnce finds an existing entry through an
// index on its dedupe key instead of scanning, the head is read directly (no signature checks), and the
// ledger's tables come from a numbered migration like the rest of the studio database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { LedgerService } from '../src/main/services/ledger/ledger-service.js';
import { makeTempDir } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;

beforeEach(async () => {
  tmp = await makeTempDir();
  db = openDb(join(tmp.dir, 'data'));
});
afterEach(async () => {
  db.close();
  await tmp.cleanup();
});

describe('ledger growth', () => {
  it('has its tables from a numbered migration, before any LedgerService opens it', () => {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('ledger_entries', 'ledger_keys')`).pluck().all();
    expect(tables.sort()).toEqual(['ledger_entries', 'ledger_keys']);
    const triggers = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries'`).pluck().all();
    expect(triggers.sort()).toEqual(['ledger_entries_no_delete', 'ledger_entries_no_update']);
  });

  it('appendOnce looks its entry up through an index, and dedupes', () => {
    const ledger = new LedgerService(db);
    for (let i = 0; i < 50; i++) ledger.append('earning.verified', { logIndex: i });
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM ledger_entries WHERE kind = ? AND body = ? ORDER BY pos LIMIT 1`)
      .all('earning.verified', '{"logIndex":3}') as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX ledger_entries_dedupe/);
    const again = ledger.appendOnce('earning.verified', { logIndex: 3 });
    expect(again.appended).toBe(false);
    expect(again.entry.seq).toBe(3);
    expect(ledger.count()).toBe(50);
  });

  it('reads the head directly: the same hash the full verification ends at', () => {
    const ledger = new LedgerService(db);
    expect(ledger.head()).toBeNull();
    for (let i = 0; i < 5; i++) ledger.append('import', { n: i });
    expect(ledger.head()).toEqual({ seq: 4, hash: ledger.verify().headHash });
  });
});
