// /api/v1/auth: register, login, refresh (rotation with reuse detection), logout.
import type { AuthService } from './auth-service.js';
import { authResult, loginBody, logoutBody, refreshBody, registerBody } from './schemas.js';
import { ApiError } from '../errors.js';
import { bearerToken, type RouteTable } from '../http/routes.js';
import { z } from 'zod';

export function authRoutes(routes: RouteTable, auth: AuthService): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/auth/register',
    summary: 'Create a creator or fan account and start a session',
    tag: 'auth',
    access: 'public',
    body: registerBody,
    response: authResult,
    status: 201,
    handler: ({ body, req }) => auth.register(body, req.ip),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Log in with email and password (failures back off per email and address, and are capped per address)',
    tag: 'auth',
    access: 'public',
    body: loginBody,
    response: authResult,
    handler: ({ body, req }) => auth.login(body, req.ip),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    summary: 'Exchange a refresh token for a new pair; reusing a spent refresh token revokes the session',
    tag: 'auth',
    access: 'public',
    body: refreshBody,
    response: authResult,
    handler: ({ body }) => auth.refresh(body.refreshToken),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/auth/logout',
    summary: 'Revoke the session of the bearer access token and/or of the given refresh token',
    tag: 'auth',
    // Public so a client whose access token has expired can still end its session with the refresh token.
    access: 'public',
    body: logoutBody,
    response: z.object({ loggedOut: z.literal(true) }),
    handler: async ({ body, req }) => {
      const token = bearerToken(req);
      if (!token && !body.refreshToken) {
        throw new ApiError('UNAUTHENTICATED', 'Send the access token (Authorization: Bearer) or the refresh token.');
      }
      await auth.logout(token ? await auth.authenticate(token) : null, body.refreshToken);
      return { loggedOut: true as const };
    },
  });
}
