// Queries behind the creator profile: the public fields of a creator account, profile edits, and the
// avatar bytes. Only creators have public profiles; a fan's username answers 404 like an unknown one.
import { createHash } from 'node:crypto';
import type { Database } from '../db/database.js';
import type { AvatarType } from './image-sniff.js';
import type { PublicProfile } from './creator-schemas.js';

interface ProfileRow {
  id: string;
  username: string;
  display_name: string;
  bio: string;
  avatar_sha: string | null;
}

function toProfile(r: ProfileRow): PublicProfile {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    bio: r.bio,
    // The hash in the query string changes with the image, so the URL can be cached hard.
    avatarUrl: r.avatar_sha ? `/api/v1/creators/${encodeURIComponent(r.username)}/avatar?v=${r.avatar_sha.slice(0, 16)}` : null,
  };
}

const SELECT = `SELECT u.id, u.username, u.display_name, u.bio, a.sha256 AS avatar_sha
                  FROM users u LEFT JOIN creator_avatars a ON a.user_id = u.id`;

export class ProfileStore {
  constructor(private readonly db: Database) {}

  async byUsername(username: string): Promise<PublicProfile | null> {
    const rows = await this.db.query<ProfileRow>(`${SELECT} WHERE lower(u.username) = lower($1) AND u.role = 'creator'`, [username]);
    return rows[0] ? toProfile(rows[0]) : null;
  }

  async byId(id: string): Promise<PublicProfile | null> {
    const rows = await this.db.query<ProfileRow>(`${SELECT} WHERE u.id = $1 AND u.role = 'creator'`, [id]);
    return rows[0] ? toProfile(rows[0]) : null;
  }

  async update(id: string, patch: { displayName?: string; bio?: string }): Promise<PublicProfile | null> {
    await this.db.query(
      `UPDATE users SET display_name = COALESCE($2, display_name), bio = COALESCE($3, bio) WHERE id = $1 AND role = 'creator'`,
      [id, patch.displayName ?? null, patch.bio ?? null],
    );
    return this.byId(id);
  }

  async setAvatar(id: string, type: AvatarType, data: Uint8Array): Promise<void> {
    const sha = createHash('sha256').update(data).digest('hex');
    await this.db.query(
      `INSERT INTO creator_avatars (user_id, content_type, data, sha256, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (user_id) DO UPDATE SET content_type = EXCLUDED.content_type, data = EXCLUDED.data, sha256 = EXCLUDED.sha256, updated_at = now()`,
      [id, type, data, sha],
    );
  }

  async avatar(username: string): Promise<{ contentType: string; data: Uint8Array; sha256: string } | null> {
    const rows = await this.db.query<{ content_type: string; data: Uint8Array; sha256: string }>(
      `SELECT a.content_type, a.data, a.sha256 FROM creator_avatars a JOIN users u ON u.id = a.user_id
        WHERE lower(u.username) = lower($1) AND u.role = 'creator'`,
      [username],
    );
    const r = rows[0];
    return r ? { contentType: r.content_type, data: new Uint8Array(r.data), sha256: r.sha256 } : null;
  }
}
