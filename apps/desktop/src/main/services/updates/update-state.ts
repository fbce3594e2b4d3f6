// What the studio keeps about updates in its data dir: the settings (channel, automatic download), its
// staging id (a UUID, as electron-updater keeps one, sent as x-user-staging-id) and, per release key,
// channel and platform, the highest feedSequence it has verified, so an older signed feed replayed later
// is recognised and refused.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const UPDATE_CHANNELS = ['latest', 'beta', 'alpha'] as const;
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

const stateSchema = z.object({
  channel: z.enum(UPDATE_CHANNELS).default('latest'),
  autoDownload: z.boolean().default(false),
  stagingId: z.string().uuid().optional(),
  /** key `${publicKey}|${channel}|${platform}` -> highest verified feedSequence and its version. */
  seen: z.record(z.string(), z.object({ sequence: z.number().int(), version: z.string() })).default({}),
});
export type UpdateState = z.infer<typeof stateSchema>;

/** "stable" is what the settings screen calls electron-updater's "latest" channel. */
export function channelFromSetting(s: string): UpdateChannel | null {
  const c = s === 'stable' ? 'latest' : s;
  return (UPDATE_CHANNELS as readonly string[]).includes(c) ? (c as UpdateChannel) : null;
}

export class UpdateStateFile {
  readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, 'update-state.json');
  }

  read(): UpdateState {
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      // Missing or unreadable: start fresh (replay protection restarts from the next verified feed).
    }
    const r = stateSchema.safeParse(raw);
    return r.success ? r.data : stateSchema.parse({});
  }

  write(state: UpdateState): void {
    mkdirSync(join(this.path, '..'), { recursive: true });
    writeFileSync(`${this.path}.tmp`, JSON.stringify(state, null, 2));
    renameSync(`${this.path}.tmp`, this.path);
  }

  stagingId(): string {
    const s = this.read();
    if (s.stagingId) return s.stagingId;
    s.stagingId = randomUUID();
    this.write(s);
    return s.stagingId;
  }

  setSettings(settings: { channel?: UpdateChannel; autoDownload?: boolean }): UpdateState {
    const s = { ...this.read(), ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
    this.write(s);
    return s;
  }
}
