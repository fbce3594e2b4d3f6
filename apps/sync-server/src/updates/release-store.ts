// The release CLI's writes: artifacts copied into the release storage (release-files.ts), the channel's
// manifest (releases.json) and, after every change, the signed feeds the server serves. The server reads
// them per request, so a release is live without a restart.
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { compareSemver } from '@fanz/core';
import { renderFeed, type FeedRelease } from './feed-yaml.js';
import type { ReleaseFiles } from './release-files.js';
import { layout, packSignedFeed, PLATFORMS, type Channel, type Platform, isSafeFileName } from './release-layout.js';
import { publicKeyBase64, signBytes } from './release-keys.js';

export interface StoredRelease extends FeedRelease {
  platform: Platform;
  pulled?: boolean;
}
interface Manifest {
  sequence: number;
  releases: StoredRelease[];
}

export class ReleaseError extends Error {}

async function hashFile(path: string): Promise<{ sha512: string; size: number }> {
  const h = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
  }
  return { sha512: h.digest('base64'), size };
}

/** electron-builder's --sha512 may come as base64 (its own form) or hex. */
function normaliseSha512(s: string): string {
  return /^[0-9a-f]{128}$/i.test(s) ? Buffer.from(s, 'hex').toString('base64') : s;
}

export class ReleaseStore {
  constructor(
    readonly files: ReleaseFiles,
    private readonly key: KeyObject,
  ) {}

  private async manifest(channel: Channel): Promise<Manifest> {
    const raw = await this.files.get(layout.manifest(channel));
    return raw ? (JSON.parse(raw.toString('utf8')) as Manifest) : { sequence: 0, releases: [] };
  }

  async publish(input: {
    channel: Channel; platform: Platform; version: string; file: string; blockmap?: string; staging?: number; notes?: string; expectSha512?: string; now?: Date;
  }): Promise<StoredRelease> {
    const name = basename(input.file);
    if (!isSafeFileName(name)) throw new ReleaseError(`the artifact name "${name}" is not allowed (letters, digits, . _ + - only, no "..")`);
    if (!existsSync(input.file)) throw new ReleaseError(`no such file: ${input.file}`);
    const { sha512, size } = await hashFile(input.file);
    if (input.expectSha512 && normaliseSha512(input.expectSha512) !== sha512) {
      throw new ReleaseError(`sha512 mismatch: ${name} hashes to ${sha512}, not the expected ${input.expectSha512}; nothing was published`);
    }
    const m = await this.manifest(input.channel);
    if (m.releases.some((r) => r.platform === input.platform && r.version === input.version)) {
      throw new ReleaseError(`${input.version} is already published on ${input.channel}/${input.platform}; publish a new version instead`);
    }
    const clash = m.releases.find((r) => r.file === name && r.sha512 !== sha512);
    if (clash) throw new ReleaseError(`another artifact named ${name} (version ${clash.version}) is already on ${input.channel}; rename the file`);
    await this.files.putFile(layout.artifact(input.channel, name), input.file);
    let blockMapSize: number | undefined;
    if (input.blockmap) {
      await this.files.putFile(layout.artifact(input.channel, `${name}.blockmap`), input.blockmap);
      blockMapSize = (await hashFile(input.blockmap)).size;
    }
    const release: StoredRelease = {
      platform: input.platform, version: input.version, file: name, sha512, size, blockMapSize,
      releaseDate: (input.now ?? new Date()).toISOString(), notes: input.notes, staging: input.staging,
    };
    m.releases.push(release);
    await this.save(input.channel, m);
    return release;
  }

  async setStaging(channel: Channel, version: string, percent: number): Promise<number> {
    const m = await this.manifest(channel);
    const hit = m.releases.filter((r) => r.version === version && !r.pulled);
    if (!hit.length) throw new ReleaseError(`no live release ${version} on ${channel}`);
    for (const r of hit) r.staging = percent;
    await this.save(channel, m);
    return hit.length;
  }

  async pull(channel: Channel, version: string): Promise<number> {
    const m = await this.manifest(channel);
    const hit = m.releases.filter((r) => r.version === version && !r.pulled);
    if (!hit.length) throw new ReleaseError(`no live release ${version} on ${channel}`);
    for (const r of hit) r.pulled = true;
    await this.save(channel, m);
    return hit.length;
  }

  /** Manifest, then every platform's signed feeds (current and the one for ids outside the rollout). */
  private async save(channel: Channel, m: Manifest): Promise<void> {
    m.sequence += 1;
    await this.files.put(layout.manifest(channel), Buffer.from(JSON.stringify(m, null, 2)));
    await this.files.put(layout.publicKey(), Buffer.from(`${publicKeyBase64(this.key)}\n`));
    for (const platform of PLATFORMS) {
      const live = m.releases.filter((r) => r.platform === platform && !r.pulled).sort((a, b) => compareSemver(b.version, a.version));
      await this.writeFeed(channel, platform, 'current', m.sequence, live[0]);
      await this.writeFeed(channel, platform, 'previous', m.sequence, live[0]?.staging !== undefined && live[0].staging < 100 ? live[1] : undefined);
    }
  }

  private async writeFeed(channel: Channel, platform: Platform, which: 'current' | 'previous', sequence: number, r: StoredRelease | undefined) {
    const key = layout.feed(channel, platform, which);
    if (!r) return this.files.remove(key);
    const bytes = Buffer.from(renderFeed(channel, platform, sequence, r));
    await this.files.put(key, packSignedFeed(signBytes(this.key, bytes), bytes));
  }
}
