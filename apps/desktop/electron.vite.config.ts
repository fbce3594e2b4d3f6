// electron-vite build of the desktop app: main (ESM, dependencies external so native modules such as
// better-sqlite3 load from node_modules), preload (CommonJS, as sandboxed preloads must be) and the
// renderer (the same Vite config browser mode builds with).
import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import rendererConfig from './src/renderer/vite.config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The library's numbered SQL migrations are read at run time next to the bundled main. */
function copyMigrations(): Plugin {
  return {
    name: 'fanz-copy-migrations',
    writeBundle() {
      cpSync(here('./src/main/services/library/migrations'), here('./out/main/migrations'), { recursive: true });
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: here('./out/main'),
      // @fanz/core is TypeScript source in the workspace: bundle it; everything else stays external.
      externalizeDeps: { exclude: ['@fanz/core'] },
      rollupOptions: { input: here('./src/main/index.ts') },
    },
    plugins: [copyMigrations()],
  },
  preload: {
    build: {
      outDir: here('./out/preload'),
      rollupOptions: { input: here('./src/preload/index.ts'), output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    ...rendererConfig,
    build: { ...rendererConfig.build, rollupOptions: { input: here('./src/renderer/index.html') } },
  },
});
