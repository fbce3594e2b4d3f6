// The signed offline ledger: real SQLite, real Ed25519. A good chain verifies; edits, deletions, swaps and
// forged signatures made through a raw SQLite connection (after dropping the append-only triggers) are each
// named with the right problem and position, by the service and by `ledger verify`'s exit code and JSON.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { GENESIS_PREV_HASH, checkLedger, toBase64Url, verifyLedger } from '@fanz/core';
import { nodeEd25519 } from '@fanz/core/node';
import { openDb, type Db } from '../src/main/services/library/db.js';
import { LedgerService } from '../src/main/services/ledger/ledger-service.js';
import { LedgerError } from '../src/main/services/ledger/ledger-errors.js';
import { loadPublicKeys } from '../src/main/services/ledger/ledger-keys.js';
import { AccountStore, fileSecretBox } from '../src/main/services/account/account-store.js';
import { runCli } from '../src/cli/main.js';
import { EXIT } from '../src/cli/exit-codes.js';
import { LEDGER_INVALID } from '../src/cli/commands/ledger.js';
import { makeTempDir } from './helpers/fixtures.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let db: Db;
let ledger: LedgerService;

beforeEach(async () => {
  tmp = await makeTempDir('fanz-ledger-');
  db = openDb(tmp.dir);
  ledger = new LedgerService(db);
});
afterEach(async () => {
  db.close();
  await tmp.cleanup();
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--data-dir', tmp.dir], undefined, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

function appendFive(): void {
  ledger.append('import', { itemId: 'item_1', path: '/clips/a.mp4' });
  ledger.append('post.published', { postId: 'post_1', title: 'Sunset', price: { amount: 1999, currency: 'USD' } });
  ledger.append('earning.verified', { earningId: 'earn_1', amount: { amount: 1800, currency: 'USD' }, treeSize: 12 });
  ledger.append('payout.requested', { payoutId: 'payout_1', amount: { amount: 5000, currency: 'EUR' } });
  ledger.append('import', { itemId: 'item_2', tags: ['beach', 'é ✓'] });
}

/** A raw connection, as a tamperer would open it, with the append-only triggers dropped. */
function tamper(fn: (raw: Database.Database) => void): void {
  const raw = new Database(join(tmp.dir, 'library.db'));
  raw.exec('DROP TRIGGER ledger_entries_no_update; DROP TRIGGER ledger_entries_no_delete;');
  fn(raw);
  raw.close();
}

async function cliVerify(): Promise<{ code: number; doc: { ok: boolean; entries: number; firstBad?: { position: number; seq: number | null; problem: string; reason: string } } }> {
  const r = await cli(['ledger', 'verify', '--json']);
  return { code: r.code, doc: JSON.parse(r.stdout) as never };
}

describe('ledger service', () => {
  it('verifies a good chain of signed, hash-linked entries', async () => {
    expect(ledger.verify()).toEqual({ ok: true, entries: 0, headHash: null });
    appendFive();
    const v = ledger.verify();
    expect(v).toMatchObject({ ok: true, entries: 5 });
    const entries = ledger.entries();
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(entries[0]!.prevHash).toBe(GENESIS_PREV_HASH);
    // Independently of the service: the core verifier (noble, pure JS) accepts what was stored.
    expect(verifyLedger(entries, loadPublicKeys(db))).toBe(true);
    expect(checkLedger(entries, loadPublicKeys(db))).toMatchObject({ ok: true, headHash: v.headHash });
    expect(ledger.recent(2).map((e) => e.seq)).toEqual([4, 3]);
    expect(entries[4]!.body).toEqual({ itemId: 'item_2', tags: ['beach', 'é ✓'] });

    const r = await cliVerify();
    expect(r.code).toBe(EXIT.OK);
    expect(r.doc).toEqual({ ok: true, entries: 5, headHash: v.headHash, attested: null, attestationProblem: null });
  });

  it('keeps one local key across restarts and records it by keyId', () => {
    const a = ledger.append('import', { n: 1 });
    db.close();
    db = openDb(tmp.dir);
    ledger = new LedgerService(db);
    const b = ledger.append('import', { n: 2 });
    expect(b.keyId).toBe(a.keyId);
    expect(a.keyId).toMatch(/^local-/);
    expect([...loadPublicKeys(db).keys()]).toEqual([a.keyId]);
    expect(ledger.verify().ok).toBe(true);
  });

  it('signs with the signed-in account device key, and old local entries still verify', () => {
    ledger.append('import', { n: 1 });
    const pair = nodeEd25519.generateKeyPair();
    const accounts = new AccountStore(db, fileSecretBox(tmp.dir));
    accounts.save({ serverUrl: 'http://127.0.0.1:1', userId: 'usr_1', username: 'maya', role: 'creator', refreshToken: 'rt', deviceKeyId: 'dev_abc', deviceSecretKey: toBase64Url(pair.secretKey) });
    const signedIn = new LedgerService(db, { accounts });
    const e = signedIn.append('payout.requested', { payoutId: 'payout_9', amount: { amount: 100, currency: 'USD' } });
    expect(e.keyId).toBe('dev_abc');
    expect(toBase64Url(loadPublicKeys(db).get('dev_abc')!)).toBe(toBase64Url(pair.publicKey));
    expect(signedIn.verify()).toMatchObject({ ok: true, entries: 2 });
    // The account was only read.
    expect(accounts.get()?.deviceKeyId).toBe('dev_abc');
  });

  it('refuses unknown kinds, non-JSON bodies and oversized bodies, and stores nothing', () => {
    expect(() => ledger.append('payout.request', {})).toThrow(LedgerError);
    expect(() => ledger.append('import', { n: Number.NaN })).toThrow(/JSON value/);
    expect(() => ledger.append('import', undefined)).toThrow(/JSON value/);
    expect(() => ledger.append('import', { blob: 'x'.repeat(70_000) })).toThrow(/larger than/);
    expect(ledger.count()).toBe(0);
  });

  it('appendOnce records a fact once however often it is seen', () => {
    const body = { earningId: 'earn_1', logIndex: 41, amount: { amount: 1800, currency: 'USD' } };
    const first = ledger.appendOnce('earning.verified', body);
    expect(first.appended).toBe(true);
    ledger.append('import', { itemId: 'item_1' });
    // Same fact with keys in another order: same canonical body, nothing new.
    const again = ledger.appendOnce('earning.verified', { amount: { currency: 'USD', amount: 1800 }, logIndex: 41, earningId: 'earn_1' });
    expect(again).toEqual({ entry: first.entry, appended: false });
    expect(ledger.appendOnce('earning.verified', { ...body, logIndex: 42 }).appended).toBe(true);
    expect(ledger.count()).toBe(3);
    expect(ledger.verify().ok).toBe(true);
  });

  it('refuses to sign when the account device key cannot be read or clashes with a recorded key, storing nothing', () => {
    const accounts = new AccountStore(db, fileSecretBox(tmp.dir));
    const account = { serverUrl: 'http://127.0.0.1:1', userId: 'usr_1', username: 'maya', role: 'creator', refreshToken: 'rt', deviceKeyId: 'dev_abc' };
    accounts.save({ ...account, deviceSecretKey: 'not a key (sealed elsewhere)' });
    const signedIn = new LedgerService(db, { accounts });
    expect(() => signedIn.append('import', {})).toThrow(expect.objectContaining({ code: 'KEY_UNAVAILABLE' }) as Error);
    accounts.save({ ...account, deviceSecretKey: toBase64Url(nodeEd25519.generateKeyPair().secretKey) });
    signedIn.append('import', { n: 1 });
    // The same keyId now pointing at another key would orphan the entries above.
    accounts.save({ ...account, deviceSecretKey: toBase64Url(nodeEd25519.generateKeyPair().secretKey) });
    expect(() => signedIn.append('import', { n: 2 })).toThrow(expect.objectContaining({ code: 'KEY_CONFLICT' }) as Error);
    expect(ledger.count()).toBe(1);
    expect(ledger.verify().ok).toBe(true);
  });

  it('refuses UPDATE and DELETE on entries and keys while the triggers stand', () => {
    appendFive();
    expect(() => db.prepare("UPDATE ledger_entries SET body = '{}' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger_entries WHERE seq = 4').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE ledger_keys SET public_key = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM ledger_keys').run()).toThrow(/append-only/);
    expect(ledger.verify().ok).toBe(true);
  });

  it('names an edited body as a bad signature at its position', async () => {
    appendFive();
    tamper((raw) => raw.prepare(`UPDATE ledger_entries SET body = '{"payoutId":"payout_1","amount":{"amount":500000,"currency":"EUR"}}' WHERE seq = 3`).run());
    const v = ledger.verify();
    expect(v).toMatchObject({ ok: false, entries: 5, firstBad: { position: 3, seq: 3, problem: 'bad-signature' } });
    const r = await cliVerify();
    expect(r.code).toBe(LEDGER_INVALID);
    expect(r.doc.firstBad).toMatchObject({ position: 3, seq: 3, problem: 'bad-signature' });
  });

  it('names a body that is no longer JSON as malformed', () => {
    appendFive();
    tamper((raw) => raw.prepare("UPDATE ledger_entries SET body = '{not json' WHERE seq = 1").run());
    expect(ledger.verify().firstBad).toMatchObject({ position: 1, seq: 1, problem: 'malformed' });
  });

  it('names a deleted middle entry as a gap', async () => {
    appendFive();
    tamper((raw) => raw.prepare('DELETE FROM ledger_entries WHERE seq = 2').run());
    expect(ledger.verify()).toMatchObject({ ok: false, entries: 4, firstBad: { position: 2, seq: 3, problem: 'gap' } });
    const r = await cliVerify();
    expect(r.code).toBe(LEDGER_INVALID);
    expect(r.doc.firstBad).toMatchObject({ position: 2, seq: 3, problem: 'gap' });
    const human = await cli(['ledger', 'verify']);
    expect(human.stdout).toMatch(/INVALID at position 2 \(seq 3\): gap/);
  });

  it('names two swapped rows as reordered', async () => {
    appendFive();
    tamper((raw) => {
      const pos = (seq: number) => raw.prepare('SELECT pos FROM ledger_entries WHERE seq = ?').pluck().get(seq) as number;
      const [p1, p2] = [pos(1), pos(2)];
      raw.prepare('UPDATE ledger_entries SET pos = -1 WHERE seq = 1').run();
      raw.prepare('UPDATE ledger_entries SET pos = ? WHERE seq = 2').run(p1);
      raw.prepare('UPDATE ledger_entries SET pos = ? WHERE seq = 1').run(p2);
    });
    expect(ledger.entries().map((e) => e.seq)).toEqual([0, 2, 1, 3, 4]);
    expect(ledger.verify().firstBad).toMatchObject({ position: 1, seq: 2, problem: 'reordered' });
    const r = await cliVerify();
    expect(r.code).toBe(LEDGER_INVALID);
    expect(r.doc.firstBad).toMatchObject({ position: 1, seq: 2, problem: 'reordered' });
  });

  it('names a re-signed entry with a forged signature (another key, same keyId) as a bad signature', async () => {
    appendFive();
    const forger = nodeEd25519.generateKeyPair();
    tamper((raw) => {
      const sig = toBase64Url(nodeEd25519.sign(new TextEncoder().encode('forged'), forger.secretKey));
      raw.prepare('UPDATE ledger_entries SET signature = ? WHERE seq = 4').run(sig);
    });
    expect(ledger.verify().firstBad).toMatchObject({ position: 4, seq: 4, problem: 'bad-signature' });
    const r = await cliVerify();
    expect(r.code).toBe(LEDGER_INVALID);
    expect(r.doc).toMatchObject({ ok: false, entries: 5, firstBad: { position: 4, problem: 'bad-signature' } });
  });

  it('names an entry signed by a key the ledger never recorded as unknown-key', () => {
    appendFive();
    tamper((raw) => raw.prepare("UPDATE ledger_entries SET key_id = 'dev_stranger' WHERE seq = 0").run());
    expect(ledger.verify().firstBad).toMatchObject({ position: 0, seq: 0, problem: 'unknown-key' });
  });
});

describe('ledger CLI', () => {
  it('appends, lists newest first, and rejects bad input with exit 2', async () => {
    const a = await cli(['ledger', 'append', 'post.published', '--body', '{"postId":"post_7"}', '--json']);
    expect(a.code, a.stderr).toBe(EXIT.OK);
    expect((JSON.parse(a.stdout) as { appended: Array<{ seq: number; kind: string }> }).appended).toMatchObject([{ seq: 0, kind: 'post.published' }]);
    expect((await cli(['ledger', 'append', 'import', '--body', '{"n":2}', '--count', '3'])).code).toBe(EXIT.OK);
    const l = await cli(['ledger', 'list', '--limit', '2', '--json']);
    expect(JSON.parse(l.stdout)).toMatchObject({ total: 4, entries: [{ seq: 3 }, { seq: 2 }] });

    for (const bad of [
      ['ledger', 'append', 'import'],
      ['ledger', 'append', 'import', '--body', '{oops'],
      ['ledger', 'append', 'nope', '--body', '{}'],
      ['ledger', 'append', 'import', '--body', '{}', '--count', '0'],
      ['ledger', 'list', '--limit', 'x'],
      ['ledger', 'frobnicate'],
      ['ledger'],
    ]) {
      const r = await cli([...bad, '--json']);
      expect(r.code, bad.join(' ')).toBe(EXIT.USAGE);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'USAGE' } });
    }
    expect(ledger.count()).toBe(4);
    expect((await cliVerify()).code).toBe(EXIT.OK);
  });
});
