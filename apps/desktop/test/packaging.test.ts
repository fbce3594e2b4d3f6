// Packaging truth: electron-builder.yml ships what the app reads at run time. Every path it names exists
// after the build, the SQL migrations and ONNX models are inside what it ships, and the native modules
// are unpacked from the asar archive and rebuilt for Electron. Builds the renderer when it is stale (as
// browser mode and the e2e setup do, so a fresh clone's `npm test` has it); the Electron bundle
// (`npm run build`, electron-vite) is only read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../src/host/renderer-build.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  directories: { app: string; output: string };
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources?: Array<string | { from: string }>;
  publish: { provider: string; url: string };
}
const config = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const APP = join(ROOT, config.directories.app);

/** electron-builder's glob subset used here: `**` any depth, `*` within one segment. */
function globToRegExp(glob: string): RegExp {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\/?/g, '@GLOBSTAR@').replace(/\*/g, '[^/]*').replace(/@GLOBSTAR@/g, '(?:.*/)?');
  return new RegExp(`^${re.replace(/\(\?:\.\*\/\)\?$/, '.*')}$`);
}
const unpacked = (path: string) => config.asarUnpack.some((g) => globToRegExp(g).test(path));
const baseOf = (pattern: string) => pattern.split('/').filter((s) => !s.includes('*')).join('/');

// CI builds the Electron half (`npm run build` in .ci/run) before the tests, so there the check always runs;
// a developer who has not built it yet is told how.
const electronBuilt = existsSync(join(APP, 'out/main/index.js'));
const electronSkip = electronBuilt || process.env.CI ? null : 'out/main is missing: run `npm run build` (electron-vite build of main, preload and renderer)';
if (electronSkip) console.warn(`[packaging] skipping the Electron bundle checks: ${electronSkip}`);

describe('electron-builder.yml', () => {
  it('names the renderer build, which `npm run build` produces', { timeout: 180_000 }, async () => {
    expect(config.files).toContain('out/renderer/**');
    await ensureRendererBuilt(join(APP, 'out/renderer'));
    expect(existsSync(join(APP, 'out/renderer/index.html'))).toBe(true);
    expect(readdirSync(join(APP, 'out/renderer')).length).toBeGreaterThan(1);
  });

  it.skipIf(!!electronSkip)('every file pattern matches files after the Electron build; migrations are inside out/main', () => {
    expect(existsSync(join(APP, 'out/main/index.js')), 'out/main/index.js (npm run build)').toBe(true);
    expect(existsSync(join(APP, 'out/preload/index.cjs')), 'out/preload/index.cjs, the CommonJS preload main/index.ts loads').toBe(true);
    for (const pattern of config.files) expect(existsSync(join(APP, baseOf(pattern))), pattern).toBe(true);
    const sources = readdirSync(join(APP, 'src/main/services/library/migrations')).filter((f) => f.endsWith('.sql'));
    for (const sql of sources) expect(existsSync(join(APP, 'out/main/migrations', sql)), sql).toBe(true);
  });

  it('ships the migrations where the bundled main reads them (electron-vite copies them into out/main)', () => {
    const viteConfig = readFileSync(join(APP, 'electron.vite.config.ts'), 'utf8');
    expect(viteConfig).toContain("./src/main/services/library/migrations'), here('./out/main/migrations')");
    expect(config.files.some((p) => globToRegExp(p).test('out/main/migrations/001_library.sql'))).toBe(true);
  });

  it('ships every ONNX model of the manifest, unpacked so onnxruntime can open it by path', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'packages/ml-models/models/manifest.json'), 'utf8')) as { models: Record<string, { file: string }> };
    const files = Object.values(manifest.models).map((m) => m.file);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      expect(existsSync(join(ROOT, 'packages/ml-models/models', f)), `${f} (npm run build:models -w @fanz/ml-models)`).toBe(true);
      expect(unpacked(`node_modules/@fanz/ml-models/models/${f}`), f).toBe(true);
    }
    const desktopDeps = (JSON.parse(readFileSync(join(APP, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies;
    expect(desktopDeps['@fanz/ml-models']).toBeDefined();
  });

  it('unpacks and rebuilds the native modules (better-sqlite3, onnxruntime-node)', () => {
    expect(config.npmRebuild).toBe(true);
    for (const mod of ['better-sqlite3', 'onnxruntime-node']) {
      expect(unpacked(`node_modules/${mod}/build/Release/x.node`), mod).toBe(true);
      expect(existsSync(join(ROOT, 'node_modules', mod, 'package.json')), mod).toBe(true);
    }
    expect(unpacked('node_modules/react/index.js')).toBe(false);
  });

  it('publishes to the sync server with the generic provider', () => {
    expect(config.publish.provider).toBe('generic');
    expect(config.publish.url).toContain('FANZ_UPDATE_URL');
  });
});
