// Composes the media feature (issue 11, /work/notes/media-contract.md): storage (directory or S3), the tus
// upload endpoint, the JSON routes and the file routes. server.ts calls `createMediaFeature` once.
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { MediaConfig } from '../config.js';
import type { Database } from '../db/database.js';
import type { RouteTable } from '../http/routes.js';
import type { RedisConnections } from '../redis/redis-connections.js';
import type { DocStore } from '../sync/doc-store.js';
import type { Logger } from 'pino';
import { MediaAccess } from './media-access.js';
import { MediaCatalog } from './media-catalog.js';
import { mediaDeliveryRoutes } from './media-delivery.js';
import { MediaQueries } from './media-queries.js';
import { mediaRoutes } from './media-routes.js';
import { openMediaStorage, type MediaStorage } from './media-storage.js';
import { MediaViews } from './media-views.js';
import { PlaybackSigner } from './playback-tokens.js';
import { RedisUploadLocker } from './redis-upload-locker.js';
import { mountTusUploads } from './tus-uploads.js';
import { UploadSweep } from './upload-sweep.js';

export const DEFAULT_MEDIA_CONFIG: MediaConfig = { quotaBytes: 50 * 1024 ** 3, playbackTtlS: 3600 };

export interface MediaFeatureDeps {
  app: FastifyInstance;
  routes: RouteTable;
  auth: AuthService;
  db: Database;
  store: DocStore;
  dataDir: string;
  config?: Partial<MediaConfig>;
  onReady?(creatorId: string, mediaId: string, kind: 'video' | 'image'): Promise<void>;
  /** Multi-instance mode: tus upload locks live in Redis (redis-upload-locker.ts). */
  redis?: RedisConnections | null;
}

export interface MediaFeature {
  storage: MediaStorage;
  queries: MediaQueries;
  /** Deletes the bytes of abandoned uploads (upload-sweep.ts); runs hourly by itself. Returns how many. */
  sweepAbandonedUploads(): Promise<number>;
  close(): void;
}

export async function createMediaFeature(deps: MediaFeatureDeps): Promise<MediaFeature> {
  const config: MediaConfig = { ...DEFAULT_MEDIA_CONFIG, ...Object.fromEntries(Object.entries(deps.config ?? {}).filter(([, v]) => v !== undefined)) };
  const storage = openMediaStorage(deps.dataDir, config);
  const queries = new MediaQueries(deps.db);
  const views = new MediaViews(queries);
  const catalog = new MediaCatalog(deps.db, deps.store);
  const signer = await PlaybackSigner.open(deps.db);
  const locker = deps.redis ? new RedisUploadLocker(deps.redis, deps.app.log as unknown as Logger) : undefined;
  await locker?.start();
  mountTusUploads(deps.app, {
    locker,
    auth: deps.auth,
    queries,
    storage,
    quotaBytes: config.quotaBytes,
    publicUrl: config.publicUrl,
    onStored: (mediaId) => views.invalidate(mediaId),
  });
  mediaRoutes(deps.routes, {
    queries,
    storage,
    views,
    access: new MediaAccess(deps.db, catalog),
    signer,
    playbackTtlS: config.playbackTtlS,
    publicUrl: config.publicUrl,
    onReady: deps.onReady,
  });
  mediaDeliveryRoutes(deps.app, { auth: deps.auth, storage, views, catalog, signer });
  const sweep = new UploadSweep(queries, storage, deps.app.log);
  sweep.start();
  return {
    storage,
    queries,
    sweepAbandonedUploads: () => sweep.run(),
    close: () => {
      void locker?.close();
      sweep.stop();
      storage.close();
    },
  };
}
