// Builds the StudioApi implementation over the main-process services (library, job queue, catalog).
// Both transports (Electron IPC in main/index.ts, the WebSocket of browser mode in host/) serve this one
// object through dispatchApiCall, so the two modes cannot drift apart. No Electron imports here.
import { EventEmitter } from 'node:events';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openStudio, type Studio } from './services/studio.js';
import type { Job } from './services/jobs/queue.js';
import { itemExtras, itemOutputFile, itemView, listLibrary, registerQualityFunction } from './library-view.js';
import { CatalogService } from './services/catalog/catalog-service.js';
import { saveUpdateSettings } from './services/updates/update-status.js';
import { GatedUpdater, type UpdaterPort } from './services/updates/gated-updater.js';
import type { SecretBox } from './services/account/account-store.js';
import { verifyLog, type LogVerification } from './services/finance/log-verifier.js';
import { requestPayout } from './services/finance/payout-request.js';
import { readFinance } from './services/finance/finance-client.js';
import { getProfile, saveProfile, uploadAvatar, type ProfileDeps } from './services/profile/creator-profile.js';
import { createApiKey, listApiKeys, revokeApiKey } from './services/api-keys/api-keys.js';
import { loadInsights } from './services/insights/insights-service.js';
import { cancelMeetup, createMeetup, listMeetups, meetupHostLink, type MeetupsDeps } from './services/meetups/meetups-client.js';
import { LedgerService } from './services/ledger/ledger-service.js';
import { attestLedgerHead } from './services/ledger/ledger-attestation.js';
import { publishCheck } from './services/scoring/publish-check.js';
import { attachPublishing, catalogKindOf } from './services/publish/publishing.js';
import { MEDIA_PROCESS, mediaDir } from './services/jobs/media-process.js';
import { setCoverFrame, spriteFrames } from './services/media/cover-frame.js';
import { saveTier, tiersOf } from './services/catalog/tier-edits.js';
import { PendingPublishes } from './services/publish/pending-publishes.js';
import { UPLOAD } from './services/publish/upload-job.js';
import { StudioApiError, postDraftSchema, type JobView, type LibraryItemDetail, type StudioApi, type StudioEvent } from '../shared/studio-api.js';

export interface BackendOptions {
  dataDir: string;
  defaultServerUrl: string;
  mode: 'electron' | 'browser';
  box: (dataDir: string) => SecretBox;
  maxBackoffMs?: number;
  concurrency?: number;
  /** electron-updater, adapted (Electron only); without it updates are checked, not downloaded. */
  updater?: UpdaterPort;
}

export interface StudioBackend {
  api: StudioApi;
  studio: Studio;
  catalog: CatalogService;
  ledger: LedgerService;
  /** The update channel: verified checks, and downloads only of what the signed feed offers. */
  updates: GatedUpdater;
  events: EventEmitter<{ event: [StudioEvent] }>;
  /** Absolute path of a rendition file, or null (unknown id). The transport serves it. */
  renditionFile(id: string): { path: string; kind: string } | null;
  /** Absolute path of a file in an item's output folder (HLS playlists/segments, sprite), or null. */
  itemFile(itemId: string, path: string): string | null;
  close(): Promise<void>;
}

export function openBackend(o: BackendOptions): StudioBackend {
  const studio = openStudio({ dataDir: o.dataDir, scoreAfterProcessing: true, ...(o.concurrency ? { concurrency: o.concurrency } : {}) });
  registerQualityFunction(studio);
  studio.queue.recoverInterrupted();
  studio.queue.start();
  const catalog = new CatalogService({
    db: studio.db,
    box: o.box(studio.dataDir),
    defaultServerUrl: o.defaultServerUrl,
    mode: o.mode,
    mediaKind: catalogKindOf(studio),
    ...(o.maxBackoffMs !== undefined ? { maxBackoffMs: o.maxBackoffMs } : {}),
  });
  // Media of posts going public goes to the server as `upload` jobs: on schedule, and for edits synced from
  // elsewhere (debounced: a sync delivers many updates at once).
  const publishing = attachPublishing(studio, catalog);
  const pendingPublishes = new PendingPublishes(publishing.deps, catalog);
  let uploadScan: NodeJS.Timeout | null = null;
  const scanForUploads = () => {
    uploadScan ??= setTimeout(() => {
      uploadScan = null;
      try {
        publishing.enqueueForPosts(catalog.listPosts(), { automatic: true });
        // "Publish now" posts whose uploads have all finished go public.
        pendingPublishes.flush();
      } catch {
        // signed out meanwhile: nothing to upload to
      }
    }, 300);
  };
  catalog.on('posts', scanForUploads);
  // Media of a post that went public before its transcode finished uploads once the transcode is done.
  studio.queue.on('change', (id: string) => {
    const job = studio.queue.get(id);
    if ((job?.kind === MEDIA_PROCESS || job?.kind === UPLOAD) && job.state === 'done') scanForUploads();
  });
  catalog.on('session', scanForUploads);
  scanForUploads();
  // The device's signed offline ledger: what this studio imported and which earnings it verified against the
  // server's transparency log, signed with the account's device key (a local key before sign-in).
  const ledger = new LedgerService(studio.db, { accounts: catalog.accounts, box: o.box(studio.dataDir) });
  const recordVerifiedEarnings = (log: LogVerification, serverUrl: string) => {
    if (!log.headVerified) return;
    for (const e of log.entries) {
      // appendOnce: the earnings screen re-verifies on every refresh; each entry is attested once.
      if (e.verified) ledger.appendOnce('earning.verified', { serverUrl, logIndex: e.index, treeSize: log.treeSize, entry: e.entry });
    }
  };
  const events = new EventEmitter<{ event: [StudioEvent] }>();
  events.setMaxListeners(100);
  catalog.on('posts', () => events.emit('event', { type: 'posts' }));
  catalog.on('session', () => events.emit('event', { type: 'session' }));
  const updates = new GatedUpdater({
    dataDir: studio.dataDir,
    serverUrl: () => catalog.session().serverUrl,
    port: o.updater ?? null,
    onChange: (status) => events.emit('event', { type: 'update', status }),
  });
  catalog.on('sync', () => events.emit('event', { type: 'sync', status: catalog.syncStatus() }));
  // At each sync the ledger head is attested in the server's log, so a cut tail is caught later (ledger
  // verify). A failure is kept for the log line and retried at the next sync; one attestation at a time.
  let attesting: Promise<unknown> | null = null;
  catalog.on('sync', () => {
    if (attesting || catalog.syncStatus().state !== 'synced') return;
    attesting = attestLedgerHead(studio.db, catalog, ledger)
      .catch((err: unknown) => console.warn(`ledger head not attested (retried at the next sync): ${(err as Error).message}`))
      .finally(() => (attesting = null));
  });
  studio.queue.on('change', () => {
    events.emit('event', { type: 'jobs' });
    events.emit('event', { type: 'library' });
  });
  studio.queue.on('progress', (p: { id: string; percent: number; etaS: number | null; stage: string | null }) =>
    events.emit('event', { type: 'jobs', progress: p }),
  );

  // One query for the whole jobs list (it refreshes several times a second while jobs run).
  const titles = (ids: string[]): Map<string, string> => {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = studio.db
      .prepare(`SELECT id, title FROM media_items WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(unique)) as Array<{ id: string; title: string }>;
    return new Map(rows.map((r) => [r.id, r.title]));
  };
  const jobView = (j: Job, t: Map<string, string>): JobView => ({
    id: j.id,
    kind: j.kind,
    itemId: j.itemId,
    itemTitle: j.itemId ? (t.get(j.itemId) ?? null) : null,
    state: j.state,
    progress: j.progress,
    etaS: j.etaS,
    stage: j.stage,
    error: j.error,
    attempts: j.attempts,
    createdAt: j.createdAt,
    finishedAt: j.finishedAt,
  });
  const oneJob = (j: Job | null): JobView | null => (j ? jobView(j, titles(j.itemId ? [j.itemId] : [])) : null);

  // The public profile is edited on the server directly (it is not part of the offline catalog document).
  const profileDeps = (): ProfileDeps => {
    const session = catalog.session();
    if (!session.signedIn || !session.serverUrl) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to edit your public profile');
    return { serverUrl: session.serverUrl, accessToken: () => catalog.getAccessToken() };
  };
  const apiKeysDeps = (): ProfileDeps => {
    const session = catalog.session();
    if (!session.signedIn || !session.serverUrl) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to manage your API keys');
    return { serverUrl: session.serverUrl, accessToken: () => catalog.getAccessToken() };
  };

  // VR meetups live on the server (seats, tickets, the relay): created through REST when online, written
  // into the account's catalog document when the server is unreachable (the server imports it on sync).
  const meetupsDeps = (): MeetupsDeps => ({
    account: () => {
      const s = catalog.session();
      return s.signedIn && s.serverUrl && s.user ? { serverUrl: s.serverUrl, creatorId: s.user.id, role: s.user.role } : null;
    },
    accessToken: () => catalog.getAccessToken(),
    catalogDoc: () => (catalog.session().signedIn ? catalog.doc : null),
  });

  const itemDetail = async (id: string): Promise<LibraryItemDetail> => {
    const item = studio.lib.getItem(id);
    if (!item) throw new StudioApiError('NOT_FOUND', 'that item is no longer in the library');
    const scores = studio.lib.scores(id);
    return {
      ...itemView(item, itemExtras(studio, [id]).get(id)),
      path: item.path,
      tags: studio.lib.tags(id),
      renditions: studio.lib.renditions(id).map((r) => ({
        id: r.id,
        kind: r.kind,
        width: r.width,
        height: r.height,
        bandwidth: r.bandwidth,
        sizeBytes: r.sizeBytes,
        // Path inside the item's output folder (media/<id>/), for the player and the sprite.
        file: r.path.replace(/^.*?media\/[^/]+\//, ''),
      })),
      scores,
      frames: item.kind === 'video' && item.status === 'ready' ? await spriteFrames(mediaDir(studio.dataDir, id)) : [],
      suggestedFrameS: scores.find((s) => s.model === 'quality' && s.label === 'thumbnail_time_s')?.score ?? null,
    };
  };

  const api: StudioApi = {
    async updateStatus() {
      return updates.check();
    },
    async updateSettingsSave(p) {
      saveUpdateSettings(studio.dataDir, p);
      return updates.check();
    },
    async updateDownload() {
      return updates.download();
    },
    async updateInstall() {
      return updates.install();
    },
    async session() {
      return catalog.session();
    },
    async signIn(input) {
      return catalog.signIn(input);
    },
    async register(input) {
      return catalog.register(input);
    },
    async signOut() {
      return catalog.signOut();
    },
    async libraryList(q) {
      return listLibrary(studio, q);
    },
    async libraryItem({ id }) {
      return itemDetail(id);
    },
    async coverFromFrame({ id, timeS }) {
      const item = studio.lib.getItem(id);
      if (!item) throw new StudioApiError('NOT_FOUND', 'that item is no longer in the library');
      const poster = studio.lib.renditions(id).find((r) => r.kind === 'poster');
      if (item.kind !== 'video' || item.status !== 'ready' || !poster) throw new StudioApiError('NOT_READY', 'a cover can be chosen once the clip is processed');
      if (item.durationS !== null && timeS > item.durationS) throw new StudioApiError('VALIDATION_ERROR', 'that moment is after the end of the clip', { fields: { timeS: 'after the end of the clip' } });
      const outDir = mediaDir(studio.dataDir, id);
      try {
        await setCoverFrame(item.path, outDir, timeS, { width: poster.width ?? item.width ?? 640, height: poster.height ?? item.height ?? 360 });
      } catch (err) {
        throw new StudioApiError('COVER_FAILED', (err as Error).message.split('\n')[0]!.slice(0, 200));
      }
      // New bytes, same rendition ids: record the sizes so uploads compare the right files.
      for (const r of studio.lib.renditions(id).filter((x) => x.kind === 'poster' || x.kind === 'preview')) {
        const size = (await stat(join(studio.dataDir, r.path)).catch(() => null))?.size;
        if (size !== undefined) studio.db.prepare('UPDATE renditions SET size_bytes = ? WHERE id = ?').run(size, r.id);
      }
      events.emit('event', { type: 'library' });
      return itemDetail(id);
    },
    async importPaths({ paths }) {
      // "~/Videos/clip.mp4" as typed in a shell means the home folder.
      const r = await studio.import(paths.map((p) => (p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p)));
      for (const item of r.imported) {
        ledger.append('import', { itemId: item.id, sha256: item.contentHash, fileName: item.fileName, kind: item.kind });
      }
      events.emit('event', { type: 'library' });
      return {
        imported: r.jobs.length,
        skipped: [...r.skipped, ...r.duplicates.map((d) => ({ path: d.path, reason: `already in the library as "${d.existing.title}"` }))],
        jobIds: r.jobs.map((j) => j.id),
      };
    },
    async jobsList() {
      const jobs = studio.queue.list({ limit: 500 });
      const t = titles(jobs.flatMap((j) => (j.itemId ? [j.itemId] : [])));
      return jobs.map((j) => jobView(j, t));
    },
    async jobCancel({ id }) {
      return oneJob(studio.queue.cancel(id));
    },
    async jobRetry({ id }) {
      return oneJob(studio.queue.retry(id));
    },
    async postsList() {
      return catalog.listPosts();
    },
    async postSave(draft) {
      return catalog.savePost(draft);
    },
    async postPublishCheck(draft) {
      const d = postDraftSchema.parse(draft);
      return publishCheck(studio.lib, d);
    },
    async postSchedule({ id, at }) {
      const post = catalog.schedule(id, at);
      publishing.enqueueForPosts([post]);
      return post;
    },
    async postPublish({ id }) {
      if (!catalog.session().signedIn) throw new StudioApiError('NOT_SIGNED_IN', 'sign in to publish; your drafts stay on this computer until then');
      return pendingPublishes.request(id);
    },
    async postUnschedule({ id }) {
      return catalog.unschedule(id);
    },
    async postDelete({ id }) {
      return { deleted: catalog.deletePost(id) };
    },
    async syncStatus() {
      return catalog.syncStatus();
    },
    async syncNow() {
      return catalog.syncNow();
    },
    async earnings() {
      const session = catalog.session();
      const none = { balance: null, payouts: [], payoutsError: null, log: null, logError: null };
      if (!session.signedIn || !session.serverUrl) return { available: false, reason: 'sign in to see earnings', ...none };
      try {
        const token = await catalog.getAccessToken();
        const finance = await readFinance(session.serverUrl, token);
        let log = null;
        let logError: string | null = null;
        try {
          log = await verifyLog(studio.db, session.serverUrl, token);
          recordVerifiedEarnings(log, session.serverUrl);
        } catch (err) {
          logError = (err as Error).message;
        }
        return { available: true, reason: null, ...finance, log, logError };
      } catch (err) {
        return { available: false, reason: (err as Error).message, ...none };
      }
    },
    async payoutRequest(input) {
      return requestPayout({ catalog, ledger }, input);
    },
    async tiersList() {
      return tiersOf(catalog.doc);
    },
    async tierSave(t) {
      const doc = catalog.doc;
      const account = catalog.accounts.get();
      if (!doc || !account) throw new StudioApiError('NOT_SIGNED_IN', 'sign in first: tiers belong to your account');
      return saveTier(doc, account.userId, t);
    },
    async profileGet() {
      return getProfile(profileDeps());
    },
    async profileSave(input) {
      return saveProfile(profileDeps(), { displayName: input.displayName, bio: input.bio ?? '' });
    },
    async avatarUpload({ path }) {
      return uploadAvatar(profileDeps(), path);
    },
    // API keys live on the server too; the same signed-in session (creator token) manages them.
    async apiKeysList() {
      return listApiKeys(apiKeysDeps());
    },
    async apiKeyCreate(input) {
      return createApiKey(apiKeysDeps(), { name: input.name, scopes: input.scopes, expiresAt: input.expiresAt });
    },
    async apiKeyRevoke({ id }) {
      return revokeApiKey(apiKeysDeps(), id);
    },
    async insights(q) {
      const account = () => {
        const s = catalog.session();
        return s.signedIn && s.serverUrl && s.user ? { serverUrl: s.serverUrl, creatorId: s.user.id, role: s.user.role } : null;
      };
      return loadInsights({ db: studio.db, account, accessToken: () => catalog.getAccessToken() }, q);
    },
    async meetupsList() {
      return listMeetups(meetupsDeps());
    },
    async meetupCreate(input) {
      return createMeetup(meetupsDeps(), input);
    },
    async meetupCancel({ id }) {
      return cancelMeetup(meetupsDeps(), id);
    },
    async meetupHostLink({ id }) {
      return meetupHostLink(meetupsDeps(), id);
    },
  };

  return {
    api,
    studio,
    catalog,
    ledger,
    updates,
    events,
    itemFile(itemId, path) {
      return itemOutputFile(studio.dataDir, itemId, path);
    },
    renditionFile(id) {
      const r = studio.db.prepare('SELECT path, kind FROM renditions WHERE id = ?').get(id) as { path: string; kind: string } | undefined;
      if (!r) return null;
      return { path: r.path, kind: r.kind };
    },
    async close() {
      if (uploadScan) clearTimeout(uploadScan);
      updates.stop();
      catalog.close();
      await studio.close();
    },
  };
}
