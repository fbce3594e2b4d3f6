// What the delivery routes serve of a media, cached in memory for a few seconds: the ready manifest's
// files joined with the stored files that still match the manifest's sha256 (a file replaced by a newer
// upload is not served until the media is completed again, so a half-updated set is never mixed). A
// segment request is then a token lookup and one map lookup, and concurrent requests when an entry
// expires share one load; this instance drops an entry as soon as it stores or completes that media,
// other instances within the TTL.
import type { FileRole } from './media-schemas.js';
import type { MediaQueries, StoredFile } from './media-queries.js';

export interface ServedFile extends StoredFile {
  role: FileRole | null;
  etag: string;
}

export interface MediaView {
  id: string;
  creatorId: string;
  status: 'uploading' | 'ready';
  kind: 'video' | 'image' | null;
  /** Ready media: the manifest's files (path -> file). Not ready: empty. */
  files: Map<string, ServedFile>;
  /** Every stored file by path, manifest or not (for the creator's own previews before complete). */
  stored: Map<string, ServedFile>;
}

const TTL_MS = 5000;

function served(f: StoredFile, role: FileRole | null): ServedFile {
  return { ...f, role, etag: `"${f.sha256.slice(0, 32)}"` };
}

export class MediaViews {
  /** The view, or the load in flight: requests arriving while it loads share that one load. */
  private readonly cache = new Map<string, { at: number; view: Promise<MediaView | null> }>();

  constructor(private readonly queries: MediaQueries) {}

  invalidate(mediaId: string): void {
    this.cache.delete(mediaId);
  }

  get(mediaId: string): Promise<MediaView | null> {
    const hit = this.cache.get(mediaId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.view;
    const entry = { at: Date.now(), view: this.load(mediaId) };
    this.cache.set(mediaId, entry);
    // A failed load is not kept: the next request tries again.
    entry.view.catch(() => {
      if (this.cache.get(mediaId) === entry) this.cache.delete(mediaId);
    });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
    return entry.view;
  }

  private async load(mediaId: string): Promise<MediaView | null> {
    const media = await this.queries.media(mediaId);
    if (!media) return null;
    const storedList = await this.queries.files(mediaId);
    const stored = new Map(storedList.map((f) => [f.path, served(f, null)]));
    const files = new Map<string, ServedFile>();
    if (media.status === 'ready' && media.manifest) {
      for (const m of media.manifest.files) {
        const s = stored.get(m.path);
        if (s && s.sha256 === m.sha256 && s.size === m.size) files.set(m.path, { ...s, role: m.role });
      }
    }
    return { id: media.id, creatorId: media.creatorId, status: media.status, kind: media.kind, files, stored };
  }
}

/** The first manifest file with a role, preferring paths that end with one of `exts`. */
export function fileWithRole(view: MediaView, role: FileRole, exts: string[] = []): ServedFile | undefined {
  const all = [...view.files.values()].filter((f) => f.role === role);
  return all.find((f) => exts.some((e) => f.path.endsWith(e))) ?? all[0];
}
