// The signed-in account of this studio: server URL, user, the rotating refresh token and the device's
// Ed25519 key. Secrets are sealed by a SecretBox: Electron's safeStorage (the OS keychain) in the desktop
// app; in browser mode there is no keychain, so they rest in the studio's database file, which only the
// user can read (the data dir is created 0700), and SessionInfo says so. Its table comes from migration
// 009_account_catalog.sql, applied when the studio database is opened.
import { chmodSync } from 'node:fs';
import type { Db } from '../library/db.js';

export interface SecretBox {
  kind: 'os-keychain' | 'file';
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

/** Browser mode / tests: no OS keychain; protection is the file permissions of the data dir. */
export function fileSecretBox(dataDir: string): SecretBox {
  try {
    chmodSync(dataDir, 0o700);
  } catch {
    // not ours to change (e.g. a shared test dir); the database file itself is still the user's
  }
  return { kind: 'file', seal: (s) => Buffer.from(s, 'utf8'), open: (b) => b.toString('utf8') };
}

export interface Account {
  serverUrl: string;
  userId: string;
  username: string;
  role: string;
  refreshToken: string;
  deviceKeyId: string | null;
  deviceSecretKey: string | null;
}

export class AccountStore {
  constructor(
    private readonly db: Db,
    readonly box: SecretBox,
  ) {}

  get(): Account | null {
    const r = this.db.prepare('SELECT * FROM studio_account WHERE id = 1').get() as
      | { server_url: string; user_id: string; username: string; role: string; refresh_sealed: Buffer; device_key_id: string | null; device_secret_sealed: Buffer | null }
      | undefined;
    if (!r) return null;
    return {
      serverUrl: r.server_url,
      userId: r.user_id,
      username: r.username,
      role: r.role,
      refreshToken: this.box.open(r.refresh_sealed),
      deviceKeyId: r.device_key_id,
      deviceSecretKey: r.device_secret_sealed ? this.box.open(r.device_secret_sealed) : null,
    };
  }

  save(a: Account): void {
    this.db
      .prepare(
        `INSERT INTO studio_account (id, server_url, user_id, username, role, refresh_sealed, device_key_id, device_secret_sealed, updated_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url, user_id = excluded.user_id, username = excluded.username,
           role = excluded.role, refresh_sealed = excluded.refresh_sealed, device_key_id = excluded.device_key_id,
           device_secret_sealed = excluded.device_secret_sealed, updated_at = excluded.updated_at`,
      )
      .run(
        a.serverUrl,
        a.userId,
        a.username,
        a.role,
        this.box.seal(a.refreshToken),
        a.deviceKeyId,
        a.deviceSecretKey ? this.box.seal(a.deviceSecretKey) : null,
        Date.now(),
      );
  }

  /** Rotation: every refresh returns a new refresh token, which must be saved before it is used. */
  setRefreshToken(token: string): void {
    this.db.prepare('UPDATE studio_account SET refresh_sealed = ?, updated_at = ? WHERE id = 1').run(this.box.seal(token), Date.now());
  }

  clear(): void {
    this.db.prepare('DELETE FROM studio_account').run();
  }
}
