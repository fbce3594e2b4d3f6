// What an API key may do. Every route in the RouteTable has one scope a key needs, or 'none' when keys
// are refused there (payouts, account and auth, devices, profile settings, the api-keys routes themselves).
// Routes declare it with `apiKey` in their spec; routes that do not are looked up in ROUTE_SCOPES, and a
// route found in neither refuses keys, so a new route is closed to keys until someone decides otherwise.
import { z } from 'zod';

export const API_KEY_SCOPES = ['read:catalog', 'read:analytics', 'write:content', 'write:vr', 'read:finance', 'manage:webhooks'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export type RouteKeyScope = ApiKeyScope | 'none';
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);

/** Secrets look like `fanz_sk_<43 base64url chars>` so secret scanners can recognise them. */
export const API_KEY_PREFIX = 'fanz_sk_';

/** Scopes of routes owned by other features, keyed by `METHOD url` (kept here so their files stay untouched). */
export const ROUTE_SCOPES: Record<string, RouteKeyScope> = {
  'GET /api/v1/catalog': 'read:catalog',
  'GET /api/v1/creators/:username': 'read:catalog',
  'GET /api/v1/subscriptions': 'read:catalog',
  'GET /api/v1/access/grants/:token': 'read:catalog',
  'GET /api/v1/media/:mediaId/playback': 'read:catalog',
  'GET /api/v1/media/:mediaId': 'write:content',
  'POST /api/v1/media/:mediaId/complete': 'write:content',
  'POST /api/v1/subscriptions': 'write:content',
  'GET /api/v1/finance/balance': 'read:finance',
  'GET /api/v1/log/public-key': 'read:finance',
  'GET /api/v1/log/tree-head': 'read:finance',
  'GET /api/v1/log/entries': 'read:finance',
  'GET /api/v1/log/proofs/inclusion': 'read:finance',
  'GET /api/v1/log/proofs/inclusion-batch': 'read:finance',
  'GET /api/v1/log/proofs/consistency': 'read:finance',
  'POST /api/v1/webhooks': 'manage:webhooks',
  'GET /api/v1/webhooks': 'manage:webhooks',
  'GET /api/v1/webhooks/:id/deliveries': 'manage:webhooks',
  'DELETE /api/v1/webhooks/:id': 'manage:webhooks',
};

export function routeKeyScope(spec: { method: string; url: string; apiKey?: RouteKeyScope }): RouteKeyScope {
  return spec.apiKey ?? ROUTE_SCOPES[`${spec.method} ${spec.url}`] ?? 'none';
}
