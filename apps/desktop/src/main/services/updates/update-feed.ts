// Reads the feed format the sync server's release CLI writes (electron-updater's generic-provider YAML,
// strings JSON-quoted, plus channel/platform/feedSequence). Only called on bytes whose signature has
// already verified; anything outside the expected shape is still refused rather than guessed at.
import { z } from 'zod';

const feedSchema = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/),
  path: z.string().min(1),
  sha512: z.string().min(1),
  releaseDate: z.string(),
  releaseNotes: z.string().optional(),
  stagingPercentage: z.coerce.number().int().min(0).max(100).optional(),
  channel: z.string(),
  platform: z.enum(['linux', 'mac', 'win']),
  feedSequence: z.coerce.number().int().positive(),
  size: z.coerce.number().int().nonnegative(),
});
export type UpdateFeed = z.infer<typeof feedSchema>;

function scalar(raw: string): string {
  const v = raw.trim();
  return v.startsWith('"') ? (JSON.parse(v) as string) : v;
}

export function parseFeed(text: string): UpdateFeed {
  const top: Record<string, string> = {};
  let inFiles = false;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^( *(?:- )?)([A-Za-z0-9]+):(.*)$/.exec(line);
    if (!m) throw new Error(`unreadable feed line: ${line.slice(0, 60)}`);
    const [, indent, key, value] = m;
    if (!indent) {
      inFiles = key === 'files';
      if (!inFiles) top[key!] = scalar(value!);
    } else if (inFiles && key === 'size' && top.size === undefined) {
      top.size = scalar(value!);
    }
  }
  const r = feedSchema.safeParse(top);
  if (!r.success) throw new Error(`the feed is missing or has bad fields: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
}
