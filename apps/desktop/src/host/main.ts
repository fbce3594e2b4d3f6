// Browser mode entry (`npm start` runs it when no Electron binary is installed): opens the studio's
// services on the data dir, serves the UI on 127.0.0.1 and prints the address with its per-launch token.
// Env: FANZ_SERVER_URL (default http://127.0.0.1:4000), FANZ_STUDIO_DIR (data dir), FANZ_STUDIO_PORT (0 = any),
// FANZ_STUDIO_RENDERER_DIR (serve a prebuilt bundle instead of building), FANZ_SYNC_MAX_BACKOFF_MS.
import { resolveDataDir } from '../main/services/library/data-dir.js';
import { fileSecretBox } from '../main/services/account/account-store.js';
import { openBackend } from '../main/studio-backend.js';
import { startHost } from './host-server.js';
import { ensureRendererBuilt } from './renderer-build.js';

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

const rendererDir = process.env.FANZ_STUDIO_RENDERER_DIR || (await ensureRendererBuilt(undefined, (l) => console.error(l)));
const backend = openBackend({
  dataDir: resolveDataDir(null),
  defaultServerUrl: process.env.FANZ_SERVER_URL || 'http://127.0.0.1:4000',
  mode: 'browser',
  box: fileSecretBox,
  maxBackoffMs: intEnv('FANZ_SYNC_MAX_BACKOFF_MS', 10_000),
});
const host = await startHost({ backend, rendererDir, port: intEnv('FANZ_STUDIO_PORT', 0) });
console.log(`[studio] browser mode (no Electron window); data dir: ${backend.studio.dataDir}`);
console.log(`Studio: ${host.openUrl}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 8_000).unref();
    void host
      .close()
      .then(() => backend.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('[studio] shutdown failed:', (err as Error).message);
          process.exit(1);
        },
      );
  });
}
