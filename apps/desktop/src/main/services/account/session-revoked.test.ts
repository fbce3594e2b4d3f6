// Keep state true (issue 14 item 13): when the server refuses the refresh token (the session was revoked,
// e.g. signed out elsewhere), the studio must stop saying "signed in". Real sync server on PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../../sync-server/src/config.js';
import { buildServer, type FanzServer } from '../../../../../sync-server/src/server.js';
import { openDb, type Db } from '../library/db.js';
import { fileSecretBox } from './account-store.js';
import { CatalogService } from '../catalog/catalog-service.js';

let dir: string;
let server: FanzServer;
let url: string;
let db: Db;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fanz-revoked-'));
  server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent' }, { logger: false });
  url = await server.listen();
  db = openDb(join(dir, 'studio'));
});
afterAll(async () => {
  db?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a revoked session', () => {
  it('is signed out on the refresh the server answers 401, with the reason in words', async () => {
    const box = fileSecretBox(dir);
    const first = new CatalogService({ db, box, defaultServerUrl: url, mode: 'browser', maxBackoffMs: 200, deviceName: 'revoked test' });
    const n = Math.random().toString(36).slice(2, 10);
    await first.register({ serverUrl: url, email: `c${n}@example.test`, password: 'correct horse battery', username: `creator_${n}`, displayName: 'C' });
    const refreshToken = first.accounts.get()!.refreshToken;
    first.close();
    // Signed out elsewhere: the server revokes the session.
    const out = await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
    expect(out.status).toBe(200);

    // The studio starts again (no access token in memory) and needs a refresh.
    const studio = new CatalogService({ db, box, defaultServerUrl: url, mode: 'browser', maxBackoffMs: 200, deviceName: 'revoked test' });
    try {
      expect(studio.session().signedIn).toBe(true);
      const sessions: number[] = [];
      studio.on('session', () => sessions.push(1));
      const err = await studio.getAccessToken().then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err?.code).toBe('SESSION_ENDED');
      expect(err?.message).toContain('sign in again');
      expect(studio.session()).toMatchObject({ signedIn: false, user: null });
      expect(sessions.length).toBeGreaterThan(0);
    } finally {
      studio.close();
    }
  });
});
