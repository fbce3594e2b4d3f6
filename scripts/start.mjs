#!/usr/bin/env node
// `npm start`: runs the studio together with a local sync server.
// The server always starts (apps/sync-server, PORT default 4000), serving the fan web app at / (built here
// first when its sources changed). The studio opens in Electron when its
// binary is installed (built with electron-vite first), otherwise in browser mode: a host on 127.0.0.1
// that prints `Studio: http://127.0.0.1:PORT/#token=...`. One line says which mode was chosen and why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const desktop = join(root, 'apps/desktop');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const children = [];

function run(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  child.on('exit', (code, signal) => {
    console.error(`[start] ${name} exited (${signal ?? code})`);
    shutdown(code ?? 1);
  });
  children.push(child);
  return child;
}

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5_000).unref();
  Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : null))).then(() =>
    process.exit(code),
  );
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/**
 * The Electron binary's path, or the reason there is none. `npm install` installs the electron package
 * (types and the electron-vite build need it) but not its binary: the package fetches that on first use.
 * Here that fetch is tried once, quietly, unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 says not to.
 */
function electronBinary() {
  if (process.env.FANZ_STUDIO_BROWSER === '1') return { reason: 'FANZ_STUDIO_BROWSER=1' };
  const req = createRequire(join(desktop, 'package.json'));
  let pkgDir;
  try {
    pkgDir = dirname(req.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const installed = () => existsSync(join(pkgDir, 'path.txt')) && existsSync(join(pkgDir, 'dist', readFileSync(join(pkgDir, 'path.txt'), 'utf8')));
  if (!installed()) {
    if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { reason: 'the Electron binary is not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD is set)' };
    console.log('[start] downloading the Electron binary (first start)...');
    const r = spawnSync(process.execPath, [join(pkgDir, 'install.js')], { encoding: 'utf8' });
    const error = `${r.stderr ?? ''}`.split('\n').find((l) => /error/i.test(l))?.trim();
    if (r.status !== 0 || !installed()) return { reason: `the Electron binary could not be downloaded (${error ?? `exit ${r.status}`})` };
  }
  try {
    const path = req('electron');
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { reason: 'the electron package has no binary' };
  } catch (err) {
    return { reason: `no Electron binary installed (${String(err.message).split('\n')[0]})` };
  }
}

const port = process.env.PORT ?? '4000';
const serverUrl = process.env.FANZ_SERVER_URL ?? `http://127.0.0.1:${port}`;
// The server serves the fan web app at /: build it first when its sources changed (a failure only means
// the server starts without it, and says so).
spawnSync(process.execPath, [join(root, 'apps/fan-web/scripts/ensure-built.mjs'), '--soft'], { cwd: root, stdio: 'inherit' });
run('sync server', tsx, [join(root, 'apps/sync-server/src/main.ts')], { PORT: port });

const electron = electronBinary();
if (electron.path) {
  console.log('[start] Studio: opening the Electron app');
  const built = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: desktop, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('[start] electron-vite build failed');
    shutdown(1);
  } else {
    run('studio (Electron)', electron.path, [desktop], { FANZ_SERVER_URL: serverUrl });
  }
} else {
  console.log(`[start] Studio: browser mode, because ${electron.reason}. Open the "Studio:" address below in a browser.`);
  run('studio (browser mode)', tsx, [join(desktop, 'src/host/main.ts')], { FANZ_SERVER_URL: serverUrl });
}
