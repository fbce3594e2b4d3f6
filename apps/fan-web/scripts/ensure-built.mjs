#!/usr/bin/env node
// Makes sure apps/fan-web/dist exists and is newer than its sources (src/, index.html, vite.config.ts and
// @fanz/core's sources), building it with Vite when not: a fresh clone, or after an edit. Same approach as
// the studio's renderer (apps/desktop/src/host/renderer-build.ts): build into a temporary folder, stamp it,
// and rename it into place, so a server starting at the same time never serves a half-written bundle.
// Run by `npm install` (root postinstall), `npm start` and the fan web e2e. With --soft a failed build only
// prints why (the sync server then starts without the fan web app and says so).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = fileURLToPath(new URL('..', import.meta.url));
export const FAN_WEB_DIST = join(appRoot, 'dist');
const SOURCES = [join(appRoot, 'src'), join(appRoot, 'index.html'), join(appRoot, 'vite.config.ts'), join(appRoot, '..', '..', 'packages', 'core', 'src')];
const STAMP = '.built-at';

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.isDirectory() || e.isFile()) newest = Math.max(newest, newestMtime(join(path, e.name)));
  }
  return newest;
}

export function fanWebIsFresh(outDir = FAN_WEB_DIST) {
  const stamp = join(outDir, STAMP);
  if (!existsSync(stamp) || !existsSync(join(outDir, 'index.html'))) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => !existsSync(s) || newestMtime(s) <= built);
}

export async function ensureFanWebBuilt(outDir = FAN_WEB_DIST, log = (line) => console.log(line)) {
  if (fanWebIsFresh(outDir)) return { built: false, outDir };
  log('[fan-web] building the fan web app with Vite...');
  const { build } = await import('vite');
  const tmp = `${outDir}.tmp-${process.pid}`;
  await build({ configFile: join(appRoot, 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmp, emptyOutDir: true } });
  await writeFile(join(tmp, STAMP), new Date().toISOString());
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir).catch(async (err) => {
    // Another process won the race and its bundle is just as fresh.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    await rm(tmp, { recursive: true, force: true });
  });
  log(`[fan-web] built into ${outDir}`);
  return { built: true, outDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const soft = process.argv.includes('--soft');
  try {
    const r = await ensureFanWebBuilt();
    if (!r.built) console.log('[fan-web] build is up to date');
  } catch (err) {
    console.error(`[fan-web] build failed: ${err instanceof Error ? err.message : String(err)}`);
    if (!soft) process.exit(1);
    console.error('[fan-web] the sync server will start without the fan web app');
  }
}
