// Which key signs the next ledger entry, and the public keys the verifier trusts.
// Signed in with a registered device: the account's device key (its server-issued keyId), so the server can
// check entries it receives. Otherwise: a local ledger key, generated once per studio and kept (sealed) in the
// database. Every key that ever signed is recorded by keyId in ledger_keys, so old entries stay verifiable
// after sign-out or a device-key change. Reads the account only through AccountStore.get(); never writes it.
import { createHash } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '@fanz/core';
import type { Ed25519 } from '@fanz/core';
import type { Db } from '../library/db.js';
import type { Account, SecretBox } from '../account/account-store.js';
import type { LedgerKeyRow } from './ledger-schema.js';
import { LedgerError } from './ledger-errors.js';

export interface SigningKey {
  keyId: string;
  secretKey: Uint8Array;
  source: 'account' | 'local';
}

/** What the ledger needs from the account store (AccountStore fits). */
export interface AccountReader {
  get(): Account | null;
}

/** Local keys are not protected by a keychain here; the data dir is the user's (see fileSecretBox). */
export const plainBox: SecretBox = { kind: 'file', seal: (s) => Buffer.from(s, 'utf8'), open: (b) => b.toString('utf8') };

function decodeSecret(text: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch {
    throw new LedgerError('KEY_UNAVAILABLE', `${what} cannot be read (sealed by another keychain?)`);
  }
  if (bytes.length !== 32) throw new LedgerError('KEY_UNAVAILABLE', `${what} cannot be read (sealed by another keychain?)`);
  return bytes;
}

/** Must run inside the append transaction: it may insert into ledger_keys. */
export function resolveSigningKey(db: Db, signer: Ed25519, box: SecretBox, accounts: AccountReader | null): SigningKey {
  const account = accounts?.get() ?? null;
  if (account?.deviceKeyId && account.deviceSecretKey) {
    const secretKey = decodeSecret(account.deviceSecretKey, 'the account device key');
    const publicKey = toBase64Url(signer.getPublicKey(secretKey));
    const known = db.prepare('SELECT public_key FROM ledger_keys WHERE key_id = ?').pluck().get(account.deviceKeyId) as string | undefined;
    if (known === undefined) {
      db.prepare("INSERT INTO ledger_keys (key_id, public_key, source, secret_sealed, created_at) VALUES (?, ?, 'account', NULL, ?)").run(
        account.deviceKeyId,
        publicKey,
        Date.now(),
      );
    } else if (known !== publicKey) {
      // Re-pointing a keyId at another key would make earlier entries unverifiable; refuse loudly.
      throw new LedgerError('KEY_CONFLICT', `device key id ${account.deviceKeyId} is already recorded with a different public key`);
    }
    return { keyId: account.deviceKeyId, secretKey, source: 'account' };
  }

  const local = db.prepare("SELECT * FROM ledger_keys WHERE source = 'local' ORDER BY created_at, key_id LIMIT 1").get() as LedgerKeyRow | undefined;
  if (local?.secret_sealed) {
    return { keyId: local.key_id, secretKey: decodeSecret(box.open(local.secret_sealed), 'the local ledger key'), source: 'local' };
  }
  const pair = signer.generateKeyPair();
  const publicKey = toBase64Url(pair.publicKey);
  const keyId = `local-${toBase64Url(createHash('sha256').update(pair.publicKey).digest()).slice(0, 22)}`;
  db.prepare("INSERT INTO ledger_keys (key_id, public_key, source, secret_sealed, created_at) VALUES (?, ?, 'local', ?, ?)").run(
    keyId,
    publicKey,
    box.seal(toBase64Url(pair.secretKey)),
    Date.now(),
  );
  return { keyId, secretKey: pair.secretKey, source: 'local' };
}

/** keyId -> public key, for checkLedger. A row whose public key does not decode is simply not trusted. */
export function loadPublicKeys(db: Db): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  for (const r of db.prepare('SELECT key_id, public_key FROM ledger_keys').all() as Array<{ key_id: string; public_key: string }>) {
    try {
      const pk = fromBase64Url(r.public_key);
      if (pk.length === 32) keys.set(r.key_id, pk);
    } catch {
      // left out: entries signed by it are reported as unknown-key
    }
  }
  return keys;
}
