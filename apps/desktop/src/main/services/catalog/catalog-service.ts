// The creator's account and catalog on this device: sign-in (tokens, device key), the Yjs document
// `creator:<id>` persisted in SQLite (CatalogStore) and synced (CatalogSync), and the post/schedule edits
// the UI makes, validated with @fanz/core's schemas. Edits never wait for the network: they land in the
// local document and log at once and reach the server whenever a connection exists.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import * as Y from 'yjs';
import {
  catalogDocName,
  deletePost,
  generateKeyPair,
  getPost,
  initCatalogDoc,
  isCoreError,
  listPosts,
  newId,
  publishPost,
  putPost,
  schedulePost,
  toBase64Url,
  unschedulePost,
  updatePost,
  type Post,
  type PostInput,
  catalogOwner,
} from '@fanz/core';
import { LOCAL_DRAFTS_DOC, localOwner, moveDrafts } from './local-drafts.js';
import type { Db } from '../library/db.js';
import {
  StudioApiError,
  postDraftSchema,
  type PostDraft,
  type SessionInfo,
  type SyncStatus,
} from '../../../shared/studio-api.js';
import { AccountStore, type Account, type SecretBox } from '../account/account-store.js';
import { CatalogStore } from './catalog-store.js';
import { CatalogSync } from './catalog-sync.js';
import * as server from '../account/server-client.js';

const FROM_STORE = Symbol('catalog-store');
/** Fold the update log into a snapshot after this many rows. */
const COMPACT_EVERY = 200;
/** A schedule this far in the past is a mistake (clock skew and slow typing are allowed for). */
const PAST_SLACK_MS = 60_000;

export interface CatalogServiceOptions {
  db: Db;
  box: SecretBox;
  defaultServerUrl: string;
  mode: 'electron' | 'browser';
  maxBackoffMs?: number;
  deviceName?: string;
  /**
   * The catalog kind of a media id from the library (photo -> image, video -> video); undefined when the
   * library does not know it (then the post keeps what it had, else video).
   */
  mediaKind?: (mediaId: string) => 'video' | 'image' | undefined;
}

interface OpenCatalog {
  name: string;
  doc: Y.Doc;
  sync: CatalogSync | null;
  sinceCompact: number;
}

function fieldsFromIssues(issues: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!Array.isArray(issues)) return fields;
  for (const i of issues as Array<{ path?: PropertyKey[]; message?: string }>) {
    const key = String(i.path?.[0] ?? 'form');
    fields[key] ??= i.message ?? 'invalid';
  }
  return fields;
}

/** Turns core validation errors into the transport's error with per-field messages. */
function asApiError(err: unknown): unknown {
  if (isCoreError(err) && err.code === 'INVALID_ARGUMENT') {
    const issues = (err.details as { issues?: unknown } | undefined)?.issues;
    return new StudioApiError('VALIDATION_ERROR', err.message, { fields: fieldsFromIssues(issues) });
  }
  return err;
}

/** Refresh refusals that mean the session is over (401s of the auth routes), not a passing failure. */
const SESSION_REFUSED = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REUSED', 'UNAUTHORIZED']);

export class CatalogService extends EventEmitter {
  readonly accounts: AccountStore;
  private readonly store: CatalogStore;
  private catalog: OpenCatalog | null = null;
  private accessToken: string | null = null;
  private refreshing: Promise<string> | null = null;

  constructor(private readonly o: CatalogServiceOptions) {
    super();
    this.accounts = new AccountStore(o.db, o.box);
    this.store = new CatalogStore(o.db);
    const account = this.accounts.get();
    if (account) this.openCatalog(account);
    else this.openLocalCatalog();
  }

  // ---- account ----

  session(): SessionInfo {
    const a = this.accounts.get();
    return {
      signedIn: a !== null,
      serverUrl: a?.serverUrl ?? null,
      defaultServerUrl: this.o.defaultServerUrl,
      user: a ? { id: a.userId, username: a.username, role: a.role } : null,
      deviceKeyId: a?.deviceKeyId ?? null,
      secretStorage: this.o.box.kind,
      mode: this.o.mode,
    };
  }

  async signIn(input: { serverUrl: string; email: string; password: string }): Promise<SessionInfo> {
    const url = server.normalizeServerUrl(input.serverUrl);
    return this.adopt(url, await server.login(url, input.email, input.password));
  }

  async register(input: { serverUrl: string; email: string; password: string; username: string; displayName: string }): Promise<SessionInfo> {
    const url = server.normalizeServerUrl(input.serverUrl);
    // The server's register body is strict: send only its fields (not serverUrl).
    const { username, email, password, displayName } = input;
    return this.adopt(url, await server.register(url, { username, email, password, displayName }));
  }

  private async adopt(serverUrl: string, auth: server.AuthResult): Promise<SessionInfo> {
    if (auth.user.role !== 'creator') throw new StudioApiError('FORBIDDEN', 'the studio is for creator accounts; this is a fan account');
    const previous = this.accounts.get();
    const sameUser = previous?.userId === auth.user.id && previous.serverUrl === serverUrl;
    const account: Account = {
      serverUrl,
      userId: auth.user.id,
      username: auth.user.username,
      role: auth.user.role,
      refreshToken: auth.refreshToken,
      deviceKeyId: sameUser ? previous.deviceKeyId : null,
      deviceSecretKey: sameUser ? previous.deviceSecretKey : null,
    };
    if (!account.deviceKeyId) {
      // The device key signs payout requests; its secret half never leaves this machine.
      const pair = generateKeyPair();
      account.deviceKeyId = await server.registerDevice(
        serverUrl,
        auth.accessToken,
        toBase64Url(pair.publicKey),
        (this.o.deviceName ?? `FANZ Studio on ${hostname()}`).slice(0, 80),
      );
      account.deviceSecretKey = toBase64Url(pair.secretKey);
    }
    // Drafts written before signing in come along into the account's catalog.
    const local = this.catalog && this.catalog.sync === null ? this.catalog : null;
    const localDoc = local ? Y.encodeStateAsUpdate(local.doc) : null;
    this.closeCatalog();
    this.accounts.save(account);
    this.accessToken = auth.accessToken;
    this.openCatalog(account);
    if (localDoc) {
      const from = new Y.Doc();
      Y.applyUpdate(from, localDoc);
      moveDrafts(from, this.catalog!.doc, account.userId);
      from.destroy();
      this.store.clear(LOCAL_DRAFTS_DOC);
    }
    this.emit('session');
    return this.session();
  }

  signOut(): SessionInfo {
    this.closeCatalog();
    this.accounts.clear();
    this.accessToken = null;
    this.openLocalCatalog();
    this.emit('session');
    this.emit('sync');
    return this.session();
  }

  /** A valid access token, refreshing (single flight) when it is missing or about to expire. */
  async getAccessToken(): Promise<string> {
    if (this.accessToken && server.secondsUntilExpiry(this.accessToken) > 90) return this.accessToken;
    this.refreshing ??= (async () => {
      const a = this.accounts.get();
      if (!a) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to a server first');
      try {
        const r = await server.refresh(a.serverUrl, a.refreshToken);
        this.accounts.setRefreshToken(r.refreshToken);
        this.accessToken = r.accessToken;
        return r.accessToken;
      } catch (err) {
        if (err instanceof StudioApiError && SESSION_REFUSED.has(err.code)) {
          // The server revoked or expired this session: say so (signed out), never "signed in" with a dead
          // token. The account's catalog stays in the local database; drafts go on locally until sign-in.
          this.signOut();
          throw new StudioApiError('SESSION_ENDED', `the server ended this session (${err.message}); sign in again, your drafts stay on this computer`);
        }
        throw err;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  // ---- the catalog document ----

  /** Signed out: drafts go to a local document (never synced) until sign-in moves them into the account's. */
  private openLocalCatalog(): void {
    const name = LOCAL_DRAFTS_DOC;
    const doc = new Y.Doc();
    this.store.load(name, doc, FROM_STORE);
    const open: OpenCatalog = { name, doc, sync: null, sinceCompact: this.store.logLength(name) };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORE) return;
      this.store.append(name, update, false);
      this.emit('posts');
    });
    initCatalogDoc(doc, localOwner(doc));
    this.catalog = open;
  }

  private openCatalog(account: Account): void {
    const name = catalogDocName(account.userId);
    const doc = new Y.Doc();
    this.store.load(name, doc, FROM_STORE);
    const open: OpenCatalog = { name, doc, sync: null, sinceCompact: this.store.logLength(name) };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === FROM_STORE) return;
      const remote = open.sync !== null && origin === open.sync.provider;
      // A local edit made while synced goes out on the open socket at once; otherwise it is pending.
      const pending = !remote && open.sync?.state !== 'synced';
      this.store.append(name, update, pending);
      if (++open.sinceCompact >= COMPACT_EVERY) {
        this.store.compact(name, doc);
        open.sinceCompact = 0;
      }
      if (!pending && !remote) this.store.markSynced(name);
      this.emit('posts');
      this.emit('sync');
    });
    initCatalogDoc(doc, account.userId);
    open.sync = new CatalogSync({
      serverUrl: account.serverUrl,
      docName: name,
      doc,
      accessToken: () => this.getAccessToken(),
      ...(this.o.maxBackoffMs !== undefined ? { maxBackoffMs: this.o.maxBackoffMs } : {}),
    });
    open.sync.on('synced', () => this.store.markSynced(name));
    open.sync.on('change', () => this.emit('sync'));
    this.catalog = open;
  }

  private closeCatalog(): void {
    const c = this.catalog;
    if (!c) return;
    this.catalog = null;
    c.sync?.close();
    this.store.compact(c.name, c.doc);
    c.doc.destroy();
  }

  private requireCatalog(): OpenCatalog {
    if (!this.catalog) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to a server first; your catalog belongs to your account');
    return this.catalog;
  }

  /** The live document (tests and the CLI read it; the UI goes through the methods below). */
  get doc(): Y.Doc | null {
    return this.catalog?.doc ?? null;
  }

  syncStatus(): SyncStatus {
    const c = this.catalog;
    if (!c || !c.sync) return { state: 'signed-out', lastSyncedAt: null, pendingChanges: 0, detail: null };
    const book = this.store.bookkeeping(c.name);
    const state = c.sync?.state ?? 'offline';
    return {
      state,
      lastSyncedAt: book.lastSyncedAt ? new Date(book.lastSyncedAt).toISOString() : null,
      pendingChanges: state === 'synced' ? 0 : book.pendingLocal,
      detail: c.sync?.lastError ?? null,
    };
  }

  syncNow(): SyncStatus {
    this.catalog?.sync?.reconnect();
    return this.syncStatus();
  }

  // ---- posts and the schedule ----

  listPosts(): Post[] {
    const c = this.catalog;
    if (!c) return [];
    return listPosts(c.doc).sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
  }

  savePost(input: PostDraft, now = new Date()): Post {
    const c = this.requireCatalog();
    const parsed = postDraftSchema.safeParse(input);
    if (!parsed.success) {
      throw new StudioApiError('VALIDATION_ERROR', parsed.error.issues.map((i) => i.message).join('; '), {
        fields: fieldsFromIssues(parsed.error.issues),
      });
    }
    const d = parsed.data;
    const fields = {
      title: d.title.trim(),
      description: d.description,
      tags: d.tags.map((t) => t.trim()).filter(Boolean),
      media: d.mediaIds.map((mediaId) => ({ mediaId, kind: this.o.mediaKind?.(mediaId) ?? ('video' as 'video' | 'image') })),
      teaserMediaId: d.teaserMediaId,
      thumbnailMediaId: d.thumbnailMediaId,
      visibility: d.visibility,
      price: d.visibility === 'pay_per_view' ? d.price : null,
    };
    try {
      if (d.id) {
        const existing = getPost(c.doc, d.id);
        if (!existing) throw new StudioApiError('NOT_FOUND', `no post ${d.id}`);
        // The library's kind wins; media it does not know keeps the kind the post already had.
        const kinds = new Map(existing.media.map((m) => [m.mediaId, m.kind]));
        fields.media = fields.media.map((m) => ({ ...m, kind: this.o.mediaKind?.(m.mediaId) ?? ((kinds.get(m.mediaId) ?? 'video') as 'video' | 'image') }));
        return updatePost(c.doc, d.id, fields, now);
      }
      const post: PostInput = {
        id: newId('post'),
        creatorId: catalogOwner(c.doc) ?? this.accounts.get()!.userId,
        ...fields,
        status: 'draft',
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      return putPost(c.doc, post);
    } catch (err) {
      throw asApiError(err);
    }
  }

  /** Scheduling and publishing need the account: drafts before sign-in stay on this device. */
  private requireAccountCatalog(): OpenCatalog {
    const c = this.requireCatalog();
    if (!c.sync) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to schedule or publish; your drafts stay on this computer until then');
    return c;
  }

  schedule(id: string, at: string, now = new Date()): Post {
    const c = this.requireAccountCatalog();
    const when = new Date(at);
    if (Number.isNaN(when.getTime())) {
      throw new StudioApiError('VALIDATION_ERROR', `"${at.slice(0, 64)}" is not a date and time`, { fields: { scheduledAt: 'enter a date and time' } });
    }
    if (when.getTime() < now.getTime() - PAST_SLACK_MS) {
      throw new StudioApiError('VALIDATION_ERROR', 'the release time is in the past; pick a time from now on', {
        fields: { scheduledAt: 'that time is in the past; pick a time from now on' },
      });
    }
    if (!getPost(c.doc, id)) throw new StudioApiError('NOT_FOUND', `no post ${id}`);
    try {
      return schedulePost(c.doc, id, when);
    } catch (err) {
      throw asApiError(err);
    }
  }

  /** Publishes a post now. Callers upload its media first, so fans never see a post whose media is missing. */
  publish(id: string, now = new Date()): Post {
    const c = this.requireAccountCatalog();
    if (!getPost(c.doc, id)) throw new StudioApiError('NOT_FOUND', `no post ${id}`);
    try {
      return publishPost(c.doc, id, now);
    } catch (err) {
      throw asApiError(err);
    }
  }

  unschedule(id: string): Post {
    const c = this.requireCatalog();
    if (!getPost(c.doc, id)) throw new StudioApiError('NOT_FOUND', `no post ${id}`);
    return unschedulePost(c.doc, id);
  }

  deletePost(id: string): boolean {
    return deletePost(this.requireCatalog().doc, id);
  }

  close(): void {
    this.closeCatalog();
    this.removeAllListeners();
  }
}
