// Where built models live and how their integrity is recorded. The .onnx files are build outputs (rebuilt
// in seconds from npm packages), so only models/manifest.json is committed; it pins each file's sha256.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const MODELS_DIR = fileURLToPath(new URL('../models/', import.meta.url));
export const MANIFEST_PATH = join(MODELS_DIR, 'manifest.json');

export interface ModelManifestEntry {
  file: string;
  sha256: string;
  bytes: number;
  opset: number;
  input: { name: string; shape: (number | string)[]; layout: string };
  output: { name: string; shape: (number | string)[]; classes: string[] };
  source: { package: string; version: string; license: string; files: Record<string, string> };
}

export interface ModelManifest {
  models: Record<string, ModelManifestEntry>;
}

export function readManifest(): ModelManifest {
  if (!existsSync(MANIFEST_PATH)) return { models: {} };
  return JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as ModelManifest;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function fileSha256(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}
