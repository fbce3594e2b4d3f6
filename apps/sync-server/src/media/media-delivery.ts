// The file routes: the signed route `/api/v1/media/:mediaId/s/:token/<path>` (no headers needed: the
// token in the path is the credential; 403 for tampered, expired or foreign tokens before anything else
// is looked at; a token that verified is remembered until it expires, so a player's many segment requests
// cost one HMAC) and the public previews `/poster`, `/preview`, `/teaser` (only for media held by a post
// that is public now; its creator may see them earlier with a Bearer token).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import { ApiError } from '../errors.js';
import { bearerToken } from '../http/routes.js';
import { sendStoredFile } from './file-response.js';
import type { MediaCatalog } from './media-catalog.js';
import { isPlaylist } from './media-paths.js';
import { mediaIdOf } from './media-routes.js';
import type { MediaStorage } from './media-storage.js';
import { fileWithRole, type MediaView, type ServedFile } from './media-views.js';
import type { MediaViews } from './media-views.js';
import type { PlaybackClaims, PlaybackSigner } from './playback-tokens.js';

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

/** Verified tokens kept per media, so a player's segment requests skip the HMAC. */
const VERIFIED_MAX = 10_000;
const MEDIA_ID_RE = /^med_[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$/;

export function mediaDeliveryRoutes(app: FastifyInstance, deps: DeliveryDeps): void {
  // `${mediaId}/${token}` -> claims of a token that verified; only valid tokens get in, and an entry is
  // used only until its own expiry. Oldest first out when full.
  const verified = new Map<string, PlaybackClaims>();
  const claimsOf = (mediaId: string, token: string): PlaybackClaims => {
    const key = `${mediaId}/${token}`;
    const nowS = Date.now() / 1000;
    const hit = verified.get(key);
    if (hit && hit.expiresAt > nowS) return hit;
    const check = deps.signer.verify(mediaId, token, nowS);
    if (!check.ok) {
      if (hit) verified.delete(key);
      throw new ApiError('FORBIDDEN', check.reason === 'expired' ? 'This playback link has expired; ask for a new one.' : 'This playback link is not valid for this media.');
    }
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(key, check.claims);
    return check.claims;
  };

  const signedFile = async (req: FastifyRequest, reply: FastifyReply) => {
    const { mediaId: rawId, token, '*': path } = req.params as { mediaId: string; token: string; '*': string };
    // The common case without zod (this route is most of the traffic); anything else gets its 400 there.
    const mediaId = MEDIA_ID_RE.test(rawId) ? rawId : mediaIdOf(req);
    const claims = claimsOf(mediaId, token);
    const view = await deps.views.get(mediaId);
    // An exact match against the manifest's paths (checked by pathProblem when the media was completed)
    // is the path check: `..`, encodings or anything else unlisted simply is not there.
    const file = view?.status === 'ready' ? view.files.get(path) : undefined;
    if (!file) throw new ApiError('NOT_FOUND', `No file ${path.slice(0, 200)} in this media.`);
    const left = Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
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
