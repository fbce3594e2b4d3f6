// Guards the rule that "@fanz/core" (everything reachable from src/index.ts) runs in the renderer:
// no node: imports, no Buffer, no process. Node-only code belongs in src/node.ts ("@fanz/core/node").
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = dirname(fileURLToPath(import.meta.url));

function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const m of text.matchAll(/from '(\.[^']+)'/g)) {
    const target = resolve(dirname(entry), m[1]!);
    reachable(target.endsWith('.ts') ? target : `${target}.ts`, seen);
  }
  return seen;
}

describe('@fanz/core main entry', () => {
  it('reaches no Node-only API', () => {
    const files = [...reachable(join(srcDir, 'index.ts'))];
    expect(files.length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith('node.ts'))).toBe(false);
    for (const file of files) {
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/from 'node:|require\(|\bBuffer\b|\bprocess\./);
    }
  });
});
