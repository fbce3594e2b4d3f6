// The library as the studio API shows it: list queries (text, kind, status, content label, 0-100 quality),
// and per item the creator's own picture (never the blurred fan preview), the blurred preview separately
// (for "what locked fans see"), the quality score and the content label. No Electron, no transport.
import { isAbsolute, join, relative } from 'node:path';
import { isUploadablePath } from './services/publish/output-manifest.js';
import type { Studio } from './services/studio.js';
import { decodeCursor, encodeCursor, ftsQuery, type MediaItem } from './services/library/library.js';
import { qualityScoreOrNull } from './services/scoring/quality-score.js';
import { StudioApiError, type ContentLabelView, type LibraryItemView, type LibraryPage, type LibraryQuery } from '../shared/studio-api.js';

/** SQL function so the quality filter means the same number the cards show. */
export function registerQualityFunction(studio: Studio): void {
  studio.db.function('fanz_quality', { deterministic: true }, (s: unknown, e: unknown, n: unknown) =>
    qualityScoreOrNull(s as number | null, e as number | null, n as number | null),
  );
}

const QUALITY_OF = (alias: string) =>
  `fanz_quality(
     (SELECT score FROM scores s WHERE s.item_id = ${alias}.id AND s.model = 'quality' AND s.label = 'sharpness'),
     (SELECT score FROM scores s WHERE s.item_id = ${alias}.id AND s.model = 'quality' AND s.label = 'exposure'),
     (SELECT score FROM scores s WHERE s.item_id = ${alias}.id AND s.model = 'quality' AND s.label = 'noise'))`;

interface Extras {
  thumb: string | null;
  lockedPreview: string | null;
  quality: number | null;
  label: ContentLabelView | null;
}

/** Thumbnail (poster for video, largest-but-one photo for images), blurred preview, quality and label per item. */
export function itemExtras(studio: Studio, itemIds: string[]): Map<string, Extras> {
  const out = new Map<string, Extras>();
  if (itemIds.length === 0) return out;
  const ids = JSON.stringify(itemIds);
  for (const id of itemIds) out.set(id, { thumb: null, lockedPreview: null, quality: null, label: null });
  const rows = studio.db
    .prepare(`SELECT item_id, id, kind, width FROM renditions WHERE kind IN ('poster', 'preview', 'photo') AND item_id IN (SELECT value FROM json_each(?))`)
    .all(ids) as Array<{ item_id: string; id: string; kind: string; width: number | null }>;
  const thumbWidth = new Map<string, number>();
  for (const r of rows) {
    const x = out.get(r.item_id)!;
    if (r.kind === 'preview') x.lockedPreview = r.id;
    else if (r.kind === 'poster') {
      x.thumb = r.id;
      thumbWidth.set(r.item_id, Number.POSITIVE_INFINITY);
    } else if (r.kind === 'photo' && thumbWidth.get(r.item_id) !== Number.POSITIVE_INFINITY) {
      // The smallest photo rendition is plenty for a card and loads fastest.
      const w = r.width ?? 0;
      if (!thumbWidth.has(r.item_id) || w < thumbWidth.get(r.item_id)!) {
        x.thumb = r.id;
        thumbWidth.set(r.item_id, w);
      }
    }
  }
  const scored = studio.db
    .prepare(
      `SELECT m.id, ${QUALITY_OF('m')} AS quality,
              (SELECT label FROM scores s WHERE s.item_id = m.id AND s.model = 'content-label' AND s.score = 1) AS label
       FROM media_items m WHERE m.id IN (SELECT value FROM json_each(?))`,
    )
    .all(ids) as Array<{ id: string; quality: number | null; label: ContentLabelView | null }>;
  for (const s of scored) {
    const x = out.get(s.id)!;
    x.quality = s.quality;
    x.label = s.label;
  }
  return out;
}

export function itemView(i: MediaItem, x: Extras | undefined): LibraryItemView {
  return {
    id: i.id,
    kind: i.kind,
    title: i.title,
    fileName: i.fileName,
    status: i.status,
    error: i.error,
    durationS: i.durationS,
    width: i.width,
    height: i.height,
    sizeBytes: i.sizeBytes,
    thumbRenditionId: x?.thumb ?? null,
    lockedPreviewRenditionId: x?.lockedPreview ?? null,
    quality: x?.quality ?? null,
    label: x?.label ?? null,
    createdAt: i.createdAt,
  };
}

/**
 * One page of the library: every filter (type, status, content label, quality, text) is SQL before the
 * LIMIT, newest first, paged by a (created_at, id) cursor; `total` counts what matches the filters.
 */
export function listLibrary(studio: Studio, q: LibraryQuery): LibraryPage {
  const text = (q.text ?? '').trim();
  const limit = q.limit ?? 200;
  const where: string[] = [];
  const args: Record<string, string | number> = {};
  if (q.kind) {
    where.push('m.kind = @kind');
    args.kind = q.kind;
  }
  if (q.status) {
    where.push('m.status = @status');
    args.status = q.status;
  }
  if (q.label) {
    where.push(`EXISTS (SELECT 1 FROM scores s WHERE s.item_id = m.id AND s.model = 'content-label' AND s.label = @label AND s.score = 1)`);
    args.label = q.label;
  }
  if (q.minQuality !== undefined) {
    where.push(`${QUALITY_OF('m')} >= @minq`);
    args.minq = q.minQuality;
  }
  if (text) {
    const fts = ftsQuery(text);
    if (!fts) return { items: [], nextCursor: null, total: 0 };
    where.push('m.rowid IN (SELECT rowid FROM media_fts WHERE media_fts MATCH @fts)');
    args.fts = fts;
  }
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = studio.db.prepare(`SELECT count(*) FROM media_items m ${filter}`).pluck().get(args) as number;
  const paged = [...where];
  if (q.cursor) {
    let c: { createdAt: number; id: string };
    try {
      c = decodeCursor(q.cursor);
    } catch {
      throw new StudioApiError('VALIDATION_ERROR', 'cursor: not a cursor from a previous page; load the list again');
    }
    // Row-value comparison lets SQLite seek the (created_at, id) index instead of scanning.
    paged.push('(m.created_at, m.id) < (@cAt, @cId)');
    args.cAt = c.createdAt;
    args.cId = c.id;
  }
  const rows = studio.db
    .prepare(`SELECT m.id, m.created_at FROM media_items m ${paged.length ? `WHERE ${paged.join(' AND ')}` : ''} ORDER BY m.created_at DESC, m.id DESC LIMIT @limit`)
    .all({ ...args, limit: limit + 1 }) as Array<{ id: string; created_at: number }>;
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const items = shown.map((r) => studio.lib.getItem(r.id)).filter((i): i is MediaItem => i !== null);
  const extras = itemExtras(studio, items.map((i) => i.id));
  return {
    items: items.map((i) => itemView(i, extras.get(i.id))),
    nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
    total,
  };
}

/**
 * A file of an item's output folder by its posix path there (`hls/720p/index.m3u8`), for the local player:
 * only plain segments (the upload contract's rule), never outside media/<itemId>/.
 */
export function itemOutputFile(dataDir: string, itemId: string, path: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(itemId) || !isUploadablePath(path)) return null;
  const root = join(dataDir, 'media', itemId);
  const file = join(root, ...path.split('/'));
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? file : null;
}
