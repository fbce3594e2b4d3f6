// The media JSON routes: GET /api/v1/media/:mediaId (the owner's view of what is stored), POST
// .../complete (the file list becomes the ready manifest) and GET .../playback (a signed, absolute URL
// for the creator and entitled viewers; one playback session row per call).
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http/routes.js';
import type { MediaAccess } from './media-access.js';
import { checkCompletion } from './media-complete.js';
import type { MediaQueries } from './media-queries.js';
import { completeBodySchema, completeResultSchema, mediaInfoSchema, mediaParamsSchema, playbackSchema } from './media-schemas.js';
import type { MediaStorage } from './media-storage.js';
import { fileWithRole, type MediaViews } from './media-views.js';
import type { PlaybackSigner } from './playback-tokens.js';

export interface MediaRouteDeps {
  queries: MediaQueries;
  storage: MediaStorage;
  views: MediaViews;
  access: MediaAccess;
  signer: PlaybackSigner;
  playbackTtlS: number;
  publicUrl?: string;
  /** Called once a media is ready (e.g. the content.uploaded webhook). */
  onReady?(creatorId: string, mediaId: string, kind: 'video' | 'image'): Promise<void>;
}

export function mediaIdOf(req: FastifyRequest): string {
  const r = mediaParamsSchema.safeParse(req.params);
  if (!r.success) throw new ApiError('VALIDATION_ERROR', 'The URL does not name a media id (med_...).', { issues: r.error.issues.map((i) => i.message) });
  return r.data.mediaId;
}

export function baseUrl(req: FastifyRequest, publicUrl?: string): string {
  return publicUrl ?? `${req.protocol}://${req.host}`;
}

async function ownedMedia(deps: MediaRouteDeps, mediaId: string, userId: string) {
  const media = await deps.queries.media(mediaId);
  if (!media) throw new ApiError('NOT_FOUND', `The server holds no file of media ${mediaId}.`);
  if (media.creatorId !== userId) throw new ApiError('FORBIDDEN', `Media ${mediaId} belongs to another creator.`);
  return media;
}

export function mediaRoutes(routes: RouteTable, deps: MediaRouteDeps): void {
  routes.add({
    method: 'GET',
    url: '/api/v1/media/:mediaId',
    summary: "The owner's view of a media: status and the files stored (path, sha256, size)",
    tag: 'media',
    access: 'creator',
    response: mediaInfoSchema,
    handler: async ({ req, user }) => {
      const mediaId = mediaIdOf(req);
      const media = await ownedMedia(deps, mediaId, user.id);
      const files = await deps.queries.files(mediaId);
      if (files.length === 0 && media.status !== 'ready') throw new ApiError('NOT_FOUND', `The server holds no file of media ${mediaId}.`);
      return {
        mediaId,
        creatorId: media.creatorId,
        kind: media.kind,
        status: media.status,
        files: files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
        bytes: files.reduce((s, f) => s + f.size, 0),
      };
    },
  });

  routes.add({
    method: 'POST',
    url: '/api/v1/media/:mediaId/complete',
    summary: 'Mark a media ready with its file list (checked against the stored files and the playlists)',
    tag: 'media',
    access: 'creator',
    body: completeBodySchema,
    response: completeResultSchema,
    handler: async ({ req, user, body }) => {
      const mediaId = mediaIdOf(req);
      await ownedMedia(deps, mediaId, user.id);
      await checkCompletion(body, await deps.queries.files(mediaId), deps.storage);
      await deps.queries.complete(mediaId, body);
      deps.views.invalidate(mediaId);
      // The media is ready either way; a failed notification is logged, not the caller's problem.
      await deps.onReady?.(user.id, mediaId, body.kind).catch((err: unknown) => req.log.warn({ err, mediaId }, 'content.uploaded event failed'));
      return { mediaId, status: 'ready' as const };
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/v1/media/:mediaId/playback',
    summary: 'A signed playback URL (master playlist or photo) for the creator and entitled viewers',
    tag: 'media',
    access: 'user',
    response: playbackSchema,
    handler: async ({ req, user }) => {
      const mediaId = mediaIdOf(req);
      const view = await deps.views.get(mediaId);
      if (!view) throw new ApiError('NOT_FOUND', `No media ${mediaId}.`);
      let postId: string | null = null;
      if (view.creatorId !== user.id) {
        const posts = await deps.access.publicPosts(view.creatorId, mediaId);
        postId = await deps.access.entitlingPost(user.id, view.creatorId, posts);
      }
      if (view.status !== 'ready' || !view.kind) throw new ApiError('MEDIA_NOT_READY', 'This media is still being uploaded; try again once it is complete.');
      const main =
        view.kind === 'video'
          ? fileWithRole(view, 'hls_master')
          : [...view.files.values()].filter((f) => f.role === 'photo').sort((a, b) => b.size - a.size)[0];
      if (!main) throw new ApiError('MEDIA_NOT_READY', 'This media has no playable file stored right now; the creator is replacing it.');
      const expiresAt = Math.floor(Date.now() / 1000) + deps.playbackTtlS;
      const base = `${baseUrl(req, deps.publicUrl)}/api/v1/media/${mediaId}`;
      const signed = `${base}/s/${deps.signer.sign(mediaId, user.id, expiresAt)}/`;
      const vtt = view.kind === 'video' ? fileWithRole(view, 'sprite_vtt') : undefined;
      await deps.queries.recordPlayback(user.id, mediaId, postId, view.creatorId);
      return {
        url: signed + main.path,
        expiresAt: new Date(expiresAt * 1000).toISOString(),
        kind: view.kind,
        posterUrl: `${base}/poster`,
        thumbnailsUrl: vtt ? signed + vtt.path : null,
      };
    },
  });
}
