// The log's Ed25519 signing key, generated once per database and kept in server_secrets, so every
// instance sharing the database signs with the same key and tree heads survive restarts.
import type { Database } from '../db/database.js';
import { nodeEd25519 } from '@fanz/core/node';

const SECRET_NAME = 'log_ed25519';

export interface LogKey {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export async function loadLogKey(db: Database): Promise<LogKey> {
  const fresh = nodeEd25519.generateKeyPair();
  await db.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    SECRET_NAME,
    fresh.secretKey,
  ]);
  const rows = await db.query<{ value: Uint8Array }>('SELECT value FROM server_secrets WHERE name = $1', [SECRET_NAME]);
  const secretKey = new Uint8Array(rows[0]!.value);
  return { secretKey, publicKey: nodeEd25519.getPublicKey(secretKey) };
}
