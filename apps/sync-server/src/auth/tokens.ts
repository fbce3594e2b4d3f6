// Signs and verifies the two JWTs (HS256): access tokens (15 minutes) and refresh tokens (7 days).
// A `typ` claim keeps one from being used as the other; `sid` names the session (refresh-token family).
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ApiError } from '../errors.js';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'fanz-sync-server';

export type Role = 'creator' | 'fan';

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
}

export interface RefreshClaims {
  userId: string;
  sessionId: string;
  jti: string;
}

export class TokenSigner {
  constructor(private readonly secret: Uint8Array) {}

  signAccess(c: AccessClaims): Promise<string> {
    return new SignJWT({ typ: 'access', role: c.role, sid: c.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${ACCESS_TTL_SECONDS}s`)
      .sign(this.secret);
  }

  signRefresh(c: RefreshClaims): Promise<string> {
    return new SignJWT({ typ: 'refresh', sid: c.sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(c.userId)
      .setJti(c.jti)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${REFRESH_TTL_SECONDS}s`)
      .sign(this.secret);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.verify(token, 'access');
    if ((p.role !== 'creator' && p.role !== 'fan') || typeof p.sid !== 'string') throw invalid();
    return { userId: p.sub as string, role: p.role, sessionId: p.sid };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const p = await this.verify(token, 'refresh');
    if (typeof p.sid !== 'string' || typeof p.jti !== 'string') throw invalid();
    return { userId: p.sub as string, sessionId: p.sid, jti: p.jti };
  }

  private async verify(token: string, typ: 'access' | 'refresh') {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: ISSUER, algorithms: ['HS256'] });
      if (payload.typ !== typ || typeof payload.sub !== 'string') throw invalid();
      return payload;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new ApiError('TOKEN_EXPIRED', `The ${typ} token has expired.`);
      throw invalid();
    }
  }
}

function invalid() {
  return new ApiError('UNAUTHENTICATED', 'The token is missing, malformed or not valid.');
}
