// Finds the ffmpeg and ffprobe executables, in the order DESIGN.md fixes: FFMPEG_PATH / FFPROBE_PATH,
// ffmpeg-static / ffprobe-static (optional; their install step downloads, which fails offline),
// @ffmpeg-installer / @ffprobe-installer (binaries ship inside the npm package), then PATH.
// It reports where each came from, so a user can tell which build produced their renditions.
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

export type BinarySource = 'env' | 'ffmpeg-static' | 'ffprobe-static' | '@ffmpeg-installer' | '@ffprobe-installer' | 'PATH';

export interface ResolvedBinary {
  path: string;
  source: BinarySource;
}

export interface ResolvedBinaries {
  ffmpeg: ResolvedBinary;
  ffprobe: ResolvedBinary;
}

export class BinaryNotFoundError extends Error {
  readonly code = 'FFMPEG_NOT_FOUND';
  constructor(name: string, tried: string[]) {
    super(`${name} not found; tried ${tried.join(', ')}. Set ${name === 'ffmpeg' ? 'FFMPEG_PATH' : 'FFPROBE_PATH'} to an executable.`);
  }
}

const require = createRequire(import.meta.url);

function isExecutable(path: string | undefined | null): path is string {
  if (!path) return false;
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// Each loader returns a path or undefined; a missing optional package is not an error.
function fromPackage(load: () => unknown): string | undefined {
  try {
    const mod = load() as string | { path?: string; default?: string } | null;
    if (typeof mod === 'string') return mod;
    if (mod && typeof mod === 'object') return mod.path ?? (typeof mod.default === 'string' ? mod.default : undefined);
  } catch {
    // package absent or its binary was never downloaded
  }
  return undefined;
}

function onPath(name: string): string | undefined {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, exe))) return join(dir, exe);
  }
  return undefined;
}

function resolveOne(
  name: 'ffmpeg' | 'ffprobe',
  candidates: Array<[BinarySource, () => string | undefined]>,
): ResolvedBinary {
  const tried: string[] = [];
  for (const [source, find] of candidates) {
    const path = find();
    tried.push(path ? `${source} (${path})` : source);
    if (isExecutable(path)) return { path, source };
  }
  throw new BinaryNotFoundError(name, tried);
}

let cached: ResolvedBinaries | undefined;

/** Resolves both binaries once per process (env changes after the first call are ignored unless `fresh`). */
export function resolveBinaries(fresh = false): ResolvedBinaries {
  if (cached && !fresh) return cached;
  const ffmpeg = resolveOne('ffmpeg', [
    ['env', () => process.env.FFMPEG_PATH],
    ['ffmpeg-static', () => fromPackage(() => require('ffmpeg-static'))],
    ['@ffmpeg-installer', () => fromPackage(() => require('@ffmpeg-installer/ffmpeg'))],
    ['PATH', () => onPath('ffmpeg')],
  ]);
  const ffprobe = resolveOne('ffprobe', [
    ['env', () => process.env.FFPROBE_PATH],
    ['ffprobe-static', () => fromPackage(() => require('ffprobe-static'))],
    ['@ffprobe-installer', () => fromPackage(() => require('@ffprobe-installer/ffprobe'))],
    ['PATH', () => onPath('ffprobe')],
  ]);
  cached = { ffmpeg, ffprobe };
  return cached;
}

export function describeBinaries(b: ResolvedBinaries): string {
  return `ffmpeg: ${b.ffmpeg.path} (from ${b.ffmpeg.source}); ffprobe: ${b.ffprobe.path} (from ${b.ffprobe.source})`;
}
