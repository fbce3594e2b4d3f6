// Staged rollouts decided exactly as electron-updater's AppUpdater.isStagingMatch does, so a stock client
// and this server put the same installation on the same side: the staging id is a UUID, its last four
// bytes read as a big-endian uint32 over 0xFFFFFFFF, and the install is in when that is below percent/100.

/** The 0..1 position of a staging id, or null when it is not a UUID. */
export function stagingPosition(stagingUserId: string): number | null {
  const hex = stagingUserId.trim().toLowerCase();
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(hex)) return null;
  const bytes = Buffer.from(hex.replace(/-/g, ''), 'hex');
  return bytes.readUInt32BE(12) / 0xffffffff;
}

/** True when an install with this staging id gets a release rolled out to `percent` (absent = everyone). */
export function isStagingMatch(stagingUserId: string, percent: number | undefined): boolean {
  if (percent === undefined || percent >= 100) return true;
  const pos = stagingPosition(stagingUserId);
  // electron-updater cannot parse a non-UUID id either; such a client gets the current feed and decides itself.
  if (pos === null) return true;
  return pos < percent / 100;
}
