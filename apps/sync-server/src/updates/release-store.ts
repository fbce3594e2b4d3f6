// The release CLI's writes: artifacts copied into `<dataDir>/updates/<channel>/files`, the channel's
// manifest (releases.json) and, after every change, the signed feeds the server serves. Every file is
// written to a temporary name and renamed, so a server reading at the same moment sees the old or the new
// file, never half of one; the server reads feeds per request, so a release is live without a restart.
import { createHash, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { renderFeed, type FeedRelease } from './feed-yaml.js';
import { layout, PLATFORMS, type Channel, type Platform, isSafeFileName } from './release-layout.js';
import { publicKeyBase64, signBytes } from './release-keys.js';
import { compareSemver } from './semver-order.js';

export interface StoredRelease extends FeedRelease {
  platform: Platform;
  pulled?: boolean;
}
interface Manifest {
  sequence: number;
  releases: StoredRelease[];
}

export class ReleaseError extends Error {}

async function writeAtomic(path: string, data: string | Buffer, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data, mode ? { mode } : undefined);
  await rename(tmp, path);
}

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
    readonly root: string,
    private readonly key: KeyObject,
  ) {}

  private async manifest(channel: Channel): Promise<Manifest> {
    try {
      return JSON.parse(await readFile(layout.manifest(this.root, channel), 'utf8')) as Manifest;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { sequence: 0, releases: [] };
      throw err;
    }
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
    await mkdir(dirname(layout.artifact(this.root, input.channel, name)), { recursive: true });
    const dest = layout.artifact(this.root, input.channel, name);
    await copyFile(input.file, `${dest}.tmp`);
    await rename(`${dest}.tmp`, dest);
    let blockMapSize: number | undefined;
    if (input.blockmap) {
      const bm = layout.artifact(this.root, input.channel, `${name}.blockmap`);
      await copyFile(input.blockmap, `${bm}.tmp`);
      await rename(`${bm}.tmp`, bm);
      blockMapSize = (await hashFile(bm)).size;
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
    await writeAtomic(layout.manifest(this.root, channel), JSON.stringify(m, null, 2));
    await writeAtomic(layout.publicKey(this.root), `${publicKeyBase64(this.key)}\n`);
    for (const platform of PLATFORMS) {
      const live = m.releases.filter((r) => r.platform === platform && !r.pulled).sort((a, b) => compareSemver(b.version, a.version));
      await this.writeFeed(channel, platform, 'current', m.sequence, live[0]);
      await this.writeFeed(channel, platform, 'previous', m.sequence, live[0]?.staging !== undefined && live[0].staging < 100 ? live[1] : undefined);
    }
  }

  private async writeFeed(channel: Channel, platform: Platform, which: 'current' | 'previous', sequence: number, r: StoredRelease | undefined) {
    const path = layout.feed(this.root, channel, platform, which);
    if (!r) {
      await rm(`${path}.sig`, { force: true });
      await rm(path, { force: true });
      return;
    }
    const bytes = Buffer.from(renderFeed(channel, platform, sequence, r));
    // Signature first: a reader that sees the new feed finds its signature already there.
    await writeAtomic(`${path}.sig.next`, signBytes(this.key, bytes));
    await writeAtomic(path, bytes);
    await rename(`${path}.sig.next`, `${path}.sig`);
  }
}
