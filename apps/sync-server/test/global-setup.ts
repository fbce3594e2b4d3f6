// Runs once per test run: initialises one empty PGlite data directory (initdb in WASM takes ~5-20 s on
// this machine) that the suites copy for each server instead of initialising their own. The server code
// path is unchanged: it opens an existing, empty cluster exactly as after a first start. The crash test
// still starts from a truly empty directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'fanz-pglite-template-'));
  const db = await PGlite.create(join(dir, 'pglite'));
  await db.query('SELECT 1');
  await db.close();
  project.provide('pgliteTemplate', join(dir, 'pglite'));
}

export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}
