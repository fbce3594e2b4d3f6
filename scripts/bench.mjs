#!/usr/bin/env node
// Runs every workspace benchmark (`<workspace>/bench/*.bench.ts`) one after another, so they do not
// compete for the machine's cores. Each benchmark measures a baseline in the same run and prints ratios.
// Usage: npm run bench [-- <substring filter>]
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv[2] ?? '';
const workspaces = ['packages/core', 'packages/ml-models', 'apps/sync-server', 'apps/desktop'];
const files = workspaces.flatMap((ws) => {
  const dir = join(root, ws, 'bench');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .map((f) => join(dir, f));
}).filter((f) => f.includes(filter));

if (files.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${relative(root, file)} ===`);
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [file], { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'production' } });
  if (r.status !== 0) {
    failed++;
    console.error(`benchmark ${relative(root, file)} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed ? 1 : 0);
