// Creator profiles: the public profile by username (what the fan web's creator page shows first), the
// creator's own edits (display name, bio) and the avatar (raw image body, sniffed, <= 2 MB, served back
// publicly). The avatar upload takes a raw body, so it is registered in its own Fastify scope with its
// own content-type parser; everything else goes through the RouteTable.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuthService } from '../auth/auth-service.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import { ok } from '../http/envelope.js';
import { bearerToken, type RouteTable } from '../http/routes.js';
import { AVATAR_MAX_BYTES, profileUpdateSchema, publicProfileSchema, usernameParams } from './creator-schemas.js';
import { sniffImage } from './image-sniff.js';
import { ProfileStore } from './profile-store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The creator whose avatar is being uploaded (set by the avatar scope's onRequest hook). */
    avatarOwner?: string;
  }
}

const AVATAR_BODY_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'];

function username(params: unknown): string {
  const p = usernameParams.safeParse(params);
  if (!p.success) throw new ApiError('NOT_FOUND', 'No creator with this username.');
  return p.data.username;
}

export async function creatorRoutes(app: FastifyInstance, routes: RouteTable, deps: { db: Database; auth: AuthService }): Promise<void> {
  const store = new ProfileStore(deps.db);

  routes.add({
    method: 'GET',
    url: '/api/v1/creators/:username',
    summary: "A creator's public profile (id, username, display name, bio, avatar URL)",
    tag: 'creators',
    access: 'public',
    response: publicProfileSchema,
    handler: async ({ req, reply }) => {
      const profile = await store.byUsername(username(req.params));
      if (!profile) throw new ApiError('NOT_FOUND', 'No creator with this username.');
      reply.header('cache-control', 'public, max-age=30');
      return profile;
    },
  });

  routes.add({
    method: 'GET',
    url: '/api/v1/creators/me/profile',
    summary: "The calling creator's profile as fans see it",
    tag: 'creators',
    access: 'creator',
    response: publicProfileSchema,
    handler: async ({ user }) => {
      const profile = await store.byId(user.id);
      if (!profile) throw new ApiError('NOT_FOUND', 'This account has no creator profile.');
      return profile;
    },
  });

  routes.add({
    method: 'PUT',
    url: '/api/v1/creators/me/profile',
    summary: 'Change your display name and bio',
    tag: 'creators',
    access: 'creator',
    body: profileUpdateSchema,
    response: publicProfileSchema,
    handler: async ({ body, user }) => {
      const profile = await store.update(user.id, body);
      if (!profile) throw new ApiError('NOT_FOUND', 'This account has no creator profile.');
      return profile;
    },
  });

  // Listed in the OpenAPI document like every route; the handler below is registered separately.
  routes.specs.push({
    method: 'PUT',
    url: '/api/v1/creators/me/avatar',
    summary: `Set your avatar: the raw image as the body (PNG, JPEG or WebP, at most ${AVATAR_MAX_BYTES} bytes)`,
    tag: 'creators',
    access: 'creator',
    response: publicProfileSchema,
    handler: async () => null,
  });

  await app.register(async (scope) => {
    scope.addContentTypeParser(AVATAR_BODY_TYPES, { parseAs: 'buffer', bodyLimit: AVATAR_MAX_BYTES }, (_req, body, done) => done(null, body));
    // Who is calling is settled before the body is read, so a stranger cannot make us buffer 2 MB.
    scope.addHook('onRequest', async (req) => {
      const user = await deps.auth.authenticate(bearerToken(req));
      if (user.role !== 'creator') throw new ApiError('FORBIDDEN', 'Only creators have an avatar.');
      req.avatarOwner = user.id;
    });
    scope.put('/api/v1/creators/me/avatar', async (req) => {
      const ownerId = req.avatarOwner!;
      const body = req.body;
      if (!(body instanceof Buffer) || body.length === 0) {
        throw new ApiError('VALIDATION_ERROR', 'Send the image itself as the request body (Content-Type image/png, image/jpeg or image/webp).');
      }
      const type = sniffImage(body);
      if (!type) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The avatar must be a PNG, JPEG or WebP image.');
      await store.setAvatar(ownerId, type, body);
      return ok(await store.byId(ownerId));
    });
  });

  app.get('/api/v1/creators/:username/avatar', async (req, reply) => {
    const avatar = await store.avatar(username(req.params));
    if (!avatar) throw new ApiError('NOT_FOUND', 'This creator has no avatar.');
    const etag = `"${avatar.sha256.slice(0, 32)}"`;
    reply.header('etag', etag).header('x-content-type-options', 'nosniff');
    // Versioned URLs (?v=<hash>) never change; a bare URL is revalidated.
    const versioned = z.object({ v: z.string() }).safeParse(req.query).success;
    reply.header('cache-control', versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(avatar.contentType).send(Buffer.from(avatar.data));
  });
}
