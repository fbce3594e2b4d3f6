// The sha256 of each web rendition, recorded by the media.process job right after it wrote them (the bytes
// are still in the page cache, and hashing 200 MB is nothing next to encoding it), so an upload does not
// hash the ladder again before its first byte can leave. Kept beside the files as `.sha256.json` (not a
// rendition: roleOf names no role for it, so it is never uploaded). An entry counts only while the file's
// size and mtime are exactly as recorded; the server checks every file's sha256 on arrival anyway, and
// the upload job hashes a refused file again from disk before resending it.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listOutputFiles, sha256File } from './output-manifest.js';

export const HASHES_FILE = '.sha256.json';

interface Entry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Hashes every uploadable file of an output folder and writes the record beside them. */
export async function recordOutputHashes(outDir: string, signal?: AbortSignal): Promise<void> {
  const out: Record<string, Entry> = {};
  for (const f of await listOutputFiles(outDir)) {
    const st = await stat(f.abs);
    out[f.path] = { size: st.size, mtimeMs: st.mtimeMs, sha256: await sha256File(f.abs, signal) };
  }
  await writeFile(join(outDir, HASHES_FILE), JSON.stringify(out));
}

/** The recorded sha256 of `path` in `outDir` when the file is unchanged since, else null. */
export class RecordedHashes {
  private constructor(private readonly entries: Map<string, Entry>) {}

  static async read(outDir: string): Promise<RecordedHashes> {
    try {
      const raw = JSON.parse(await readFile(join(outDir, HASHES_FILE), 'utf8')) as unknown;
      const entries = new Map<string, Entry>();
      if (raw && typeof raw === 'object') {
        for (const [path, e] of Object.entries(raw as Record<string, Partial<Entry>>)) {
          if (typeof e?.size === 'number' && typeof e.mtimeMs === 'number' && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256)) {
            entries.set(path, { size: e.size, mtimeMs: e.mtimeMs, sha256: e.sha256 });
          }
        }
      }
      return new RecordedHashes(entries);
    } catch {
      return new RecordedHashes(new Map()); // none recorded (older transcodes) or unreadable: hash instead
    }
  }

  async get(path: string, abs: string): Promise<string | null> {
    const e = this.entries.get(path);
    if (!e) return null;
    const st = await stat(abs).catch(() => null);
    return st && st.size === e.size && st.mtimeMs === e.mtimeMs ? e.sha256 : null;
  }
}
