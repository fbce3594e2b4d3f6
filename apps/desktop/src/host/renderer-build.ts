// Makes sure the renderer bundle exists and is newer than its sources, building it with Vite when not
// (a fresh clone, or after an edit). Builds into a temporary folder and renames it into place, so a
// second host starting at the same time never serves a half-written bundle.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const desktopRoot = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_RENDERER_DIR = join(desktopRoot, 'out', 'renderer');
const SOURCES = [join(desktopRoot, 'src', 'renderer'), join(desktopRoot, 'src', 'shared'), join(desktopRoot, '..', '..', 'packages', 'core', 'src')];
const STAMP = '.built-at';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(e.parentPath ?? dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function rendererIsFresh(outDir = DEFAULT_RENDERER_DIR): boolean {
  const stamp = join(outDir, STAMP);
  if (!existsSync(stamp) || !existsSync(join(outDir, 'index.html'))) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((s) => !existsSync(s) || newestMtime(s) <= built);
}

export async function ensureRendererBuilt(outDir = DEFAULT_RENDERER_DIR, log: (line: string) => void = () => {}): Promise<string> {
  if (rendererIsFresh(outDir)) return outDir;
  log('[studio] building the renderer with Vite...');
  const { build } = await import('vite');
  const tmp = `${outDir}.tmp-${process.pid}`;
  await build({
    configFile: join(desktopRoot, 'src', 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  });
  await writeFile(join(tmp, STAMP), new Date().toISOString());
  await rm(outDir, { recursive: true, force: true });
  await rename(tmp, outDir).catch(async (err: NodeJS.ErrnoException) => {
    // Another process won the race and its bundle is just as fresh.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    await rm(tmp, { recursive: true, force: true });
  });
  return outDir;
}
