// The media library: items, renditions, tags and scores in SQLite, list pages (keyset pagination) and
// FTS5 search. Pure data access: no ffmpeg, no file moves (see jobs/media-process.ts for those).
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { newId } from './ids.js';
import { frameHashDistance } from '../media/phash.js';

export type MediaKind = 'video' | 'photo';
export type ItemStatus = 'pending' | 'processing' | 'ready' | 'failed';

export interface MediaItem {
  id: string;
  kind: MediaKind;
  path: string;
  fileName: string;
  title: string;
  contentHash: string;
  sizeBytes: number;
  mtimeMs: number;
  status: ItemStatus;
  error: string | null;
  durationS: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  container: string | null;
  phash: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Rendition {
  id: string;
  itemId: string;
  kind: string;
  path: string;
  width: number | null;
  height: number | null;
  bandwidth: number | null;
  codecs: string | null;
  sizeBytes: number;
  createdAt: number;
}

interface ItemRow {
  id: string; kind: MediaKind; path: string; file_name: string; title: string; content_hash: string;
  size_bytes: number; mtime_ms: number; status: ItemStatus; error: string | null; duration_s: number | null;
  width: number | null; height: number | null; video_codec: string | null; audio_codec: string | null;
  container: string | null; phash: string | null; created_at: number; updated_at: number;
}

interface RenditionRow {
  id: string; item_id: string; kind: string; path: string; width: number | null; height: number | null;
  bandwidth: number | null; codecs: string | null; size_bytes: number; created_at: number;
}

function toItem(r: ItemRow): MediaItem {
  return {
    id: r.id, kind: r.kind, path: r.path, fileName: r.file_name, title: r.title, contentHash: r.content_hash,
    sizeBytes: r.size_bytes, mtimeMs: r.mtime_ms, status: r.status, error: r.error, durationS: r.duration_s,
    width: r.width, height: r.height, videoCodec: r.video_codec, audioCodec: r.audio_codec, container: r.container,
    phash: r.phash, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toRendition(r: RenditionRow): Rendition {
  return {
    id: r.id, itemId: r.item_id, kind: r.kind, path: r.path, width: r.width, height: r.height,
    bandwidth: r.bandwidth, codecs: r.codecs, sizeBytes: r.size_bytes, createdAt: r.created_at,
  };
}

export interface NewItem {
  kind: MediaKind;
  path: string;
  fileName: string;
  title: string;
  contentHash: string;
  sizeBytes: number;
  mtimeMs: number;
}

export interface ListOptions {
  limit?: number;
  /** Opaque cursor from the previous page's `nextCursor`. */
  cursor?: string | null;
  kind?: MediaKind;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface NewRendition {
  kind: string;
  path: string;
  width?: number | null;
  height?: number | null;
  bandwidth?: number | null;
  codecs?: string | null;
  sizeBytes: number;
}

export interface ProbeFacts {
  durationS: number | null;
  width: number | null;
  height: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  container: string | null;
}

/** Turns free text into an FTS5 query: every word must match as a prefix; FTS syntax in the input is inert. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return null;
  return words.slice(0, 16).map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ');
}

export function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  const createdAt = Number(ts);
  if (!Number.isFinite(createdAt) || !id) throw new Error('invalid cursor');
  return { createdAt, id };
}

export class Library {
  // Prepared statements by SQL text: list and search run on every keystroke/scroll in the UI.
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  insertItem(n: NewItem, now = Date.now()): MediaItem {
    const id = newId('med');
    this.db
      .prepare(
        `INSERT INTO media_items (id, kind, path, file_name, title, content_hash, size_bytes, mtime_ms, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(id, n.kind, n.path, n.fileName, n.title, n.contentHash, n.sizeBytes, n.mtimeMs, now, now);
    return this.getItem(id) as MediaItem;
  }

  getItem(id: string): MediaItem | null {
    const r = this.stmt('SELECT * FROM media_items WHERE id = ?').get(id) as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  findByHash(hash: string): MediaItem | null {
    const r = this.db.prepare('SELECT * FROM media_items WHERE content_hash = ?').get(hash) as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  findByPath(path: string): MediaItem | null {
    const r = this.db.prepare('SELECT * FROM media_items WHERE path = ? ORDER BY created_at DESC LIMIT 1').get(path) as ItemRow | undefined;
    return r ? toItem(r) : null;
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM media_items').pluck().get() as number;
  }

  /** Newest first, keyset-paginated so page N costs the same as page 1. */
  list(opts: ListOptions = {}): Page<MediaItem> {
    const limit = Math.max(1, Math.min(500, opts.limit ?? 50));
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (opts.kind) {
      where.push('kind = ?');
      args.push(opts.kind);
    }
    if (opts.cursor) {
      const c = decodeCursor(opts.cursor);
      // Row-value comparison lets SQLite seek the (created_at, id) index instead of scanning.
      where.push('(created_at, id) < (?, ?)');
      args.push(c.createdAt, c.id);
    }
    const sql = `SELECT * FROM media_items ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.stmt(sql).all(...args, limit + 1) as ItemRow[];
    const items = rows.slice(0, limit).map(toItem);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null };
  }

  /**
   * Full-text search over titles, file names and tags, best match first. Queries made only of one- or
   * two-letter prefixes (someone starting to type) match most of the library, where ranking means little
   * and costs a full scan; those return the newest matches instead, which FTS5 can stop after `limit`.
   */
  search(text: string, limit = 50): MediaItem[] {
    const q = ftsQuery(text);
    if (!q) return [];
    const words = text.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
    const order = words.every((w) => w.length < 3) ? 'f.rowid DESC' : 'f.rank';
    const rows = this.stmt(
      `SELECT m.* FROM media_fts f JOIN media_items m ON m.rowid = f.rowid
       WHERE media_fts MATCH ? ORDER BY ${order} LIMIT ?`,
    ).all(q, Math.max(1, Math.min(500, limit))) as ItemRow[];
    return rows.map(toItem);
  }

  addTags(itemId: string, tags: string[]): void {
    const stmt = this.db.prepare('INSERT OR IGNORE INTO tags (item_id, tag) VALUES (?, ?)');
    this.db.transaction(() => {
      for (const t of tags) {
        const tag = t.trim().toLowerCase();
        if (tag) stmt.run(itemId, tag);
      }
    })();
  }

  tags(itemId: string): string[] {
    return this.db.prepare('SELECT tag FROM tags WHERE item_id = ? ORDER BY tag').pluck().all(itemId) as string[];
  }

  setStatus(itemId: string, status: ItemStatus, error: string | null = null): void {
    this.db.prepare('UPDATE media_items SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, Date.now(), itemId);
  }

  setProbe(itemId: string, p: ProbeFacts): void {
    this.db
      .prepare(
        `UPDATE media_items SET duration_s = ?, width = ?, height = ?, video_codec = ?, audio_codec = ?, container = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(p.durationS, p.width, p.height, p.videoCodec, p.audioCodec, p.container, Date.now(), itemId);
  }

  /** Swaps an item's renditions for a new complete set and marks it ready, in one transaction. */
  completeProcessing(itemId: string, renditions: NewRendition[], phash: string | null): Rendition[] {
    const now = Date.now();
    const ins = this.db.prepare(
      `INSERT INTO renditions (id, item_id, kind, path, width, height, bandwidth, codecs, size_bytes, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM renditions WHERE item_id = ?').run(itemId);
      for (const r of renditions) {
        ins.run(newId('rnd'), itemId, r.kind, r.path, r.width ?? null, r.height ?? null, r.bandwidth ?? null, r.codecs ?? null, r.sizeBytes, now);
      }
      this.db.prepare(`UPDATE media_items SET status = 'ready', error = NULL, phash = ?, updated_at = ? WHERE id = ?`).run(phash, now, itemId);
    })();
    return this.renditions(itemId);
  }

  renditions(itemId: string): Rendition[] {
    return (this.db.prepare('SELECT * FROM renditions WHERE item_id = ? ORDER BY kind, path').all(itemId) as RenditionRow[]).map(toRendition);
  }

  /** Items of the same kind whose frame hashes are within `maxDistance` bits (mean over sampled frames). */
  nearDuplicates(itemId: string, maxDistance = 10): Array<{ item: MediaItem; distance: number }> {
    const me = this.getItem(itemId);
    if (!me?.phash) return [];
    const rows = this.db.prepare('SELECT id, phash FROM media_items WHERE kind = ? AND phash IS NOT NULL AND id != ?').all(me.kind, itemId) as Array<{ id: string; phash: string }>;
    const out: Array<{ item: MediaItem; distance: number }> = [];
    for (const r of rows) {
      const distance = frameHashDistance(me.phash, r.phash);
      if (distance <= maxDistance) {
        const item = this.getItem(r.id);
        if (item) out.push({ item, distance });
      }
    }
    return out.sort((a, b) => a.distance - b.distance);
  }

  /** For the scoring service: replaces one model's scores for an item. */
  setScores(itemId: string, model: string, scores: Record<string, number>): void {
    const now = Date.now();
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM scores WHERE item_id = ? AND model = ?').run(itemId, model);
      const ins = this.db.prepare('INSERT INTO scores (item_id, model, label, score, created_at) VALUES (?, ?, ?, ?, ?)');
      for (const [label, score] of Object.entries(scores)) ins.run(itemId, model, label, score, now);
    })();
  }

  scores(itemId: string): Array<{ model: string; label: string; score: number }> {
    return this.db.prepare('SELECT model, label, score FROM scores WHERE item_id = ? ORDER BY model, score DESC').all(itemId) as Array<{ model: string; label: string; score: number }>;
  }
}
