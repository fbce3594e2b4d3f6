// tus-js-client's urlStorage over the studio's SQLite (table tus_uploads), so the upload URL of a file being
// sent survives a killed studio: the next attempt finds it by fingerprint, asks the server for the offset
// (HEAD) and sends only the rest. Several processes may share the database; each row is one started upload.
import { randomBytes } from 'node:crypto';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import type { Db } from '../library/db.js';

export class SqliteUrlStorage implements UrlStorage {
  constructor(private readonly db: Db) {}

  async findAllUploads(): Promise<PreviousUpload[]> {
    return this.rows(this.db.prepare('SELECT storage_key, upload FROM tus_uploads ORDER BY created_at DESC').all());
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return this.rows(this.db.prepare('SELECT storage_key, upload FROM tus_uploads WHERE fingerprint = ? ORDER BY created_at DESC').all(fingerprint));
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    this.db.prepare('DELETE FROM tus_uploads WHERE storage_key = ?').run(urlStorageKey);
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = `tus::${fingerprint}::${randomBytes(8).toString('hex')}`;
    this.db.prepare('INSERT INTO tus_uploads (storage_key, fingerprint, upload, created_at) VALUES (?, ?, ?, ?)').run(key, fingerprint, JSON.stringify(upload), Date.now());
    return key;
  }

  /** Forgets every stored upload of a fingerprint (a file the server refused: it starts from scratch). */
  forget(fingerprint: string): void {
    this.db.prepare('DELETE FROM tus_uploads WHERE fingerprint = ?').run(fingerprint);
  }

  private rows(rows: unknown[]): PreviousUpload[] {
    return (rows as Array<{ storage_key: string; upload: string }>).map((r) => ({ ...(JSON.parse(r.upload) as PreviousUpload), urlStorageKey: r.storage_key }));
  }
}
