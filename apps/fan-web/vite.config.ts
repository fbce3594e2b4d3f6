// Builds the fans' web app into dist/ (served by the sync server at /). Assets are content-hashed and get a
// pre-compressed .gz sibling, so the server sends them gzipped without compressing on every request.
// Nothing is inlined as data: URIs and no inline script is emitted, so the strict CSP (img-src 'self' blob:,
// script-src 'self') holds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

function gzipAssets(): Plugin {
  return {
    name: 'fanz-gzip-assets',
    apply: 'build',
    // After the files are written: earlier hooks still see chunks before Vite's last rewrites (preload
    // helpers), and the .gz must hold exactly the bytes of the file next to it.
    writeBundle(options, bundle) {
      const dir = options.dir!;
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|svg|html)$/.test(fileName)) continue;
        writeFileSync(join(dir, `${fileName}.gz`), gzipSync(readFileSync(join(dir, fileName)), { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), gzipAssets()],
  resolve: {
    // The app uses core's money helpers only. core's entry also re-exports the catalog document (Yjs) and
    // signatures, which a bundler cannot drop (module-level schemas count as side effects), so the money
    // module is bundled directly. Type imports from '@fanz/core' still resolve through TypeScript.
    alias: [{ find: /^@fanz\/core$/, replacement: fileURLToPath(new URL('../../packages/core/src/money.ts', import.meta.url)) }],
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
});
