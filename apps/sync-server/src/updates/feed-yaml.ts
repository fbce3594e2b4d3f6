// Renders a channel feed in electron-updater's generic-provider format (the fields its UpdateInfo reads:
// version, files[{url, sha512, size, blockMapSize}], path, sha512, releaseDate, releaseNotes,
// stagingPercentage) plus three fields electron-updater ignores and our studio checks inside the signature:
// channel, platform and feedSequence (rises with every feed the CLI writes, so an older signed feed
// replayed in place of a newer one is recognisable). Strings are JSON-quoted, which is valid YAML.
import type { Channel, Platform } from './release-layout.js';

export interface FeedRelease {
  version: string;
  file: string;
  sha512: string;
  size: number;
  blockMapSize?: number;
  releaseDate: string;
  notes?: string;
  staging?: number;
}

export function renderFeed(channel: Channel, platform: Platform, sequence: number, r: FeedRelease): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    `version: ${r.version}`,
    'files:',
    `  - url: ${q(r.file)}`,
    `    sha512: ${q(r.sha512)}`,
    `    size: ${r.size}`,
    ...(r.blockMapSize !== undefined ? [`    blockMapSize: ${r.blockMapSize}`] : []),
    `path: ${q(r.file)}`,
    `sha512: ${q(r.sha512)}`,
    `releaseDate: ${q(r.releaseDate)}`,
    ...(r.notes ? [`releaseNotes: ${q(r.notes)}`] : []),
    ...(r.staging !== undefined && r.staging < 100 ? [`stagingPercentage: ${r.staging}`] : []),
    `channel: ${channel}`,
    `platform: ${platform}`,
    `feedSequence: ${sequence}`,
  ];
  return `${lines.join('\n')}\n`;
}
