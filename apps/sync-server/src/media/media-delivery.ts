// The file routes: the signed route `/api/v1/media/:mediaId/s/:token/<path>` (no headers needed: the
// token in the path is the credential; 403 for tampered, expired or foreign tokens before anything else
// is looked at) and the public previews `/poster`, `/preview`, `/teaser` (only for media held by a post
// that is public now; its creator may see them earlier with a Bearer token).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { ApiError } from '../errors.js';
import { bearerToken } from '../http/routes.js';
import { sendStoredFile } from './file-response.js';
import type { MediaCatalog } from './media-catalog.js';
import { isPlaylist, pathProblem } from './media-paths.js';
import { mediaIdOf } from './media-routes.js';
import type { MediaStorage } from './media-storage.js';
import { fileWithRole, type MediaView, type ServedFile } from './media-views.js';
import type { MediaViews } from './media-views.js';
import type { PlaybackSigner } from './playback-tokens.js';

export interface DeliveryDeps {
  auth: AuthService;
  storage: MediaStorage;
  views: MediaViews;
  catalog: MediaCatalog;
  signer: PlaybackSigner;
}

/** Playlists may change when a media is completed again; everything else under a token never does. */
const PLAYLIST_MAX_AGE_S = 30;
const PREVIEW_MAX_AGE_S = 300;

type PreviewKind = 'poster' | 'preview' | 'teaser';

function previewFile(view: MediaView, what: PreviewKind): ServedFile | undefined {
  if (what === 'teaser') return fileWithRole(view, 'teaser');
  // An image's poster is its blurred preview: the photo itself is the content.
  if (what === 'poster' && view.kind === 'video') return fileWithRole(view, 'poster');
  return fileWithRole(view, 'preview', view.kind === 'image' ? ['.webp'] : ['.jpg']);
}

/** Before complete, the creator's own preview comes from the stored files by their conventional names. */
function storedPreview(view: MediaView, what: PreviewKind): ServedFile | undefined {
  const names = what === 'teaser' ? ['teaser.mp4'] : what === 'poster' ? ['poster.jpg', 'preview_blur.webp'] : ['preview_blur.jpg', 'preview_blur.webp'];
  for (const n of names) if (view.stored.has(n)) return view.stored.get(n);
  return undefined;
}

export function mediaDeliveryRoutes(app: FastifyInstance, deps: DeliveryDeps): void {
  const signedFile = async (req: FastifyRequest, reply: FastifyReply) => {
    const mediaId = mediaIdOf(req);
    const { token, '*': path } = req.params as { token: string; '*': string };
    const check = deps.signer.verify(mediaId, token);
    if (!check.ok) {
      throw new ApiError('FORBIDDEN', check.reason === 'expired' ? 'This playback link has expired; ask for a new one.' : 'This playback link is not valid for this media.');
    }
    const view = pathProblem(path) === null ? await deps.views.get(mediaId) : null;
    const file = view?.status === 'ready' ? view.files.get(path) : undefined;
    if (!file) throw new ApiError('NOT_FOUND', `No file ${path.slice(0, 200)} in this media.`);
    const left = Math.max(0, check.claims.expiresAt - Math.floor(Date.now() / 1000));
    const cache = isPlaylist(path) ? `public, max-age=${Math.min(PLAYLIST_MAX_AGE_S, left)}` : `public, max-age=${left}, immutable`;
    return sendStoredFile(req, reply, deps.storage, file, cache);
  };
  app.route({ method: ['GET', 'HEAD'], url: '/api/v1/media/:mediaId/s/:token/*', handler: signedFile });

  for (const what of ['poster', 'preview', 'teaser'] as const) {
    app.route({
      method: ['GET', 'HEAD'],
      url: `/api/v1/media/:mediaId/${what}`,
      handler: async (req, reply) => {
        const mediaId = mediaIdOf(req);
        const token = bearerToken(req);
        const user = token ? await deps.auth.authenticate(token) : null;
        const view = await deps.views.get(mediaId);
        const notFound = new ApiError('NOT_FOUND', `No public ${what} for media ${mediaId}.`);
        if (!view) throw notFound;
        if (user && user.id === view.creatorId) {
          const file = (view.status === 'ready' ? previewFile(view, what) : undefined) ?? storedPreview(view, what);
          if (!file) throw notFound;
          return sendStoredFile(req, reply, deps.storage, file, 'private, no-store');
        }
        if (view.status !== 'ready') throw notFound;
        const posts = await deps.catalog.publicPostsWith(view.creatorId, mediaId);
        const shown = what === 'teaser' ? posts.some((p) => p.teaserMediaId === mediaId) : posts.length > 0;
        const file = shown ? previewFile(view, what) : undefined;
        if (!file) throw notFound;
        return sendStoredFile(req, reply, deps.storage, file, `public, max-age=${PREVIEW_MAX_AGE_S}`);
      },
    });
  }
}
