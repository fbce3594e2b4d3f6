// The media tables (migration 0300): claiming a media id, quota usage, tus uploads in flight, stored files,
// the ready manifest, and playback sessions. Plain SQL that runs on PGlite and PostgreSQL alike.
import { rollUpView } from '../analytics/analytics-events.js';
import type { Database, Queryable } from '../db/database.js';
import { newId } from '../ids.js';
import type { CompleteBody, ManifestFile } from './media-schemas.js';

/** An unfinished upload reserves its length against the quota for this long (then it is taken as abandoned). */
export const RESERVATION_DAYS = 7;

export interface MediaRow {
  id: string;
  creatorId: string;
  kind: 'video' | 'image' | null;
  status: 'uploading' | 'ready';
  manifest: { kind: 'video' | 'image'; files: ManifestFile[] } | null;
}

export interface StoredFile {
  path: string;
  sha256: string;
  size: number;
  contentType: string;
  storageKey: string;
}

export interface UploadRow {
  uploadId: string;
  mediaId: string;
  creatorId: string;
  path: string;
  sha256: string;
  size: number;
  status: 'uploading' | 'stored' | 'rejected' | 'terminated';
}

/**
 * A creator's ($1) used bytes: stored files (the running total in media_usage, migration 0520) + uploads in
 * flight that still reserve their length.
 */
const USAGE_SQL = `COALESCE((SELECT stored_bytes FROM media_usage WHERE creator_id = $1), 0)
            + COALESCE((SELECT sum(size) FROM media_uploads
                         WHERE creator_id = $1 AND status = 'uploading' AND created_at > now() - make_interval(days => ${RESERVATION_DAYS})), 0)`;

function parseManifest(v: unknown): MediaRow['manifest'] {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as MediaRow['manifest'];
}

export class MediaQueries {
  constructor(private readonly db: Database) {}

  async media(mediaId: string): Promise<MediaRow | null> {
    const rows = await this.db.query<{ id: string; creator_id: string; kind: MediaRow['kind']; status: MediaRow['status']; manifest: unknown }>(
      'SELECT id, creator_id, kind, status, manifest FROM media_objects WHERE id = $1',
      [mediaId],
    );
    const r = rows[0];
    return r ? { id: r.id, creatorId: r.creator_id, kind: r.kind, status: r.status, manifest: parseManifest(r.manifest) } : null;
  }

  async files(mediaId: string, q: Queryable = this.db): Promise<StoredFile[]> {
    const rows = await q.query<{ path: string; sha256: string; size: string | number; content_type: string; storage_key: string }>(
      'SELECT path, sha256, size, content_type, storage_key FROM media_files WHERE media_id = $1 ORDER BY path',
      [mediaId],
    );
    return rows.map((r) => ({ path: r.path, sha256: r.sha256, size: Number(r.size), contentType: r.content_type, storageKey: r.storage_key }));
  }

  /**
   * Claims the media id for the creator (first upload wins) and, within the creator's quota, records the
   * upload. Usage = stored files + uploads still in flight (they reserve their length for RESERVATION_DAYS)
   * + this one; one advisory lock per creator makes concurrent creations count each other.
   */
  async startUpload(
    u: Omit<UploadRow, 'status'>,
    quotaBytes: number,
  ): Promise<{ ok: true } | { ok: false; reason: 'foreign'; owner: string } | { ok: false; reason: 'quota'; usedBytes: number }> {
    // Few statements on purpose: every file of a ladder passes here, and PGlite runs them on the event loop.
    return this.db.transaction(async (tx) => {
      // Claims the id or returns its owner, in one statement (the no-op update makes RETURNING see the row).
      const owner = (
        await tx.query<{ creator_id: string }>(
          `INSERT INTO media_objects (id, creator_id) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET creator_id = media_objects.creator_id RETURNING creator_id`,
          [u.mediaId, u.creatorId],
        )
      )[0]!.creator_id;
      if (owner !== u.creatorId) return { ok: false as const, reason: 'foreign' as const, owner };
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`media-quota:${u.creatorId}`]);
      // Recorded only when usage + this length fits the quota; usage is read again only to word a refusal.
      const inserted = await tx.query(
        `INSERT INTO media_uploads (upload_id, media_id, creator_id, path, sha256, size)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::bigint
         WHERE (${USAGE_SQL.replaceAll('$1', '$3::text')}) + $6::bigint <= $7::bigint RETURNING upload_id`,
        [u.uploadId, u.mediaId, u.creatorId, u.path, u.sha256, u.size, quotaBytes],
      );
      if (inserted.length === 0) return { ok: false as const, reason: 'quota' as const, usedBytes: await this.usage(u.creatorId, tx) };
      return { ok: true as const };
    });
  }

  async usage(creatorId: string, q: Queryable = this.db): Promise<number> {
    const rows = await q.query<{ n: string | number }>(`SELECT ${USAGE_SQL} AS n`, [creatorId]);
    return Number(rows[0]?.n ?? 0);
  }

  async upload(uploadId: string): Promise<UploadRow | null> {
    const rows = await this.db.query<{
      upload_id: string;
      media_id: string;
      creator_id: string;
      path: string;
      sha256: string;
      size: string | number;
      status: UploadRow['status'];
    }>('SELECT upload_id, media_id, creator_id, path, sha256, size, status FROM media_uploads WHERE upload_id = $1', [uploadId]);
    const r = rows[0];
    return r
      ? { uploadId: r.upload_id, mediaId: r.media_id, creatorId: r.creator_id, path: r.path, sha256: r.sha256, size: Number(r.size), status: r.status }
      : null;
  }

  /**
   * Records a verified upload as the media's file at its path; returns the storage key it replaced, if any.
   * One statement (atomic by itself): the CTEs share one snapshot, so `old` is the row before the upsert.
   * The creator's media_usage moves by the new size minus the replaced file's. (Two uploads of one path
   * finishing at the same moment both add their size, so usage errs high by one file, never low.)
   */
  async storeUpload(u: UploadRow, contentType: string): Promise<string | null> {
    const rows = await this.db.query<{ storage_key: string | null }>(
      `WITH old AS (SELECT storage_key, size FROM media_files WHERE media_id = $1 AND path = $2 FOR UPDATE),
            file AS (
              INSERT INTO media_files (media_id, path, sha256, size, content_type, storage_key) VALUES ($1, $2, $3, $4, $5, $6)
              ON CONFLICT (media_id, path) DO UPDATE SET sha256 = EXCLUDED.sha256, size = EXCLUDED.size,
                content_type = EXCLUDED.content_type, storage_key = EXCLUDED.storage_key, created_at = now()
              RETURNING 1),
            up AS (UPDATE media_uploads SET status = 'stored', finished_at = now() WHERE upload_id = $6 RETURNING 1),
            obj AS (UPDATE media_objects SET updated_at = now() WHERE id = $1 RETURNING creator_id),
            usage AS (
              INSERT INTO media_usage (creator_id, stored_bytes)
              SELECT creator_id, $4::bigint - COALESCE((SELECT size FROM old), 0) FROM obj
              ON CONFLICT (creator_id) DO UPDATE SET stored_bytes = media_usage.stored_bytes + EXCLUDED.stored_bytes
              RETURNING 1)
       SELECT (SELECT storage_key FROM old) AS storage_key,
              (SELECT count(*) FROM file) + (SELECT count(*) FROM up) + (SELECT count(*) FROM obj) + (SELECT count(*) FROM usage) AS n`,
      [u.mediaId, u.path, u.sha256, u.size, contentType, u.uploadId],
    );
    const prev = rows[0]?.storage_key;
    return prev && prev !== u.uploadId ? prev : null;
  }

  /** Uploads still unfinished RESERVATION_DAYS after creation: abandoned (their reservation lapsed too). */
  async abandonedUploads(limit: number, days = RESERVATION_DAYS): Promise<string[]> {
    const rows = await this.db.query<{ upload_id: string }>(
      `SELECT upload_id FROM media_uploads WHERE status = 'uploading' AND created_at < now() - make_interval(days => $1)
       ORDER BY created_at LIMIT $2`,
      [days, limit],
    );
    return rows.map((r) => r.upload_id);
  }

  async endUpload(uploadId: string, status: 'rejected' | 'terminated'): Promise<void> {
    await this.db.query(`UPDATE media_uploads SET status = $2, finished_at = now() WHERE upload_id = $1 AND status = 'uploading'`, [uploadId, status]);
  }

  /** Replaces the manifest and marks the media ready, in one statement. */
  async complete(mediaId: string, body: CompleteBody): Promise<void> {
    await this.db.query(`UPDATE media_objects SET kind = $2, status = 'ready', manifest = $3, updated_at = now() WHERE id = $1`, [
      mediaId,
      body.kind,
      JSON.stringify({ kind: body.kind, files: body.files }),
    ]);
  }

  /** One session row per /playback call, rolled up for analytics in the same transaction. */
  async recordPlayback(viewerId: string, mediaId: string, postId: string | null, creatorId: string): Promise<string> {
    const id = newId('pbs');
    const at = new Date();
    await this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO playback_sessions (id, viewer_id, media_id, post_id, started_at) VALUES ($1, $2, $3, $4, $5)', [id, viewerId, mediaId, postId, at]);
      await rollUpView(tx, { creatorId, viewerId, postId, at });
    });
    return id;
  }
}
