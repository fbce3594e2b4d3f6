// The creator's integration API keys on the server (issue 17), managed from the studio's Account screen:
// POST/GET/DELETE /api/v1/api-keys with the creator's access token. Answers are checked with zod so a wrong
// server is a clear BAD_SERVER_RESPONSE, and the server's `{field}` detail becomes a field error the form shows.
import { z } from 'zod';
import { API_KEY_SCOPES, StudioApiError, type ApiKeyCreated, type ApiKeyView } from '../../../shared/studio-api.js';
import { callServer } from '../account/server-client.js';

export interface ApiKeysDeps {
  serverUrl: string;
  accessToken: () => Promise<string>;
}

const keyView = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  hint: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
const created = keyView.extend({ secret: z.string().startsWith('fanz_sk_') });

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new StudioApiError('BAD_SERVER_RESPONSE', 'the server answered with an API key the studio does not understand');
  return r.data;
}

async function call(d: ApiKeysDeps, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
  try {
    return await callServer(d.serverUrl, method, path, { accessToken: await d.accessToken(), ...(body !== undefined ? { body } : {}) });
  } catch (err) {
    const field = err instanceof StudioApiError ? err.details?.field : undefined;
    if (err instanceof StudioApiError && typeof field === 'string' && !err.details?.fields) {
      throw new StudioApiError(err.code, err.message, { ...err.details, fields: { [field]: err.message } });
    }
    throw err;
  }
}

/** Every key of the signed-in creator, newest first, revoked ones included (the server never lists secrets). */
export async function listApiKeys(d: ApiKeysDeps): Promise<ApiKeyView[]> {
  return parse(z.array(keyView), await call(d, 'GET', '/api/v1/api-keys'));
}

/** Creates a key; the answer is the only time its secret exists outside the integration that gets it. */
export async function createApiKey(d: ApiKeysDeps, input: { name: string; scopes: ApiKeyView['scopes']; expiresAt?: string | undefined }): Promise<ApiKeyCreated> {
  const body = { name: input.name, scopes: input.scopes, ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}) };
  return parse(created, await call(d, 'POST', '/api/v1/api-keys', body));
}

/** Revokes a key: the server refuses it (401) from the next request on. */
export async function revokeApiKey(d: ApiKeysDeps, id: string): Promise<ApiKeyView> {
  return parse(keyView, await call(d, 'DELETE', `/api/v1/api-keys/${encodeURIComponent(id)}`));
}
