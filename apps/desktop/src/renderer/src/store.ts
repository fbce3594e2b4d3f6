// The renderer's state (zustand): what the screens show, refreshed from the StudioApi when the backend
// says something changed. The store holds no business rules; validation happens behind the API.
import { create } from 'zustand';
import type { Post } from '@fanz/core';
import type {
  Earnings,
  JobView,
  LibraryItemView,
  LibraryQuery,
  SessionInfo,
  StudioClient,
  StudioEvent,
  SyncStatus,
} from '../../shared/studio-api';
import { createClient, type ConnectionState } from './transport';
import { formError } from './errors';

export type Screen = 'library' | 'jobs' | 'posts' | 'schedule' | 'earnings' | 'insights' | 'meetups' | 'account';

interface LibraryState {
  items: LibraryItemView[];
  nextCursor: string | null;
  total: number;
  query: LibraryQuery;
  loading: boolean;
}

export interface StudioState {
  client: StudioClient | null;
  host: ConnectionState;
  fatal: string | null;
  screen: Screen;
  session: SessionInfo | null;
  sync: SyncStatus | null;
  posts: Post[];
  jobs: JobView[];
  library: LibraryState;
  earnings: Earnings | null;
  /** Why the last Earnings refresh failed, in words; the earnings shown before stay (null after a good one). */
  earningsError: string | null;
  editingPostId: string | null;
  /** The last import's outcome; kept here so it survives switching screens while an import runs. */
  importMessage: { text: string; error: boolean } | null;
  /** Resolves true when every path was imported (the form then clears its input). */
  importPaths(paths: string[]): Promise<boolean>;
  /** Browser mode: picked or dropped files are copied to the host (with progress), then imported. */
  importFiles(files: File[]): Promise<void>;
  /** Bytes copied so far while importFiles runs. */
  importProgress: { sent: number; total: number } | null;
  setScreen(s: Screen): void;
  /** The Library item whose panel is open (a job's item link opens it). */
  libraryOpenId: string | null;
  openLibraryItem(id: string | null): void;
  /** Finished jobs before this time are hidden from the Jobs list ("Clear finished"); kept in this browser. */
  jobsClearedAt: number;
  clearFinishedJobs(): void;
  /** Times are the creator's local time; UTC is shown next to them only when asked (kept in this browser). */
  showUtc: boolean;
  setShowUtc(on: boolean): void;
  editPost(id: string | null): void;
  init(): void;
  refreshSession(): Promise<void>;
  refreshSync(): Promise<void>;
  refreshPosts(): Promise<void>;
  refreshJobs(): Promise<void>;
  loadLibrary(query?: Partial<LibraryQuery>): Promise<void>;
  loadMoreLibrary(): Promise<void>;
  refreshEarnings(): Promise<void>;
}

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}

export const useStudio = create<StudioState>((set, get) => ({
  client: null,
  host: 'closed',
  fatal: null,
  screen: 'library',
  session: null,
  sync: null,
  posts: [],
  jobs: [],
  library: { items: [], nextCursor: null, total: 0, query: { text: '' }, loading: false },
  earnings: null,
  earningsError: null,
  editingPostId: null,
  importMessage: null,
  async importPaths(paths) {
    const c = get().client;
    if (!c || paths.length === 0) return false;
    set({ importMessage: { text: `Importing ${paths.length} ${paths.length === 1 ? 'item' : 'items'}…`, error: false } });
    let ok = false;
    try {
      const r = await c.api.importPaths({ paths });
      const name = (p: string) => p.split(/[\\/]/).pop();
      const skipped = r.skipped.length
        ? ` Not imported: ${r.skipped.slice(0, 3).map((s) => `${name(s.path)} (${s.reason})`).join('; ')}${r.skipped.length > 3 ? ` and ${r.skipped.length - 3} more` : ''}.`
        : '';
      const done = r.imported === 0 ? 'Nothing was imported.' : `Imported ${r.imported}; processing started (see Jobs).`;
      set({ importMessage: { text: done + skipped, error: r.skipped.length > 0 } });
      ok = r.skipped.length === 0;
    } catch (err) {
      set({ importMessage: { text: formError(err).message ?? 'The import failed.', error: true } });
    }
    void get().loadLibrary();
    return ok;
  },
  importProgress: null,
  async importFiles(files) {
    const c = get().client;
    if (!c || files.length === 0) return;
    if (!c.uploadFiles) {
      set({ importMessage: { text: 'Drop files onto the window or type their paths.', error: true } });
      return;
    }
    const n = files.length;
    set({ importMessage: { text: `Copying ${n} ${n === 1 ? 'file' : 'files'} into the studio…`, error: false }, importProgress: { sent: 0, total: 1 } });
    const results = await c.uploadFiles(files, (sent, total) => set({ importProgress: { sent, total: Math.max(1, total) } }));
    set({ importProgress: null });
    const failed = results.filter((r): r is { name: string; error: string } => 'error' in r);
    const paths = results.flatMap((r) => ('path' in r ? [r.path] : []));
    if (paths.length) await get().importPaths(paths);
    if (failed.length) {
      const before = get().importMessage?.text ?? '';
      const why = failed.slice(0, 3).map((f) => `${f.name} (${f.error})`).join('; ');
      set({ importMessage: { text: `${paths.length ? `${before} ` : ''}Not copied: ${why}.`, error: true } });
    }
  },
  setScreen: (screen) => set({ screen }),
  libraryOpenId: null,
  openLibraryItem: (id) => set(id ? { libraryOpenId: id, screen: 'library' } : { libraryOpenId: null }),
  jobsClearedAt: Number(globalThis.localStorage?.getItem('studio-jobs-cleared-at') ?? 0) || 0,
  showUtc: globalThis.localStorage?.getItem('studio-show-utc') === '1',
  setShowUtc(on) {
    globalThis.localStorage?.setItem('studio-show-utc', on ? '1' : '0');
    set({ showUtc: on });
  },
  clearFinishedJobs() {
    const now = Date.now();
    globalThis.localStorage?.setItem('studio-jobs-cleared-at', String(now));
    set({ jobsClearedAt: now });
  },
  editPost: (editingPostId) => set({ editingPostId, screen: 'posts' }),

  init() {
    if (get().client) return;
    let client: StudioClient;
    try {
      client = createClient((host) => {
        set({ host });
        if (host === 'open') void refreshAll();
      });
    } catch (err) {
      set({ fatal: formError(err).message });
      return;
    }
    set({ client });
    const jobs = throttle(() => void get().refreshJobs(), 500);
    const library = throttle(() => void get().loadLibrary(), 1500);
    const posts = throttle(() => void get().refreshPosts(), 100);
    client.subscribe((e: StudioEvent) => {
      if (e.type === 'sync') set({ sync: e.status });
      else if (e.type === 'posts') posts();
      else if (e.type === 'jobs') jobs();
      else if (e.type === 'library') library();
      else if (e.type === 'session') void refreshAll();
    });
    const refreshAll = async () => {
      await get().refreshSession();
      await Promise.all([get().refreshSync(), get().refreshPosts(), get().refreshJobs(), get().loadLibrary()]);
    };
  },
  async refreshSession() {
    const c = get().client;
    if (c) set({ session: await c.api.session() });
  },
  async refreshSync() {
    const c = get().client;
    if (c) set({ sync: await c.api.syncStatus() });
  },
  async refreshPosts() {
    const c = get().client;
    if (c) set({ posts: await c.api.postsList() });
  },
  async refreshJobs() {
    const c = get().client;
    if (c) set({ jobs: await c.api.jobsList() });
  },
  async loadLibrary(query) {
    const c = get().client;
    if (!c) return;
    const q = { ...get().library.query, ...query, cursor: null };
    // A refresh (no new query) keeps as many items as are loaded, so a scrolled grid does not jump back.
    const keep = query ? 200 : Math.min(500, Math.max(200, get().library.items.length));
    set((s) => ({ library: { ...s.library, query: q, loading: true } }));
    const page = await c.api.libraryList({ ...q, limit: keep });
    set({ library: { items: page.items, nextCursor: page.nextCursor, total: page.total, query: q, loading: false } });
  },
  async loadMoreLibrary() {
    const c = get().client;
    const lib = get().library;
    if (!c || !lib.nextCursor || lib.loading) return;
    set({ library: { ...lib, loading: true } });
    const page = await c.api.libraryList({ ...lib.query, cursor: lib.nextCursor });
    set((s) => ({
      library: { ...s.library, items: [...s.library.items, ...page.items], nextCursor: page.nextCursor, total: page.total, loading: false },
    }));
  },
  async refreshEarnings() {
    const c = get().client;
    if (!c) return;
    try {
      set({ earnings: await c.api.earnings(), earningsError: null });
    } catch (err) {
      set({ earningsError: formError(err).message ?? 'Your earnings could not be refreshed.' });
    }
  },
}));
