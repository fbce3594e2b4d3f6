// /api/v1/auth: register, login, refresh (rotation with reuse detection), logout.
import type { AuthService } from '../auth/auth-service.js';
import { authResult, loginBody, logoutBody, refreshBody, registerBody } from '../auth/schemas.js';
import type { RouteTable } from '../http/routes.js';
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
    handler: ({ body }) => auth.register(body),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/auth/login',
    summary: 'Log in with email and password (5 attempts per 15 minutes per email)',
    tag: 'auth',
    access: 'public',
    body: loginBody,
    response: authResult,
    handler: ({ body }) => auth.login(body),
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
    summary: "Revoke the caller's session (and the refresh token's session, if given)",
    tag: 'auth',
    access: 'user',
    body: logoutBody,
    response: z.object({ loggedOut: z.literal(true) }),
    handler: async ({ body, user }) => {
      await auth.logout(user, body.refreshToken);
      return { loggedOut: true as const };
    },
  });
}
