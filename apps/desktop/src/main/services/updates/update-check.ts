// The studio's update check, shared by the Electron app (before electron-updater may download), browser
// mode and `fanz-studio update check`. A feed counts only when its detached Ed25519 signature verifies
// over the exact bytes with the app's release key, names the channel and platform asked for, and is not
// older (feedSequence) than a feed already verified; a lower version is offered only on a chosen downgrade.
import { verify } from 'node:crypto';
import { compareSemver } from '@fanz/core';
import { parseFeed, type UpdateFeed } from './update-feed.js';
import { releasePublicKey } from './release-public-key.js';
import { UpdateStateFile, type UpdateChannel } from './update-state.js';

export type UpdatePlatform = 'linux' | 'mac' | 'win';

export function currentPlatform(): UpdatePlatform {
  return process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : 'linux';
}

/** electron-updater's feed file names: latest-linux.yml, beta-mac.yml, beta.yml (Windows) ... */
export function feedFileName(channel: UpdateChannel, platform: UpdatePlatform): string {
  return `${channel}${platform === 'win' ? '' : `-${platform}`}.yml`;
}

/** electron-updater's AppUpdater.isStagingMatch: last 4 bytes of the UUID over 0xFFFFFFFF below percent/100. */
export function stagingMatch(stagingId: string, percent: number | undefined): boolean {
  if (percent === undefined) return true;
  return Buffer.from(stagingId.replace(/-/g, ''), 'hex').readUInt32BE(12) / 0xffffffff < percent / 100;
}

export interface UpdateCheckOptions {
  server: string;
  channel: UpdateChannel;
  currentVersion: string;
  dataDir: string;
  platform?: UpdatePlatform;
  /** The user picked a channel downgrade: a lower version may be offered. */
  allowDowngrade?: boolean;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

export interface UpdateCheckResult {
  current: string;
  latest: string;
  available: boolean;
  verified: true;
  channel: UpdateChannel;
  platform: UpdatePlatform;
  notes: string | null;
  releaseDate: string;
  stagingPercentage: number | null;
  feedSequence: number;
  file: { url: string; sha512: string; size: number };
  /** Why `available` is false when a newer version exists (staging), else null. */
  note: string | null;
}

/** A check that could not establish a verified feed; `reason` says why in words. */
export class UpdateCheckError extends Error {
  constructor(readonly code: 'NETWORK' | 'NO_RELEASE' | 'NO_SIGNATURE' | 'BAD_SIGNATURE' | 'WRONG_FEED' | 'REPLAYED_FEED' | 'BAD_FEED', readonly reason: string) {
    super(reason);
  }
}

async function get(f: typeof fetch, url: string, stagingId: string): Promise<Response> {
  try {
    return await f(url, { headers: { 'x-user-staging-id': stagingId, 'cache-control': 'no-cache' }, signal: AbortSignal.timeout(15_000) });
  } catch {
    // The transport's own text ("fetch failed", "The operation was aborted") says nothing to a person.
    throw new UpdateCheckError('NETWORK', `the update server at ${new URL(url).origin} cannot be reached right now`);
  }
}

export async function checkForUpdate(o: UpdateCheckOptions): Promise<UpdateCheckResult> {
  const f = o.fetch ?? fetch;
  const platform = o.platform ?? currentPlatform();
  const state = new UpdateStateFile(o.dataDir);
  const stagingId = state.stagingId();
  const { key, base64 } = releasePublicKey(o.env);
  const feedUrl = new URL(`updates/${o.channel}/${feedFileName(o.channel, platform)}`, o.server.endsWith('/') ? o.server : `${o.server}/`).toString();

  const feedRes = await get(f, feedUrl, stagingId);
  if (feedRes.status === 404) throw new UpdateCheckError('NO_RELEASE', `no release is published on ${o.channel} for this computer yet`);
  if (!feedRes.ok) throw new UpdateCheckError('NETWORK', `the update server had a problem (it answered ${feedRes.status}); try again later`);
  const bytes = Buffer.from(await feedRes.arrayBuffer());
  const sigRes = await get(f, `${feedUrl}.sig`, stagingId);
  const sigText = sigRes.ok ? (await sigRes.text()).trim() : '';
  if (!sigText) throw new UpdateCheckError('NO_SIGNATURE', 'the feed has no signature, and an unsigned feed is never trusted');
  const signature = Buffer.from(sigText, 'base64');
  if (signature.length !== 64 || !verify(null, bytes, key, signature)) {
    throw new UpdateCheckError('BAD_SIGNATURE', "the feed's signature does not verify with the app's release key: the feed was changed or signed by another key");
  }
  let feed: UpdateFeed;
  try {
    feed = parseFeed(bytes.toString('utf8'));
  } catch {
    // The schema's text names fields; the person needs to know only that this release cannot be read.
    throw new UpdateCheckError('BAD_FEED', 'the update server sent a release description this version cannot read');
  }
  if (feed.channel !== o.channel || feed.platform !== platform) {
    throw new UpdateCheckError('WRONG_FEED', `the signed feed is for ${feed.channel}/${feed.platform}, not ${o.channel}/${platform}`);
  }
  const s = state.read();
  const seenKey = `${base64}|${o.channel}|${platform}`;
  const seen = s.seen[seenKey];
  if (seen && feed.feedSequence < seen.sequence) {
    throw new UpdateCheckError('REPLAYED_FEED', `an older signed feed was served (sequence ${feed.feedSequence}, ${feed.version}) after sequence ${seen.sequence} (${seen.version}) was already verified: refused as a replay`);
  }
  if (!seen || feed.feedSequence > seen.sequence) {
    s.seen[seenKey] = { sequence: feed.feedSequence, version: feed.version };
    state.write(s);
  }

  const order = compareSemver(feed.version, o.currentVersion);
  const staged = stagingMatch(stagingId, feed.stagingPercentage);
  let note: string | null = null;
  if (order > 0 && !staged) note = `${feed.version} is in a staged rollout (${feed.stagingPercentage}%) that does not include this install yet`;
  if (order < 0 && !o.allowDowngrade) note = `${feed.version} is older than the installed ${o.currentVersion}; it is installed only when you choose a channel downgrade`;
  return {
    current: o.currentVersion,
    latest: feed.version,
    available: staged && (order > 0 || (order < 0 && Boolean(o.allowDowngrade))),
    verified: true,
    channel: o.channel,
    platform,
    notes: feed.releaseNotes ?? null,
    releaseDate: feed.releaseDate,
    stagingPercentage: feed.stagingPercentage ?? null,
    feedSequence: feed.feedSequence,
    file: { url: new URL(feed.path, feedUrl).toString(), sha512: feed.sha512, size: feed.size },
    note,
  };
}

/** The line the UI shows. */
export function describeUpdate(r: UpdateCheckResult): string {
  if (r.available) return `update available: ${r.latest} (verified)`;
  return r.note ?? `up to date: ${r.current} (latest on ${r.channel} is ${r.latest}, verified)`;
}
