// POST/GET/DELETE /api/v1/api-keys: a creator's keys. Only a signed-in creator (access token) manages keys;
// a key can never create, list or revoke keys.
import { z } from 'zod';
import type { IdParam, RouteTable } from '../http/routes.js';
import type { ApiKeyService } from './api-key-service.js';
import { apiKeyScopeSchema } from './scopes.js';

const createBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(apiKeyScopeSchema).min(1),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
const keyView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  hint: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
const keyId: IdParam = { pattern: /^apk_[0-9a-z]{26}$/, noun: 'API key id' };

export function apiKeyRoutes(routes: RouteTable, keys: ApiKeyService): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/api-keys',
    summary: 'Create an API key with scopes and an optional expiry; the secret (fanz_sk_...) is in this answer only',
    tag: 'api-keys',
    access: 'creator',
    apiKey: 'none',
    body: createBody,
    response: keyView.extend({ secret: z.string() }),
    status: 201,
    handler: async ({ user, body }) => keys.create(user.id, body),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/api-keys',
    summary: "The calling creator's API keys (never their secrets), newest first",
    tag: 'api-keys',
    access: 'creator',
    apiKey: 'none',
    response: z.array(keyView),
    handler: async ({ user }) => keys.list(user.id),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/v1/api-keys/:id',
    summary: 'Revoke an API key; requests with it are refused (401) from the next one on',
    tag: 'api-keys',
    access: 'creator',
    apiKey: 'none',
    idParam: keyId,
    response: keyView,
    handler: async ({ user, id }) => keys.revoke(user.id, id),
  });
}
