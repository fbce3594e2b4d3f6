// Names and places of the update channel: which channels and platforms exist, electron-updater's feed file
// names (latest-linux.yml, beta-mac.yml, beta.yml for Windows ...), and the object keys inside
// the storage (release-files.ts). Shared by the release CLI (writer) and the server routes (reader), so both agree.

export const CHANNELS = ['latest', 'beta', 'alpha'] as const;
export type Channel = (typeof CHANNELS)[number];
export const PLATFORMS = ['linux', 'mac', 'win'] as const;
export type Platform = (typeof PLATFORMS)[number];

export function isChannel(s: string): s is Channel {
  return (CHANNELS as readonly string[]).includes(s);
}
export function isPlatform(s: string): s is Platform {
  return (PLATFORMS as readonly string[]).includes(s);
}

/** electron-updater's naming: `${channel}${suffix}.yml`, suffix '' on Windows, '-linux' / '-mac' elsewhere. */
export function feedName(channel: Channel, platform: Platform): string {
  return `${channel}${platform === 'win' ? '' : `-${platform}`}.yml`;
}

/** The platform a feed file name stands for in this channel, or null when it is not one of its feeds. */
export function platformOfFeed(channel: Channel, file: string): Platform | null {
  return PLATFORMS.find((p) => feedName(channel, p) === file) ?? null;
}

// Strict semver 2.0 (no leading "v"); the feed's version is compared by the client, so no loose forms.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
export function isSemver(v: string): boolean {
  return SEMVER.test(v);
}

/**
 * Artifact names are one path segment of safe characters: no separators, no "..", no leading dot, so a
 * name taken from a URL or a --file argument can never leave the channel's folder.
 */
export function isSafeFileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/.test(name) && !name.includes('..');
}

/**
 * Object keys inside the release storage (release-files.ts). A feed object holds the base64 signature on
 * its first line and the exact feed bytes after it, so the two are always replaced together.
 */
export const layout = {
  manifest: (channel: Channel) => `${channel}/releases.json`,
  artifact: (channel: Channel, name: string) => {
    if (!isSafeFileName(name)) throw new Error(`unsafe artifact name "${name.slice(0, 60)}"`);
    return `${channel}/files/${name}`;
  },
  /** `which`: the current feed, or the one served to staging ids outside the rollout. */
  feed: (channel: Channel, platform: Platform, which: 'current' | 'previous') =>
    `${channel}/feeds/${feedName(channel, platform)}${which === 'previous' ? '.previous' : ''}`,
  publicKey: () => 'public-key',
};

export function packSignedFeed(signature: string, feed: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${signature}\n`), feed]);
}

export function unpackSignedFeed(stored: Buffer): { signature: string; feed: Buffer } {
  const nl = stored.indexOf(10);
  return { signature: stored.subarray(0, nl).toString('utf8').trim(), feed: stored.subarray(nl + 1) };
}
