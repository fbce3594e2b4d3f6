#!/usr/bin/env node
// `npm start`: runs the studio together with a local sync server.
// The server always starts (apps/sync-server). The studio UI starts in Electron when its binary is installed,
// otherwise in browser mode; until the desktop UI exists, only the parts that exist are started, and we say so.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const children = [];

function run(name, args, env = {}) {
  const child = spawn(tsx, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
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

const port = process.env.PORT ?? '4000';
run('sync server', [join(root, 'apps/sync-server/src/main.ts')], { PORT: port });

const studioHost = join(root, 'apps/desktop/src/host/main.ts');
if (existsSync(studioHost)) {
  run('studio', [studioHost], { FANZ_SERVER_URL: process.env.FANZ_SERVER_URL ?? `http://127.0.0.1:${port}` });
} else {
  console.log('[start] The studio UI is not built yet (apps/desktop has only its services and CLI: npm run studio -- --help).');
}
