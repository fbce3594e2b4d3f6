// A cut ledger tail is caught (issue 14 item 8). The hash chain alone cannot see it: delete the last entries
// and the rest still verifies. The studio attests its ledger head in the real server's transparency log
// (PGlite) at each sync; `ledger verify` (the CLI, same data dir) then fails on a ledger that lost the
// attested entry, and the server's record still names it after the local record is gone too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../sync-server/src/server.js';
import { fileSecretBox } from '../src/main/services/account/account-store.js';
import { CatalogService } from '../src/main/services/catalog/catalog-service.js';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { attestLedgerHead, checkAttested, serverAttestation, verifyAgainstAttestation } from '../src/main/services/ledger/ledger-attestation.js';
import { LedgerService } from '../src/main/services/ledger/ledger-service.js';
import { runCli } from './helpers/cli.js';

let dir: string;
let studioDir: string;
let server: FanzServer;
let url: string;
let db: Db;
let catalog: CatalogService;
let ledger: LedgerService;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-ledger-attest-'));
  studioDir = join(dir, 'studio');
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  db = openDb(studioDir);
  const box = fileSecretBox(studioDir);
  catalog = new CatalogService({ db, box, defaultServerUrl: url, mode: 'browser', maxBackoffMs: 200, deviceName: 'attest test' });
  const n = Math.random().toString(36).slice(2, 10);
  await catalog.register({ serverUrl: url, email: `c${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'C' });
  ledger = new LedgerService(db, { accounts: catalog.accounts, box });
});

afterAll(async () => {
  catalog?.close();
  db?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ledger head attestation', () => {
  it('attests the head in the server log; a cut tail then fails `ledger verify`', async () => {
    for (let i = 0; i < 4; i++) ledger.append('earning.verified', { earningId: `earn_${i}` });
    const head = ledger.recent(1)[0]!;
    const a = await attestLedgerHead(db, catalog, ledger);
    expect(a).toMatchObject({ seq: head.seq, headHash: ledger.verify().headHash });
    // It is an entry of the server's public log, signed by this device's key.
    const logged = await server.db.query<{ entry: string }>(`SELECT entry FROM log_entries WHERE kind = 'ledger.attested'`);
    expect(logged).toHaveLength(1);
    const entry = JSON.parse(logged[0]!.entry) as { seq: number; headHash: string; device: { keyId: string } };
    expect(entry).toMatchObject({ seq: head.seq, headHash: a!.headHash, device: { keyId: catalog.accounts.get()!.deviceKeyId } });
    // Nothing new: no second attestation.
    expect(await attestLedgerHead(db, catalog, ledger)).toBeNull();

    const ok = await runCli(['ledger', 'verify', '--json', '--data-dir', studioDir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, attested: { seq: head.seq } });

    // Cut the tail as someone with the database file would (the append-only trigger is only a guard rail):
    // the chain that is left still verifies on its own...
    db.exec('DROP TRIGGER ledger_entries_no_delete');
    db.prepare('DELETE FROM ledger_entries WHERE pos = (SELECT max(pos) FROM ledger_entries)').run();
    expect(ledger.verify().ok).toBe(true);
    // ...but not against the attested head.
    expect(verifyAgainstAttestation(db, ledger)).toMatchObject({ ok: false });
    const cut = await runCli(['ledger', 'verify', '--json', '--data-dir', studioDir]);
    expect(cut.code).toBe(7);
    const out = JSON.parse(cut.stdout) as { ok: boolean; attestationProblem: string };
    expect(out.ok).toBe(false);
    expect(out.attestationProblem).toContain('the ledger was cut');
    expect(out.attestationProblem).toContain(`#${head.seq}`);

    // Deleting the local record as well does not help: the server's log still has the attested head.
    db.prepare('DELETE FROM ledger_attestations').run();
    const fromServer = await serverAttestation(db, catalog);
    expect(fromServer).toMatchObject({ seq: head.seq });
    expect(checkAttested(ledger, fromServer!)).toContain('the ledger was cut');
  });

  it('refuses an attestation not signed by a registered device key (401) and logs nothing', async () => {
    const before = (await server.db.query(`SELECT idx FROM log_entries WHERE kind = 'ledger.attested'`)).length;
    const res = await fetch(`${url}/api/v1/ledger/attestations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await catalog.getAccessToken()}`, 'fanz-key-id': catalog.accounts.get()!.deviceKeyId!, 'fanz-signature': 'bad' },
      body: JSON.stringify({ seq: 99, headHash: 'A'.repeat(43), timestamp: new Date().toISOString() }),
    });
    expect(res.status).toBe(401);
    const bad = await fetch(`${url}/api/v1/ledger/attestations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await catalog.getAccessToken()}` },
      body: JSON.stringify({ seq: -1, headHash: 'x', timestamp: 'yesterday' }),
    });
    expect(bad.status).toBe(400);
    expect((await server.db.query(`SELECT idx FROM log_entries WHERE kind = 'ledger.attested'`)).length).toBe(before);
  });
});
